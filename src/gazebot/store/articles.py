"""Articles: stored once (by canonical URL or content), listed newest first, searched with FTS5."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime

from gazebot.analysis.card import Card
from gazebot.clock import from_db, required_from_db, to_db
from gazebot.models import Article, NewArticle
from gazebot.store.database import Database

_ARTICLE_COLUMNS = "a.id, a.url, a.title, a.analysis, a.published_at, a.fetched_at, a.source"
_WORD = re.compile(r"\w+", re.UNICODE)
# How many of the newest matches a search ranks (see ArticleStore.search).
SEARCH_WINDOW = 1000


def content_hash(title: str, text: str) -> str:
    """Hash of the text with case and spacing folded: a syndicated copy hashes the same."""
    body = text if text.strip() else title
    normalised = " ".join(body.lower().split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _article(row: sqlite3.Row) -> Article:
    fetched = required_from_db(row["fetched_at"])
    return Article(
        id=row["id"],
        url=row["url"],
        title=row["title"],
        card=Card.from_dict(json.loads(row["analysis"])),
        published_at=from_db(row["published_at"]),
        fetched_at=fetched,
        source=row["source"],
    )


def fts_query(words: Sequence[str], key_of: Callable[[str], tuple[str, ...]] | None = None) -> str | None:
    """An FTS5 MATCH expression: every word must match, either in title/text (its parts as a
    phrase whose last part may be a prefix: "Kup’iansk" → "kup iansk"*) or as one of its
    normalised topic keys (`key_of(word)`, so Kupiansk finds Kupyansk, Харків finds Харкові).
    None when nothing searchable is left. User input never reaches FTS5 syntax: every term is
    quoted and quotes are stripped."""
    clauses = []
    for word in words:
        parts = _WORD.findall(word.lower())
        if not parts:
            continue
        options = ['"' + " ".join(parts) + '"*']
        for key in key_of(word) if key_of else ():
            quoted = key.replace('"', " ").strip()
            if quoted:
                options.append(f'topic_keys:"{quoted}"')
        clauses.append("(" + " OR ".join(options) + ")")
    return " AND ".join(clauses) if clauses else None


class ArticleStore:
    """Reads and writes the articles table (and its full-text index, kept by triggers)."""

    def __init__(self, db: Database):
        self._db = db

    async def add(self, article: NewArticle, fetched_at: datetime) -> int | None:
        """Store the article; its id, or None when it is a duplicate (URL or content)."""
        published = article.published_at
        if published is not None and published > fetched_at:
            published = fetched_at  # a date in the future would pin the story to the top
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                """INSERT OR IGNORE INTO articles
                   (url, content_hash, title, text, published_at, fetched_at, sort_time, source,
                    language, feed_id, analysis, topic_keys)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    article.url,
                    content_hash(article.title, article.text),
                    article.title,
                    article.text,
                    to_db(published) if published else None,
                    to_db(fetched_at),
                    to_db(published or fetched_at),
                    article.source,
                    article.language,
                    article.feed_id,
                    json.dumps(article.card.to_dict(), ensure_ascii=False),
                    " ".join(article.topic_keys),
                ),
            )
            return cursor.lastrowid if cursor.rowcount == 1 else None

    async def has_url(self, url: str) -> bool:
        return await self.id_for_url(url) is not None

    async def id_for_url(self, url: str) -> int | None:
        """The id of the article stored under this canonical URL, if any."""
        async with self._db.reader.execute("SELECT id FROM articles WHERE url = ?", (url,)) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else None

    async def duplicate_of(self, article: NewArticle) -> int | None:
        """The stored article this one duplicates: same URL first, else the same content."""
        async with self._db.reader.execute(
            "SELECT id FROM articles WHERE url = ? OR content_hash = ? ORDER BY url = ? DESC",
            (article.url, content_hash(article.title, article.text), article.url),
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else None

    async def get(self, article_id: int) -> Article | None:
        async with self._db.reader.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles a WHERE a.id = ?", (article_id,)  # noqa: S608
        ) as cursor:
            row = await cursor.fetchone()
        return _article(row) if row else None

    async def text(self, article_id: int) -> str | None:
        async with self._db.reader.execute(
            "SELECT text FROM articles WHERE id = ?", (article_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return str(row[0]) if row else None

    async def latest(self, limit: int, offset: int = 0) -> list[Article]:
        async with self._db.reader.execute(
            f"""SELECT {_ARTICLE_COLUMNS} FROM articles a
                ORDER BY a.sort_time DESC, a.id DESC LIMIT ? OFFSET ?""",  # noqa: S608
            (limit, offset),
        ) as cursor:
            return [_article(row) for row in await cursor.fetchall()]

    async def since(self, moment: datetime, limit: int) -> list[Article]:
        """Articles that appeared after `moment`, newest first."""
        async with self._db.reader.execute(
            f"""SELECT {_ARTICLE_COLUMNS} FROM articles a WHERE a.sort_time > ?
                ORDER BY a.sort_time DESC, a.id DESC LIMIT ?""",  # noqa: S608
            (to_db(moment), limit),
        ) as cursor:
            return [_article(row) for row in await cursor.fetchall()]

    async def search(
        self,
        words: Sequence[str],
        key_of: Callable[[str], tuple[str, ...]] | None = None,
        limit: int = 5,
        offset: int = 0,
    ) -> list[Article]:
        """Best matches first (BM25, title and topics weighted over body), then newest.

        Only the newest `SEARCH_WINDOW` matches are ranked: a word found in tens of thousands of
        stories would otherwise rank them all on every page, and a news reader wants recent ones.
        """
        query = fts_query(words, key_of)
        if query is None:
            return []
        async with self._db.reader.execute(
            f"""SELECT {_ARTICLE_COLUMNS}
                FROM (SELECT rowid, bm25(articles_fts, 4.0, 1.0, 4.0) AS score
                      FROM articles_fts WHERE articles_fts MATCH ?
                      ORDER BY rowid DESC LIMIT ?) AS m
                JOIN articles a ON a.id = m.rowid
                ORDER BY m.score, a.sort_time DESC, a.id DESC
                LIMIT ? OFFSET ?""",  # noqa: S608
            (query, SEARCH_WINDOW, limit, offset),
        ) as cursor:
            return [_article(row) for row in await cursor.fetchall()]

    async def count(self) -> int:
        async with self._db.reader.execute("SELECT count(*) FROM articles") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0
