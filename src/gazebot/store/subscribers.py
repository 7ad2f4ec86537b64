"""Subscribers, their digest settings and followed topics."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from gazebot.clock import from_db, to_db
from gazebot.models import Subscriber
from gazebot.store.database import Database


def _subscriber(row: sqlite3.Row) -> Subscriber:
    created = from_db(row["created_at"])
    assert created is not None  # noqa: S101 - NOT NULL in the schema
    return Subscriber(
        chat_id=row["chat_id"],
        chat_type=row["chat_type"],
        active=bool(row["active"]),
        timezone=row["timezone"],
        digest_time=row["digest_time"],
        breaking=bool(row["breaking"]),
        created_at=created,
        last_digest_at=from_db(row["last_digest_at"]),
        next_digest_at=from_db(row["next_digest_at"]),
    )


class SubscriberStore:
    """Reads and writes the subscribers and follows tables."""

    def __init__(self, db: Database):
        self._db = db

    async def subscribe(
        self,
        chat_id: int,
        *,
        chat_type: str,
        timezone: str,
        digest_time: str,
        next_digest_at: datetime,
        now: datetime,
    ) -> bool:
        """Subscribe a chat, or reactivate one that had left (keeping its settings).

        True when the chat is new or was inactive, False when it was already active.
        """
        async with self._db.transaction() as conn:
            async with conn.execute(
                "SELECT active FROM subscribers WHERE chat_id = ?", (chat_id,)
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                await conn.execute(
                    """INSERT INTO subscribers
                       (chat_id, chat_type, active, timezone, digest_time, created_at,
                        next_digest_at)
                       VALUES (?, ?, 1, ?, ?, ?, ?)""",
                    (chat_id, chat_type, timezone, digest_time, to_db(now), to_db(next_digest_at)),
                )
                return True
            await conn.execute(
                "UPDATE subscribers SET active = 1, chat_type = ? WHERE chat_id = ?",
                (chat_type, chat_id),
            )
            return not row["active"]

    async def get(self, chat_id: int) -> Subscriber | None:
        async with self._db.reader.execute(
            "SELECT * FROM subscribers WHERE chat_id = ?", (chat_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return _subscriber(row) if row else None

    async def set_active(self, chat_id: int, active: bool) -> bool:
        """Mark a chat active or inactive; False when it is not a subscriber."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE subscribers SET active = ? WHERE chat_id = ?", (int(active), chat_id)
            )
            return cursor.rowcount == 1

    async def counts(self) -> tuple[int, int]:
        """(active, inactive) subscribers."""
        async with self._db.reader.execute(
            "SELECT coalesce(sum(active), 0), coalesce(sum(1 - active), 0) FROM subscribers"
        ) as cursor:
            row = await cursor.fetchone()
        return (int(row[0]), int(row[1])) if row else (0, 0)
