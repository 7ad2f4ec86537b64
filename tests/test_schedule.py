"""Digest times: each subscriber's own local time, DST-correct, never twice a day."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from gazebot.schedule import next_digest_at


@pytest.mark.parametrize("zone", ["UTC", "Europe/Kyiv", "America/New_York", "Asia/Kolkata"])
def test_every_day_of_a_year_lands_on_local_eight_exactly_once(zone: str) -> None:
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    seen_days = set()
    for _ in range(366):
        moment = next_digest_at(zone, time(8, 0), moment)
        local = moment.astimezone(ZoneInfo(zone))
        assert (local.hour, local.minute) == (8, 0)
        assert local.date() not in seen_days
        seen_days.add(local.date())
    assert len(seen_days) == 366


def test_the_next_digest_is_strictly_after_the_given_instant() -> None:
    eight = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    assert next_digest_at("UTC", time(8, 0), eight) == eight + timedelta(days=1)
    assert next_digest_at("UTC", time(8, 0), eight - timedelta(seconds=1)) == eight


def test_a_time_skipped_by_spring_forward_moves_forward_by_the_jump() -> None:
    # New York skips 02:00-03:00 on 2026-03-08.
    due = next_digest_at("America/New_York", time(2, 30), datetime(2026, 3, 8, 0, tzinfo=UTC))
    assert due.astimezone(ZoneInfo("America/New_York")).strftime("%H:%M") == "03:30"


def test_an_ambiguous_fall_back_time_is_sent_at_its_first_occurrence_only() -> None:
    # New York repeats 01:00-02:00 on 2026-11-01.
    zone = ZoneInfo("America/New_York")
    first = next_digest_at("America/New_York", time(1, 30), datetime(2026, 11, 1, 0, tzinfo=UTC))
    assert first == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT
    following = next_digest_at("America/New_York", time(1, 30), first)
    assert following.astimezone(zone).date().isoformat() == "2026-11-02"
