"""Render's buttons → python-telegram-bot's InlineKeyboardMarkup (the one place they meet)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from gazebot.render import Button, Message


def _button(spec: Button) -> InlineKeyboardButton:
    if spec.url is not None:
        return InlineKeyboardButton(spec.text, url=spec.url)
    return InlineKeyboardButton(spec.text, callback_data=spec.callback_data)


def markup(message: Message) -> InlineKeyboardMarkup | None:
    """The inline keyboard for a message, or None when it has no buttons."""
    rows = [[_button(spec) for spec in row] for row in message.keyboard if row]
    return InlineKeyboardMarkup(rows) if rows else None
