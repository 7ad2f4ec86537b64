"""The SQLite file: one writer and one reader connection, WAL mode, migrations at open."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Self

import aiosqlite

from gazebot.errors import StoreError
from gazebot.store.migrations import MIGRATIONS

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5_000
LOCKED_RETRIES = 5


def _is_locked(exc: sqlite3.OperationalError) -> bool:
    message = str(exc).lower()
    return "locked" in message or "busy" in message


def _is_unwritable(exc: sqlite3.Error) -> bool:
    """A full disk or a read-only file: every write fails until an operator fixes it."""
    message = str(exc).lower()
    return "disk is full" in message or "readonly" in message or "read-only" in message


class Database:
    """Owns the connections. Writes go through `transaction()` (serialised, retried when locked);
    reads through `reader` see only committed data, so they never wait behind a write."""

    def __init__(self, path: Path, writer: aiosqlite.Connection, reader: aiosqlite.Connection):
        self.path = path
        self._writer = writer
        self.reader = reader
        self._write_lock = asyncio.Lock()
        self._unwritable = False  # the last write failed for a full disk or read-only file

    @classmethod
    async def open(cls, path: Path | str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Self:
        """Open (creating if needed) the database file and bring its schema up to date.
        `busy_timeout_ms` is how long one statement waits for another writer's lock."""
        path = Path(path)
        try:
            # aiosqlite leaves its worker thread behind when the file cannot be opened, so find
            # out with plain sqlite3 first and fail cleanly.
            await asyncio.to_thread(_probe, path)
            writer = await _connect(path, busy_timeout_ms)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database {path}: {exc}") from exc
        try:
            await migrate(writer)
            reader = await _connect(path, busy_timeout_ms)
        except BaseException as exc:
            await writer.close()
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"cannot open database {path}: {exc}") from exc
            raise
        return cls(path, writer, reader)

    async def close(self) -> None:
        await self.reader.close()
        await self._writer.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT on the writer; rolled back if the block raises.

        `database is locked` at BEGIN (another process holds the write lock past the busy
        timeout) is retried with backoff before it becomes a StoreError. A full disk or a
        read-only file becomes a StoreError too, logged once as an ERROR naming the file (again
        only after a write has succeeded in between), so the operator sees one clear line and
        readers, which do not write, carry on.
        """
        async with self._write_lock:
            for attempt in range(LOCKED_RETRIES):
                try:
                    await self._writer.execute("BEGIN IMMEDIATE")
                    break
                except sqlite3.OperationalError as exc:
                    if _is_unwritable(exc):
                        raise self._refused(exc) from exc
                    if not _is_locked(exc) or attempt == LOCKED_RETRIES - 1:
                        raise StoreError(f"database is unavailable: {exc}") from exc
                    log.warning("database locked, retrying (attempt %d)", attempt + 1)
                    await asyncio.sleep(0.05 * 2**attempt)
            try:
                yield self._writer
            except sqlite3.OperationalError as exc:
                await self._rollback()
                if _is_unwritable(exc):
                    raise self._refused(exc) from exc
                raise
            except BaseException:
                await self._rollback()
                raise
            try:
                await self._writer.commit()
            except sqlite3.Error as exc:
                await self._rollback()
                if _is_unwritable(exc):
                    raise self._refused(exc) from exc
                raise StoreError(f"database write failed: {exc}") from exc
            if self._unwritable:
                self._unwritable = False
                log.warning("database %s accepts writes again", self.path)

    async def _rollback(self) -> None:
        # SQLite may already have rolled back (a full disk can end the transaction itself).
        if self._writer.in_transaction:
            await self._writer.rollback()

    def _refused(self, exc: sqlite3.Error) -> StoreError:
        if not self._unwritable:
            self._unwritable = True
            log.error(
                "database %s refuses writes (%s): changes are not saved until there is room or "
                "the file is writable; reading still works",
                self.path,
                exc,
            )
        return StoreError(f"database refuses writes: {exc}")


def _probe(path: Path) -> None:
    sqlite3.connect(path).close()


async def _connect(path: Path, busy_timeout_ms: int) -> aiosqlite.Connection:
    connection = await aiosqlite.connect(path, isolation_level=None)
    connection.row_factory = sqlite3.Row
    await connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    await connection.execute("PRAGMA journal_mode = WAL")
    await connection.execute("PRAGMA synchronous = NORMAL")
    await connection.execute("PRAGMA foreign_keys = ON")
    return connection


async def schema_version(connection: aiosqlite.Connection) -> int:
    async with connection.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def migrate(connection: aiosqlite.Connection, target: int | None = None) -> int:
    """Apply every migration after the file's version, up to `target` (default: all)."""
    target = len(MIGRATIONS) if target is None else target
    current = await schema_version(connection)
    if current > len(MIGRATIONS):
        raise StoreError(
            f"database schema version {current} is newer than this gazebot ({len(MIGRATIONS)})"
        )
    for version in range(current + 1, target + 1):
        log.info("migrating database to schema version %d", version)
        script = f"BEGIN IMMEDIATE;\n{MIGRATIONS[version - 1]}\nPRAGMA user_version = {version};\nCOMMIT;"
        try:
            await connection.executescript(script)
        except sqlite3.Error:
            if connection.in_transaction:
                await connection.rollback()
            raise
    return target
