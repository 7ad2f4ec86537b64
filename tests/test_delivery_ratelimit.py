"""Pacing: the overall token bucket, a 429's global pause, per-chat spacing, and how many calls
the sender keeps in flight."""

from __future__ import annotations

from gazebot.delivery.ratelimit import ChatSpacing, TokenBucket
from gazebot.delivery.sender import in_flight_limit


class Ticker:
    """A monotonic clock moved by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_bucket_spaces_sends_at_the_rate_after_a_small_burst() -> None:
    ticker = Ticker()
    bucket = TokenBucket(30.0, burst=1.5, monotonic=ticker)
    granted = 0
    for _ in range(3000):  # one second in 1/3000 s steps
        if bucket.delay() == 0:
            bucket.take()
            granted += 1
        ticker.now += 1 / 3000
    assert 30 <= granted <= 31


def test_a_429_pauses_every_send_until_retry_after() -> None:
    ticker = Ticker()
    bucket = TokenBucket(30.0, monotonic=ticker)
    bucket.pause_until(ticker.now + 5)
    assert bucket.delay() == 5
    ticker.now += 5
    assert bucket.delay() > 0, "no burst is saved up during the pause"
    ticker.now += 1.001 / 30
    assert bucket.delay() == 0


def test_private_chats_wait_a_second_and_groups_three() -> None:
    ticker = Ticker()
    spacing = ChatSpacing(monotonic=ticker)
    spacing.record(42)
    spacing.record(-100123)
    assert spacing.wait(42) == 1.0
    assert spacing.wait(-100123) == 3.0
    assert spacing.wait(7) == 0.0
    ticker.now += 1.0
    assert spacing.wait(42) == 0.0


def test_in_flight_calls_are_the_fewest_that_keep_the_rate() -> None:
    assert in_flight_limit(30, 0.005, 32) == 1  # a nearby API: one at a time keeps up
    assert in_flight_limit(30, 0.120, 32) == 8  # Telegram across the internet
    assert in_flight_limit(300, 0.040, 32) == 24
    assert in_flight_limit(300, 2.0, 16) == 16  # never more than the cap
    assert in_flight_limit(30, 0.0, 32) == 1
