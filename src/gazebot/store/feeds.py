"""Feeds and their health: conditional-GET validators, last success, consecutive errors."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from gazebot.clock import from_db, to_db
from gazebot.models import Feed
from gazebot.store.database import Database

_FEED_SELECT = """
    SELECT f.*, (SELECT count(*) FROM articles a WHERE a.feed_id = f.id) AS article_count
    FROM feeds f
"""


def _feed(row: sqlite3.Row) -> Feed:
    return Feed(
        id=row["id"],
        url=row["url"],
        title=row["title"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        last_checked_at=from_db(row["last_checked_at"]),
        last_success_at=from_db(row["last_success_at"]),
        last_error=row["last_error"],
        consecutive_errors=row["consecutive_errors"],
        next_poll_at=from_db(row["next_poll_at"]),
        article_count=row["article_count"],
    )


class FeedStore:
    """Reads and writes the feeds table."""

    def __init__(self, db: Database):
        self._db = db

    async def add(self, url: str, now: datetime) -> bool:
        """Add a feed (due at once); False when it was already there."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT OR IGNORE INTO feeds (url, added_at, next_poll_at) VALUES (?, ?, ?)",
                (url, to_db(now), to_db(now)),
            )
            return cursor.rowcount == 1

    async def remove(self, url: str) -> bool:
        """Remove a feed (its articles stay); False when there was none."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute("DELETE FROM feeds WHERE url = ?", (url,))
            return cursor.rowcount == 1

    async def get(self, url: str) -> Feed | None:
        async with self._db.reader.execute(
            _FEED_SELECT + " WHERE f.url = ?", (url,)
        ) as cursor:
            row = await cursor.fetchone()
        return _feed(row) if row else None

    async def all(self) -> list[Feed]:
        async with self._db.reader.execute(_FEED_SELECT + " ORDER BY f.id") as cursor:
            return [_feed(row) for row in await cursor.fetchall()]

    async def due(self, now: datetime) -> list[Feed]:
        """Feeds whose next poll time has come."""
        async with self._db.reader.execute(
            _FEED_SELECT + " WHERE f.next_poll_at IS NULL OR f.next_poll_at <= ? ORDER BY f.id",
            (to_db(now),),
        ) as cursor:
            return [_feed(row) for row in await cursor.fetchall()]

    async def record_success(
        self,
        feed_id: int,
        *,
        now: datetime,
        next_poll_at: datetime,
        etag: str | None,
        last_modified: str | None,
        title: str | None = None,
    ) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                """UPDATE feeds SET etag = ?, last_modified = ?, title = coalesce(?, title),
                       last_checked_at = ?, last_success_at = ?, last_error = NULL,
                       consecutive_errors = 0, next_poll_at = ?
                   WHERE id = ?""",
                (etag, last_modified, title, to_db(now), to_db(now), to_db(next_poll_at), feed_id),
            )

    async def record_failure(
        self, feed_id: int, *, now: datetime, next_poll_at: datetime, error: str
    ) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                """UPDATE feeds SET last_checked_at = ?, last_error = ?,
                       consecutive_errors = consecutive_errors + 1, next_poll_at = ?
                   WHERE id = ?""",
                (to_db(now), error[:500], to_db(next_poll_at), feed_id),
            )
