"""Ingestion end to end against a local server: feeds in, pages fetched when needed, stored once,
broken feeds backed off and recorded without disturbing the others."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from gazebot.analysis.topics import topic_key_forms
from gazebot.fetch import Fetcher, build_client
from gazebot.ingest import (
    Ingestor,
    Outcome,
    backoff_delay,
    looks_like_feed,
    process_pool,
    split_text_document,
)
from gazebot.settings import Settings
from gazebot.store import Store
from tests.test_fetch import RecordingTransport
from tests.webserver import WebServer

SEED = Path(__file__).resolve().parent.parent.parent / "shared" / "seed" / "000_abead91fc19a55a8.txt"
PARAGRAPHS = [
    "Officials in the northern region said on Tuesday that the new bridge over the river would open "
    "to traffic next spring, after two years of delays caused by flooding and a shortage of steel.",
    "The regional governor, Maria Kovalenko, told reporters that the project had cost about "
    "12 million euros, roughly a third more than planned, and that 240 workers were still on site.",
    "\u201cThis bridge will cut the journey to the hospital from forty minutes to ten,\u201d "
    "Kovalenko said, adding that buses would start running across it within a week of the opening.",
    "Residents of the villages on the eastern bank have waited for a crossing since the old ferry "
    "stopped running in 2019, and many of them now drive more than 60 kilometres around the valley.",
]


@dataclass
class FakeClock:
    moment: datetime = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.moment


def article_html(number: int, title: str | None = None) -> str:
    """A realistic page whose text is unique to `number` (so content hashes differ)."""
    heading = title or f"Bridge story number {number}"
    body = "".join(f"<p>{paragraph} (Report {number}.)</p>" for paragraph in PARAGRAPHS)
    return (
        f"<!DOCTYPE html><html lang='en'><head><title>{heading}</title>"
        "<meta property='og:site_name' content='Valley News'></head>"
        "<body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>{heading}</h1>{body}</article>"
        "<footer>Copyright Valley News</footer></body></html>"
    )


def rss(items: list[str], title: str = "Valley News") -> str:
    channel = f"<channel><title>{title}</title>{''.join(items)}</channel>"
    return f"<?xml version='1.0'?><rss version='2.0'>{channel}</rss>"


def item(link: str | None, *, title: str | None = "Story", guid: str | None = None,
         description: str = "A short excerpt.", pub_date: str | None = None) -> str:
    parts = []
    if title is not None:
        parts.append(f"<title>{title}</title>")
    if link is not None:
        parts.append(f"<link>{link}</link>")
    if guid is not None:
        parts.append(f"<guid isPermaLink='false'>{guid}</guid>")
    if pub_date is not None:
        parts.append(f"<pubDate>{pub_date}</pubDate>")
    parts.append(f"<description>{description}</description>")
    return f"<item>{''.join(parts)}</item>"


@pytest.fixture
def settings(make_settings: Any) -> Settings:
    return make_settings(allow_private_hosts="127.0.0.1", fetch_interval=600)  # type: ignore[no-any-return]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def ingestor(store: Store, settings: Settings, clock: FakeClock) -> AsyncIterator[Ingestor]:
    async with build_client(settings) as client:
        yield Ingestor(store, client, settings, clock, fetcher=Fetcher(client, total_seconds=3))


async def add_feed(store: Store, url: str, clock: FakeClock) -> None:
    assert await store.feeds.add(url, clock.now())


async def test_excerpt_items_are_fetched_extracted_analysed_and_stored(
    webserver: WebServer, ingestor: Ingestor, store: Store, clock: FakeClock
) -> None:
    links = [webserver.add_page(f"/news/{n}", article_html(n)) for n in range(3)]
    webserver.add_feed("/feed.xml", rss([item(link, title=f"Bridge story number {n}", guid=f"g{n}")
                                         for n, link in enumerate(links)]))
    await add_feed(store, webserver.url("/feed.xml"), clock)

    report = await ingestor.poll_due_feeds()

    assert (report.new, report.duplicate, report.failed) == (3, 0, 0)
    assert len(report.new_article_ids) == 3
    for n in range(3):
        assert len(webserver.requests_for(f"/news/{n}")) == 1
    stored = await store.articles.latest(10)
    assert sorted(a.title for a in stored) == [f"Bridge story number {n}" for n in range(3)]
    article = stored[0]
    assert article.source == "Valley News"
    assert article.card.summary
    text = await store.articles.text(article.id)
    assert text is not None
    assert "new bridge over the river" in text
    assert "Copyright Valley News" not in text
    assert await store.articles.search(["bridge"])
    (feed,) = await store.feeds.all()
    assert (feed.title, feed.last_error, feed.consecutive_errors, feed.article_count) == (
        "Valley News", None, 0, 3)
    assert feed.next_poll_at == clock.now() + timedelta(seconds=600)


async def test_full_text_items_are_stored_without_fetching_the_page(
    webserver: WebServer, ingestor: Ingestor, store: Store, clock: FakeClock
) -> None:
    long_text = " ".join(PARAGRAPHS * 2)
    assert len(long_text.split()) >= 150
    webserver.add_feed("/full.xml", rss([item(webserver.url("/never"), title="Full", description=long_text)]))
    await add_feed(store, webserver.url("/full.xml"), clock)

    report = await ingestor.poll_due_feeds()

    assert report.new == 1
    assert webserver.requests_for("/never") == []
    (article,) = await store.articles.latest(5)
    assert article.title == "Full"


async def test_second_poll_of_unchanged_feed_is_conditional_and_stores_nothing(
    webserver: WebServer, ingestor: Ingestor, store: Store, clock: FakeClock
) -> None:
    link = webserver.add_page("/news/1", article_html(1))
    webserver.add_feed("/feed.xml", rss([item(link)]), etag='"abc"',
                       last_modified="Tue, 24 Nov 2026 08:00:00 GMT")
    await add_feed(store, webserver.url("/feed.xml"), clock)
    first = await ingestor.poll_due_feeds()
    clock.moment += timedelta(minutes=11)

    second = await ingestor.poll_due_feeds()

    assert first.new == 1
    assert (second.new, second.duplicate, second.feeds_not_modified) == (0, 0, 1)
    conditional = webserver.requests_for("/feed.xml")[1]
    assert conditional.header("if-none-match") == '"abc"'
    assert conditional.header("if-modified-since") == "Tue, 24 Nov 2026 08:00:00 GMT"
    assert await store.articles.count() == 1
    (feed,) = await store.feeds.all()
    assert feed.etag == '"abc"'
    assert feed.last_success_at == clock.now()


async def test_feed_without_validators_counts_known_items_as_duplicates(
    webserver: WebServer, ingestor: Ingestor, store: Store, clock: FakeClock
) -> None:
    link = webserver.add_page("/news/1", article_html(1))
    webserver.add_feed("/feed.xml", rss([item(link)]))
    await add_feed(store, webserver.url("/feed.xml"), clock)
    await ingestor.poll_due_feeds()
    clock.moment += timedelta(minutes=11)

    second = await ingestor.poll_due_feeds()

    assert (second.new, second.duplicate) == (0, 1)
    assert len(webserver.requests_for("/news/1")) == 1


async def test_broken_feed_is_backed_off_and_recorded_while_others_ingest(
    webserver: WebServer, ingestor: Ingestor, store: Store, clock: FakeClock
) -> None:
    links = [webserver.add_page(f"/news/{n}", article_html(n)) for n in range(2)]
    webserver.add_feed("/good.xml", rss([item(link, guid=link) for link in links]))
    webserver.status("/broken.xml", 500)
    webserver.add_page("/html.xml", "<!DOCTYPE html><html><body><p>Not a feed</p></body></html>")
    for path in ("/broken.xml", "/good.xml", "/html.xml"):
        await add_feed(store, webserver.url(path), clock)

    report = await ingestor.poll_due_feeds()

    assert (report.new, report.feeds_polled, report.feeds_failed) == (2, 3, 2)
    feeds = {feed.url: feed for feed in await store.feeds.all()}
    broken = feeds[webserver.url("/broken.xml")]
    assert broken.consecutive_errors == 1
    assert broken.last_error is not None
    assert "HTTP 500" in broken.last_error
    assert broken.next_poll_at == clock.now() + timedelta(seconds=1200)
    html = feeds[webserver.url("/html.xml")]
    assert html.last_error is not None
    assert "HTML page" in html.last_error
    assert feeds[webserver.url("/good.xml")].article_count == 2

    clock.moment += timedelta(minutes=11)  # the good feed is due again, the broken ones are not
    again = await ingestor.poll_due_feeds()
    assert again.feeds_polled == 1
    clock.moment += timedelta(minutes=10)
    third = await ingestor.poll_due_feeds()
    assert third.feeds_failed == 2
    broken = next(f for f in await store.feeds.all() if f.url == webserver.url("/broken.xml"))
    assert broken.consecutive_errors == 2
    assert broken.next_poll_at == clock.now() + timedelta(seconds=2400)


def test_backoff_doubles_and_is_capped_at_a_day() -> None:
    assert backoff_delay(600, 1) == timedelta(seconds=1200)
    assert backoff_delay(600, 3) == timedelta(seconds=4800)
    assert backoff_delay(600, 12) == timedelta(hours=24)
    assert backoff_delay(600, 10_000) == timedelta(hours=24)


async def test_odd_items_are_handled_one_by_one(
    webserver: WebServer,
    ingestor: Ingestor,
    store: Store,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    ok = webserver.add_page("/news/ok", article_html(1))
    untitled = webserver.add_page("/news/untitled", article_html(2, title="The page's own headline"))
    future = webserver.add_page("/news/future", article_html(3))
    undated = webserver.add_page("/news/undated", article_html(4))
    webserver.status("/news/gone", 404)
    items = [
        item(ok, guid="same"),
        item(webserver.url("/news/other"), guid="same"),  # duplicate GUID: counted once
        item(None, title="No link at all"),
        item(untitled, title=None, guid="u"),
        item(future, guid="f", pub_date="Tue, 01 Jan 2999 00:00:00 GMT"),
        item(undated, guid="d", pub_date="sometime next week"),
        item(webserver.url("/news/gone"), guid="gone", description="Excerpt kept when the page is gone."),
        item(webserver.url("/news/gone?x=1"), guid="gone2", description=""),
    ]
    webserver.add_feed("/odd.xml", rss(items))
    await add_feed(store, webserver.url("/odd.xml"), clock)

    with caplog.at_level(logging.WARNING, logger="gazebot.ingest"):
        report = await ingestor.poll_due_feeds()

    assert (report.new, report.duplicate, report.failed) == (5, 1, 2)
    assert webserver.requests_for("/news/other") == []
    by_url = {a.url: a for a in await store.articles.latest(10)}
    assert by_url[untitled].title == "The page's own headline"
    assert by_url[future].published_at is not None
    assert by_url[future].published_at <= clock.now()
    assert by_url[undated].published_at is None
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(future in w and "in the future" in w for w in warnings)
    assert any(undated in w and "'sometime next week'" in w for w in warnings)
    assert by_url[webserver.url("/news/gone")].card.summary == ("Excerpt kept when the page is gone.",)
    assert any("no link" in error for error in report.errors)
    assert any("HTTP 404" in error for error in report.errors)
    (feed,) = await store.feeds.all()
    assert feed.last_error is None  # odd items do not make the feed unhealthy


async def test_slow_feed_does_not_hold_up_the_others(
    webserver: WebServer, store: Store, settings: Settings, clock: FakeClock
) -> None:
    webserver.slow("/slow.xml", chunk=b" ", interval=0.2)
    link = webserver.add_page("/news/1", article_html(1))
    webserver.add_feed("/good.xml", rss([item(link)]))
    await add_feed(store, webserver.url("/slow.xml"), clock)
    await add_feed(store, webserver.url("/good.xml"), clock)
    async with build_client(settings) as client:
        ingestor = Ingestor(store, client, settings, clock, fetcher=Fetcher(client, total_seconds=1))
        report = await ingestor.poll_due_feeds()
    assert (report.new, report.feeds_failed) == (1, 1)
    slow = await store.feeds.get(webserver.url("/slow.xml"))
    assert slow is not None
    assert slow.last_error is not None
    assert "within 1 s" in slow.last_error


async def test_ingest_url_stores_once_and_returns_the_same_id(
    webserver: WebServer, ingestor: Ingestor, store: Store
) -> None:
    url = webserver.add_page("/breaking", article_html(7))
    first = await ingestor.ingest_url(url + "?utm_source=telegram")
    second = await ingestor.ingest_url(url)
    assert first.outcome is Outcome.NEW
    assert first.article_id is not None
    assert (second.outcome, second.article_id) == (Outcome.DUPLICATE, first.article_id)
    assert len(webserver.requests_for("/breaking")) == 1
    assert await store.articles.count() == 1


async def test_syndicated_copy_under_another_url_is_a_duplicate_with_the_original_id(
    webserver: WebServer, ingestor: Ingestor
) -> None:
    original = await ingestor.ingest_url(webserver.add_page("/a", article_html(8)))
    copy = await ingestor.ingest_url(webserver.add_page("/b", article_html(8)))
    assert copy.outcome is Outcome.DUPLICATE
    assert copy.article_id == original.article_id


@pytest.mark.parametrize(
    "url",
    ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://[::1]/", "http://0.0.0.0/"],
)
async def test_ingest_url_refuses_private_addresses_without_connecting(
    store: Store, make_settings: Any, clock: FakeClock, url: str
) -> None:
    """/breaking <url> goes through ingest_url: a private address is refused with a clear reason."""
    transport = RecordingTransport()
    async with build_client(make_settings(), transport=transport) as client:
        result = await Ingestor(store, client, make_settings(), clock).ingest_url(url)
    assert result.outcome is Outcome.FAILED
    assert result.error is not None
    assert "private or reserved" in result.error
    assert transport.attempts == []
    assert await store.articles.count() == 0


async def test_ingest_source_reads_local_text_html_and_feed_files(
    tmp_path: Path, webserver: WebServer, ingestor: Ingestor, store: Store
) -> None:
    text_file = tmp_path / "story.txt"
    text_file.write_text("A title line\n\n" + "\n".join(PARAGRAPHS) + "\n")
    html_file = tmp_path / "page.html"
    html_file.write_text(article_html(3).replace(
        "<head>", "<head><link rel='canonical' href='https://valley.example/news/3'>"))
    feed_file = tmp_path / "feed.xml"
    feed_file.write_text(rss([item(webserver.add_page("/news/4", article_html(4)))]))

    reports = [await ingestor.ingest_source(str(path)) for path in (text_file, html_file, feed_file)]

    assert [r.new for r in reports] == [1, 1, 1]
    urls = {a.url for a in await store.articles.latest(10)}
    assert "https://valley.example/news/3" in urls
    assert text_file.resolve().as_uri() in urls
    missing = await ingestor.ingest_source(str(tmp_path / "missing.txt"))
    assert missing.failed == 1


async def test_ingest_source_tells_feed_urls_from_article_urls(
    webserver: WebServer, ingestor: Ingestor
) -> None:
    link = webserver.add_page("/news/5", article_html(5))
    feed_url = webserver.add_feed("/f", rss([item(link)]), content_type="text/xml")
    as_feed = await ingestor.ingest_source(feed_url)
    as_page = await ingestor.ingest_source(webserver.add_page("/news/6", article_html(6)))
    assert (as_feed.new, as_feed.feeds_polled) == (1, 1)
    assert (as_page.new, as_page.feeds_polled) == (1, 0)


def test_feed_sniffing() -> None:
    assert looks_like_feed(b"<?xml version='1.0'?>\n<rss version='2.0'>")
    assert looks_like_feed(b"<feed xmlns='http://www.w3.org/2005/Atom'>")
    assert looks_like_feed(b'{"version": "https://jsonfeed.org/version/1.1"}')
    assert looks_like_feed(b"anything", "application/atom+xml")
    assert not looks_like_feed(b"<!DOCTYPE html><html>")
    assert not looks_like_feed(b"<rss>", "text/html")


def test_text_document_first_line_is_the_title() -> None:
    assert split_text_document("\n Title \n\nOne.\n  Two.  \n") == ("Title", "One.\nTwo.")
    with pytest.raises(Exception, match="no text"):
        split_text_document("Only a title\n")


@pytest.mark.skipif(not SEED.is_file(), reason="../shared/seed is absent")
async def test_seed_article_ingests_with_its_topics_searchable(
    ingestor: Ingestor, store: Store
) -> None:
    report = await ingestor.ingest_source(str(SEED))
    assert report.new == 1
    assert await store.articles.search(["Kupiansk"], topic_key_forms)


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><rss version="2.0"><channel><title>&c;</title>'
    "<item><title>&c;</title><link>http://127.0.0.1/x</link></item></channel></rss>"
)


async def test_hostile_feeds_are_each_recorded_and_the_healthy_one_ingests_everything(
    webserver: WebServer, store: Store, settings: Settings, clock: FakeClock
) -> None:
    """Catalogue of bad feeds polled in one pass beside a healthy one (reason expected for each)."""
    expected = {
        "/gzip-bomb.xml": "larger than 1024 KiB",
        "/endless.xml": "larger than 1024 KiB",
        "/slow.xml": "no complete response within 2 s",
        "/404.xml": "HTTP 404",
        "/500.xml": "HTTP 500",
        "/html.xml": "HTML page",
        "/truncated.xml": "malformed feed with no readable items",
        "/binary.xml": "not a feed",
        "/bomb.xml": "nested entities",
        "/image.xml": "unexpected content type image/png",
        "/loop.xml": "more than 5 redirects",
        "/to-private.xml": "refused http://10.0.0.1/feed.xml",
        "/to-file.xml": "only http and https",
        "/bad-gzip.xml": "corrupt compressed body",
    }
    webserver.gzip_bomb("/gzip-bomb.xml", 64 << 20, content_type="application/rss+xml")
    webserver.endless("/endless.xml", content_type="application/rss+xml")
    webserver.slow("/slow.xml", chunk=b"<", interval=0.3)
    webserver.status("/404.xml", 404)
    webserver.status("/500.xml", 500)
    webserver.add("/html.xml", "<!DOCTYPE html><html><body><h1>Blog</h1></body></html>")
    webserver.add_feed("/truncated.xml", "<?xml version='1.0'?><rss version='2.0'><channel><title>T")
    webserver.add_feed("/binary.xml", b"\x00\x01\x02\xff garbage \xfe")
    webserver.add_feed("/bomb.xml", BILLION_LAUGHS)
    webserver.add("/image.xml", b"\x89PNG\r\n", content_type="image/png")
    webserver.redirect("/loop.xml", "/loop.xml")
    webserver.redirect("/to-private.xml", "http://10.0.0.1/feed.xml")
    webserver.redirect("/to-file.xml", "file:///etc/passwd")
    webserver.add("/bad-gzip.xml", b"\x1f\x8b\x08\x00garbage", content_type="application/rss+xml",
                  headers={"Content-Encoding": "gzip"})
    links = [webserver.add_page(f"/news/{n}", article_html(n)) for n in range(3)]
    webserver.add_feed("/healthy.xml", rss([item(link, guid=link) for link in links]))
    for path in [*expected, "/healthy.xml"]:
        await add_feed(store, webserver.url(path), clock)
    transport = RecordingTransport(httpx.AsyncHTTPTransport(trust_env=False))

    async with build_client(settings, transport=transport) as client:
        fetcher = Fetcher(client, max_bytes=1 << 20, total_seconds=2)
        report = await Ingestor(store, client, settings, clock, fetcher=fetcher).poll_due_feeds()

    assert (report.new, report.feeds_polled, report.feeds_failed) == (3, 15, 14)
    health = {feed.url: feed for feed in await store.feeds.all()}
    for path, reason in expected.items():
        feed = health[webserver.url(path)]
        assert feed.consecutive_errors == 1, path
        assert feed.last_error is not None
        assert reason in feed.last_error, (path, feed.last_error)
        assert feed.next_poll_at == clock.now() + timedelta(seconds=1200)
    assert health[webserver.url("/healthy.xml")].article_count == 3
    assert all(url.startswith(webserver.base_url) for url in transport.attempts)


async def test_items_linking_to_private_addresses_are_never_fetched(
    webserver: WebServer, store: Store, settings: Settings, clock: FakeClock
) -> None:
    webserver.add_feed("/feed.xml", rss([
        item("http://169.254.169.254/latest/meta-data/", guid="a", description="Metadata excerpt."),
        item("http://10.1.2.3/admin", guid="b", description=""),
    ]))
    await add_feed(store, webserver.url("/feed.xml"), clock)
    transport = RecordingTransport(httpx.AsyncHTTPTransport(trust_env=False))
    async with build_client(settings, transport=transport) as client:
        report = await Ingestor(store, client, settings, clock).poll_due_feeds()
    assert transport.attempts == [webserver.url("/feed.xml")]
    assert (report.new, report.failed) == (1, 1)  # the excerpt is kept; the empty item fails
    assert any("private or reserved" in error for error in report.errors)


async def test_extraction_and_analysis_can_run_in_a_process_pool(
    webserver: WebServer, store: Store, settings: Settings, clock: FakeClock
) -> None:
    """The executor path (what bench/ingest.py measures) stores the same articles."""
    links = [webserver.add_page(f"/news/{n}", article_html(n)) for n in range(2)]
    webserver.add_feed("/feed.xml", rss([item(link, title=None, guid=link) for link in links]))
    long_text = " ".join(PARAGRAPHS * 2)
    webserver.add_feed("/full.xml", rss([item(webserver.url("/full"), title="Full", description=long_text)]))
    await add_feed(store, webserver.url("/feed.xml"), clock)
    await add_feed(store, webserver.url("/full.xml"), clock)
    with process_pool(1) as pool:
        async with build_client(settings) as client:
            report = await Ingestor(store, client, settings, clock, executor=pool).poll_due_feeds()
    assert (report.new, report.failed) == (3, 0)
    titles = sorted(a.title for a in await store.articles.latest(5))
    assert titles == ["Bridge story number 0", "Bridge story number 1", "Full"]
