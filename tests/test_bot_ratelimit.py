"""The per-user token bucket: a burst is fine, a flood is slowed, other users are unaffected."""

from __future__ import annotations

from gazebot.bot.ratelimit import RateLimiter


def test_a_burst_is_allowed_then_one_per_refill() -> None:
    limiter = RateLimiter(burst=3, per_second=1.0)
    assert [limiter.allow(1, 0.0) for _ in range(5)] == [True, True, True, False, False]
    assert limiter.allow(1, 0.5) is False
    assert limiter.allow(1, 1.0) is True
    assert limiter.allow(1, 1.0) is False


def test_one_flooder_does_not_slow_anyone_else() -> None:
    limiter = RateLimiter(burst=2, per_second=1.0)
    for _ in range(100):
        limiter.allow(1, 0.0)
    assert limiter.allow(2, 0.0) is True


def test_a_flood_of_100_per_second_is_answered_at_the_refill_rate() -> None:
    limiter = RateLimiter(burst=8, per_second=1.0)
    allowed = sum(limiter.allow(1, step / 100) for step in range(1000))  # 10 s at 100/s
    assert 8 <= allowed <= 8 + 10


def test_the_warning_comes_once_per_run_of_refusals() -> None:
    limiter = RateLimiter(burst=1, per_second=1.0)
    limiter.allow(1, 0.0)
    assert limiter.allow(1, 0.1) is False
    assert limiter.should_warn(1) is True
    assert limiter.should_warn(1) is False
    assert limiter.allow(1, 2.0) is True  # served again…
    assert limiter.allow(1, 2.1) is False
    assert limiter.should_warn(1) is True  # …so a new flood is worth one new warning


def test_memory_stays_bounded_under_a_crowd() -> None:
    limiter = RateLimiter(burst=2, per_second=1.0, max_keys=100)
    for user in range(10_000):
        limiter.allow(user, user / 1000)
    assert len(limiter) <= 100
