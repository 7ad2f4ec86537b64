"""SQLite storage: one `Store` bundling the database and one repository per table group."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Self

from gazebot.store.articles import ArticleStore
from gazebot.store.database import Database
from gazebot.store.digests import DigestStore
from gazebot.store.feeds import FeedStore
from gazebot.store.outbox import OutboxStore
from gazebot.store.subscribers import SubscriberStore

__all__ = [
    "ArticleStore",
    "Database",
    "DigestStore",
    "FeedStore",
    "OutboxStore",
    "Store",
    "SubscriberStore",
]


@dataclass(frozen=True, slots=True)
class Store:
    """Everything persistent, opened once by the composition root and passed in."""

    db: Database
    articles: ArticleStore
    feeds: FeedStore
    subscribers: SubscriberStore
    outbox: OutboxStore
    digests: DigestStore

    @classmethod
    async def open(cls, path: Path | str) -> Self:
        db = await Database.open(path)
        return cls(
            db=db,
            articles=ArticleStore(db),
            feeds=FeedStore(db),
            subscribers=SubscriberStore(db),
            outbox=OutboxStore(db),
            digests=DigestStore(db),
        )

    async def close(self) -> None:
        await self.db.close()
