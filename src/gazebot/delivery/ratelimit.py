"""Pacing for the sender: an overall token bucket, per-chat spacing and a global 429 pause."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

PRIVATE_CHAT_INTERVAL = 1.0  # about one message a second to one private chat
GROUP_CHAT_INTERVAL = 3.0  # twenty a minute to one group


class TokenBucket:
    """At most `rate` acquisitions a second on average, with a burst of `burst` tokens.

    A small burst absorbs the event loop's late wake-ups (so the long-run rate is reached)
    without ever sending a second's worth at once."""

    def __init__(
        self,
        rate: float,
        burst: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.capacity = max(1.0, burst)
        self._tokens = 1.0
        self._monotonic = monotonic
        self._updated = monotonic()
        self._paused_until = 0.0

    def pause_until(self, moment: float) -> None:
        """Stop handing out tokens until the monotonic `moment` (a 429's retry_after)."""
        self._paused_until = max(self._paused_until, moment)
        self._tokens = 0.0

    def delay(self) -> float:
        """Seconds until a token is available (0 when one is)."""
        now = self._monotonic()
        if now < self._paused_until:
            return self._paused_until - now
        # Nothing is saved up while paused: after a 429, sending resumes at the rate, not in a burst.
        refill_from = max(self._updated, self._paused_until)
        self._tokens = min(self.capacity, self._tokens + (now - refill_from) * self.rate)
        self._updated = now
        if self._tokens >= 1.0:
            return 0.0
        return (1.0 - self._tokens) / self.rate

    def take(self) -> None:
        self._tokens -= 1.0

    async def acquire(self) -> None:
        # A loop, not one sleep: a 429 pause may be extended while we wait.
        while (wait := self.delay()) > 0:  # noqa: ASYNC110
            await asyncio.sleep(wait)
        self.take()


class ChatSpacing:
    """The earliest moment each chat may get its next message."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._next: dict[int, float] = {}
        self._monotonic = monotonic

    @staticmethod
    def interval(chat_id: int) -> float:
        # Telegram gives groups and channels negative ids; users positive ones.
        return PRIVATE_CHAT_INTERVAL if chat_id > 0 else GROUP_CHAT_INTERVAL

    def wait(self, chat_id: int) -> float:
        """Seconds until this chat may be sent to again (0 when it may be now)."""
        return max(0.0, self._next.get(chat_id, 0.0) - self._monotonic())

    def record(self, chat_id: int) -> None:
        now = self._monotonic()
        self._next[chat_id] = now + self.interval(chat_id)
        if len(self._next) > 50_000:
            self._forget_before(now)

    def push_back(self, chat_id: int, seconds: float) -> None:
        self._next[chat_id] = max(self._next.get(chat_id, 0.0), self._monotonic() + seconds)

    def _forget_before(self, now: float) -> None:
        self._next = {chat: moment for chat, moment in self._next.items() if moment > now}
