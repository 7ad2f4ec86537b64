"""Subscribers, their digest settings and followed topics."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from gazebot.clock import from_db, required_from_db, to_db
from gazebot.models import Subscriber
from gazebot.schedule import next_digest_at
from gazebot.settings import parse_hh_mm
from gazebot.store.database import Database

MAX_FOLLOWS = 20
"""Most topics one chat may follow: enough for anyone, bounded for the digest's ranking."""


def _subscriber(row: sqlite3.Row) -> Subscriber:
    created = required_from_db(row["created_at"])
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


class FollowLimitError(Exception):
    """The chat already follows MAX_FOLLOWS topics."""


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

    async def active_chat_ids(self, *, breaking_only: bool = False) -> list[int]:
        """Every active chat (only those with breaking news on, if asked), oldest first."""
        condition = "active = 1 AND breaking = 1" if breaking_only else "active = 1"
        async with self._db.reader.execute(
            f"SELECT chat_id FROM subscribers WHERE {condition} ORDER BY created_at, chat_id"  # noqa: S608
        ) as cursor:
            return [int(row[0]) for row in await cursor.fetchall()]

    # --- digest settings: each setter keeps next_digest_at consistent with what it changed ---

    async def set_digest_time(self, chat_id: int, digest_time: str, now: datetime) -> Subscriber | None:
        """Set the local digest time ('HH:MM') and reschedule; None when not a subscriber."""
        return await self._reschedule(chat_id, now, digest_time=digest_time)

    async def set_timezone(self, chat_id: int, timezone: str, now: datetime) -> Subscriber | None:
        """Set the time zone (a valid IANA name) and reschedule; None when not a subscriber."""
        return await self._reschedule(chat_id, now, timezone=timezone)

    async def _reschedule(
        self,
        chat_id: int,
        now: datetime,
        *,
        digest_time: str | None = None,
        timezone: str | None = None,
    ) -> Subscriber | None:
        async with self._db.transaction() as conn:
            async with conn.execute(
                "SELECT * FROM subscribers WHERE chat_id = ?", (chat_id,)
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                return None
            new_time = digest_time if digest_time is not None else str(row["digest_time"])
            new_zone = timezone if timezone is not None else str(row["timezone"])
            # A digest already delivered today must not come again because the time moved later.
            last = from_db(row["last_digest_at"])
            after = max(now, last) if last is not None else now
            due = next_digest_at(new_zone, parse_hh_mm(new_time), after)
            await conn.execute(
                """UPDATE subscribers SET digest_time = ?, timezone = ?, next_digest_at = ?
                   WHERE chat_id = ?""",
                (new_time, new_zone, to_db(due), chat_id),
            )
            async with conn.execute(
                "SELECT * FROM subscribers WHERE chat_id = ?", (chat_id,)
            ) as cursor:
                updated = await cursor.fetchone()
        return _subscriber(updated) if updated else None

    async def set_breaking(self, chat_id: int, breaking: bool) -> bool:
        """Turn breaking news on or off; False when it is not a subscriber."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE subscribers SET breaking = ? WHERE chat_id = ?", (int(breaking), chat_id)
            )
            return cursor.rowcount == 1

    # --- followed topics ---

    async def follow(self, chat_id: int, topic: str) -> bool:
        """Follow a topic; False when the chat already follows it (case folded).

        Raises FollowLimitError when the chat follows MAX_FOLLOWS topics already.
        """
        async with self._db.transaction() as conn:
            async with conn.execute(
                "SELECT topic FROM follows WHERE chat_id = ?", (chat_id,)
            ) as cursor:
                existing = [str(row[0]) for row in await cursor.fetchall()]
            if topic.casefold() in {known.casefold() for known in existing}:
                return False
            if len(existing) >= MAX_FOLLOWS:
                raise FollowLimitError(f"already following {MAX_FOLLOWS} topics")
            await conn.execute(
                "INSERT INTO follows (chat_id, topic) VALUES (?, ?)", (chat_id, topic)
            )
            return True

    async def unfollow(self, chat_id: int, topic: str) -> bool:
        """Stop following a topic (case folded); False when it was not followed."""
        async with self._db.transaction() as conn:
            async with conn.execute(
                "SELECT topic FROM follows WHERE chat_id = ?", (chat_id,)
            ) as cursor:
                matches = [
                    str(row[0])
                    for row in await cursor.fetchall()
                    if str(row[0]).casefold() == topic.casefold()
                ]
            for stored in matches:
                await conn.execute(
                    "DELETE FROM follows WHERE chat_id = ? AND topic = ?", (chat_id, stored)
                )
            return bool(matches)

    async def following(self, chat_id: int) -> list[str]:
        """The chat's followed topics in alphabetical order."""
        async with self._db.reader.execute(
            "SELECT topic FROM follows WHERE chat_id = ? ORDER BY topic COLLATE NOCASE",
            (chat_id,),
        ) as cursor:
            return [str(row[0]) for row in await cursor.fetchall()]

    async def all_follows(self) -> dict[int, list[str]]:
        """Followed topics of every active chat, for topic alerts."""
        async with self._db.reader.execute(
            """SELECT f.chat_id, f.topic FROM follows f
               JOIN subscribers s ON s.chat_id = f.chat_id
               WHERE s.active = 1 ORDER BY f.chat_id, f.topic COLLATE NOCASE"""
        ) as cursor:
            rows = await cursor.fetchall()
        result: dict[int, list[str]] = {}
        for row in rows:
            result.setdefault(int(row[0]), []).append(str(row[1]))
        return result
