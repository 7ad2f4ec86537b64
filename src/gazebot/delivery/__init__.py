"""Delivery: the durable outbox and its sender, daily digests, breaking news and topic alerts."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Bot

from gazebot.clock import Clock, SystemClock
from gazebot.delivery.alerts import AlertReport, TopicAlerts
from gazebot.delivery.breaking import BreakingError, BreakingNews
from gazebot.delivery.digest import (
    FIRST_DIGEST_LOOKBACK,
    DigestBuilder,
    DigestScheduler,
    digest_heading,
)
from gazebot.delivery.sender import Sender, SenderPolicy
from gazebot.render import Message
from gazebot.settings import Settings
from gazebot.store import Store

__all__ = ["BreakingError", "Delivery", "SenderPolicy", "cli_digest"]

log = logging.getLogger(__name__)

SCHEDULER_TICK = 30.0  # seconds; the loop also wakes for the earliest due digest
RETENTION = timedelta(days=14)  # finished broadcasts and their rows are kept this long
PRUNE_EVERY = timedelta(hours=1)


class Delivery:
    """The delivery engine the bot starts and stops (see notes/contracts.md)."""

    def __init__(
        self,
        store: Store,
        bot: Bot,
        settings: Settings,
        clock: Clock | None = None,
        *,
        policy: SenderPolicy | None = None,
        scheduler_tick: float = SCHEDULER_TICK,
    ) -> None:
        self._store = store
        self._clock = clock or SystemClock()
        self.outbox = store.outbox
        self.digests = store.digests
        self.sender = Sender(self.outbox, bot, self._clock, settings.send_rate, policy=policy)
        self.scheduler = DigestScheduler(self.digests, self._clock)
        self.alerts = TopicAlerts(self.digests, self._clock)
        self._breaking = BreakingNews(self.outbox, store.articles, self._clock)
        self._settings = settings
        self._tick = scheduler_tick
        self._tasks: list[asyncio.Task[None]] = []
        self._reports: set[asyncio.Task[None]] = set()
        self._stopping = asyncio.Event()
        self._schedule_now = asyncio.Event()
        self._pruned_at: datetime | None = None

    async def start(self) -> None:
        """Start the sender and the digest scheduler (pending rows from before resume)."""
        self._stopping.clear()
        self._tasks = [
            asyncio.create_task(self.sender.run(), name="gazebot-sender"),
            asyncio.create_task(self._schedule_forever(), name="gazebot-digests"),
        ]

    async def stop(self) -> None:
        """Finish the message in flight; everything still pending waits for the next start."""
        self._stopping.set()
        self._schedule_now.set()
        self.sender.stop()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        if self._reports:
            await asyncio.gather(*self._reports, return_exceptions=True)

    async def _schedule_forever(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.run_scheduled()
            except Exception:
                log.exception("digest pass failed; retrying at the next tick")
            await self._sleep_until_next()

    async def run_scheduled(self) -> None:
        """One scheduler pass: due digests and waiting topic alerts are queued (and, once an
        hour, delivery history older than the retention is pruned)."""
        now = self._clock.now()
        if self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY:
            self._pruned_at = now
            await self.outbox.prune(now - RETENTION)
        report = await self.scheduler.run_once()
        alerts = await self.alerts.flush()
        if report.queued or alerts:
            log.info("queued %d digest(s) and %d alert(s)", report.queued, alerts)
            self.sender.wake()

    async def _sleep_until_next(self) -> None:
        wait = self._tick
        earliest = await self.scheduler.next_wake()
        if earliest is not None:
            wait = min(wait, max(1.0, (earliest - self._clock.now()).total_seconds()))
        self._schedule_now.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._schedule_now.wait(), timeout=wait)

    # --- what the bot calls -------------------------------------------------------------

    async def digest_messages(self, chat_id: int) -> list[Message]:
        """Today's digest for the chat as it would be sent now (not queued); empty when there is
        nothing from the last day."""
        now = self._clock.now()
        subscriber = await self._store.subscribers.get(chat_id)
        timezone = subscriber.timezone if subscriber else self._settings.timezone
        follows = (await self.digests.follows([chat_id])).get(chat_id, [])
        builder = DigestBuilder(self.digests, now)
        heading = digest_heading(now.astimezone(ZoneInfo(timezone)))
        message = await builder.message(now - FIRST_DIGEST_LOOKBACK, follows, heading)
        return [message] if message else []

    async def create_breaking(self, article_id: int, admin_chat_id: int) -> int:
        return await self._breaking.create(article_id, admin_chat_id)

    async def send_breaking(self, broadcast_id: int, progress_chat_id: int, progress_message_id: int) -> int:
        queued = await self._breaking.send(broadcast_id, progress_chat_id, progress_message_id)
        self.sender.wake()
        return queued

    async def cancel_breaking(self, broadcast_id: int) -> bool:
        """Cancel a draft, or stop a broadcast part-way (its progress message then shows what
        was sent); False when it had already finished or been cancelled."""
        before = await self.outbox.get_broadcast(broadcast_id)
        cancelled = await self._breaking.cancel(broadcast_id)
        if cancelled and before is not None and before.state == "sending":
            report = asyncio.create_task(self.sender.report_cancelled(broadcast_id))
            self._reports.add(report)
            report.add_done_callback(self._reports.discard)
        return cancelled

    async def on_new_articles(self, article_ids: list[int]) -> AlertReport:
        report = await self.alerts.on_new_articles(article_ids)
        if report.queued:
            self.sender.wake()
        return report


def _message_json(message: Message) -> dict[str, Any]:
    return {
        "text": message.text,
        "buttons": [
            [{"text": b.text, "callback_data": b.callback_data, "url": b.url} for b in row]
            for row in message.keyboard
        ],
    }


async def _digest_now(settings: Settings, chat_id: int | None) -> tuple[int | None, list[Message]]:
    store = await Store.open(settings.db_path)
    try:
        clock = SystemClock()
        digests = store.digests
        if chat_id is None:
            async with store.db.reader.execute(
                "SELECT chat_id FROM subscribers WHERE active = 1 ORDER BY chat_id LIMIT 1"
            ) as cursor:
                row = await cursor.fetchone()
            chat_id = int(row[0]) if row else None
        timezone = settings.timezone
        follows: list[str] = []
        if chat_id is not None:
            subscriber = await store.subscribers.get(chat_id)
            if subscriber is not None:
                timezone = subscriber.timezone
            follows = (await digests.follows([chat_id])).get(chat_id, [])
        now = clock.now()
        builder = DigestBuilder(digests, now)
        message = await builder.message(
            now - FIRST_DIGEST_LOOKBACK, follows, digest_heading(now.astimezone(ZoneInfo(timezone)))
        )
        return chat_id, [message] if message else []
    finally:
        await store.close()


def cli_digest(settings: Settings, chat_id: int | None, as_json: bool) -> int:
    """`gazebot digest [--chat ID] [--json]`: print the digest that would be sent now (for the
    chat, else the first active subscriber, else with the default settings). Exit status 0."""
    shown_chat, messages = asyncio.run(_digest_now(settings, chat_id))
    if as_json:
        print(
            json.dumps(
                {"chat_id": shown_chat, "messages": [_message_json(m) for m in messages]},
                ensure_ascii=False,
                indent=2,
            )
        )
    elif not messages:
        print("Nothing new in the last 24 hours: no digest would be sent.")
    else:
        for message in messages:
            print(message.text)
    return 0
