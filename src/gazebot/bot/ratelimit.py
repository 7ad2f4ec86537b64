"""Per-user token buckets: a flood of commands from one person is answered at a sane pace."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float
    warned: bool = False


class RateLimiter:
    """A token bucket per key; pure bookkeeping, the caller passes the (monotonic) time.

    `burst` commands may arrive at once, then one every `1 / per_second` seconds. Idle
    buckets are forgotten once `max_keys` is reached, so memory stays bounded under a crowd.
    """

    def __init__(self, *, burst: int = 8, per_second: float = 1.0, max_keys: int = 50_000):
        if burst < 1 or per_second <= 0:
            raise ValueError("burst must be at least 1 and per_second positive")
        self._burst = float(burst)
        self._rate = per_second
        self._max_keys = max_keys
        self._buckets: dict[int, _Bucket] = {}

    def allow(self, key: int, now: float) -> bool:
        """Take one token for `key`; False when the bucket is empty."""
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self._max_keys:
                self._forget_idle(now)
            bucket = self._buckets[key] = _Bucket(tokens=self._burst, updated=now)
        else:
            elapsed = max(0.0, now - bucket.updated)
            bucket.tokens = min(self._burst, bucket.tokens + elapsed * self._rate)
            bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            bucket.warned = False
            return True
        return False

    def should_warn(self, key: int) -> bool:
        """True once per run of refusals, so a flooder hears "slow down" once, not per message."""
        bucket = self._buckets.get(key)
        if bucket is None or bucket.warned:
            return False
        bucket.warned = True
        return True

    def _forget_idle(self, now: float) -> None:
        refill_time = self._burst / self._rate
        idle = [key for key, b in self._buckets.items() if now - b.updated >= refill_time]
        for key in idle:
            del self._buckets[key]
        if len(self._buckets) >= self._max_keys:
            # Everyone is busy: drop the stalest half rather than grow without bound.
            stalest = sorted(self._buckets, key=lambda k: self._buckets[k].updated)
            for key in stalest[: len(stalest) // 2]:
                del self._buckets[key]

    def __len__(self) -> int:
        return len(self._buckets)
