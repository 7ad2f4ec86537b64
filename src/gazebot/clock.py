"""Time for the imperative shell: an injectable clock and the one text format stored in SQLite."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Anything that tells the current time as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


def to_db(moment: datetime) -> str:
    """Aware datetime → fixed-width UTC ISO text, so text order is time order."""
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are not stored; attach a time zone first")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_db(text: str | None) -> datetime | None:
    """Inverse of `to_db` (None stays None)."""
    if text is None:
        return None
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def required_from_db(text: str | None) -> datetime:
    """`from_db` for a NOT NULL column: a missing value means a corrupt row, not an absent time."""
    moment = from_db(text)
    if moment is None:
        raise ValueError("a required timestamp is missing from the database row")
    return moment
