"""Bot-side latency of /latest and /topic with 100,000 articles in the database.

Run from the project root:

    python bench/bot_latency.py --corpora ../shared/corpora
    python bench/bot_latency.py --articles 20000 --rounds 100      # quicker
    python bench/bot_latency.py --db /tmp/bench.db --keep          # build once, rerun fast
    python bench/bot_latency.py --no-e2e                           # service+render path only

What it measures
----------------
The database is filled in the bench itself: real articles (BBC News Summary from the corpora, plus
the seed article about Kupyansk) are analysed once into real cards, then repeated with varied
titles, dates and a unique tail line into `--articles` rows with one `executemany` (the
full-text index is filled by the schema's triggers, as in production).

1. **service+render**: `Services.latest` / `Services.topic` on the real store — the SQLite query,
   cards rebuilt from stored JSON, HTML rendering and packing — exactly what a handler awaits
   before it sends. `/latest` (5 cards), `/latest 20`, and `/topic` with a rare topic
   (Kupyansk, and kupiansk through the topic keys), common words (government, "Russian
   troops"), a word that matches nothing, and page 2 of a common topic.
2. **end to end** (unless `--no-e2e`): gazebot's real application (`build_application`, long
   polling) against the fake Bot API from `tests/fakebot` on 127.0.0.1; the time from the user's
   command entering the fake's update queue to the bot's last reply message being accepted by
   the fake. The fake runs in the same process (its threads share the GIL with the bot).

Peers, timed in the same run on the same database: the store query alone (the floor under the
service path); for /topic a naive `LIKE '%word%'` scan over title and text — what a bot
without a full-text index would do; and the bounded FTS query proposed for
`ArticleStore.search` (BM25 over the newest 1,000 matches, not every match).

Figures are p50 and p95 in milliseconds over `--rounds` runs each. Target: p95 <= 50 ms for
/latest and /topic on the service path.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.fakebot (the end-to-end part)

import httpx  # noqa: E402
from telegram import Bot  # noqa: E402
from tests.fakebot import FakeBotAPI  # noqa: E402

from gazebot.analysis import analyze  # noqa: E402
from gazebot.analysis.card import Card  # noqa: E402
from gazebot.analysis.topics import topic_key  # noqa: E402
from gazebot.app import build_application, running, runtime_of  # noqa: E402
from gazebot.bot.ratelimit import RateLimiter  # noqa: E402
from gazebot.bot.services import Services  # noqa: E402
from gazebot.clock import SystemClock, to_db  # noqa: E402
from gazebot.delivery import Delivery  # noqa: E402
from gazebot.ingest import Ingestor  # noqa: E402
from gazebot.settings import load_settings  # noqa: E402
from gazebot.store import Store  # noqa: E402
from gazebot.store.articles import content_hash  # noqa: E402

SEED = ROOT.parent / "shared" / "seed" / "000_abead91fc19a55a8.txt"
TOPIC_QUERIES = {
    "rare (Kupyansk)": "Kupyansk",
    "rare, other spelling (kupiansk)": "kupiansk",
    "common (government)": "government",
    "two common words (Russian troops)": "Russian troops",
    "no match (zyxwvut)": "zyxwvut",
}
CHAT_ID = 42


def read_sources(corpora: Path) -> list[tuple[str, str]]:
    """(title, body) of every BBC article, plus the seed; the seed alone without corpora."""
    sources: list[tuple[str, str]] = []
    if SEED.is_file():
        title, _, body = SEED.read_text(encoding="utf-8").partition("\n")
        sources.append((title.strip(), body.strip()))
    bbc = corpora / "summaries" / "bbc" / "articles"
    if bbc.is_dir():
        for path in sorted(bbc.glob("*/*.txt")):
            raw = path.read_text(encoding="utf-8", errors="replace")
            title, _, body = raw.partition("\n")
            if body.strip():
                sources.append((title.strip(), body.strip()))
    else:
        print(f"note: {bbc} is absent; every row repeats the seed article", file=sys.stderr)
    if not sources:
        raise SystemExit("no articles to build the database from (no corpora, no seed)")
    return sources


def fill(db_path: Path, count: int, corpora: Path) -> None:
    """`count` article rows made from analysed real articles, inserted with one executemany."""
    sources = read_sources(corpora)
    started = time.perf_counter()
    analysed = []
    for title, body in sources:
        card = analyze(body, title=title, url="")
        keys = " ".join(k for k in (topic_key(t) for t in card.topics) if k)
        analysed.append((title, body, card, keys))
    print(f"analysed {len(analysed)} source articles in {time.perf_counter() - started:.1f} s")
    rng = random.Random(7)
    now = datetime.now(UTC)

    def rows() -> object:
        # Oldest first, so ids grow with time as they do when feeds are polled.
        for index in range(count):
            on_seed_topic = index % 400 == 0  # a few hundred stories about Kupyansk
            title, body, card, keys = analysed[0] if on_seed_topic else rng.choice(analysed)
            moment = now - timedelta(minutes=(count - index) * 5 + rng.randint(0, 4))
            story_title = title if index % 3 else f"{title} — update {index}"
            text = f"{body}\n\nFiled {moment:%d %B %Y %H:%M} (story {index})."
            url = f"https://news.example/{index % 97}/story-{index}"
            story_card = Card.from_dict({**card.to_dict(), "title": story_title, "url": url})
            yield (
                url,
                content_hash(story_title, text),
                story_title,
                text,
                to_db(moment),
                to_db(moment),
                to_db(moment),
                story_card.source or "The Example",
                story_card.language,
                json.dumps(story_card.to_dict(), ensure_ascii=False),
                keys,
            )

    started = time.perf_counter()
    with sqlite3.connect(db_path) as conn:
        conn.executemany(
            """INSERT INTO articles (url, content_hash, title, text, published_at, fetched_at,
                   sort_time, source, language, analysis, topic_keys)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            rows(),  # type: ignore[arg-type]
        )
    seconds = time.perf_counter() - started
    size = db_path.stat().st_size / 1e6
    print(f"inserted {count:,} articles in {seconds:.1f} s ({size:.0f} MB)")


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


async def timed(rounds: int, call: Callable[[], Awaitable[object]]) -> tuple[float, float]:
    await call()  # warm the page cache and statement cache once
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - started)
    return percentiles(samples)


def row(label: str, figures: tuple[float, float], note: str = "") -> None:
    p50, p95 = figures
    print(f"  {label:<46} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms  {note}")


async def like_scan(store: Store, word: str) -> list[object]:
    """The peer: a bot without a full-text index."""
    pattern = f"%{word}%"
    async with store.db.reader.execute(
        """SELECT id, url, title, analysis FROM articles
           WHERE title LIKE ? OR text LIKE ? ORDER BY sort_time DESC LIMIT 6""",
        (pattern, pattern),
    ) as cursor:
        return list(await cursor.fetchall())


async def service_path(db_path: Path, rounds: int) -> None:
    settings = load_settings(env_file=None, db_path=db_path, bot_token="1:bench")
    store = await Store.open(db_path)
    clock = SystemClock()
    async with httpx.AsyncClient() as client:
        services = Services(
            store=store,
            settings=settings,
            clock=clock,
            outbox=store.outbox,
            delivery=Delivery(store, Bot("1:bench"), settings, clock),
            ingestor=Ingestor(store, client, settings, clock),
        )
        count = await store.articles.count()
        print(f"\nservice+render path ({count:,} articles, {rounds} rounds each)")
        row("/latest (5 cards)", await timed(rounds, lambda: services.latest(CHAT_ID, 5)))
        row("/latest 20", await timed(rounds, lambda: services.latest(CHAT_ID, 20)))
        for label, words in TOPIC_QUERIES.items():
            replies = await services.topic(CHAT_ID, words)
            note = f"({len(replies)} message{'s' if len(replies) != 1 else ''})"
            row(f"/topic {label}", await timed(rounds, lambda w=words: services.topic(CHAT_ID, w)), note)
        row(
            "/topic government, page 2 (More)",
            await timed(rounds, lambda: services.topic(CHAT_ID, "government", 5)),
        )
        print("\npeers on the same database")
        row("store query alone: latest(6)", await timed(rounds, lambda: store.articles.latest(6)))
        row(
            "store query alone: search(government)",
            await timed(rounds, lambda: services.search("government", 6)),
        )
        peer_rounds = max(5, rounds // 10)
        for word in ("Kupyansk", "government", "zyxwvut"):
            row(
                f"naive LIKE scan: {word} ({peer_rounds} rounds)",
                await timed(peer_rounds, lambda w=word: like_scan(store, w)),
            )
    await store.close()


async def end_to_end(db_path: Path, rounds: int) -> None:
    with FakeBotAPI(rate_limits=False) as fake:
        settings = load_settings(
            env_file=None,
            db_path=db_path,
            bot_token=fake.token,
            telegram_api_url=fake.base_url,
            fetch_interval=86_400,
        )
        limiter = RateLimiter(burst=1_000_000, per_second=1_000_000.0)
        application = build_application(settings, limiter=limiter)
        async with running(application):
            services = runtime_of(application).require_services()
            print(f"\nend to end through the fake Bot API ({rounds} rounds each)")
            cases: list[tuple[str, Callable[[], Awaitable[list[object]]]]] = [
                ("/latest", lambda: services.latest(CHAT_ID, 5)),
                ("/topic Kupyansk", lambda: services.topic(CHAT_ID, "Kupyansk")),
                ("/topic government", lambda: services.topic(CHAT_ID, "government")),
            ]
            for command, answer in cases:
                messages = len(await answer())  # how many messages one answer takes
                row(command, await e2e_command(fake, command, messages, rounds))
            row("/help (no database, for reference)", await e2e_command(fake, "/help", 1, rounds))


async def e2e_command(
    fake: FakeBotAPI, command: str, messages: int, rounds: int
) -> tuple[float, float]:
    samples = []
    for _ in range(rounds + 1):
        before = len(fake.sent_messages(CHAT_ID))
        started = time.perf_counter()
        fake.send_command(CHAT_ID, command)
        await fake.wait_for_messages_async(CHAT_ID, before + messages, 30)
        samples.append(time.perf_counter() - started)
    return percentiles(samples[1:])  # the first one warms up


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--db", type=Path, help="database file (reused if it has articles)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--no-e2e", action="store_true", help="skip the fake Bot API part")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="gazebot-bench-"))
    db_path = args.db or workdir / "bench.db"
    try:
        asyncio.run(_prepare(db_path))
        with sqlite3.connect(db_path) as conn:
            existing = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        if existing < args.articles:
            fill(db_path, args.articles - existing, args.corpora)
        asyncio.run(service_path(db_path, args.rounds))
        if not args.no_e2e:
            asyncio.run(end_to_end(db_path, max(20, args.rounds // 4)))
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
            if args.db is not None:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{args.db}{suffix}").unlink(missing_ok=True)
    return 0


async def _prepare(db_path: Path) -> None:
    """Create the schema with gazebot's own migrations."""
    store = await Store.open(db_path)
    await store.close()


if __name__ == "__main__":
    raise SystemExit(main())
