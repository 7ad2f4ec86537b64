"""Storage faults (issue 6, "Storage faults"): a second writer holding the lock, a full disk, a
read-only file — retried, or logged once clearly while reads keep working, and the outbox loses
nothing across them.

The full disk is a real SQLITE_FULL: the writer's `PRAGMA max_page_count` pinned to the file's
current size and the free space filled (a store-level test: rows that fit in a table's existing
pages can still be written then, so it cannot stop every write of the running bot). The read-only
file is the writer connection put in `query_only` mode, which refuses every write with SQLite's
own "attempt to write a readonly database" (the tests run as root, so a chmod would not stop
SQLite); the bot-level tests use it, reaching the writer connection to switch it back.
"""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gazebot.errors import StoreError
from gazebot.settings import Settings
from gazebot.store import Database, Store
from gazebot.store.feeds import FeedStore
from tests.bot_harness import ADMIN_ID, BotUnderTest, running_bot

HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("CREATE TABLE IF NOT EXISTS other_process (x)")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


def hold_write_lock(path: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process takes the write lock for `seconds` (returns once it holds it)."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "locked"
    return process


async def fill_disk(db: Database) -> None:
    """Pin the file to its current size, then fill every free byte: the next write fails."""
    async with db.transaction() as conn:
        await conn.execute("CREATE TABLE IF NOT EXISTS filler (x BLOB)")
    async with db.transaction() as conn:
        async with conn.execute("PRAGMA page_count") as cursor:
            row = await cursor.fetchone()
        assert row is not None
        await conn.execute(f"PRAGMA max_page_count = {int(row[0])}")
    for size in (2000, 200, 20, 1):
        while True:
            try:
                async with db.transaction() as conn:
                    await conn.execute("INSERT INTO filler VALUES (zeroblob(?))", (size,))
            except StoreError:
                break


async def free_disk(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute("PRAGMA max_page_count = 1073741823")


async def make_read_only(db: Database, read_only: bool) -> None:
    """The file turns read-only (or writable again) under the running bot."""
    await db._writer.execute(f"PRAGMA query_only = {'ON' if read_only else 'OFF'}")


async def test_a_full_disk_refuses_writes_with_one_clear_error_and_recovers(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    await store.feeds.add("http://127.0.0.1/a.xml", _now())
    with caplog.at_level(logging.ERROR, logger="gazebot"):
        await fill_disk(store.db)
        logged = [r.getMessage() for r in caplog.records if "refuses writes" in r.getMessage()]
        for _ in range(3):
            with pytest.raises(StoreError, match="database or disk is full"):
                async with store.db.transaction() as conn:
                    await conn.execute("INSERT INTO filler VALUES (zeroblob(5000))")
    refusals = [r.getMessage() for r in caplog.records if "refuses writes" in r.getMessage()]
    assert logged
    assert refusals == logged  # the refused writes that follow add no line: one per outage
    assert "database or disk is full" in refusals[0]
    assert str(store.db.path) in refusals[0]
    assert [f.url for f in await store.feeds.all()] == ["http://127.0.0.1/a.xml"]  # reads work
    await free_disk(store.db)
    assert await store.feeds.add("http://127.0.0.1/b.xml", _now())


async def test_a_second_process_holding_the_write_lock_is_waited_out_and_retried(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "gazebot.db"
    db = await Database.open(path, busy_timeout_ms=100)
    try:
        holder = hold_write_lock(path, 0.6)
        with caplog.at_level(logging.WARNING, logger="gazebot"):
            added = await FeedStore(db).add("http://127.0.0.1/feed.xml", _now())
        holder.wait(10)
        assert added
        assert [f.url for f in await FeedStore(db).all()] == ["http://127.0.0.1/feed.xml"]
        assert any("database locked, retrying" in r.getMessage() for r in caplog.records)
    finally:
        await db.close()


async def test_a_lock_held_too_long_is_a_clear_store_error_and_nothing_half_written(
    tmp_path: Path,
) -> None:
    path = tmp_path / "gazebot.db"
    db = await Database.open(path, busy_timeout_ms=50)
    holder = hold_write_lock(path, 4.0)
    try:
        with pytest.raises(StoreError, match="database is unavailable: database is locked"):
            await FeedStore(db).add("http://127.0.0.1/feed.xml", _now())
    finally:
        holder.wait(10)
    try:
        assert await FeedStore(db).all() == []
        assert await FeedStore(db).add("http://127.0.0.1/feed.xml", _now())  # works once free
    finally:
        await db.close()


async def test_a_read_only_database_refuses_writes_with_one_clear_error_and_reads_work(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    await store.feeds.add("http://127.0.0.1/a.xml", _now())
    async with store.db.transaction() as conn:
        await conn.execute("PRAGMA query_only = ON")
    with caplog.at_level(logging.ERROR, logger="gazebot"):
        for _ in range(3):
            with pytest.raises(StoreError, match="readonly"):
                await store.feeds.add("http://127.0.0.1/b.xml", _now())
    refusals = [r for r in caplog.records if "refuses writes" in r.getMessage()]
    assert len(refusals) == 1  # once, not once per attempt
    assert str(store.db.path) in refusals[0].getMessage()
    assert [f.url for f in await store.feeds.all()] == ["http://127.0.0.1/a.xml"]


async def test_a_read_only_database_keeps_the_bot_answering_reads_and_says_so_once_in_the_log(
    make_settings: Callable[..., Settings], caplog: pytest.LogCaptureFixture
) -> None:
    async with running_bot(make_settings) as bot:
        await bot.wait_for_articles(3)
        await bot.send(501, "/start")
        with caplog.at_level(logging.INFO):
            await make_read_only(bot.store.db, True)
            [latest] = await bot.send(501, "/latest 1")
            [help_reply] = await bot.send(501, "/help")
            [settings_reply] = await bot.send(501, "/settings")
            [refused] = await bot.send(502, "/start")  # a write: it cannot be saved
            [stats] = await bot.send(ADMIN_ID, "/stats")
        assert latest.buttons  # a card with its More button
        assert "What I can do" in help_reply.text
        assert "Digest" in settings_reply.text or "digest" in settings_reply.text
        assert refused.text.startswith("Sorry, something went wrong")
        assert "Subscribers: 1 active" in stats.text
        errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        refusals = [m for m in errors if "refuses writes (attempt to write a readonly database)" in m]
        assert len(refusals) == 1, errors
        assert str(bot.settings.db_path) in refusals[0]

        await make_read_only(bot.store.db, False)
        [welcome] = await bot.send(502, "/start")
        assert "You are subscribed" in welcome.text


async def test_the_outbox_loses_nothing_when_the_database_turns_read_only_mid_broadcast(
    make_settings: Callable[..., Settings],
) -> None:
    subscribers = list(range(601, 621))
    async with running_bot(make_settings, send_rate=8) as bot:
        await bot.wait_for_articles(3)
        for user in subscribers:
            await bot.send(user, "/start")
        _, preview = await bot.send(ADMIN_ID, "/breaking " + bot.urls["grain-exports"], expect=2)
        send = next(d for d in preview.callback_data if d.startswith("b:send:"))
        await bot.press(ADMIN_ID, preview, send, expect=1)

        def breaking_received() -> int:
            return sum(1 for user in subscribers
                       if any("Grain exports" in m.text for m in bot.fake.sent_messages(user)))

        await bot.fake.wait_until_async(lambda: breaking_received() >= 4, 20)
        await make_read_only(bot.store.db, True)
        await asyncio.sleep(2.5)  # the sender keeps failing to claim or record
        stalled = breaking_received()
        assert stalled < len(subscribers)
        await make_read_only(bot.store.db, False)
        await bot.fake.wait_until_async(lambda: breaking_received() == len(subscribers), 60)
        await eventually_counts(bot, {"sent": len(subscribers), "pending": 0, "failed": 0})
        for user in subscribers:
            copies = [m for m in bot.fake.sent_messages(user) if "Grain exports" in m.text]
            assert len(copies) == 1, user


async def eventually_counts(bot: BotUnderTest, expected: dict[str, int], within: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        counts = await bot.store.outbox.counts()
        if all(counts.get(key, 0) == value for key, value in expected.items()):
            return
        assert loop.time() < deadline, counts
        await asyncio.sleep(0.1)


def _now() -> datetime:
    return datetime(2026, 1, 1, tzinfo=UTC)
