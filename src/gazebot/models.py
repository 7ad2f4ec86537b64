"""Records that cross the store boundary: what ingestion stores and what readers get back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from gazebot.analysis.card import Card


@dataclass(frozen=True, slots=True)
class NewArticle:
    """An analysed article, ready to store (its URL already canonical)."""

    url: str
    title: str
    text: str
    card: Card
    published_at: datetime | None = None
    source: str | None = None
    language: str | None = None
    topic_keys: tuple[str, ...] = ()
    feed_id: int | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """A stored article as readers see it (the text itself stays in the database)."""

    id: int
    url: str
    title: str
    card: Card
    published_at: datetime | None
    fetched_at: datetime
    source: str | None

    @property
    def time(self) -> datetime:
        """When the story appeared: published time when known, else when we fetched it."""
        return self.published_at or self.fetched_at


@dataclass(frozen=True, slots=True)
class Feed:
    """A feed and its health."""

    id: int
    url: str
    title: str | None
    etag: str | None
    last_modified: str | None
    last_checked_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    consecutive_errors: int
    next_poll_at: datetime | None
    article_count: int = 0


@dataclass(frozen=True, slots=True)
class Subscriber:
    """A chat that receives cards, with its digest settings."""

    chat_id: int
    chat_type: str
    active: bool
    timezone: str
    digest_time: str
    breaking: bool
    created_at: datetime
    last_digest_at: datetime | None
    next_digest_at: datetime | None
