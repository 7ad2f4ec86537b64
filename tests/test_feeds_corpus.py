"""Real feeds served over HTTP on 127.0.0.1 and ingested: feed-rs's real-world fixtures and
feedparser's well-formed, ill-formed, encoding, entity and JSON test files (../shared/corpora/feeds;
skipped when absent).

Every file is served from the local server (with the HTTP headers its `Header:` comment names, and
an ETag) and registered as a feed; one `poll_feeds` pass ingests them all, then a second pass polls
the healthy ones again. Links to outside hosts (example.com, reuters.com, …) are rewritten to
`http://127.0.0.1:<port>/ext/<host>/…` before the bot sees the bytes — namespace URIs and the JSON
Feed version URL are left alone so the formats still read — and every such page is answered by a
small generated article. The fetch guard only lets 127.0.0.1 through (GAZEBOT_ALLOW_PRIVATE_HOSTS);
every other host goes to the resolver seam, which records it, and the test fails if it was asked
anything: nothing ever tries to reach a host but loopback.

What is asserted (feedparser's `Expect:` lines are feedparser expressions; we do not eval them):
- feed-rs fixtures with a `.serde.json` model (65): the feed is healthy, yields exactly the model's
  entry count, every entry title equals the model's title (plain text, spaces folded), every
  absolute entry link equals the model's link (rewritten), and every entry with an http link is
  stored. The three files that are not feeds (`rss_2.0_invalid_1.xml`, truncated with no items;
  `xml_sample_1/2.xml`, plain XML) are recorded as feed errors.
- feedparser `wellformed`: every file whose Expect starts `not bozo` is healthy and read without a
  warning; where Expect compares `entries[i]['title']` or `entries[i]['link']` with a whole string
  literal (about 70 titles, 20 links), our item matches (titles as plain text; links rewritten
  like the feed; files with a Content-Location base are skipped for links, since we resolve
  against the feed URL).
- feedparser `illformed`, `encoding`, `entities`, `json`: each is either ingested (leniently, like
  feedparser: "bozo" documents that still yield items, or wrong encoding labels) or recorded as a
  feed error with a reason. We chose to record malformed XML that yields no item as an error (a
  feed that shows nothing should say why), so the 253 `entities` files that end in `</rss` or use
  HTML entities undeclared in XML, with only a channel title, are errors. Files whose Expect is
  plain `bozo` are never read as clean feeds.
- Measured when written (2,165 files served; 10 feedparser files skipped by their `SkipUnless:`,
  which needs chardet or feedparser internals): feed-rs 65 read / 3 errors; feedparser
  wellformed 1,747 / 0, illformed 8 / 3, encoding 81 / 1, entities 3 / 253, json 1 / 0. The
  first pass stores 146 articles (60 duplicates; 1,107 items have no link and are skipped).
- A healthy control feed polled alongside still ingests all its items, and the whole database
  holds no article from outside the local server. A second poll of the real-world (feed-rs) feeds
  sends If-None-Match to every one, gets 304s and stores nothing new (the feedparser files are
  not polled twice: it would double the test's time and prove nothing more).
"""

from __future__ import annotations

import ast
import asyncio
import codecs
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from html import escape
from pathlib import Path
from typing import Any

import pytest

from gazebot.errors import FeedError, FetchError
from gazebot.feeds import ParsedFeed, html_to_text, parse_feed
from gazebot.fetch import Fetcher, build_client
from gazebot.ingest import Ingestor, IngestReport
from gazebot.models import Feed
from gazebot.settings import load_settings
from gazebot.store import Store
from gazebot.urls import canonical_url
from tests.test_ingest import FakeClock, article_html, item, rss
from tests.webserver import RecordedRequest, Response, WebServer

pytestmark = pytest.mark.corpus

CORPUS_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "feeds"
_NAMESPACE = re.compile(rb"""xmlns(?::[\w.-]+)?\s*=\s*["']([^"']+)["']""")
_URL = re.compile(r"""https?://[^\s"'<>\\)\]]+""", re.IGNORECASE)
_HOST = re.compile(r"""^https?://([A-Za-z0-9.-]*)(:\d+)?""", re.IGNORECASE)
_HEADER = re.compile(r"^Header:\s*([\w-]+):\s*(.+?)\s*$", re.MULTILINE)
_EXPECT = re.compile(r"^\s*Expect:\s*(.+?)\s*$", re.MULTILINE)
_SKIP_CODEC = re.compile(r"SkipUnless:.*lookup\('([\w-]+)'\)")
_SKIP_OTHER = re.compile(r"SkipUnless:.*(chardet|ACCEPTABLE_URI_SCHEMES)")
_ENTRY_LITERAL = re.compile(
    r"""entries\[(\d+)\]\['(title|link)'\]\s*==\s*(u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"))"""
    r"""(?=\s*(?:$|and\b|or\b|\)))"""  # a whole literal, not the first part of 'a' + 'b'
)
_WIDE = (
    (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
    (b"<\x00?\x00", "utf-16-le"), (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00\x00\x00", "utf-32-le"), (b"\x00\x00\x00<", "utf-32-be"),
)
_PROTECTED_PREFIXES = ("https://jsonfeed.org/version/",)


@dataclass
class CorpusFile:
    """One corpus file as served: its group, path on the server, bytes, headers, expectations."""

    group: str
    name: str
    path: str
    body: bytes
    headers: dict[str, str]
    content_type: str
    expect: str | None
    model: dict[str, Any] | None
    comment: str


@dataclass
class PassResult:
    """Everything the assertions need, gathered while the server and store were up."""

    files: list[CorpusFile]
    health: dict[str, Feed]
    parsed: dict[str, ParsedFeed | None]
    stored_urls: set[str]
    control_urls: list[str]
    first: IngestReport
    second: IngestReport
    second_requests: list[RecordedRequest]
    outside_lookups: list[str] = field(default_factory=list)
    base: str = ""


def rewrite_external_links(data: bytes, base: str) -> bytes:
    """Point every absolute http(s) link at `base`/ext/<host>/…, leaving namespace URIs alone."""
    codec = next((name for mark, name in _WIDE if data.startswith(mark)), None)
    text = data.decode(codec) if codec else data.decode("latin-1")
    protected = {uri.decode("latin-1") for uri in _NAMESPACE.findall(
        text.encode("latin-1", errors="ignore") if codec else data)}

    def point_home(match: re.Match[str]) -> str:
        url = match.group(0)
        if url in protected or url.startswith(_PROTECTED_PREFIXES):
            return url
        host = _HOST.match(url)
        assert host is not None
        if not host.group(1):
            return url
        if host.group(1).lower() in ("127.0.0.1", "localhost"):  # feedparser's own test server
            return f"{base}{url[host.end():]}"
        return f"{base}/ext/{host.group(1).lower()}{url[host.end():]}"

    rewritten = _URL.sub(point_home, text)
    return rewritten.encode(codec) if codec else rewritten.encode("latin-1")


def _comment(data: bytes) -> str:
    start = data.find(b"<!--")
    end = data.find(b"-->", start)
    if start < 0 or end < 0 or start > 400:
        return ""
    return data[start + 4 : end].decode("utf-8", errors="replace")


def _skipped(comment: str) -> bool:
    if _SKIP_OTHER.search(comment):
        return True
    codec = _SKIP_CODEC.search(comment)
    if codec:
        try:
            codecs.lookup(codec.group(1))
        except LookupError:
            return True
    return False


def load_corpus(root: Path, base: str) -> list[CorpusFile]:
    files: list[CorpusFile] = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.name.endswith(".serde.json") or path.name.startswith("LICENSE"):
            continue
        parts = path.relative_to(root).parts
        group = f"feedparser/{parts[2]}" if parts[0] == "feedparser" else f"feed-rs/{parts[-2]}"
        raw = path.read_bytes()
        comment = _comment(raw) if parts[0] == "feedparser" else ""
        if _skipped(comment):
            continue
        headers = {name.title(): value for name, value in _HEADER.findall(comment)}
        content_type = headers.pop("Content-Type", None) or (
            "application/json" if path.name.endswith(".json") else "application/xml")
        if "Content-Location" in headers:
            headers["Content-Location"] = rewrite_external_links(
                headers["Content-Location"].encode(), base).decode()
        model_path = path.with_name(path.name.rsplit(".", 1)[0] + ".serde.json")
        expect = _EXPECT.search(comment)
        files.append(CorpusFile(
            group=group,
            name=path.name,
            path="/corpus/" + "/".join(path.relative_to(root).parts),
            body=rewrite_external_links(raw, base),
            headers=headers,
            content_type=content_type,
            expect=expect.group(1) if expect else None,
            model=json.loads(model_path.read_text(encoding="utf-8")) if model_path.exists() else None,
            comment=comment,
        ))
    return files


def _outside_page(request: RecordedRequest) -> Response:
    """A small article for any rewritten outside link (unique per path, so never a content dup)."""
    label = escape(request.path)
    body = (
        f"<html><head><title>Page {label}</title></head><body><article><h1>Page {label}</h1>"
        f"<p>This stand-in article answers the link {label} for the feed corpus test.</p>"
        f"<p>It is served from the local test server, so nothing leaves the machine.</p>"
        "</article></body></html>"
    )
    return Response(body=body.encode("utf-8"))


def _serve(server: WebServer, corpus_file: CorpusFile) -> None:
    etag = f'"{abs(hash(corpus_file.body))}"'
    response = Response(body=corpus_file.body, content_type=corpus_file.content_type,
                        headers=dict(corpus_file.headers), etag=etag)
    server.route(corpus_file.path, lambda _request: response)


async def _run_pass(root: Path, tmp_path: Path) -> PassResult:
    outside: list[str] = []

    async def loopback_only(host: str) -> list[str]:
        outside.append(host)
        raise FetchError(f"test forbids looking up {host}")

    with WebServer() as server:
        files = load_corpus(root, server.base_url)
        server.fallback(_outside_page)
        for corpus_file in files:
            _serve(server, corpus_file)
        control_links = [server.add_page(f"/control/{n}", article_html(900 + n)) for n in range(3)]
        server.add_feed("/control.xml", rss([item(link, guid=link) for link in control_links]))

        settings = load_settings(env_file=None, allow_private_hosts="127.0.0.1",
                                 db_path=tmp_path / "corpus.db", fetch_interval=600)
        clock = FakeClock()
        store = await Store.open(settings.db_path)
        try:
            async with build_client(settings, resolver=loopback_only) as client:
                ingestor = Ingestor(store, client, settings, clock,
                                    fetcher=Fetcher(client, total_seconds=10, per_host=8),
                                    feed_concurrency=16, page_concurrency=16)
                for corpus_file in files:
                    await store.feeds.add(server.url(corpus_file.path), clock.now())
                await store.feeds.add(server.url("/control.xml"), clock.now())
                first = await ingestor.poll_feeds(await store.feeds.all())
                clock.moment += timedelta(seconds=601)
                server.clear_requests()
                # The real-world feeds (and the control) again: due, so conditional polls.
                due = [feed for feed in await store.feeds.due(clock.now())
                       if "/feed-rs/" in feed.url or feed.url.endswith("/control.xml")]
                second = await ingestor.poll_feeds(due)
                second_requests = server.requests
            health = {feed.url: feed for feed in await store.feeds.all()}
            async with store.db.reader.execute("SELECT url FROM articles") as cursor:
                stored = {str(row[0]) for row in await cursor.fetchall()}
        finally:
            await store.close()
        parsed: dict[str, ParsedFeed | None] = {}
        for corpus_file in files:
            url = server.url(corpus_file.path)
            try:
                parsed[corpus_file.path] = parse_feed(
                    corpus_file.body, url=url,
                    content_type=corpus_file.content_type)
            except FeedError:  # an unreadable file is simply "no parse" here
                parsed[corpus_file.path] = None
        return PassResult(
            files=files, health={path: health[server.url(path)] for path in
                                 [f.path for f in files] + ["/control.xml"]},
            parsed=parsed, stored_urls=stored, control_urls=[canonical_url(u) for u in control_links],
            first=first, second=second, second_requests=second_requests,
            outside_lookups=outside, base=server.base_url,
        )


@pytest.fixture(scope="module")
def corpus_pass(tmp_path_factory: pytest.TempPathFactory) -> PassResult:
    if not CORPUS_DIR.is_dir():
        pytest.skip("../shared/corpora/feeds is absent")
    return asyncio.run(_run_pass(CORPUS_DIR, tmp_path_factory.mktemp("corpus")))


def _healthy(result: PassResult, corpus_file: CorpusFile) -> bool:
    feed = result.health[corpus_file.path]
    return feed.last_error is None and feed.consecutive_errors == 0


def _fold(text: str) -> str:
    return " ".join(text.split())


def test_nothing_but_loopback_was_ever_contacted(corpus_pass: PassResult) -> None:
    assert corpus_pass.outside_lookups == []
    assert all(url.startswith(corpus_pass.base) for url in corpus_pass.stored_urls)


def test_feed_rs_fixtures_yield_their_entries_with_titles_and_links(corpus_pass: PassResult) -> None:
    modelled = [f for f in corpus_pass.files if f.group.startswith("feed-rs") and f.model]
    assert len(modelled) >= 60
    for corpus_file in modelled:
        assert corpus_file.model is not None
        assert _healthy(corpus_pass, corpus_file), corpus_pass.health[corpus_file.path].last_error
        parsed = corpus_pass.parsed[corpus_file.path]
        assert parsed is not None
        entries = corpus_file.model["entries"]
        assert len(parsed.items) == len(entries), corpus_file.name
        for ours, theirs in zip(parsed.items, entries, strict=True):
            title = theirs.get("title")
            expected_title = _fold(html_to_text(title["content"])) if title else ""
            assert ours.title == expected_title, corpus_file.name
            links = [link["href"] for link in theirs.get("links") or []]
            if links and links[0].startswith(("http://", "https://")):
                expected = rewrite_external_links(links[0].encode(), corpus_pass.base).decode()
                assert ours.link is not None
                assert canonical_url(ours.link).rstrip("/") == canonical_url(expected).rstrip("/")
            if ours.link and ours.link.startswith("http"):
                assert canonical_url(ours.link) in corpus_pass.stored_urls, (corpus_file.name, ours.link)


def test_feed_rs_files_that_are_not_feeds_are_recorded_as_errors(corpus_pass: PassResult) -> None:
    unmodelled = {f.name: f for f in corpus_pass.files if f.group.startswith("feed-rs") and not f.model}
    for name in ("rss_2.0_invalid_1.xml", "xml_sample_1.xml", "xml_sample_2.xml"):
        feed = corpus_pass.health[unmodelled[name].path]
        assert feed.consecutive_errors == 1
        assert feed.last_error is not None
        assert "feed" in feed.last_error


def test_feedparser_wellformed_files_read_cleanly(corpus_pass: PassResult) -> None:
    wellformed = [f for f in corpus_pass.files if f.group == "feedparser/wellformed"]
    assert len(wellformed) >= 1700
    clean = [f for f in wellformed if (f.expect or "").startswith("not bozo")]
    unhealthy = [(f.name, corpus_pass.health[f.path].last_error) for f in clean
                 if not _healthy(corpus_pass, f)]
    assert unhealthy == []
    warned = [f.name for f in clean if (p := corpus_pass.parsed[f.path]) is None or p.warning]
    assert warned == []


def test_feedparser_entry_titles_and_links_match_their_expectations(corpus_pass: PassResult) -> None:
    checked = Counter[str]()
    for corpus_file in corpus_pass.files:
        if corpus_file.group != "feedparser/wellformed" or not corpus_file.expect:
            continue
        parsed = corpus_pass.parsed[corpus_file.path]
        for index, key, literal in _ENTRY_LITERAL.findall(corpus_file.expect):
            expected = ast.literal_eval(literal.removeprefix("u"))
            assert parsed is not None
            ours = parsed.items[int(index)]
            if key == "title":
                assert ours.title == _fold(html_to_text(expected)), corpus_file.name
            elif "Content-Location" not in corpus_file.headers and expected.startswith("http"):
                rewritten = rewrite_external_links(expected.encode(), corpus_pass.base).decode()
                assert ours.link == rewritten, corpus_file.name
            else:
                continue
            checked[key] += 1
    assert checked["title"] >= 50
    assert checked["link"] >= 10


def test_malformed_and_odd_feeds_are_read_leniently_or_recorded(corpus_pass: PassResult) -> None:
    outcomes = Counter[tuple[str, str]]()
    for corpus_file in corpus_pass.files:
        if corpus_file.group not in (
            "feedparser/illformed", "feedparser/encoding", "feedparser/entities", "feedparser/json"
        ):
            continue
        feed = corpus_pass.health[corpus_file.path]
        if _healthy(corpus_pass, corpus_file):
            outcomes[corpus_file.group, "read"] += 1
            parsed = corpus_pass.parsed[corpus_file.path]
            assert parsed is not None
            if (corpus_file.expect or "").strip() == "bozo":
                assert parsed.warning, corpus_file.name  # never mistaken for a clean feed
        else:
            outcomes[corpus_file.group, "error"] += 1
            assert feed.consecutive_errors == 1
            assert feed.last_error
            assert feed.next_poll_at is not None
    assert sum(outcomes.values()) >= 350
    assert outcomes["feedparser/entities", "error"] >= 200
    assert outcomes["feedparser/encoding", "read"] >= 70


def test_control_feed_polled_alongside_ingests_everything(corpus_pass: PassResult) -> None:
    control = corpus_pass.health["/control.xml"]
    assert control.last_error is None
    assert control.article_count == 3
    assert set(corpus_pass.control_urls) <= corpus_pass.stored_urls


def test_second_poll_is_conditional_and_stores_nothing(corpus_pass: PassResult) -> None:
    healthy = sum(1 for path, feed in corpus_pass.health.items()
                  if feed.last_error is None and ("/feed-rs/" in path or path == "/control.xml"))
    assert corpus_pass.first.new > 100
    assert corpus_pass.second.feeds_polled == healthy
    assert corpus_pass.second.new == 0
    feed_requests = [r for r in corpus_pass.second_requests if r.path.startswith("/corpus/")]
    conditional = [r for r in feed_requests if r.header("if-none-match")]
    assert len(conditional) == len(feed_requests) >= 60
    # The control feed sends no validators (like many real feeds): its items are duplicates.
    assert corpus_pass.second.feeds_not_modified == healthy - 1
    assert corpus_pass.second.duplicate == 3
