"""Concurrent update processing that keeps each chat's updates in the order they were sent."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class PerChatOrder(BaseUpdateProcessor):
    """Different chats are served at once; one chat's updates run one after another, so a quick
    "/start" then "/settings" never finds the chat unsubscribed.

    Updates waiting for their chat's turn hold one of `max_concurrent_updates` slots (PTB takes
    the slot first), so the limit is generous: a flood from one chat drains fast anyway, since
    the throttle refuses most of it in microseconds.
    """

    def __init__(self, max_concurrent_updates: int):
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._queued: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        lock = self._locks.setdefault(chat.id, asyncio.Lock())
        self._queued[chat.id] = self._queued.get(chat.id, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._queued[chat.id] -= 1
            if not self._queued[chat.id]:  # nobody else waits: forget the chat
                del self._queued[chat.id]
                del self._locks[chat.id]

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""
