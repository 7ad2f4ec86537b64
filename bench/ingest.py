"""End-to-end ingestion speed: articles per second from a feed of excerpts to stored, analysed rows.

A local HTTP server in its own process (so it does not share this process's event loop or GIL)
serves N article pages and one RSS feed whose items carry only a one-sentence excerpt, so every
page is fetched, extracted, analysed and stored. Pages are BBC News articles from the corpora
(`summaries/bbc/articles`, cycled with a unique line when N exceeds them), wrapped in realistic page
furniture (navigation, related links, footer); without the corpora, the seed article is used.

Figures printed, each on a fresh database:
- gazebot, inline: `Ingestor.poll_due_feeds()` as the bot runs it (extraction and analysis on the
  event loop, the bot's per-host politeness limit: `--per-host`, default 2 pages in flight);
- gazebot, process pool: the same with extraction and analysis in `gazebot.ingest.process_pool`
  (`--workers`, default the CPU count);
- peer: a plain serial loop — httpx GET, `trafilatura.extract`, `analyze`, store — page by page.
Plus the CPU cost per page of extraction and of analysis alone (serially, on 100 pages), and the
database size after the inline run (bytes per article).

Run: python bench/ingest.py [--articles 1000] [--corpora ../shared/corpora] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

import httpx
import trafilatura

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))  # for tests.webserver, the local server the tests use

from tests.webserver import ProcessServer  # noqa: E402

from gazebot.analysis import analyze  # noqa: E402
from gazebot.clock import SystemClock  # noqa: E402
from gazebot.extract import extract_article  # noqa: E402
from gazebot.fetch import DEFAULT_PER_HOST, Fetcher, build_client  # noqa: E402
from gazebot.ingest import Ingestor, process_pool  # noqa: E402
from gazebot.models import NewArticle  # noqa: E402
from gazebot.settings import load_settings  # noqa: E402
from gazebot.store import Store  # noqa: E402

NAV = "".join(f"<li><a href='/section/{name.lower()}'>{name}</a></li>" for name in
              ("Home", "World", "Business", "Politics", "Technology", "Sport", "Culture"))
RELATED = "".join(f"<li><a href='/news/related-{n}'>Related story headline number {n}</a></li>"
                  for n in range(8))


@dataclass(frozen=True)
class Story:
    title: str
    paragraphs: list[str]


def load_stories(corpora: Path) -> list[Story]:
    articles = corpora / "summaries" / "bbc" / "articles"
    stories: list[Story] = []
    if articles.is_dir():
        for path in sorted(articles.rglob("*.txt")):
            lines = [line.strip() for line in path.read_text(encoding="utf-8", errors="replace")
                     .splitlines() if line.strip()]
            if len(lines) >= 3:
                stories.append(Story(lines[0], lines[1:]))
    if not stories:
        seed = PROJECT_ROOT.parent / "shared" / "seed" / "000_abead91fc19a55a8.txt"
        lines = [line.strip() for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]
        stories.append(Story(lines[0], lines[1:]))
    return stories


def page_html(story: Story, number: int) -> str:
    body = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in story.paragraphs)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(story.title)} - Bench News</title>"
        "<meta property='og:site_name' content='Bench News'>"
        f"<meta property='og:title' content='{escape(story.title)}'>"
        "<script>window.analytics = {track: function () {}};</script>"
        "<style>body { font-family: serif }</style></head><body>"
        f"<header><nav><ul>{NAV}</ul></nav></header>"
        f"<main><article><h1>{escape(story.title)}</h1>"
        f"<p class='byline'>By Bench Reporter, story {number}</p>{body}"
        f"<p>Story reference {number} in this benchmark run.</p></article>"
        f"<aside><h2>Related</h2><ul>{RELATED}</ul></aside></main>"
        "<footer><p>Copyright Bench News. All rights reserved.</p>"
        "<p><a href='/privacy'>Privacy</a> <a href='/terms'>Terms</a></p></footer>"
        "</body></html>"
    )


def build_site(stories: list[Story], count: int) -> tuple[dict[str, tuple[bytes, str]], list[str]]:
    routes: dict[str, tuple[bytes, str]] = {}
    paths: list[str] = []
    for number in range(count):
        story = stories[number % len(stories)]
        path = f"/news/{number}"
        routes[path] = (page_html(story, number).encode("utf-8"), "text/html; charset=utf-8")
        paths.append(path)
    return routes, paths


def feed_xml(stories: list[Story], paths: list[str]) -> bytes:
    """Excerpt-only items whose links are relative (resolved against the feed's URL)."""
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    items = []
    for number, path in enumerate(paths):
        story = stories[number % len(stories)]
        excerpt = story.paragraphs[0].split(". ")[0][:200]
        items.append(
            f"<item><title>{escape(story.title)}</title><link>{path}</link>"
            f"<guid isPermaLink='false'>bench-{number}</guid>"
            f"<pubDate>{format_datetime(now - timedelta(minutes=number))}</pubDate>"
            f"<description>{escape(excerpt)}</description></item>"
        )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>Bench News</title><link>/</link>{''.join(items)}</channel></rss>"
    ).encode()


def database_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


async def run_gazebot(
    db_path: Path, feed_url: str, executor: Executor | None, per_host: int
) -> tuple[int, float]:
    settings = load_settings(env_file=None, allow_private_hosts="127.0.0.1", db_path=db_path)
    store = await Store.open(db_path)
    try:
        async with build_client(settings) as client:
            ingestor = Ingestor(
                store, client, settings, SystemClock(),
                fetcher=Fetcher(client, per_host=per_host), executor=executor,
            )
            await ingestor.add_configured_feeds([feed_url])
            started = time.perf_counter()
            report = await ingestor.poll_due_feeds()
            elapsed = time.perf_counter() - started
            if report.failed or report.feeds_failed:
                print(f"  ({report.failed} articles failed, e.g. {report.errors[:1]})")
    finally:
        await store.close()
    return report.new, elapsed


async def run_peer(db_path: Path, base: str, paths: list[str], titles: list[str]) -> tuple[int, float]:
    """The naive pipeline: one page at a time, trafilatura's defaults, analyse, store."""
    store = await Store.open(db_path)
    stored = 0
    try:
        async with httpx.AsyncClient(trust_env=False, timeout=30) as client:
            started = time.perf_counter()
            for path, title in zip(paths, titles, strict=True):
                url = base + path
                response = await client.get(url)
                text = trafilatura.extract(response.text, url=url) or ""
                card = analyze(text, title=title, url=url)
                article = NewArticle(url=url, title=title, text=text, card=card)
                if await store.articles.add(article, datetime.now(UTC)) is not None:
                    stored += 1
            elapsed = time.perf_counter() - started
    finally:
        await store.close()
    return stored, elapsed


def stage_costs(routes: dict[str, tuple[bytes, str]], paths: list[str], sample: int = 100) -> str:
    """CPU milliseconds per page for extraction and for analysis, measured serially."""
    extract_seconds = analyse_seconds = peer_seconds = 0.0
    chosen = paths[:sample]
    for path in chosen:
        html = routes[path][0]
        started = time.perf_counter()
        page = extract_article(html, "http://127.0.0.1" + path)
        extracted = time.perf_counter()
        analyze(page.text, title=page.title, url="http://127.0.0.1" + path)
        analysed = time.perf_counter()
        trafilatura.extract(html.decode("utf-8"), url="http://127.0.0.1" + path)
        extract_seconds += extracted - started
        analyse_seconds += analysed - extracted
        peer_seconds += time.perf_counter() - analysed
    count = max(1, len(chosen))
    return (f"per page, serially over {count} pages: "
            f"gazebot extract {1000 * extract_seconds / count:.1f} ms, "
            f"analyse {1000 * analyse_seconds / count:.1f} ms; "
            f"trafilatura.extract {1000 * peer_seconds / count:.1f} ms")


def report_line(label: str, stored: int, elapsed: float) -> None:
    print(f"{label:<42} {stored:>6} articles in {elapsed:7.2f} s = {stored / elapsed:7.1f} articles/s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--corpora", type=Path, default=PROJECT_ROOT.parent / "shared" / "corpora")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--per-host", type=int, default=DEFAULT_PER_HOST,
                        help="pages in flight to the one host (the bot's default: %(default)s)")
    parser.add_argument("--skip-peer", action="store_true")
    args = parser.parse_args()

    stories = load_stories(args.corpora)
    routes, paths = build_site(stories, args.articles)
    routes["/feed.xml"] = (feed_xml(stories, paths), "application/rss+xml")
    titles = [stories[n % len(stories)].title for n in range(args.articles)]
    words = sum(len(" ".join(stories[n % len(stories)].paragraphs).split())
                for n in range(args.articles)) / args.articles
    print(f"{args.articles} pages ({len(stories)} distinct stories, {words:.0f} words on average), "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")

    with tempfile.TemporaryDirectory() as tmp, ProcessServer(routes) as server:
        feed_url = server.url("/feed.xml")
        inline_db = Path(tmp) / "inline.db"
        pool_db = Path(tmp) / "pool.db"
        peer_db = Path(tmp) / "peer.db"

        def pooled() -> tuple[int, float]:
            with process_pool(args.workers) as pool:
                list(pool.map(abs, range(args.workers)))  # start the workers before timing
                return asyncio.run(run_gazebot(pool_db, feed_url, pool, args.per_host))

        runs: list[tuple[str, Callable[[], tuple[int, float]]]] = [
            ("gazebot (inline, as the bot runs)",
             lambda: asyncio.run(run_gazebot(inline_db, feed_url, None, args.per_host))),
            (f"gazebot (process pool, {args.workers} workers)", pooled),
        ]
        if not args.skip_peer:
            runs.append(("peer: serial httpx + trafilatura.extract",
                         lambda: asyncio.run(run_peer(peer_db, server.url(""), paths, titles))))
        for label, run in runs:
            stored, elapsed = run()
            report_line(label, stored, elapsed)
        print(stage_costs(routes, paths))
        size = database_bytes(inline_db)
        print(f"database after the inline run: {size / 1e6:.1f} MB "
              f"({size / max(1, args.articles) / 1024:.1f} KiB per article)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
