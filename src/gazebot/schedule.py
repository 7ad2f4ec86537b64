"""When a subscriber's next daily digest is due: local wall-clock time → UTC instant, DST-correct."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


def next_digest_at(timezone: str, local_time: time, after: datetime) -> datetime:
    """The first UTC instant strictly after `after` at which the clock in `timezone` reads
    `local_time`.

    On a spring-forward day a wall time inside the skipped hour is moved forward by the jump
    (02:30 → 03:30 local); on a fall-back day an ambiguous wall time is its first occurrence,
    so nobody gets two digests that day.
    """
    zone = ZoneInfo(timezone)
    local_day = after.astimezone(zone).date()
    for offset in range(3):
        day = local_day + timedelta(days=offset)
        candidate = _wall_to_utc(datetime.combine(day, local_time), zone)
        if candidate > after:
            return candidate
    raise AssertionError("unreachable: a wall time occurs at least once in three days")


def _wall_to_utc(wall: datetime, zone: ZoneInfo) -> datetime:
    # fold=0 picks the first of two ambiguous instants and, for a wall time skipped by a DST
    # jump, the offset from before the jump — which lands the same length of time after it.
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
