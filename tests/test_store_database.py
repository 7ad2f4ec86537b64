"""The database file: WAL mode, forward migrations that upgrade an older file in place."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import aiosqlite
import pytest

from gazebot.analysis import topic_key_forms
from gazebot.errors import StoreError
from gazebot.store import Store
from gazebot.store.database import Database, migrate, schema_version
from gazebot.store.migrations import SCHEMA_VERSION

NOW = "2026-11-24T08:00:00.000000Z"


async def _version_one_database(path: Path) -> None:
    """Build a database exactly as gazebot's first schema left it, and fill it."""
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        assert await migrate(conn, target=1) == 1
        await conn.execute(
            "INSERT INTO feeds (url, added_at, etag, consecutive_errors) VALUES (?, ?, ?, ?)",
            ("https://news.example/rss", NOW, '"abc"', 2),
        )
        await conn.executemany(
            """INSERT INTO articles (url, content_hash, title, text, fetched_at, sort_time,
                   source, language, feed_id, analysis)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)""",
            [
                (
                    f"https://news.example/{n}",
                    f"hash{n}",
                    f"Kupyansk report {n}",
                    f"Body {n} about Kupyansk",
                    NOW,
                    NOW,
                    "The Gaze",
                    "en",
                    '{"title": "t", "summary": ["s"]}',
                )
                for n in range(3)
            ],
        )
        await conn.execute(
            """INSERT INTO subscribers (chat_id, timezone, digest_time, breaking, created_at)
               VALUES (7, 'Europe/Kyiv', '07:30', 0, ?)""",
            (NOW,),
        )
        await conn.execute("INSERT INTO follows (chat_id, topic) VALUES (7, 'kupyansk')")


async def test_an_older_database_upgrades_in_place_with_every_row_intact(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    await _version_one_database(path)

    store = await Store.open(path)
    try:
        assert await schema_version(store.db.reader) == SCHEMA_VERSION
        feed = await store.feeds.get("https://news.example/rss")
        assert feed is not None
        assert feed.etag == '"abc"'
        assert feed.consecutive_errors == 2
        assert feed.article_count == 3
        assert await store.articles.count() == 3
        # rows from before the full-text index exists are searchable after the upgrade
        found = await store.articles.search(["kupyansk"], limit=10)
        assert sorted(article.url for article in found) == [
            f"https://news.example/{n}" for n in range(3)
        ]
        subscriber = await store.subscribers.get(7)
        assert subscriber is not None
        assert (subscriber.timezone, subscriber.digest_time, subscriber.breaking) == (
            "Europe/Kyiv",
            "07:30",
            False,
        )
        async with store.db.reader.execute("SELECT topic FROM follows WHERE chat_id = 7") as cur:
            assert [row[0] for row in await cur.fetchall()] == ["kupyansk"]
    finally:
        await store.close()


async def test_topic_keys_stored_with_the_letter_apostrophe_are_found_after_the_upgrade(
    tmp_path: Path,
) -> None:
    """Version 3 kept "ʼ" inside topic keys; a search for Kupiansk must find those rows too."""
    path = tmp_path / "v3.db"
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        assert await migrate(conn, target=3) == 3
        await conn.execute(
            """INSERT INTO articles (url, content_hash, title, text, fetched_at, sort_time,
                   language, analysis, topic_keys)
               VALUES ('https://news.example/k', 'h', 'Фронт', 'Бої тривають', ?, ?, 'uk', '{}',
                       'kupʼiansk zelensk')""",
            (NOW, NOW),
        )
    store = await Store.open(path)
    try:
        found = await store.articles.search(["Купʼянськ"], key_of=topic_key_forms, limit=10)
        assert [article.url for article in found] == ["https://news.example/k"]
        found = await store.articles.search(["Kupiansk"], key_of=topic_key_forms, limit=10)
        assert [article.url for article in found] == ["https://news.example/k"]
    finally:
        await store.close()


async def test_opening_twice_applies_nothing_new(tmp_path: Path) -> None:
    path = tmp_path / "g.db"
    store = await Store.open(path)
    await store.close()
    store = await Store.open(path)
    try:
        assert await schema_version(store.db.reader) == SCHEMA_VERSION
    finally:
        await store.close()


async def test_the_file_is_in_wal_mode(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "g.db")
    try:
        async with store.db.reader.execute("PRAGMA journal_mode") as cursor:
            row = await cursor.fetchone()
        assert row is not None
        assert row[0].lower() == "wal"
    finally:
        await store.close()


async def test_a_database_from_a_newer_gazebot_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    with pytest.raises(StoreError, match="newer"):
        await Database.open(path)


async def test_a_failed_transaction_leaves_nothing_behind(store: Store) -> None:
    async def insert_then_fail() -> None:
        async with store.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO feeds (url, added_at) VALUES ('https://x.example/', ?)", (NOW,)
            )
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await insert_then_fail()
    assert await store.feeds.all() == []


async def test_a_database_in_a_missing_directory_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot open database"):
        await Database.open(tmp_path / "missing" / "g.db")
