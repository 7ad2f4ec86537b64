"""SQL for scheduled deliveries: who is due a digest, candidate stories, topic matches, alerts."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gazebot.analysis.card import Card
from gazebot.clock import from_db, required_from_db, to_db
from gazebot.store.database import Database
from gazebot.store.outbox import NewOutboxRow, insert_body, insert_broadcast, insert_rows


@dataclass(frozen=True, slots=True)
class DueSubscriber:
    """A subscriber whose digest time has come, with what the scheduler needs to know."""

    chat_id: int
    chat_type: str
    timezone: str
    digest_time: str
    last_digest_at: datetime | None
    next_digest_at: datetime


@dataclass(frozen=True, slots=True)
class CandidateArticle:
    """A story that may go into a digest or an alert."""

    id: int
    url: str
    title: str
    source: str | None
    time: datetime
    fetched_at: datetime
    card: Card
    topic_keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DigestOutcome:
    """What one due subscriber gets: a message (params without chat_id, shared by everyone
    with the same text) or nothing, and their next digest instant."""

    chat_id: int
    scheduled_at: datetime
    next_digest_at: datetime
    params: dict[str, Any] | None
    dedupe_key: str
    sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class WaitingAlert:
    chat_id: int
    article_id: int
    topic: str


def _candidate(row: Any) -> CandidateArticle:
    fetched = required_from_db(row["fetched_at"])
    moment = required_from_db(row["sort_time"])
    return CandidateArticle(
        id=row["id"],
        url=row["url"],
        title=row["title"],
        source=row["source"],
        time=moment,
        fetched_at=fetched,
        card=Card.from_dict(json.loads(row["analysis"])),
        topic_keys=tuple(row["topic_keys"].split()),
    )


_CANDIDATE_COLUMNS = "a.id, a.url, a.title, a.source, a.sort_time, a.fetched_at, a.analysis, a.topic_keys"


class DigestStore:
    """Reads due subscribers and candidate stories; commits a batch of digests atomically."""

    def __init__(self, db: Database):
        self._db = db

    async def due_subscribers(self, now: datetime, limit: int) -> list[DueSubscriber]:
        """Active subscribers whose next digest instant has come, earliest first (index scan)."""
        async with self._db.reader.execute(
            """SELECT chat_id, chat_type, timezone, digest_time, last_digest_at, next_digest_at
               FROM subscribers INDEXED BY subscribers_due
               WHERE active = 1 AND next_digest_at <= ?
               ORDER BY next_digest_at LIMIT ?""",
            (to_db(now), limit),
        ) as cursor:
            rows = await cursor.fetchall()
        result = []
        for row in rows:
            scheduled = required_from_db(row["next_digest_at"])
            result.append(
                DueSubscriber(
                    chat_id=row["chat_id"],
                    chat_type=row["chat_type"],
                    timezone=row["timezone"],
                    digest_time=row["digest_time"],
                    last_digest_at=from_db(row["last_digest_at"]),
                    next_digest_at=scheduled,
                )
            )
        return result

    async def earliest_digest_at(self) -> datetime | None:
        async with self._db.reader.execute(
            "SELECT min(next_digest_at) FROM subscribers WHERE active = 1"
        ) as cursor:
            row = await cursor.fetchone()
        return from_db(row[0]) if row else None

    async def follows(self, chat_ids: Sequence[int]) -> dict[int, list[str]]:
        """Followed topics of these chats (chats following nothing are absent)."""
        found: dict[int, list[str]] = defaultdict(list)
        for start in range(0, len(chat_ids), 500):
            chunk = chat_ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            async with self._db.reader.execute(
                f"SELECT chat_id, topic FROM follows WHERE chat_id IN ({marks})",  # noqa: S608
                chunk,
            ) as cursor:
                for row in await cursor.fetchall():
                    found[row[0]].append(row[1])
        return dict(found)

    async def candidates(self, fetched_after: datetime, limit: int) -> list[CandidateArticle]:
        """Stories fetched after the moment, newest first."""
        async with self._db.reader.execute(
            f"""SELECT {_CANDIDATE_COLUMNS} FROM articles a
                WHERE a.fetched_at > ? ORDER BY a.fetched_at DESC, a.id DESC
                LIMIT ?""",  # noqa: S608
            (to_db(fetched_after), limit),
        ) as cursor:
            return [_candidate(row) for row in await cursor.fetchall()]

    async def articles(self, article_ids: Sequence[int]) -> list[CandidateArticle]:
        marks = ",".join("?" * len(article_ids))
        async with self._db.reader.execute(
            f"SELECT {_CANDIDATE_COLUMNS} FROM articles a WHERE a.id IN ({marks})",  # noqa: S608
            tuple(article_ids),
        ) as cursor:
            return [_candidate(row) for row in await cursor.fetchall()]

    async def matching(self, fts_expression: str, fetched_after: datetime) -> set[int]:
        """Ids of stories fetched after the moment that the full-text expression matches."""
        async with self._db.reader.execute(
            """SELECT a.id FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
               WHERE articles_fts MATCH ? AND a.fetched_at > ?""",
            (fts_expression, to_db(fetched_after)),
        ) as cursor:
            return {int(row[0]) for row in await cursor.fetchall()}

    async def matching_among(self, fts_expression: str, article_ids: Sequence[int]) -> set[int]:
        marks = ",".join("?" * len(article_ids))
        async with self._db.reader.execute(
            f"""SELECT rowid FROM articles_fts
                WHERE articles_fts MATCH ? AND rowid IN ({marks})""",  # noqa: S608
            (fts_expression, *article_ids),
        ) as cursor:
            return {int(row[0]) for row in await cursor.fetchall()}

    async def all_followed_topics(self) -> dict[str, list[int]]:
        """Every followed topic with the active chats that follow it."""
        found: dict[str, list[int]] = defaultdict(list)
        async with self._db.reader.execute(
            """SELECT f.topic, f.chat_id FROM follows f
               JOIN subscribers s ON s.chat_id = f.chat_id WHERE s.active = 1"""
        ) as cursor:
            for row in await cursor.fetchall():
                found[row[0]].append(row[1])
        return dict(found)

    async def commit_digests(self, outcomes: Sequence[DigestOutcome], now: datetime) -> int:
        """One transaction for a batch: identical texts stored once, one outbox row per digest
        (skipped when its (chat, local date) key was already used), every subscriber's next
        instant advanced — only if nobody changed it meanwhile. How many rows were queued."""
        to_send = [outcome for outcome in outcomes if outcome.params is not None]
        async with self._db.transaction() as conn:
            queued = 0
            if to_send:
                broadcast_id = await insert_broadcast(conn, "digest", now, state="sending")
                # Digests built from the same cache entry share one params object: store it once.
                bodies: dict[int, int] = {}
                rows = []
                for outcome in to_send:
                    assert outcome.params is not None
                    key = id(outcome.params)
                    if key not in bodies:
                        bodies[key] = await insert_body(conn, outcome.params)
                    rows.append(
                        NewOutboxRow(
                            chat_id=outcome.chat_id,
                            payload={"chat_id": outcome.chat_id},
                            body_id=bodies[key],
                            dedupe_key=outcome.dedupe_key,
                        )
                    )
                queued = await insert_rows(conn, broadcast_id, rows, now)
            await conn.executemany(
                """UPDATE subscribers SET next_digest_at = ?,
                          last_digest_at = coalesce(?, last_digest_at)
                   WHERE chat_id = ? AND next_digest_at = ?""",
                (
                    (
                        to_db(outcome.next_digest_at),
                        to_db(outcome.sent_at) if outcome.sent_at else None,
                        outcome.chat_id,
                        to_db(outcome.scheduled_at),
                    )
                    for outcome in outcomes
                ),
            )
        return queued

    # --- topic alerts -----------------------------------------------------------------------

    async def add_alert_matches(self, matches: Iterable[tuple[int, int, str]], now: datetime) -> int:
        """Record (chat, article, topic) matches; a pair already recorded is kept as it was,
        so an article is alerted to a chat once. How many are new."""
        async with self._db.transaction() as conn:
            before = conn.total_changes
            await conn.executemany(
                """INSERT OR IGNORE INTO alert_matches (chat_id, article_id, topic, matched_at)
                   VALUES (?, ?, ?, ?)""",
                ((chat, article, topic, to_db(now)) for chat, article, topic in matches),
            )
            return conn.total_changes - before

    async def alerts_ready(self, quiet_since: datetime) -> list[WaitingAlert]:
        """Waiting matches of active chats that have had no alert since `quiet_since`."""
        async with self._db.reader.execute(
            """SELECT m.chat_id, m.article_id, m.topic FROM alert_matches m
               JOIN subscribers s ON s.chat_id = m.chat_id AND s.active = 1
               WHERE m.alerted_at IS NULL AND NOT EXISTS (
                   SELECT 1 FROM alert_matches last
                   WHERE last.chat_id = m.chat_id AND last.alerted_at > ?)
               ORDER BY m.chat_id, m.matched_at, m.article_id""",
            (to_db(quiet_since),),
        ) as cursor:
            return [WaitingAlert(row[0], row[1], row[2]) for row in await cursor.fetchall()]

    async def commit_alerts(
        self,
        messages: Sequence[tuple[int, dict[str, Any], Sequence[int]]],
        now: datetime,
    ) -> int:
        """Queue one alert message per chat and mark its matches alerted, in one transaction."""
        if not messages:
            return 0
        async with self._db.transaction() as conn:
            broadcast_id = await insert_broadcast(conn, "alert", now, state="sending")
            queued = await insert_rows(
                conn,
                broadcast_id,
                (
                    NewOutboxRow(
                        chat_id=chat_id,
                        payload={**params, "chat_id": chat_id},
                        dedupe_key=f"alert:{chat_id}:{min(article_ids)}:{max(article_ids)}",
                    )
                    for chat_id, params, article_ids in messages
                ),
                now,
            )
            await conn.executemany(
                """UPDATE alert_matches SET alerted_at = ?
                   WHERE chat_id = ? AND article_id = ? AND alerted_at IS NULL""",
                (
                    (to_db(now), chat_id, article_id)
                    for chat_id, _, article_ids in messages
                    for article_id in article_ids
                ),
            )
        return queued
