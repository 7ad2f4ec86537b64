"""Telegram update handlers: parse the arguments, call one use case, send its replies directly."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time as monotonic_time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from functools import partial
from typing import Any, TypeVar

from telegram import LinkPreviewOptions, Message, Update
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from gazebot import render
from gazebot.bot import arguments, texts
from gazebot.bot.keyboards import markup
from gazebot.bot.ratelimit import RateLimiter
from gazebot.bot.services import Services

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
HandlerFn = Callable[[Update, Context], Coroutine[Any, Any, None]]
T = TypeVar("T")

MAX_RETRY_AFTER = 10.0
"""A reply that Telegram asks us to delay longer than this is dropped rather than held."""

_LEFT = {ChatMemberStatus.BANNED, ChatMemberStatus.LEFT}
_PRESENT = {ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}


async def send_replies(
    context: Context, chat_id: int, replies: Sequence[render.Message]
) -> list[Message]:
    """Send replies in order, straight to Telegram (never through the outbox)."""
    sent: list[Message] = []
    for reply in replies:
        sent.append(await _with_retry(partial(_send, context, chat_id, reply)))  # noqa: PERF401
    return sent


async def _send(context: Context, chat_id: int, reply: render.Message) -> Message:
    return await context.bot.send_message(
        chat_id,
        reply.text,
        parse_mode=ParseMode.HTML,
        reply_markup=markup(reply),
        link_preview_options=LinkPreviewOptions(is_disabled=not reply.link_preview),
    )


async def _with_retry(call: Callable[[], Awaitable[T]]) -> T:
    """One retry after a short 429 wait, or at once after a 502/5xx or a dropped connection: a
    person's reply should arrive, a little late if need be. Never after a timeout (the message
    may have arrived) or a 400 (it would be refused again)."""
    try:
        return await call()
    except RetryAfter as exc:
        wait = exc.retry_after if isinstance(exc.retry_after, float | int) else 1.0
        if float(wait) > MAX_RETRY_AFTER:
            raise
        await asyncio.sleep(float(wait))
        return await call()
    except NetworkError as exc:
        if isinstance(exc, BadRequest | TimedOut):
            raise
        log.info("retrying a reply after %s", exc)
        return await call()


async def edit_reply(message: Message, reply: render.Message) -> None:
    """Replace a message's text and buttons; "not modified" (a double press) is not an error."""
    try:
        await _with_retry(
            lambda: message.edit_text(
                reply.text, parse_mode=ParseMode.HTML, reply_markup=markup(reply)
            )
        )
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


class Handlers:
    """Every handler the bot registers, bound to the use cases once resources are open."""

    def __init__(
        self,
        services: Callable[[], Services],
        *,
        limiter: RateLimiter,
        monotonic: Callable[[], float] = monotonic_time.monotonic,
    ):
        self._services = services
        self._limiter = limiter
        self._monotonic = monotonic

    def all(self) -> list[tuple[int, BaseHandler[Update, Context, None]]]:
        """(group, handler) pairs: the throttle runs first (group -1), then one command."""
        only_new = filters.UpdateType.MESSAGE  # edited commands are not run twice
        commands: dict[str, HandlerFn] = {
            "start": self.start,
            "help": self.help,
            "latest": self.latest,
            "topic": self.topic,
            "follow": self.follow,
            "unfollow": self.unfollow,
            "following": self.following,
            "digest": self.digest,
            "settings": self.settings,
            "time": self.time,
            "timezone": self.timezone,
            "stop": self.stop,
            "breaking": self.breaking,
            "addfeed": self.add_feed,
            "removefeed": self.remove_feed,
            "feeds": self.feeds,
            "stats": self.stats,
        }
        handlers: list[tuple[int, BaseHandler[Update, Context, None]]] = [
            (-1, TypeHandler(Update, self.throttle)),
            (0, ChatMemberHandler(self.membership, ChatMemberHandler.MY_CHAT_MEMBER)),
            (0, CallbackQueryHandler(self.button)),
        ]
        handlers += [
            (0, CommandHandler(name, callback, filters=only_new))
            for name, callback in commands.items()
        ]
        handlers.append((0, MessageHandler(filters.COMMAND & only_new, self.unknown_command)))
        return handlers

    # --- cross-cutting ----------------------------------------------------------------------

    async def throttle(self, update: Update, context: Context) -> None:
        """Drop a person's messages and button presses beyond their token bucket."""
        user = update.effective_user
        if user is None or (update.message is None and update.callback_query is None):
            return
        if self._limiter.allow(user.id, self._monotonic()):
            return
        log.info("rate limited user %s", user.id)
        if update.callback_query is not None:
            with contextlib.suppress(TelegramError):  # stop the spinner, say why
                await update.callback_query.answer(texts.rate_limited())
            raise ApplicationHandlerStop
        chat = update.effective_chat
        if chat is not None and chat.type == ChatType.PRIVATE and self._limiter.should_warn(user.id):
            try:
                await context.bot.send_message(chat.id, texts.rate_limited())
            except TelegramError:
                log.debug("could not tell user %s to slow down", user.id)
        raise ApplicationHandlerStop

    async def on_error(self, update: object, context: Context) -> None:
        """Log what failed; tell the person, briefly, rather than leave them in silence."""
        error = context.error
        if isinstance(error, Forbidden):
            log.info("cannot reply (bot blocked or removed): %s", error)
            return
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("handler failed on update %s", update_id, exc_info=error)
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        if update.callback_query is not None:
            # Stops the button's spinner if the handler failed before answering it.
            with contextlib.suppress(TelegramError):
                await update.callback_query.answer()
        try:
            await context.bot.send_message(update.effective_chat.id, texts.apology())
        except TelegramError as exc:
            log.warning("could not send the apology: %s", exc)

    def _argument(self, update: Update) -> str:
        message = update.effective_message
        return arguments.command_argument(message.text if message else None)

    @staticmethod
    def _chat(update: Update) -> tuple[int, str]:
        chat = update.effective_chat
        assert chat is not None  # command and callback updates have one
        return chat.id, chat.type

    async def _reply(self, update: Update, context: Context, *replies: render.Message) -> None:
        await send_replies(context, self._chat(update)[0], replies)

    async def _admin(self, update: Update, context: Context) -> bool:
        user = update.effective_user
        if self._services().is_admin(user.id if user else None):
            return True
        log.warning("refused admin command from user %s", user.id if user else None)
        await self._reply(update, context, render.Message(texts.not_admin()))
        return False

    # --- subscriber commands ----------------------------------------------------------------

    async def start(self, update: Update, context: Context) -> None:
        chat_id, chat_type = self._chat(update)
        await self._reply(update, context, await self._services().start(chat_id, chat_type))

    async def help(self, update: Update, context: Context) -> None:
        user = update.effective_user
        await self._reply(update, context, self._services().help(user.id if user else None))

    async def stop(self, update: Update, context: Context) -> None:
        await self._reply(update, context, await self._services().stop(self._chat(update)[0]))

    async def latest(self, update: Update, context: Context) -> None:
        count = arguments.parse_count(
            self._argument(update), default=texts.DEFAULT_LATEST, maximum=texts.MAX_LATEST
        )
        if count is None:
            await self._reply(update, context, render.Message(texts.usage("latest")))
            return
        await self._reply(update, context, *await self._services().latest(self._chat(update)[0], count))

    async def topic(self, update: Update, context: Context) -> None:
        words = self._argument(update)
        if not words:
            await self._reply(update, context, render.Message(texts.usage("topic")))
            return
        await self._reply(update, context, *await self._services().topic(self._chat(update)[0], words))

    async def follow(self, update: Update, context: Context) -> None:
        words = self._argument(update)
        if not words:
            await self._reply(update, context, render.Message(texts.usage("follow")))
            return
        reply = await self._services().follow(self._chat(update)[0], words)
        await self._reply(update, context, reply)

    async def unfollow(self, update: Update, context: Context) -> None:
        words = self._argument(update)
        if not words:
            await self._reply(update, context, render.Message(texts.usage("unfollow")))
            return
        reply = await self._services().unfollow(self._chat(update)[0], words)
        await self._reply(update, context, reply)

    async def following(self, update: Update, context: Context) -> None:
        await self._reply(update, context, await self._services().following(self._chat(update)[0]))

    async def digest(self, update: Update, context: Context) -> None:
        await self._reply(update, context, *await self._services().digest(self._chat(update)[0]))

    async def settings(self, update: Update, context: Context) -> None:
        reply = await self._services().settings_view(self._chat(update)[0])
        await self._reply(update, context, reply)

    async def time(self, update: Update, context: Context) -> None:
        argument = self._argument(update)
        local_time = arguments.parse_time(argument)
        if local_time is None:
            hint = texts.bad_time(argument) if argument else texts.usage("time")
            await self._reply(update, context, render.Message(hint))
            return
        reply = await self._services().set_digest_time(self._chat(update)[0], local_time)
        await self._reply(update, context, reply)

    async def timezone(self, update: Update, context: Context) -> None:
        argument = self._argument(update)
        zone = arguments.canonical_timezone(argument)
        if zone is None:
            hint = texts.bad_timezone(argument) if argument else texts.usage("timezone")
            await self._reply(update, context, render.Message(hint))
            return
        reply = await self._services().set_timezone(self._chat(update)[0], zone)
        await self._reply(update, context, reply)

    async def unknown_command(self, update: Update, context: Context) -> None:
        # In a group the command may be meant for another bot: stay quiet there.
        if self._chat(update)[1] == ChatType.PRIVATE:
            await self._reply(update, context, render.Message(texts.unknown_command()))

    async def membership(self, update: Update, context: Context) -> None:
        """Blocked or removed → inactive; unblocked or added → subscribed again."""
        change = update.my_chat_member
        if change is None:
            return
        old, new = change.old_chat_member.status, change.new_chat_member.status
        chat = change.chat
        if new in _LEFT and old not in _LEFT:
            log.info("chat %s left (%s): inactive", chat.id, new)
            await self._services().membership_changed(chat.id, chat.type, member=False)
        elif new in _PRESENT and old not in _PRESENT:
            log.info("chat %s joined (%s): active", chat.id, new)
            await self._services().membership_changed(chat.id, chat.type, member=True)

    # --- buttons ----------------------------------------------------------------------------

    async def button(self, update: Update, context: Context) -> None:
        """Inline buttons: More pages, settings changes, Send/Cancel under a breaking preview.
        Stale or forged data, and admin buttons pressed by anyone else, change nothing."""
        query = update.callback_query
        if query is None:
            return
        action = render.parse_callback(query.data or "")
        message = query.message if isinstance(query.message, Message) else None
        if action is None or message is None:
            await query.answer(texts.expired_button())
            return
        services = self._services()
        chat_id = message.chat.id
        match action:
            case render.MorePage(kind="latest", offset=offset, query=size):
                count = arguments.parse_count(
                    size, default=texts.DEFAULT_LATEST, maximum=texts.MAX_LATEST
                )
                await query.answer()
                await drop_buttons(message)
                pages = await services.latest(chat_id, count or texts.DEFAULT_LATEST, offset)
                await send_replies(context, chat_id, pages)
            case render.MorePage(kind="topic", offset=offset, query=words):
                await query.answer()
                await drop_buttons(message)
                await send_replies(context, chat_id, await services.topic(chat_id, words, offset))
            case render.SettingChange(name="tz", value=value):
                zone = arguments.canonical_timezone(value)
                if zone is None:
                    await query.answer(texts.expired_button())
                    return
                await query.answer()
                await edit_reply(message, await services.change_setting(chat_id, action, zone=zone))
            case render.SettingChange():
                await query.answer()
                await edit_reply(message, await services.change_setting(chat_id, action))
            case render.BreakingAction(action=verb, broadcast_id=broadcast_id):
                if not services.is_admin(query.from_user.id):
                    log.warning("refused breaking button from user %s", query.from_user.id)
                    await query.answer(texts.not_admin(), show_alert=True)
                    return
                await query.answer()
                if verb == "send":
                    await self._send_breaking(context, chat_id, broadcast_id)
                else:
                    await self._reply(update, context, await services.cancel_breaking(broadcast_id))
                # Only now: if starting failed, Send stays under the preview to press again
                # (a second Send of the same broadcast queues nothing twice).
                await drop_buttons(message)

    async def _send_breaking(self, context: Context, chat_id: int, broadcast_id: int) -> None:
        progress = (await send_replies(context, chat_id, [render.Message(texts.breaking_starting())]))[0]
        queued = await self._services().send_breaking(broadcast_id, chat_id, progress.message_id)
        if queued == 0:
            await edit_reply(progress, render.Message(texts.breaking_nothing_to_send()))

    # --- admin commands ---------------------------------------------------------------------

    async def breaking(self, update: Update, context: Context) -> None:
        if not await self._admin(update, context):
            return
        source = self._argument(update)
        if not source:
            await self._reply(update, context, render.Message(texts.usage("breaking")))
            return
        replies = await self._services().prepare_breaking(self._chat(update)[0], source)
        await self._reply(update, context, *replies)

    async def add_feed(self, update: Update, context: Context) -> None:
        if not await self._admin(update, context):
            return
        argument = self._argument(update)
        url = arguments.parse_http_url(argument)
        if url is None:
            hint = texts.bad_feed_url(argument) if argument else texts.usage("addfeed")
            await self._reply(update, context, render.Message(hint))
            return
        await self._reply(update, context, await self._services().add_feed(url))

    async def remove_feed(self, update: Update, context: Context) -> None:
        if not await self._admin(update, context):
            return
        argument = self._argument(update)
        if not argument:
            await self._reply(update, context, render.Message(texts.usage("removefeed")))
            return
        await self._reply(update, context, await self._services().remove_feed(argument))

    async def feeds(self, update: Update, context: Context) -> None:
        if not await self._admin(update, context):
            return
        await self._reply(update, context, *await self._services().feeds())

    async def stats(self, update: Update, context: Context) -> None:
        if not await self._admin(update, context):
            return
        await self._reply(update, context, await self._services().stats())


async def drop_buttons(message: Message) -> None:
    """Remove a message's buttons (a pressed More or Send is spent); already gone is fine."""
    try:
        await _with_retry(lambda: message.edit_reply_markup(reply_markup=None))
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise
