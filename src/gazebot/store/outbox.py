"""The durable outbox: broadcasts, shared message bodies and one row per message to send.

A row's exact sendMessage parameters are its body's params (shared by every recipient of the same
card or digest text, so 100,000 copies are not stored) overlaid by the row's own `payload` (which
always holds `chat_id`). State moves pending → sending → sent | failed; a row is committed as
`sending` before the API call, so after a crash only rows in flight can be unsure.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from gazebot.clock import from_db, required_from_db, to_db
from gazebot.store.database import Database

BLOCKED = "blocked"
CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """A message claimed for sending: where it goes and the exact parameters to send."""

    id: int
    broadcast_id: int | None
    chat_id: int
    params: dict[str, Any]
    attempts: int


@dataclass(frozen=True, slots=True)
class NewOutboxRow:
    """A message to enqueue: `payload` is overlaid on the body's params (if `body_id` is set)."""

    chat_id: int
    payload: dict[str, Any]
    body_id: int | None = None
    dedupe_key: str | None = None


@dataclass(frozen=True, slots=True)
class Broadcast:
    """One breaking send, digest pass or alert batch, and where its progress is shown."""

    id: int
    kind: str
    state: str
    article_id: int | None
    payload: dict[str, Any] | None
    created_by: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    progress_chat_id: int | None
    progress_message_id: int | None


@dataclass(frozen=True, slots=True)
class BroadcastCounts:
    """Where a broadcast's messages stand."""

    pending: int = 0
    sent: int = 0
    blocked: int = 0
    failed: int = 0

    @property
    def done(self) -> bool:
        return self.pending == 0


def _broadcast(row: sqlite3.Row) -> Broadcast:
    created = required_from_db(row["created_at"])
    return Broadcast(
        id=row["id"],
        kind=row["kind"],
        state=row["state"],
        article_id=row["article_id"],
        payload=json.loads(row["payload"]) if row["payload"] else None,
        created_by=row["created_by"],
        created_at=created,
        started_at=from_db(row["started_at"]),
        finished_at=from_db(row["finished_at"]),
        progress_chat_id=row["progress_chat_id"],
        progress_message_id=row["progress_message_id"],
    )


async def insert_body(conn: aiosqlite.Connection, params: dict[str, Any]) -> int:
    """Store parameters shared by many rows (inside the caller's transaction); the body id."""
    cursor = await conn.execute(
        "INSERT INTO outbox_bodies (params) VALUES (?)",
        (json.dumps(params, ensure_ascii=False, separators=(",", ":")),),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


async def insert_broadcast(
    conn: aiosqlite.Connection,
    kind: str,
    now: datetime,
    *,
    state: str = "draft",
    article_id: int | None = None,
    payload: dict[str, Any] | None = None,
    created_by: int | None = None,
) -> int:
    """Create a broadcast row inside the caller's transaction; its id."""
    cursor = await conn.execute(
        """INSERT INTO broadcasts (kind, state, article_id, payload, created_by, created_at,
                                   started_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        (
            kind,
            state,
            article_id,
            json.dumps(payload, ensure_ascii=False) if payload is not None else None,
            created_by,
            to_db(now),
            to_db(now) if state == "sending" else None,
        ),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


async def insert_rows(
    conn: aiosqlite.Connection,
    broadcast_id: int | None,
    rows: Iterable[NewOutboxRow],
    now: datetime,
) -> int:
    """Enqueue many rows with one executemany inside the caller's transaction; rows whose
    dedupe key already exists are skipped. Returns how many were inserted."""
    created = to_db(now)
    due = now.timestamp()
    before = conn.total_changes
    await conn.executemany(
        """INSERT OR IGNORE INTO outbox
           (broadcast_id, body_id, chat_id, payload, next_try_at, created_at, dedupe_key)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        (
            (
                broadcast_id,
                row.body_id,
                row.chat_id,
                json.dumps(row.payload, ensure_ascii=False, separators=(",", ":")),
                due,
                created,
                row.dedupe_key,
            )
            for row in rows
        ),
    )
    return conn.total_changes - before


async def _record_sent(conn: aiosqlite.Connection, sent: Sequence[tuple[int, int, datetime]]) -> None:
    await conn.executemany(
        """UPDATE outbox SET state = 'sent', sent_at = ?, message_id = ?,
                  attempts = attempts + 1, error = NULL
           WHERE id = ? AND state = 'sending'""",
        ((to_db(moment), message_id, row_id) for row_id, message_id, moment in sent),
    )


class OutboxStore:
    """Reads and writes the outbox, its bodies and the broadcasts."""

    def __init__(self, db: Database):
        self._db = db

    # --- enqueueing -------------------------------------------------------------------------

    async def enqueue(
        self,
        rows: Sequence[NewOutboxRow],
        now: datetime,
        *,
        kind: str = "alert",
        shared_params: dict[str, Any] | None = None,
    ) -> tuple[int, int]:
        """Enqueue rows as one new broadcast in one transaction: (broadcast id, rows inserted).

        With `shared_params`, they are stored once as the body of every row."""
        async with self._db.transaction() as conn:
            broadcast_id = await insert_broadcast(conn, kind, now, state="sending")
            body_id = await insert_body(conn, shared_params) if shared_params else None
            inserted = await insert_rows(
                conn,
                broadcast_id,
                (NewOutboxRow(r.chat_id, r.payload, r.body_id or body_id, r.dedupe_key) for r in rows),
                now,
            )
        return broadcast_id, inserted

    async def create_broadcast(
        self,
        kind: str,
        now: datetime,
        *,
        article_id: int | None = None,
        payload: dict[str, Any] | None = None,
        created_by: int | None = None,
    ) -> int:
        """A draft broadcast (nothing queued yet); its id."""
        async with self._db.transaction() as conn:
            return await insert_broadcast(
                conn, kind, now, article_id=article_id, payload=payload, created_by=created_by
            )

    async def start_breaking(
        self,
        broadcast_id: int,
        now: datetime,
        *,
        progress_chat_id: int | None,
        progress_message_id: int | None,
    ) -> int | None:
        """Queue the draft's message for every active subscriber with breaking news on, in one
        INSERT … SELECT; how many were queued, or None when the broadcast is not a draft."""
        async with self._db.transaction() as conn:
            async with conn.execute(
                "SELECT state, payload FROM broadcasts WHERE id = ?", (broadcast_id,)
            ) as cursor:
                found = await cursor.fetchone()
            if found is None or found["state"] != "draft" or not found["payload"]:
                return None
            body_id = await insert_body(conn, json.loads(found["payload"]))
            before = conn.total_changes
            await conn.execute(
                """INSERT OR IGNORE INTO outbox
                   (broadcast_id, body_id, chat_id, payload, next_try_at, created_at, dedupe_key)
                   SELECT ?, ?, chat_id, json_object('chat_id', chat_id), ?, ?,
                          'breaking:' || ? || ':' || chat_id
                   FROM subscribers WHERE active = 1 AND breaking = 1
                   ORDER BY chat_id""",
                (broadcast_id, body_id, now.timestamp(), to_db(now), broadcast_id),
            )
            queued = conn.total_changes - before
            await conn.execute(
                """UPDATE broadcasts SET state = 'sending', started_at = ?,
                          progress_chat_id = ?, progress_message_id = ?
                   WHERE id = ?""",
                (to_db(now), progress_chat_id, progress_message_id, broadcast_id),
            )
            return queued

    async def cancel_broadcast(self, broadcast_id: int, now: datetime) -> bool:
        """Cancel a draft, or stop a broadcast in progress (its unsent rows fail as cancelled);
        False when it is unknown or already finished."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                """UPDATE broadcasts SET state = 'cancelled', finished_at = ?
                   WHERE id = ? AND state IN ('draft', 'sending')""",
                (to_db(now), broadcast_id),
            )
            if cursor.rowcount != 1:
                return False
            await conn.execute(
                """UPDATE outbox SET state = 'failed', error = ?
                   WHERE broadcast_id = ? AND state = 'pending'""",
                (CANCELLED, broadcast_id),
            )
            return True

    # --- reading ----------------------------------------------------------------------------

    async def get_broadcast(self, broadcast_id: int) -> Broadcast | None:
        async with self._db.reader.execute(
            "SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return _broadcast(row) if row else None

    async def sending_broadcasts(self) -> list[Broadcast]:
        """Broadcasts whose rows are still being sent, oldest first."""
        async with self._db.reader.execute(
            "SELECT * FROM broadcasts WHERE state = 'sending' ORDER BY id"
        ) as cursor:
            return [_broadcast(row) for row in await cursor.fetchall()]

    async def due(self, broadcast_id: int | None, now_ts: float, limit: int) -> list[OutboxRow]:
        """Pending rows of one broadcast (None: rows outside any) whose time has come, oldest
        first."""
        async with self._db.reader.execute(
            """SELECT o.id, o.broadcast_id, o.chat_id, o.payload, o.attempts, b.params
               FROM outbox o LEFT JOIN outbox_bodies b ON b.id = o.body_id
               WHERE o.state = 'pending' AND o.broadcast_id IS ? AND o.next_try_at <= ?
               ORDER BY o.next_try_at, o.id LIMIT ?""",
            (broadcast_id, now_ts, limit),
        ) as cursor:
            rows = await cursor.fetchall()
        bodies: dict[str, dict[str, Any]] = {}
        result = []
        for row in rows:
            body = row["params"]
            if body is not None and body not in bodies:
                bodies[body] = json.loads(body)
            params = dict(bodies[body]) if body is not None else {}
            params.update(json.loads(row["payload"]))
            result.append(
                OutboxRow(
                    id=row["id"],
                    broadcast_id=row["broadcast_id"],
                    chat_id=row["chat_id"],
                    params=params,
                    attempts=row["attempts"],
                )
            )
        return result

    async def next_due_at(self) -> float | None:
        """The earliest next_try_at of any pending row (epoch seconds), or None."""
        async with self._db.reader.execute(
            "SELECT min(next_try_at) FROM outbox WHERE state = 'pending'"
        ) as cursor:
            row = await cursor.fetchone()
        return float(row[0]) if row and row[0] is not None else None

    async def counts(self) -> dict[str, int]:
        """Deliveries by state for /stats: pending (including in flight), sent, failed."""
        async with self._db.reader.execute("SELECT state, count(*) FROM outbox GROUP BY state") as cursor:
            by_state = {row[0]: int(row[1]) for row in await cursor.fetchall()}
        return {
            "pending": by_state.get("pending", 0) + by_state.get("sending", 0),
            "sent": by_state.get("sent", 0),
            "failed": by_state.get("failed", 0),
        }

    async def broadcast_counts(self, broadcast_id: int) -> BroadcastCounts:
        async with self._db.reader.execute(
            """SELECT state, error = ? AS blocked, count(*) FROM outbox
               WHERE broadcast_id = ? GROUP BY state, blocked""",
            (BLOCKED, broadcast_id),
        ) as cursor:
            rows = await cursor.fetchall()
        pending = sent = blocked = failed = 0
        for state, is_blocked, count in rows:
            if state in ("pending", "sending"):
                pending += count
            elif state == "sent":
                sent += count
            elif is_blocked:
                blocked += count
            else:
                failed += count
        return BroadcastCounts(pending=pending, sent=sent, blocked=blocked, failed=failed)

    # --- the sender's state changes ---------------------------------------------------------

    async def recover_in_flight(self) -> int:
        """Put rows left `sending` by a crash back to pending (they may have been delivered:
        at most the messages that were in flight repeat); how many."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute("UPDATE outbox SET state = 'pending' WHERE state = 'sending'")
            return cursor.rowcount

    async def claim(self, row_ids: Sequence[int], sent: Sequence[tuple[int, int, datetime]] = ()) -> set[int]:
        """One transaction: record rows already delivered as `sent` (row id, message id, when)
        and mark these pending rows `sending` before their API calls. The ids actually claimed
        (a row cancelled or dropped meanwhile is not)."""
        async with self._db.transaction() as conn:
            if sent:
                await _record_sent(conn, sent)
            claimed: set[int] = set()
            for row_id in row_ids:
                cursor = await conn.execute(
                    "UPDATE outbox SET state = 'sending' WHERE id = ? AND state = 'pending'", (row_id,)
                )
                if cursor.rowcount == 1:
                    claimed.add(row_id)
            return claimed

    async def release(self, row_ids: Sequence[int]) -> None:
        """Claimed rows that were not sent after all (the sender is stopping) go back to pending."""
        async with self._db.transaction() as conn:
            await conn.executemany(
                "UPDATE outbox SET state = 'pending' WHERE id = ? AND state = 'sending'",
                ((row_id,) for row_id in row_ids),
            )

    async def mark_sending(self, row_id: int) -> bool:
        """Commit that this row is about to be sent; False when it is no longer pending."""
        return row_id in await self.claim([row_id])

    async def mark_sent_many(self, sent: Sequence[tuple[int, int, datetime]]) -> None:
        """Record delivered rows (row id, message id, when) in one transaction."""
        if sent:
            async with self._db.transaction() as conn:
                await _record_sent(conn, sent)

    async def mark_sent(self, row_id: int, message_id: int, now: datetime) -> None:
        await self.mark_sent_many([(row_id, message_id, now)])

    async def mark_failed(self, row_id: int, reason: str, *, count_attempt: bool = True) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                """UPDATE outbox SET state = 'failed', error = ?, attempts = attempts + ?
                   WHERE id = ?""",
                (reason, int(count_attempt), row_id),
            )

    async def retry_later(self, row_id: int, next_try_at: float, reason: str, *, count_attempt: bool) -> None:
        """Back to pending, due at `next_try_at`; a 429 does not count as a failed attempt."""
        async with self._db.transaction() as conn:
            await conn.execute(
                """UPDATE outbox SET state = 'pending', next_try_at = ?, error = ?,
                          attempts = attempts + ?
                   WHERE id = ?""",
                (next_try_at, reason, int(count_attempt), row_id),
            )

    async def block_chat(self, row_id: int, chat_id: int) -> int:
        """The chat blocked the bot: fail this row and every open row for the chat as blocked,
        and mark the subscriber inactive — one transaction; how many rows were dropped."""
        async with self._db.transaction() as conn:
            await conn.execute("UPDATE outbox SET attempts = attempts + 1 WHERE id = ?", (row_id,))
            cursor = await conn.execute(
                """UPDATE outbox SET state = 'failed', error = ?
                   WHERE chat_id = ? AND state IN ('pending', 'sending')""",
                (BLOCKED, chat_id),
            )
            dropped = cursor.rowcount
            await conn.execute("UPDATE subscribers SET active = 0 WHERE chat_id = ?", (chat_id,))
            return dropped

    async def move_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup: its subscriber, follows, alert matches and open rows
        follow the new chat id (one transaction; the row under way is retried there)."""
        async with self._db.transaction() as conn:
            async with conn.execute("SELECT 1 FROM subscribers WHERE chat_id = ?", (new_chat_id,)) as cursor:
                new_exists = await cursor.fetchone() is not None
            if not new_exists:
                # Copy-then-delete rather than UPDATE of the key: follows reference it.
                await conn.execute(
                    """INSERT INTO subscribers
                       (chat_id, chat_type, active, timezone, digest_time, breaking, created_at,
                        last_digest_at, next_digest_at)
                       SELECT ?, 'supergroup', active, timezone, digest_time, breaking,
                              created_at, last_digest_at, next_digest_at
                       FROM subscribers WHERE chat_id = ?""",
                    (new_chat_id, old_chat_id),
                )
                await conn.execute(
                    """INSERT OR IGNORE INTO follows (chat_id, topic)
                       SELECT ?, topic FROM follows WHERE chat_id = ?""",
                    (new_chat_id, old_chat_id),
                )
            await conn.execute("DELETE FROM subscribers WHERE chat_id = ?", (old_chat_id,))
            await conn.execute(
                "UPDATE OR IGNORE alert_matches SET chat_id = ? WHERE chat_id = ?",
                (new_chat_id, old_chat_id),
            )
            await conn.execute(
                """UPDATE outbox SET chat_id = ?,
                          payload = json_set(payload, '$.chat_id', ?), state = 'pending'
                   WHERE chat_id = ? AND state IN ('pending', 'sending')""",
                (new_chat_id, new_chat_id, old_chat_id),
            )

    async def prune(self, before: datetime) -> int:
        """Forget what ended before `before`: finished or cancelled broadcasts with their rows,
        stale drafts, final rows outside any broadcast, bodies no row uses any more, and alert
        matches already alerted. How many broadcasts were removed."""
        cutoff = to_db(before)
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                """DELETE FROM broadcasts
                   WHERE (state IN ('done', 'cancelled') AND finished_at < ?)
                      OR (state = 'draft' AND created_at < ?)""",
                (cutoff, cutoff),
            )
            removed = cursor.rowcount
            await conn.execute(
                """DELETE FROM outbox WHERE broadcast_id IS NULL
                   AND state IN ('sent', 'failed') AND created_at < ?""",
                (cutoff,),
            )
            await conn.execute(
                """DELETE FROM outbox_bodies WHERE NOT EXISTS (
                       SELECT 1 FROM outbox WHERE outbox.body_id = outbox_bodies.id)"""
            )
            await conn.execute("DELETE FROM alert_matches WHERE alerted_at < ?", (cutoff,))
            return removed

    async def finish_broadcast(self, broadcast_id: int, now: datetime) -> bool:
        """Mark a broadcast done once none of its rows is open; True when it just finished."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                """UPDATE broadcasts SET state = 'done', finished_at = ?
                   WHERE id = ? AND state = 'sending' AND NOT EXISTS (
                       SELECT 1 FROM outbox WHERE broadcast_id = ?
                       AND state IN ('pending', 'sending'))""",
                (to_db(now), broadcast_id, broadcast_id),
            )
            return cursor.rowcount == 1
