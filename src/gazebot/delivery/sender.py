"""The one worker that drains the outbox: paced, fair across broadcasts, and crash-safe.

Every row is committed as `sending` before its API call. Its `sent` mark (with the message id) is
committed with the next claim — the same transaction that marks the following rows `sending` — or
at once when nothing else is waiting, so one transaction serves each round of sends. After
`kill -9`, rows still `sending` go back to pending at the next start and are sent again: those are
the rows in flight at the kill plus those delivered since the last claim, never more than the
in-flight limit. That limit is the fewest concurrent calls that keep up the send rate given the
API's measured latency (`in_flight_limit`): one against a nearby API at 30/s, a handful against
Telegram across the internet, a couple of dozen at 300/s. A row marked `sent` is never sent again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
import time
import warnings
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.warnings import PTBDeprecationWarning

from gazebot.clock import Clock
from gazebot.delivery.ratelimit import ChatSpacing, TokenBucket
from gazebot.store.outbox import Broadcast, BroadcastCounts, OutboxRow, OutboxStore

log = logging.getLogger(__name__)

ProgressText = Callable[[Broadcast, BroadcastCounts, bool, float], str]


@dataclass(frozen=True, slots=True)
class SenderPolicy:
    """How hard the sender tries and how often it reports."""

    max_attempts: int = 5
    backoff_base: float = 2.0
    backoff_cap: float = 600.0
    progress_interval: float = 3.0
    batch_size: int = 500
    idle_poll: float = 1.0
    in_flight: int | None = None  # None: from the send rate and latency (see in_flight_limit)
    max_in_flight: int = 16  # beyond this, httpx connection-pool bookkeeping costs more than it gains


def in_flight_limit(send_rate: float, latency: float, cap: int) -> int:
    """API calls to allow at once: enough that `send_rate` calls a second fit when each takes
    `latency` seconds (twice over, as headroom), at least one, at most `cap`. Fewer calls in
    flight means fewer messages that can repeat after a crash."""
    return max(1, min(cap, math.ceil(send_rate * latency * 2)))


def backoff_delay(attempt: int, policy: SenderPolicy, rng: random.Random) -> float:
    """Exponential backoff with jitter for the `attempt`-th failure (1-based)."""
    base = min(policy.backoff_cap, policy.backoff_base * 2 ** (attempt - 1))
    return float(base * rng.uniform(0.5, 1.5))


def retry_after_seconds(exc: RetryAfter) -> float:
    """The wait a 429 asks for, read without PTB's int-vs-timedelta deprecation warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        return _seconds(exc.retry_after)


def _seconds(retry_after: int | float | timedelta) -> float:
    if isinstance(retry_after, timedelta):
        return retry_after.total_seconds()
    return float(retry_after)


async def send_params(bot: Bot, params: dict[str, Any]) -> int:
    """Send the stored sendMessage parameters with the PTB bot; the new message id."""
    rest = dict(params)
    chat_id = rest.pop("chat_id")
    text = rest.pop("text")
    parse_mode = rest.pop("parse_mode", None)
    markup = rest.pop("reply_markup", None)
    preview = rest.pop("link_preview_options", None)
    silent = rest.pop("disable_notification", None)
    message = await bot.send_message(
        chat_id=chat_id,
        text=text,
        parse_mode=parse_mode,
        reply_markup=InlineKeyboardMarkup.de_json(markup, bot) if markup else None,
        link_preview_options=LinkPreviewOptions.de_json(preview, bot) if preview else None,
        disable_notification=silent,
        api_kwargs=rest or None,
    )
    return message.message_id


class Sender:
    """Drains due outbox rows: ≤ `send_rate` a second overall, spaced per chat, round-robin
    across broadcasts so a big breaking send does not hold back today's digests."""

    def __init__(
        self,
        outbox: OutboxStore,
        bot: Bot,
        clock: Clock,
        send_rate: float,
        *,
        policy: SenderPolicy | None = None,
        progress_text: ProgressText | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._outbox = outbox
        self._bot = bot
        self._clock = clock
        self._policy = policy or SenderPolicy()
        self._progress_text = progress_text or default_progress_text
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not secrets
        self._bucket = TokenBucket(send_rate, burst=max(1.0, send_rate / 20))
        self._spacing = ChatSpacing()
        self._send_rate = send_rate
        self._latency = 0.0  # moving average of sendMessage round trips, seconds
        self._tasks: set[asyncio.Task[None]] = set()
        self._delivered: list[tuple[int, int, datetime]] = []
        self._unrecorded: list[int] = []
        self._queues: dict[int | None, deque[OutboxRow]] = {}
        self._turns: deque[int | None] = deque()
        self._waiting_for_chat: list[tuple[float, OutboxRow]] = []
        self._known: set[int] = set()
        self._in_flight_ids: set[int] = set()
        self._wakeup = asyncio.Event()
        self._stopping = asyncio.Event()
        self._last_refill = 0.0
        self._progress_shown: dict[int, tuple[float, str]] = {}
        self.rate_limited = 0

    # --- lifecycle ----------------------------------------------------------------------

    def wake(self) -> None:
        """New rows were queued: look for them now rather than at the next poll."""
        self._wakeup.set()

    async def run(self) -> None:
        """Send until `stop()`; the message in flight is finished, the rest stay pending."""
        recovered = await self._outbox.recover_in_flight()
        if recovered:
            log.warning("resending %d message(s) that were in flight at the last stop", recovered)
        reporter = asyncio.create_task(self._report_progress_forever())
        try:
            while not self._stopping.is_set():
                try:
                    await self._step()
                except Exception:
                    # A database hiccup must not kill the only sender: the rows stay where they
                    # are (pending or sending) and are picked up again.
                    log.exception("sender step failed; retrying in a second")
                    self._forget_memory()
                    await asyncio.sleep(1.0)
        finally:
            if self._tasks:
                await asyncio.gather(*self._tasks, return_exceptions=True)
            await self._record_delivered()
            reporter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reporter
            await self._report_progress()

    async def _step(self) -> None:
        if self._unrecorded:
            unrecorded, self._unrecorded = self._unrecorded, []
            try:
                await self._outbox.release(unrecorded)
            except Exception:
                self._unrecorded[:0] = unrecorded
                raise
        free = self.in_flight_limit - len(self._tasks)
        if free <= 0:
            await asyncio.wait(self._tasks, return_when=asyncio.FIRST_COMPLETED)
            return
        rows: list[OutboxRow] = []
        while len(rows) < free and (row := await self._next_row()) is not None:
            rows.append(row)
        if not rows:
            await self._record_delivered()
            await self._idle()
            return
        await self._dispatch(rows)

    def _forget_memory(self) -> None:
        """Drop the in-memory queues so they are read again from the database."""
        self._queues.clear()
        self._turns.clear()
        self._waiting_for_chat.clear()
        self._known = set(self._in_flight_ids)

    @property
    def in_flight_limit(self) -> int:
        if self._policy.in_flight is not None:
            return self._policy.in_flight
        return in_flight_limit(self._send_rate, self._latency, self._policy.max_in_flight)

    def stop(self) -> None:
        self._stopping.set()
        self._wakeup.set()

    # --- choosing the next row ----------------------------------------------------------

    async def _next_row(self) -> OutboxRow | None:
        now = time.monotonic()
        if self._waiting_for_chat and self._waiting_for_chat[0][0] <= now:
            _, row = self._waiting_for_chat.pop(0)
            return row
        if not self._turns or self._wakeup.is_set() or now - self._last_refill > 1.0:
            await self._refill()
        while self._turns:
            key = self._turns.popleft()
            queue = self._queues[key]
            row = queue.popleft()
            if queue:
                self._turns.append(key)
            else:
                del self._queues[key]
            wait = self._spacing.wait(row.chat_id)
            if wait > 0:
                self._waiting_for_chat.append((now + wait, row))
                self._waiting_for_chat.sort(key=lambda item: item[0])
                continue
            return row
        return None

    async def _refill(self) -> None:
        self._wakeup.clear()
        self._last_refill = time.monotonic()
        now_ts = self._clock.now().timestamp()
        keys: list[int | None] = [b.id for b in await self._outbox.sending_broadcasts()]
        keys.append(None)
        for key in keys:
            if key in self._queues:
                continue
            rows = [
                row
                for row in await self._outbox.due(key, now_ts, self._policy.batch_size)
                if row.id not in self._known
            ]
            if rows:
                self._known.update(row.id for row in rows)
                self._queues[key] = deque(rows)
                self._turns.append(key)

    async def _idle(self) -> None:
        wait = self._policy.idle_poll
        if self._waiting_for_chat:
            wait = min(wait, max(0.0, self._waiting_for_chat[0][0] - time.monotonic()))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wakeup.wait(), timeout=wait)

    # --- sending one row ----------------------------------------------------------------

    async def _dispatch(self, rows: list[OutboxRow]) -> None:
        """Claim the rows (recording those delivered since the last claim in the same
        transaction), then start each as its token comes."""
        delivered = self._take_delivered()
        try:
            claimed = await self._outbox.claim([row.id for row in rows], delivered)
        except Exception:
            self._delivered[:0] = delivered  # not recorded: keep them for the next attempt
            raise
        unsent = []
        for row in rows:
            if row.id not in claimed:
                # Cancelled, or the chat blocked the bot while the row waited in memory.
                self._known.discard(row.id)
                continue
            if self._stopping.is_set():
                unsent.append(row.id)
                continue
            await self._bucket.acquire()
            self._spacing.record(row.chat_id)
            self._in_flight_ids.add(row.id)
            task = asyncio.create_task(self._deliver(row))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        if unsent:
            await self._outbox.release(unsent)
            self._known.difference_update(unsent)

    def _take_delivered(self) -> list[tuple[int, int, datetime]]:
        taken, self._delivered = self._delivered, []
        return taken

    async def _record_delivered(self) -> None:
        taken = self._take_delivered()
        if taken:
            try:
                await self._outbox.mark_sent_many(taken)
            except Exception:
                self._delivered[:0] = taken
                raise

    async def _deliver(self, row: OutboxRow) -> None:
        try:
            await self._attempt(row)
        except Exception:
            # The outcome could not be recorded (the database refused): the row is still
            # `sending` and was not delivered, so it goes back to pending once the database
            # accepts writes again. Never lose the worker over it.
            log.exception("could not record the outcome of outbox row %d", row.id)
            self._unrecorded.append(row.id)
        finally:
            self._known.discard(row.id)
            self._in_flight_ids.discard(row.id)

    async def _attempt(self, row: OutboxRow) -> None:
        params = {**row.params, "chat_id": row.chat_id}
        started = time.monotonic()
        try:
            message_id = await send_params(self._bot, params)
        except RetryAfter as exc:
            await self._on_retry_after(row, retry_after_seconds(exc))
        except Forbidden as exc:
            dropped = await self._outbox.block_chat(row.id, row.chat_id)
            log.info("chat %d is unreachable (%s); dropped %d message(s)", row.chat_id, exc, dropped)
        except ChatMigrated as exc:
            log.info("group %d moved to %d", row.chat_id, exc.new_chat_id)
            await self._outbox.move_chat(row.chat_id, exc.new_chat_id)
            self._wakeup.set()
        except BadRequest as exc:
            await self._outbox.mark_failed(row.id, f"400 {exc.message}")
        except (NetworkError, TelegramError) as exc:
            await self._on_transient(row, exc)
        else:
            self._latency += (time.monotonic() - started - self._latency) * 0.1
            self._delivered.append((row.id, message_id, self._clock.now()))
            if not self._turns and not self._waiting_for_chat:
                try:
                    await self._record_delivered()  # nothing to claim soon: record it now
                except Exception:
                    # Kept in memory and recorded with the next claim; never resent meanwhile.
                    log.warning("could not record delivered messages yet; will retry", exc_info=True)

    async def _on_retry_after(self, row: OutboxRow, seconds: float) -> None:
        self.rate_limited += 1
        log.warning("Telegram asked to wait %.0f s (429); pausing all sends", seconds)
        self._bucket.pause_until(time.monotonic() + seconds)
        self._spacing.push_back(row.chat_id, seconds)
        await self._outbox.retry_later(
            row.id,
            self._clock.now().timestamp() + seconds,
            f"429 retry after {seconds:g}",
            count_attempt=False,
        )

    async def _on_transient(self, row: OutboxRow, exc: TelegramError) -> None:
        attempt = row.attempts + 1
        reason = f"{type(exc).__name__}: {exc.message}"
        if attempt >= self._policy.max_attempts:
            log.warning("giving up on outbox row %d after %d attempts: %s", row.id, attempt, reason)
            await self._outbox.mark_failed(row.id, f"gave up after {attempt} attempts: {reason}")
            return
        delay = backoff_delay(attempt, self._policy, self._rng)
        await self._outbox.retry_later(
            row.id, self._clock.now().timestamp() + delay, reason, count_attempt=True
        )

    # --- progress and completion --------------------------------------------------------

    async def _report_progress_forever(self) -> None:
        while True:
            await asyncio.sleep(min(1.0, self._policy.progress_interval))
            try:
                await self._report_progress()
            except Exception:
                log.exception("progress report failed")

    async def _report_progress(self) -> None:
        """Finish broadcasts with nothing left open and edit breaking progress messages (at
        most every `progress_interval` seconds, always once at the end)."""
        for broadcast in await self._outbox.sending_broadcasts():
            counts = await self._outbox.broadcast_counts(broadcast.id)
            finished = counts.done and await self._outbox.finish_broadcast(broadcast.id, self._clock.now())
            if broadcast.progress_chat_id is None or broadcast.progress_message_id is None:
                continue
            shown_at, shown_text = self._progress_shown.get(broadcast.id, (0.0, ""))
            if not finished and time.monotonic() - shown_at < self._policy.progress_interval:
                continue
            started = broadcast.started_at or broadcast.created_at
            elapsed = (self._clock.now() - started).total_seconds()
            text = self._progress_text(broadcast, counts, finished, elapsed)
            if text != shown_text:
                await self._edit_progress(broadcast, text)
            self._progress_shown[broadcast.id] = (time.monotonic(), text)
            if finished:
                del self._progress_shown[broadcast.id]

    async def report_cancelled(self, broadcast_id: int) -> None:
        """Write the report of a broadcast cancelled part-way into its progress message."""
        broadcast = await self._outbox.get_broadcast(broadcast_id)
        if broadcast is None or broadcast.progress_message_id is None:
            return
        counts = await self._outbox.broadcast_counts(broadcast_id)
        for _ in range(50):  # the messages in flight finish within one API call's time
            if counts.pending == 0:
                break
            await asyncio.sleep(0.2)
            counts = await self._outbox.broadcast_counts(broadcast_id)
        started = broadcast.started_at or broadcast.created_at
        elapsed = ((broadcast.finished_at or self._clock.now()) - started).total_seconds()
        await self._edit_progress(broadcast, self._progress_text(broadcast, counts, False, elapsed))
        self._progress_shown.pop(broadcast_id, None)

    async def _edit_progress(self, broadcast: Broadcast, text: str) -> None:
        assert broadcast.progress_chat_id is not None
        assert broadcast.progress_message_id is not None
        await self._bucket.acquire()
        edit: Awaitable[Any] = self._bot.edit_message_text(
            text=text,
            chat_id=broadcast.progress_chat_id,
            message_id=broadcast.progress_message_id,
            parse_mode="HTML",
        )
        try:
            await edit
        except RetryAfter as exc:
            self._bucket.pause_until(time.monotonic() + retry_after_seconds(exc))
        except TelegramError as exc:
            log.warning("could not update the progress of broadcast %d: %s", broadcast.id, exc)


def default_progress_text(
    broadcast: Broadcast, counts: BroadcastCounts, finished: bool, elapsed: float
) -> str:
    """The admin's progress line, and the final report once nothing is left to send."""
    total = counts.pending + counts.sent + counts.blocked + counts.failed
    taken = _duration(elapsed)
    if finished:
        return (
            f"<b>Breaking news sent</b> in {taken}\n"
            f"Sent: {counts.sent}\nBlocked: {counts.blocked}\nFailed: {counts.failed}"
        )
    if broadcast.state == "cancelled":
        return (
            f"<b>Breaking news cancelled</b> after {taken}\n"
            f"Sent: {counts.sent}\nBlocked: {counts.blocked}\nNot sent: {counts.failed}"
        )
    return (
        f"Sending breaking news… {counts.sent + counts.blocked + counts.failed} of {total} "
        f"(sent {counts.sent}, blocked {counts.blocked}, failed {counts.failed}; {taken})"
    )


def _duration(seconds: float) -> str:
    whole = max(0, round(seconds))
    minutes, secs = divmod(whole, 60)
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"
