"""The bot's use cases: each takes parsed arguments, reads or writes the store, returns messages."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import time, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo

from gazebot import render
from gazebot.analysis.topics import topic_key_forms
from gazebot.bot import texts
from gazebot.clock import Clock
from gazebot.models import Article
from gazebot.schedule import next_digest_at
from gazebot.settings import Settings
from gazebot.store import Store
from gazebot.store.articles import content_hash
from gazebot.store.subscribers import MAX_FOLLOWS, FollowLimitError

log = logging.getLogger(__name__)

TOPIC_PAGE_SIZE = 5
MAX_TOPIC_CHARS = 64
"""A followed topic or a search longer than this is not a topic any more."""
MAX_BREAKING_TEXT = 20_000
CARD_SEPARATOR = "\n\n"


class DeliveryPort(Protocol):
    """What the bot needs of `gazebot.delivery.Delivery`."""

    async def digest_messages(self, chat_id: int) -> Sequence[render.Message]: ...

    async def create_breaking(self, article_id: int, admin_chat_id: int) -> int: ...

    async def send_breaking(
        self, broadcast_id: int, progress_chat_id: int, progress_message_id: int
    ) -> int: ...

    async def cancel_breaking(self, broadcast_id: int) -> bool: ...


class IngestResultLike(Protocol):
    """What the bot reads of `gazebot.ingest.IngestResult`."""

    @property
    def article_id(self) -> int | None: ...

    @property
    def error(self) -> str | None: ...


class IngestPort(Protocol):
    """What the bot needs of `gazebot.ingest.Ingestor`."""

    async def ingest_url(self, url: str) -> IngestResultLike: ...

    async def ingest_document(self, data: bytes, *, url: str, is_html: bool) -> IngestResultLike: ...


class OutboxCounts(Protocol):
    """What /stats needs of the outbox store."""

    async def counts(self) -> dict[str, int]: ...


def text(html: str) -> render.Message:
    """One message of the bot's own words (already Telegram HTML)."""
    return render.Message(html)


def clean_topic(words: str) -> str:
    """A topic or query as the user wrote it: one line, control characters gone, capped."""
    return render.one_line(words)[:MAX_TOPIC_CHARS].strip()


_QUERY_STOPWORDS = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have",
        "in", "is", "it", "of", "on", "or", "that", "the", "this", "to", "was", "were", "will",
        "with", "about", "after", "news",
    }
)


def search_words(query: str) -> list[str]:
    """The query's words without filler ("the war in Kupyansk" → war, Kupyansk): filler words
    match nearly every story, so they only slow the search and blur the ranking. A query of
    nothing but filler is searched as it is."""
    words = query.split()
    meaningful = [word for word in words if word.casefold() not in _QUERY_STOPWORDS]
    return meaningful or words


def card_pages(
    articles: Sequence[Article],
    *,
    header: str = "",
    more: render.Button | None = None,
    zone: tzinfo | None = None,
) -> list[render.Message]:
    """Stories as full cards packed into as few messages as fit, `more` under the last one."""
    cards = [render.card_rich(render.Story.from_article(a), zone=zone) for a in articles]
    heading = render.plain(header, render.BOLD) if header else ()
    packed = render.pack(cards, header=heading, separator=CARD_SEPARATOR)
    messages = [render.message(rich) for rich in packed]
    if more is not None and messages:
        last = messages[-1]
        messages[-1] = render.Message(last.text, ((more,),), last.link_preview, last.length)
    return messages


def pack_html(blocks: Sequence[str], budget: int = render.MESSAGE_BUDGET) -> list[str]:
    """Join small HTML blocks (each well under the limit) into as few messages as fit.

    Counting HTML characters over-counts what Telegram shows, so the budget holds."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        candidate = f"{current}\n\n{block}" if current else block
        if current and len(candidate) > budget:
            messages.append(current)
            candidate = block
        current = candidate
    if current:
        messages.append(current)
    return messages


class Services:
    """Every use case the handlers call; owns no Telegram objects, so it is tested directly."""

    def __init__(
        self,
        *,
        store: Store,
        settings: Settings,
        clock: Clock,
        outbox: OutboxCounts,
        delivery: DeliveryPort,
        ingestor: IngestPort,
        poll_soon: Callable[[], None] = lambda: None,
    ):
        self._store = store
        self._settings = settings
        self._clock = clock
        self._outbox = outbox
        self._delivery = delivery
        self._ingestor = ingestor
        self._poll_soon = poll_soon

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self._settings.admin_ids

    # --- subscription ---------------------------------------------------------------------

    async def start(self, chat_id: int, chat_type: str) -> render.Message:
        """Subscribe (or re-activate) a chat with the default digest settings, and greet it."""
        now = self._clock.now()
        before = await self._store.subscribers.get(chat_id)
        await self._store.subscribers.subscribe(
            chat_id,
            chat_type=chat_type,
            timezone=self._settings.timezone,
            digest_time=self._settings.digest_time.strftime("%H:%M"),
            next_digest_at=next_digest_at(
                self._settings.timezone, self._settings.digest_time, now
            ),
            now=now,
        )
        subscriber = await self._store.subscribers.get(chat_id)
        assert subscriber is not None
        return text(
            texts.welcome(
                subscriber,
                returning=before is not None and not before.active,
                already=before is not None and before.active,
            )
        )

    async def stop(self, chat_id: int) -> render.Message:
        subscriber = await self._store.subscribers.get(chat_id)
        was_active = subscriber is not None and subscriber.active
        if was_active:
            await self._store.subscribers.set_active(chat_id, False)
        return text(texts.stopped(was_active=was_active))

    async def membership_changed(self, chat_id: int, chat_type: str, *, member: bool) -> None:
        """The bot was blocked/removed (inactive) or unblocked/added (active again)."""
        if member:
            await self.start(chat_id, chat_type)
        else:
            await self._store.subscribers.set_active(chat_id, False)

    def help(self, user_id: int | None) -> render.Message:
        return text(texts.help_text(is_admin=self.is_admin(user_id)))

    # --- reading ----------------------------------------------------------------------------

    async def _zone(self, chat_id: int) -> tzinfo:
        subscriber = await self._store.subscribers.get(chat_id)
        return ZoneInfo(subscriber.timezone if subscriber else self._settings.timezone)

    async def latest(self, chat_id: int, count: int, offset: int = 0) -> list[render.Message]:
        """The `count` newest stories from `offset`, with a More button when there are more."""
        articles = await self._store.articles.latest(count + 1, offset)
        if not articles:
            return [text(texts.no_articles() if offset == 0 else texts.no_more())]
        more = None
        if len(articles) > count:
            # The page size rides in the query field, so More pages on by the same n.
            more = render.more_button("latest", offset + count, str(count))
        return card_pages(articles[:count], more=more, zone=await self._zone(chat_id))

    async def topic(self, chat_id: int, words: str, offset: int = 0) -> list[render.Message]:
        """Stories matching `words`, best first, a page at a time."""
        query = clean_topic(words)
        articles = await self.search(query, TOPIC_PAGE_SIZE + 1, offset)
        if not articles:
            return [text(texts.no_match(query) if offset == 0 else texts.no_more())]
        more = None
        if len(articles) > TOPIC_PAGE_SIZE:
            more = render.more_button("topic", offset + TOPIC_PAGE_SIZE, query)
        return card_pages(
            articles[:TOPIC_PAGE_SIZE],
            header=texts.search_header(query, offset),
            more=more,
            zone=await self._zone(chat_id),
        )

    async def search(self, query: str, limit: int, offset: int = 0) -> list[Article]:
        """Full-text search with the words' topic keys (Kupiansk finds Kupyansk)."""
        words = search_words(query)
        return await self._store.articles.search(words, topic_key_forms, limit=limit, offset=offset)

    async def digest(self, chat_id: int) -> list[render.Message]:
        messages = list(await self._delivery.digest_messages(chat_id))
        return messages or [text(texts.empty_digest())]

    # --- follows ----------------------------------------------------------------------------

    async def follow(self, chat_id: int, words: str) -> render.Message:
        topic = clean_topic(words)
        if await self._store.subscribers.get(chat_id) is None:
            return text(texts.not_subscribed())
        try:
            added = await self._store.subscribers.follow(chat_id, topic)
        except FollowLimitError:
            return text(texts.follow_limit(MAX_FOLLOWS))
        topics = await self._store.subscribers.following(chat_id)
        return text(texts.followed(topic, added=added, topics=topics))

    async def unfollow(self, chat_id: int, words: str) -> render.Message:
        topic = clean_topic(words)
        removed = await self._store.subscribers.unfollow(chat_id, topic)
        return text(texts.unfollowed(topic, removed=removed))

    async def following(self, chat_id: int) -> render.Message:
        return text(texts.following_list(await self._store.subscribers.following(chat_id)))

    # --- settings ---------------------------------------------------------------------------

    async def settings_view(self, chat_id: int) -> render.Message:
        subscriber = await self._store.subscribers.get(chat_id)
        if subscriber is None or not subscriber.active:
            return text(texts.not_subscribed())
        return render.settings_message(
            subscriber.digest_time, subscriber.timezone, subscriber.breaking
        )

    async def set_digest_time(self, chat_id: int, local_time: time) -> render.Message:
        updated = await self._store.subscribers.set_digest_time(
            chat_id, local_time.strftime("%H:%M"), self._clock.now()
        )
        return text(texts.digest_time_set(updated) if updated else texts.not_subscribed())

    async def set_timezone(self, chat_id: int, zone: str) -> render.Message:
        updated = await self._store.subscribers.set_timezone(chat_id, zone, self._clock.now())
        return text(texts.timezone_set(updated) if updated else texts.not_subscribed())

    async def change_setting(
        self, chat_id: int, change: render.SettingChange, *, zone: str | None = None
    ) -> render.Message:
        """Apply one /settings button (`zone` is the validated time zone for "tz") and return
        the settings message as it now reads."""
        now = self._clock.now()
        if change.name == "breaking":
            await self._store.subscribers.set_breaking(chat_id, change.value == "on")
        elif change.name == "time":
            await self._store.subscribers.set_digest_time(chat_id, change.value, now)
        elif zone is not None:
            await self._store.subscribers.set_timezone(chat_id, zone, now)
        return await self.settings_view(chat_id)

    # --- admin: breaking news ---------------------------------------------------------------

    async def prepare_breaking(self, admin_chat_id: int, source: str) -> list[render.Message]:
        """Fetch (URL) or analyse (text) the story, store it, and preview it with Send/Cancel."""
        source = source.strip()
        if _looks_like_url(source):
            result = await self._ingestor.ingest_url(source)
            if result.article_id is None:
                return [text(texts.breaking_failed(result.error or "the page has no article"))]
            article_id = result.article_id
        else:
            found = await self._store_text_story(source[:MAX_BREAKING_TEXT])
            if found is None:
                return [text(texts.breaking_failed("the text has no story in it"))]
            article_id = found
        article = await self._store.articles.get(article_id)
        if article is None:
            return [text(texts.breaking_failed("the story is not in the database"))]
        broadcast_id = await self._delivery.create_breaking(article_id, admin_chat_id)
        card = render.card_message(render.Story.from_article(article))
        keyboard = (*card.keyboard, *render.breaking_keyboard(broadcast_id))
        return [
            text(texts.breaking_preview_header()),
            render.Message(card.text, keyboard, card.link_preview, card.length),
        ]

    async def _store_text_story(self, source: str) -> int | None:
        """An admin's text as a story (first line the title when there are several), analysed
        and stored like a text file; a story has no page, so no link is shown for it."""
        cleaned = render.clean(source).strip()
        title, _, body = cleaned.partition("\n")
        if not body.strip():
            title, body = _headline_of(cleaned), cleaned
        if not any(character.isalnum() for character in body):
            return None  # punctuation or symbols only: there is no story to preview
        placeholder = f"gazebot://breaking/{content_hash(title, body)[:24]}"
        document = f"{title.strip()}\n{body.strip()}".encode()
        result = await self._ingestor.ingest_document(document, url=placeholder, is_html=False)
        if result.article_id is None:
            log.warning("breaking text not stored: %s", result.error)
        return result.article_id

    async def send_breaking(
        self, broadcast_id: int, progress_chat_id: int, progress_message_id: int
    ) -> int:
        return await self._delivery.send_breaking(
            broadcast_id, progress_chat_id, progress_message_id
        )

    async def cancel_breaking(self, broadcast_id: int) -> render.Message:
        cancelled = await self._delivery.cancel_breaking(broadcast_id)
        return text(texts.breaking_cancelled(cancelled=cancelled))

    # --- admin: feeds and stats -------------------------------------------------------------

    async def add_feed(self, url: str) -> render.Message:
        added = await self._store.feeds.add(url, self._clock.now())
        if added:
            self._poll_soon()
        return text(texts.feed_added(url, added=added))

    async def remove_feed(self, url: str) -> render.Message:
        removed = await self._store.feeds.remove(url)
        return text(texts.feed_removed(url, removed=removed))

    async def feeds(self) -> list[render.Message]:
        blocks = texts.feeds_health(await self._store.feeds.all(), self._clock.now())
        return [text(html) for html in pack_html(blocks)]

    async def stats(self) -> render.Message:
        active, inactive = await self._store.subscribers.counts()
        feeds = await self._store.feeds.all()
        return text(
            texts.stats_text(
                texts.Stats(
                    subscribers_active=active,
                    subscribers_inactive=inactive,
                    articles=await self._store.articles.count(),
                    feeds=len(feeds),
                    feeds_failing=sum(1 for feed in feeds if feed.consecutive_errors),
                    deliveries=await self._outbox.counts(),
                )
            )
        )


def _looks_like_url(source: str) -> bool:
    return not any(c.isspace() for c in source) and source.lower().startswith(
        ("http://", "https://")
    )


def _headline_of(story: str, limit: int = 100) -> str:
    """A one-paragraph story's headline: its first sentence, or its first words up to `limit`."""
    flat = " ".join(story.split())
    for end in (". ", "! ", "? "):
        cut = flat.find(end)
        if 0 < cut < limit:
            return flat[: cut + 1]
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0] + "…"
