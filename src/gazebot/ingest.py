"""Ingestion: poll due feeds, fetch and extract pages when a feed carries only an excerpt, analyse
each new article and store it once; broken feeds are backed off and recorded, never fatal.

Politeness: at most `feed_concurrency` feeds in flight, `page_concurrency` pages in flight overall,
and the Fetcher's per-host limit underneath. Extraction and analysis are pure and take ~10–20 ms a
page, so by default they run on the event loop, yielding between items so the bot stays
responsive; pass an `executor` (a process pool; bench/ingest.py measures both ways) to move them
off the loop.

Decisions where the issue is silent:
- A feed item's own text counts as the full article when it has at least `full_text_words` words;
  otherwise the page is fetched and extracted. If the page cannot be read, the item is stored with
  the feed's excerpt when there is one (a headline with a summary beats nothing), else it fails.
- Items without a link are skipped (counted as failed): there is nothing to open or deduplicate
  by. Items without a title take the extracted page title, else the first line of their text.
- A GUID (or link) seen twice in one feed document is counted once, as a duplicate.
- Dates in the future are clamped by the store to the fetch time; unparseable ones are unknown.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import re
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from functools import partial
from pathlib import Path
from typing import Final, TypeVar
from urllib.parse import urlsplit

import httpx

from gazebot.analysis import analyze
from gazebot.analysis.topics import topic_key
from gazebot.clock import Clock
from gazebot.errors import FeedError, GazebotError, SourceError
from gazebot.extract import extract_article
from gazebot.feeds import FeedItem, ParsedFeed, parse_feed
from gazebot.fetch import Expect, Fetcher, FetchResult
from gazebot.models import Feed, NewArticle
from gazebot.settings import Settings
from gazebot.store import Store
from gazebot.urls import canonical_url

log = logging.getLogger(__name__)

FULL_TEXT_WORDS: Final = 150
MAX_BACKOFF: Final = timedelta(hours=24)
FUTURE_DATE_SLACK: Final = timedelta(hours=1)
"""Clock skew a feed may have before its dates count as in the future."""
_TITLE_FALLBACK_CHARS: Final = 120
_FEED_SNIFF: Final = re.compile(
    rb"^(\xef\xbb\xbf)?\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*"
    rb"(<rss\b|<feed\b|<rdf:RDF\b|<channel\b|\{\s*\"version\"\s*:\s*\"https://jsonfeed)",
    re.IGNORECASE | re.DOTALL,
)
T = TypeVar("T")


class Outcome(Enum):
    NEW = "new"
    DUPLICATE = "duplicate"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What happened to one article: stored anew, already there, or failed (with the reason)."""

    outcome: Outcome
    url: str
    article_id: int | None = None
    title: str | None = None
    error: str | None = None


@dataclass(slots=True)
class IngestReport:
    """Counts over one pass; `errors` holds one line per failed feed or article."""

    new: int = 0
    duplicate: int = 0
    failed: int = 0
    new_article_ids: list[int] = field(default_factory=list)
    feeds_polled: int = 0
    feeds_failed: int = 0
    feeds_not_modified: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, result: IngestResult) -> None:
        if result.outcome is Outcome.NEW:
            self.new += 1
            if result.article_id is not None:
                self.new_article_ids.append(result.article_id)
        elif result.outcome is Outcome.DUPLICATE:
            self.duplicate += 1
        else:
            self.failed += 1
            reason = (result.error or "failed").removeprefix(f"{result.url}: ")
            self.errors.append(f"{result.url}: {reason}")

    def merge(self, other: IngestReport) -> None:
        self.new += other.new
        self.duplicate += other.duplicate
        self.failed += other.failed
        self.new_article_ids.extend(other.new_article_ids)
        self.feeds_polled += other.feeds_polled
        self.feeds_failed += other.feeds_failed
        self.feeds_not_modified += other.feeds_not_modified
        self.errors.extend(other.errors)


Progress = Callable[[IngestReport, int, int], None]


def process_pool(workers: int | None = None) -> ProcessPoolExecutor:
    """A pool for `Ingestor(executor=...)`: extraction and analysis on every core.

    Workers come from a forkserver (started clean, with gazebot's analysis preloaded), never by
    forking the running process: its database and event-loop threads may hold locks mid-fork.
    The caller owns the pool and shuts it down.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["gazebot.ingest"])
    return ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1, mp_context=context)


def word_count(text: str) -> int:
    return len(text.split())


def backoff_delay(interval: float, consecutive_errors: int) -> timedelta:
    """interval × 2^errors, capped at a day (errors counts the failure just recorded)."""
    exponent = min(consecutive_errors, 20)
    return min(timedelta(seconds=interval * 2**exponent), MAX_BACKOFF)


def looks_like_feed(data: bytes, content_type: str | None = None) -> bool:
    """Whether fetched bytes are a feed rather than a page (by type, else by their opening)."""
    mime = (content_type or "").lower()
    if any(kind in mime for kind in ("rss", "atom", "feed+json", "rdf")):
        return True
    if "html" in mime:
        return False
    return bool(_FEED_SNIFF.match(data[:2048]))


def _fallback_title(text: str) -> str:
    first = text.strip().split("\n", 1)[0]
    if len(first) <= _TITLE_FALLBACK_CHARS:
        return first
    return first[:_TITLE_FALLBACK_CHARS].rsplit(" ", 1)[0] + "…"


def build_article(
    *,
    url: str,
    title: str,
    text: str,
    published: datetime | None,
    source: str | None,
    language: str | None,
    feed_id: int | None,
) -> NewArticle:
    """Analyse and wrap one article (pure; safe to run in an executor)."""
    card = analyze(text, title=title, url=url)
    topic_keys = tuple(key for key in (topic_key(topic) for topic in card.topics) if key)
    return NewArticle(
        url=url,
        title=title,
        text=text,
        card=card,
        published_at=published,
        source=source or card.source,
        language=language or card.language,
        topic_keys=topic_keys,
        feed_id=feed_id,
    )


def article_from_html(
    html: bytes | str,
    *,
    url: str,
    title: str = "",
    published: datetime | None = None,
    source: str | None = None,
    feed_id: int | None = None,
    use_page_canonical: bool = False,
) -> NewArticle:
    """Extract, analyse and wrap a page (pure; ExtractionError when it holds no article).
    `use_page_canonical` stores it under the page's own canonical link when it names one (for
    saved pages read from disk, whose file path is no address)."""
    page = extract_article(html, url)
    if use_page_canonical and page.canonical_url:
        url = canonical_url(page.canonical_url)
    return build_article(
        url=url,
        title=title or page.title,
        text=page.text,
        published=published or page.published,
        source=page.site_name or source,
        language=page.language,
        feed_id=feed_id,
    )


class Ingestor:
    """Feeds and pages in, analysed articles stored once. One per process, shared by the bot."""

    def __init__(
        self,
        store: Store,
        client: httpx.AsyncClient,
        settings: Settings,
        clock: Clock,
        *,
        fetcher: Fetcher | None = None,
        full_text_words: int = FULL_TEXT_WORDS,
        feed_concurrency: int = 8,
        page_concurrency: int = 16,
        executor: Executor | None = None,
    ):
        self._store = store
        self._settings = settings
        self._clock = clock
        self._fetcher = fetcher or Fetcher(client)
        self._full_text_words = full_text_words
        self._feed_slots = asyncio.Semaphore(feed_concurrency)
        self._page_slots = asyncio.Semaphore(page_concurrency)
        self._executor = executor

    async def _cpu(self, function: Callable[[], T]) -> T:
        if self._executor is None:
            await asyncio.sleep(0)  # let the bot answer between items
            return function()
        return await asyncio.get_running_loop().run_in_executor(self._executor, function)

    # -- feeds -----------------------------------------------------------------------------------

    async def add_configured_feeds(self, urls: Iterable[str]) -> int:
        """Add feeds named in settings (GAZEBOT_FEEDS); how many were new."""
        now = self._clock.now()
        added = 0
        for url in urls:
            added += await self._store.feeds.add(url, now)
        return added

    async def poll_due_feeds(self, progress: Progress | None = None) -> IngestReport:
        """One pass over the feeds whose next poll time has come; each feed fails on its own."""
        feeds = await self._store.feeds.due(self._clock.now())
        return await self.poll_feeds(feeds, progress)

    async def poll_feeds(self, feeds: list[Feed], progress: Progress | None = None) -> IngestReport:
        report = IngestReport()
        done = 0

        async def one(feed: Feed) -> None:
            nonlocal done
            async with self._feed_slots:
                try:
                    result = await self.poll_feed(feed)
                except Exception as exc:  # one feed's bug must not stop the pass
                    log.exception("feed %s: unexpected failure", feed.url)
                    result = IngestReport(feeds_polled=1, feeds_failed=1)
                    result.errors.append(f"{feed.url}: {type(exc).__name__}: {exc}")
                    await self._try_record_failure(feed, f"internal error: {type(exc).__name__}")
            report.merge(result)
            done += 1
            if progress is not None:
                progress(report, done, len(feeds))

        await asyncio.gather(*(one(feed) for feed in feeds))
        return report

    async def poll_feed(self, feed: Feed) -> IngestReport:
        """Fetch one feed (conditionally), ingest its new items, and record its health."""
        report = IngestReport(feeds_polled=1)
        try:
            fetched = await self._fetcher.get(
                feed.url, expect=Expect.FEED, etag=feed.etag, last_modified=feed.last_modified
            )
            if fetched.not_modified:
                report.feeds_not_modified = 1
                await self._record_success(feed, fetched, title=None)
                return report
            parsed = parse_feed(fetched.content, url=fetched.url, content_type=fetched.content_type)
        except SourceError as exc:
            await self._record_failure(feed, str(exc))
            report.feeds_failed = 1
            report.errors.append(f"{feed.url}: {str(exc).removeprefix(feed.url + ': ')}")
            return report
        if parsed.warning:
            log.warning("feed %s read leniently: %s", feed.url, parsed.warning)
        items = await self.ingest_items(parsed, feed_id=feed.id)
        if items.errors:
            # Items without a link, pages that failed: the feed stays healthy, but say which.
            log.info(
                "feed %s: %d item(s) not stored: %s",
                feed.url, len(items.errors), "; ".join(items.errors[:5]),
            )
        report.merge(items)
        await self._record_success(feed, fetched, title=parsed.title)
        return report

    async def _record_success(self, feed: Feed, fetched: FetchResult, title: str | None) -> None:
        now = self._clock.now()
        # A 304 need not repeat the validators; keep the ones we sent.
        etag = fetched.etag or (feed.etag if fetched.not_modified else None)
        last_modified = fetched.last_modified or (
            feed.last_modified if fetched.not_modified else None
        )
        await self._store.feeds.record_success(
            feed.id,
            now=now,
            next_poll_at=now + timedelta(seconds=self._settings.fetch_interval),
            etag=etag,
            last_modified=last_modified,
            title=title,
        )

    async def _record_failure(self, feed: Feed, reason: str) -> None:
        now = self._clock.now()
        delay = backoff_delay(self._settings.fetch_interval, feed.consecutive_errors + 1)
        log.warning(
            "feed %s failed (%d in a row, next try in %s): %s",
            feed.url, feed.consecutive_errors + 1, delay, reason,
        )
        await self._store.feeds.record_failure(
            feed.id, now=now, next_poll_at=now + delay, error=reason
        )

    async def _try_record_failure(self, feed: Feed, reason: str) -> None:
        try:
            await self._record_failure(feed, reason)
        except GazebotError as exc:
            log.warning("feed %s: could not record its failure: %s", feed.url, exc)

    async def ingest_items(self, parsed: ParsedFeed, *, feed_id: int | None) -> IngestReport:
        """Store the new items of a parsed feed (pages fetched concurrently, politely)."""
        report = IngestReport()
        seen: set[str] = set()
        unique: list[FeedItem] = []
        for item in parsed.items:
            key = item.guid or item.link
            if key is not None and key in seen:
                report.add(IngestResult(Outcome.DUPLICATE, item.link or key))
                continue
            if key is not None:
                seen.add(key)
            unique.append(item)

        async def one(item: FeedItem) -> None:
            report.add(await self._ingest_item(item, parsed.title, feed_id))

        await asyncio.gather(*(one(item) for item in unique))
        return report

    async def _ingest_item(
        self, item: FeedItem, feed_title: str | None, feed_id: int | None
    ) -> IngestResult:
        if not item.link:
            return IngestResult(Outcome.FAILED, item.guid or item.title, error="item has no link")
        url = canonical_url(item.link)
        if not urlsplit(url).scheme.startswith("http"):
            return IngestResult(Outcome.FAILED, item.link, error="item link is not http(s)")
        if await self._store.articles.has_url(url):
            return IngestResult(Outcome.DUPLICATE, url)
        self._report_odd_date(item, url, feed_title)
        feed_text = item.text
        try:
            if word_count(feed_text) >= self._full_text_words:
                article = await self._cpu(
                    partial(
                        build_article,
                        url=url,
                        title=item.title or _fallback_title(feed_text),
                        text=feed_text,
                        published=item.published,
                        source=feed_title,
                        language=None,
                        feed_id=feed_id,
                    )
                )
            else:
                article = await self._article_from_page(item, url, feed_title, feed_id)
        except GazebotError as exc:
            log.info("item %s failed: %s", url, exc)
            return IngestResult(Outcome.FAILED, url, error=str(exc))
        return await self._store_article(article)

    def _report_odd_date(self, item: FeedItem, url: str, feed_title: str | None) -> None:
        """A date we cannot read, or one in the future, is stored as no date / the fetch time
        (see ArticleStore.add); say so, naming the feed, so its owner can fix it."""
        if item.published is None and item.raw_date:
            log.warning(
                "feed %r item %s: unreadable date %r; using the fetch time",
                feed_title, url, item.raw_date,
            )
        elif item.published is not None and item.published > self._clock.now() + FUTURE_DATE_SLACK:
            log.warning(
                "feed %r item %s: date %s is in the future; using the fetch time",
                feed_title, url, item.published.isoformat(),
            )

    async def _article_from_page(
        self, item: FeedItem, url: str, feed_title: str | None, feed_id: int | None
    ) -> NewArticle:
        try:
            async with self._page_slots:
                page = await self._fetcher.get(item.link or url, expect=Expect.PAGE)
            return await self._cpu(
                partial(
                    article_from_html,
                    page.content,
                    url=url,
                    title=item.title,
                    published=item.published,
                    source=feed_title,
                    feed_id=feed_id,
                )
            )
        except SourceError as exc:
            if not item.text.strip():
                raise
            log.info("page %s unreadable (%s); keeping the feed's excerpt", url, exc)
            return await self._cpu(
                partial(
                    build_article,
                    url=url,
                    title=item.title or _fallback_title(item.text),
                    text=item.text,
                    published=item.published,
                    source=feed_title,
                    language=None,
                    feed_id=feed_id,
                )
            )

    async def _store_article(self, article: NewArticle) -> IngestResult:
        article_id = await self._store.articles.add(article, self._clock.now())
        if article_id is None:
            return IngestResult(
                Outcome.DUPLICATE, article.url, article_id=await self._store.articles.duplicate_of(article),
                title=article.title,
            )
        return IngestResult(Outcome.NEW, article.url, article_id=article_id, title=article.title)

    # -- single sources ----------------------------------------------------------------------------

    async def ingest_url(self, url: str) -> IngestResult:
        """One article page (e.g. /breaking <url>): the stored id, new or existing."""
        canonical = canonical_url(url)
        try:
            if await self._store.articles.has_url(canonical):
                return IngestResult(
                    Outcome.DUPLICATE, canonical, article_id=await self._store.articles.id_for_url(canonical)
                )
            page = await self._fetcher.get(url, expect=Expect.PAGE)
            article = await self._cpu(partial(article_from_html, page.content, url=canonical))
        except GazebotError as exc:
            return IngestResult(Outcome.FAILED, canonical, error=str(exc))
        return await self._store_article(article)

    async def ingest_source(self, source: str) -> IngestReport:
        """A feed URL, article URL or local file (feed, HTML page, or text with a title line)."""
        report = IngestReport()
        is_url = source.startswith(("http://", "https://"))
        if is_url:
            try:
                fetched = await self._fetcher.get(source, expect=Expect.FEED_OR_PAGE)
            except SourceError as exc:
                report.add(IngestResult(Outcome.FAILED, source, error=str(exc)))
                return report
            data, content_type, url = fetched.content, fetched.content_type, fetched.url
        else:
            try:
                data, url = await asyncio.to_thread(_read_local, Path(source))
            except OSError as exc:
                report.add(IngestResult(Outcome.FAILED, source, error=exc.strerror or str(exc)))
                return report
            content_type = None
        if looks_like_feed(data, content_type):
            try:
                parsed = parse_feed(data, url=url, content_type=content_type)
            except FeedError as exc:
                report.add(IngestResult(Outcome.FAILED, source, error=str(exc)))
                return report
            report.feeds_polled = 1
            report.merge(await self.ingest_items(parsed, feed_id=None))
            return report
        if is_url:  # a fetched page, stored under the address asked for (as ingest_url does)
            is_text = (content_type or "").startswith("text/plain")
            result = await self.ingest_document(data, url=canonical_url(source), is_html=not is_text)
        else:  # a local file: judged by its name and opening
            result = await self.ingest_document(
                data, url=url, is_html=_is_html(source, data), use_page_canonical=True
            )
        report.add(result)
        return report

    async def ingest_document(
        self, data: bytes, *, url: str, is_html: bool, use_page_canonical: bool = False
    ) -> IngestResult:
        """A page already in hand: HTML is extracted, text is a title line + body.
        `use_page_canonical` stores HTML under the page's own canonical link (for saved files)."""
        try:
            if is_html:
                article = await self._cpu(
                    partial(article_from_html, data, url=url, use_page_canonical=use_page_canonical)
                )
                canonical = article.url
            else:
                title, text = split_text_document(data.decode("utf-8-sig", errors="replace"))
                canonical = canonical_url(url)
                article = await self._cpu(
                    partial(
                        build_article, url=canonical, title=title, text=text, published=None,
                        source=None, language=None, feed_id=None,
                    )
                )
        except GazebotError as exc:
            return IngestResult(Outcome.FAILED, url, error=str(exc))
        if await self._store.articles.has_url(canonical):
            return IngestResult(
                Outcome.DUPLICATE, canonical, article_id=await self._store.articles.id_for_url(canonical)
            )
        return await self._store_article(article)


def _read_local(path: Path) -> tuple[bytes, str]:
    return path.read_bytes(), path.resolve().as_uri()


def _is_html(name: str, data: bytes) -> bool:
    if name.lower().endswith((".html", ".htm", ".xhtml")):
        return True
    opening = data[:1024].lstrip().lower()
    return opening.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<!--"))


def split_text_document(text: str) -> tuple[str, str]:
    """A text file's first non-empty line is its title; the rest, trimmed, is the body."""
    lines = text.replace("\r\n", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise SourceError("the text file is empty")
    title = lines[0].strip()
    body = "\n".join(line.strip() for line in lines[1:] if line.strip())
    if not body:
        raise SourceError("the text file has a title line but no text")
    return title, body
