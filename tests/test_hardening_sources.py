"""Bad feeds and pages each leave a log line and a health record (issue 6, "Show 1").

One polling pass, on 127.0.0.1 only, over:
- feedparser's `illformed` and `encoding` test feeds (../shared/corpora/feeds; skipped when
  absent), served with the headers their comments name, outside links rewritten to the local
  server (`tests.test_feeds_corpus.load_corpus`);
- hostile responses (16): not XML (binary), truncated XML, HTML served as a feed, a wrong encoding
  label (cp1251 bytes declared UTF-8), no encoding at all (cp1252 bytes, no declaration, no
  charset), an undeclared UTF-16 body, a gzip bomb, an endless body, a very slow body, 404, 500,
  503, an entity bomb, an image, a redirect loop, a redirect to a private address;
- one feed of odd items: a duplicate GUID, an item with no link, one with no title, a far-future
  date, an unparseable date, and a link to a page that answers 404 with no excerpt to fall back on;
- a healthy feed of three stories.

What is held, per feed: a feed that fails has `consecutive_errors == 1`, a `last_error` reason,
a next poll time, and a WARNING "feed <url> failed (1 in a row, next try in …): <reason>" with the
same reason; a feed read leniently (feedparser's "bozo" files that still yield items) has a
WARNING "feed <url> read leniently: …" and stays healthy; the odd-items feed stays healthy, logs
"feed <url>: 2 item(s) not stored: …" naming the item without a link and the dead page, stores
the others once (the future date clamped to now), and the healthy feed stores all three stories.
The tests in tests/test_feeds_corpus.py and tests/test_ingest.py hold the reasons and the
parsing; this module adds the log lines and runs the whole catalogue in one pass beside a healthy
feed. Measured when written: 111 feeds polled — 93 corpus files (illformed 11: 3 errors, 4 read
leniently, 4 clean; encoding 82: 1 error, 9 lenient, 72 clean), 16 hostile responses (13 errors;
the three mislabelled encodings read leniently, each with its log line), the odd-items feed and
the healthy one; the corpus counts are asserted as lower bounds.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from gazebot.errors import FetchError
from gazebot.fetch import Fetcher, build_client
from gazebot.ingest import Ingestor, IngestReport
from gazebot.models import Article, Feed
from gazebot.settings import load_settings
from gazebot.store import Store
from tests.test_feeds_corpus import CORPUS_DIR, CorpusFile, load_corpus
from tests.test_ingest import BILLION_LAUGHS, FakeClock, article_html, item, rss
from tests.webserver import Response, WebServer

CORPUS_GROUPS = ("feedparser/illformed", "feedparser/encoding")
CP1251_FEED = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Новини</title>'
    "<item><title>Оновлення</title><link>{link}</link><description>Коротко.</description></item>"
    "</channel></rss>"
)
CP1252_FEED = (
    "<?xml version='1.0'?><rss version='2.0'><channel><title>Café news</title>"
    "<item><title>Résumé of the day</title><link>{link}</link><description>Déjà vu.</description>"
    "</item></channel></rss>"
)


class Records(logging.Handler):
    """Every record from gazebot while the pass runs."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def about(self, url: str) -> list[str]:
        return [r.getMessage() for r in self.records if f"feed {url}" in r.getMessage()]


@dataclass
class SourcesPass:
    corpus: list[CorpusFile]
    hostile: list[str]
    health: dict[str, Feed]
    logs: Records
    report: IngestReport
    odd_url: str
    healthy_url: str
    healthy_links: list[str]
    articles: list[Article]
    outside_lookups: list[str]
    url: dict[str, str]


def serve_hostile(web: WebServer) -> list[str]:
    """The hostile responses; their feed URLs."""
    page = web.add_page("/news/enc", article_html(50))
    return [
        web.add_feed("/binary.xml", b"\x00\x01\x02\xff garbage \xfe"),
        web.add_feed("/truncated.xml", "<?xml version='1.0'?><rss version='2.0'><channel><title>T"),
        web.add("/html.xml", "<!DOCTYPE html><html><body><h1>Blog</h1></body></html>"),
        web.add("/wrong-label.xml", CP1251_FEED.format(link=page).encode("cp1251"),
                content_type="application/rss+xml; charset=utf-8"),
        web.add("/no-encoding.xml", CP1252_FEED.format(link=page).encode("cp1252"),
                content_type="application/rss+xml"),
        web.add("/utf16.xml", CP1252_FEED.format(link=page).encode("utf-16-le"),
                content_type="application/rss+xml"),
        web.gzip_bomb("/gzip-bomb.xml", 64 << 20, content_type="application/rss+xml"),
        web.endless("/endless.xml", content_type="application/rss+xml"),
        web.slow("/slow.xml", chunk=b"<", interval=0.3),
        web.status("/404.xml", 404),
        web.status("/500.xml", 500),
        web.status("/503.xml", 503, "Service Unavailable"),
        web.add_feed("/bomb.xml", BILLION_LAUGHS),
        web.add("/image.xml", b"\x89PNG\r\n", content_type="image/png"),
        web.redirect("/loop.xml", "/loop.xml"),
        web.redirect("/to-private.xml", "http://10.0.0.1/feed.xml"),
    ]


def serve_odd_items(web: WebServer) -> str:
    ok = web.add_page("/odd/ok", article_html(61))
    untitled = web.add_page("/odd/untitled", article_html(62, title="The page's own headline"))
    future = web.add_page("/odd/future", article_html(63))
    garbled = web.add_page("/odd/garbled-date", article_html(64))
    web.status("/odd/gone", 404)
    items = [
        item(ok, guid="same"),
        item(web.url("/odd/twin"), guid="same"),
        item(None, title="No link at all"),
        item(untitled, title=None, guid="u"),
        item(future, guid="f", pub_date="Tue, 01 Jan 2999 00:00:00 GMT"),
        item(garbled, guid="g", pub_date="the day after tomorrow, probably"),
        item(web.url("/odd/gone"), guid="gone", description=""),
    ]
    return web.add_feed("/odd.xml", rss(items))


async def run_pass(tmp_path: Path) -> SourcesPass:
    outside: list[str] = []

    async def loopback_only(host: str) -> list[str]:
        outside.append(host)
        raise FetchError(f"test forbids looking up {host}")

    logs = Records()
    logger = logging.getLogger("gazebot")
    logger.addHandler(logs)
    level = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        with WebServer() as web:
            corpus = [f for f in load_corpus(CORPUS_DIR, web.base_url) if f.group in CORPUS_GROUPS]
            web.fallback(lambda request: Response(body=article_html(70).encode()))
            for corpus_file in corpus:
                web.add(corpus_file.path, corpus_file.body, content_type=corpus_file.content_type,
                        headers=dict(corpus_file.headers))
            hostile = serve_hostile(web)
            odd = serve_odd_items(web)
            links = [web.add_page(f"/healthy/{n}", article_html(80 + n)) for n in range(3)]
            healthy = web.add_feed("/healthy.xml", rss([item(link, guid=link) for link in links]))

            settings = load_settings(env_file=None, allow_private_hosts="127.0.0.1",
                                     db_path=tmp_path / "sources.db", fetch_interval=600)
            clock = FakeClock()
            store = await Store.open(settings.db_path)
            try:
                urls = [web.url(f.path) for f in corpus] + hostile + [odd, healthy]
                for url in urls:
                    await store.feeds.add(url, clock.now())
                async with build_client(settings, resolver=loopback_only) as client:
                    fetcher = Fetcher(client, max_bytes=1 << 20, total_seconds=2, per_host=8)
                    ingestor = Ingestor(store, client, settings, clock, fetcher=fetcher,
                                        feed_concurrency=16, page_concurrency=16)
                    report = await ingestor.poll_due_feeds()
                health = {feed.url: feed for feed in await store.feeds.all()}
                articles = await store.articles.latest(1000)
            finally:
                await store.close()
            return SourcesPass(
                corpus=corpus, hostile=hostile, health=health, logs=logs, report=report,
                odd_url=odd, healthy_url=healthy, healthy_links=links, articles=articles,
                outside_lookups=outside, url={f.path: web.url(f.path) for f in corpus},
            )
    finally:
        logger.removeHandler(logs)
        logger.setLevel(level)


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> SourcesPass:
    if not CORPUS_DIR.is_dir():
        pytest.skip("../shared/corpora/feeds is absent")
    return asyncio.run(run_pass(tmp_path_factory.mktemp("sources")))


def assert_failure_logged_and_recorded(sources: SourcesPass, url: str) -> None:
    feed = sources.health[url]
    assert feed.consecutive_errors == 1, url
    assert feed.last_error, url
    assert feed.next_poll_at is not None
    lines = [line for line in sources.logs.about(url) if line.startswith(f"feed {url} failed (1 in a row")]
    assert len(lines) == 1, (url, sources.logs.about(url))
    assert lines[0].endswith(feed.last_error), (lines[0], feed.last_error)


def test_every_hostile_response_is_logged_with_its_reason_and_recorded(sources: SourcesPass) -> None:
    recovered = {"/wrong-label.xml", "/no-encoding.xml", "/utf16.xml"}  # encodings read leniently
    failed = [url for url in sources.hostile if not url.endswith(tuple(recovered))]
    assert len(failed) == 13
    for url in failed:
        assert_failure_logged_and_recorded(sources, url)
    for url in sources.hostile:
        if url.endswith(tuple(recovered)):
            feed = sources.health[url]
            assert feed.last_error is None
            assert feed.consecutive_errors == 0
            [line] = sources.logs.about(url)
            assert line.startswith(f"feed {url} read leniently: document declared as")


def test_every_illformed_and_encoding_corpus_feed_is_logged_or_read(sources: SourcesPass) -> None:
    failed = lenient = clean = 0
    for corpus_file in sources.corpus:
        url = sources.url[corpus_file.path]
        feed = sources.health[url]
        if feed.last_error:
            assert_failure_logged_and_recorded(sources, url)
            failed += 1
        elif any(" read leniently: " in line for line in sources.logs.about(url)):
            lenient += 1
        else:
            assert (corpus_file.expect or "").strip() != "bozo", corpus_file.name
            clean += 1
    assert len(sources.corpus) >= 80
    assert failed >= 3
    assert lenient >= 8  # the illformed files that still yield items say so in the log


def test_odd_items_are_logged_and_the_rest_stored_once(sources: SourcesPass) -> None:
    feed = sources.health[sources.odd_url]
    assert feed.last_error is None
    [line] = [x for x in sources.logs.about(sources.odd_url) if "not stored" in x]
    assert "2 item(s) not stored" in line
    assert "no link" in line
    assert "HTTP 404" in line
    odd = [a for a in sources.articles if "/odd/" in a.url]
    assert sorted(a.url.rsplit("/", 1)[1] for a in odd) == ["future", "garbled-date", "ok", "untitled"]
    for article in odd:
        assert article.title
        assert article.published_at is None or article.published_at <= FakeClock().now() + timedelta(1)


def test_the_healthy_feed_beside_them_stores_every_story(sources: SourcesPass) -> None:
    feed = sources.health[sources.healthy_url]
    assert feed.last_error is None
    stored = {a.url for a in sources.articles}
    assert set(sources.healthy_links) <= stored
    assert sources.report.feeds_polled == len(sources.health)


def test_nothing_but_loopback_was_contacted(sources: SourcesPass) -> None:
    assert sources.outside_lookups == []
    assert all(a.url.startswith("http://127.0.0.1:") for a in sources.articles)
