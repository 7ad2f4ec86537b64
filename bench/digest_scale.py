"""Daily digests at scale: 100,000 subscribers due at once, 10,000 stored articles.

Measures one scheduler pass — read who is due from the index, rank the stories, build every
digest (followed topics first), enqueue one outbox row per subscriber and move every
`next_digest_at` on — against the 60 s target, with peak memory and the database growth.
Subscribers are spread over eight time zones; one in ten follows one or two of 40 topics.

As a peer, the per-subscriber approach (for each subscriber: fetch their new stories, search
each followed topic, render, commit one transaction) runs on a sample and is extrapolated.

Run from the project root:
    python bench/digest_scale.py                 # 100,000 subscribers, 10,000 articles
    python bench/digest_scale.py --quick         # 10,000 subscribers, 2,000 articles
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from gazebot.analysis.card import Card, Figure, Quote  # noqa: E402
from gazebot.analysis.topics import topic_keys_for_query  # noqa: E402
from gazebot.clock import to_db  # noqa: E402
from gazebot.delivery.digest import (  # noqa: E402
    DIGEST_STORIES,
    DigestScheduler,
    digest_heading,
    group_stories,
    pick_stories,
    ref_of,
)
from gazebot.delivery.messages import digest_message, to_params  # noqa: E402
from gazebot.store import Store  # noqa: E402
from gazebot.store.digests import CandidateArticle  # noqa: E402

NOW = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)
ZONES = (
    "UTC",
    "Europe/Kyiv",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
)
PLACES = [
    "Kupiansk",
    "Kharkiv",
    "Kyiv",
    "Odesa",
    "Lviv",
    "Dnipro",
    "Zaporizhzhia",
    "Kherson",
    "Sumy",
    "Poltava",
]
SUBJECTS = [
    "drones",
    "energy",
    "grain",
    "budget",
    "parliament",
    "railways",
    "schools",
    "hospitals",
    "bridges",
    "ports",
]
EVENTS = ["attack", "talks", "repairs", "vote", "strike", "deal", "outage", "funding", "inquiry", "reopening"]


class FixedClock:
    def now(self) -> datetime:
        return NOW


async def populate(store: Store, subscribers: int, articles: int, rng: random.Random) -> None:
    rows = []
    for number in range(articles):
        place, subject, event = rng.choice(PLACES), rng.choice(SUBJECTS), rng.choice(EVENTS)
        title = f"{place} {subject} {event} update {number}"
        fetched = NOW - timedelta(seconds=rng.uniform(0, 30 * 3600))
        card = Card(
            title=title,
            url=f"https://news{number % 17}.example.com/{number}",
            source=f"Source {number % 17}",
            summary=(
                f"Officials in {place} reported {event} affecting {subject} on Tuesday, "
                "with more details expected later in the day.",
                "Residents were told to follow official channels for updates.",
            ),
            figures=tuple(Figure(f"{n * 10} people", float(n * 10)) for n in range(rng.randint(0, 3))),
            quotes=tuple(Quote("We are working on it.", "A spokesperson") for _ in range(rng.randint(0, 2))),
            topics=(place, subject),
        )
        rows.append(
            (
                card.url,
                f"hash{number}",
                title,
                f"{title}. {' '.join(card.summary)}",
                to_db(fetched),
                to_db(fetched),
                to_db(fetched),
                card.source,
                json.dumps(card.to_dict()),
                " ".join(topic_keys_for_query(f"{place} {subject}")),
            )
        )
    subscriber_rows = []
    follows = []
    topics = (
        [f"{place}" for place in PLACES]
        + SUBJECTS
        + [f"{p} {s}" for p, s in zip(PLACES, SUBJECTS, strict=True)]
    )
    topics += [f"{s} {e}" for s, e in zip(SUBJECTS, EVENTS, strict=True)]
    for chat_id in range(1, subscribers + 1):
        subscriber_rows.append(
            (
                chat_id,
                rng.choice(ZONES),
                to_db(NOW - timedelta(days=1)),
                to_db(NOW - timedelta(minutes=rng.randint(0, 60))),
                to_db(NOW - timedelta(days=30)),
            )
        )
        if chat_id % 10 == 0:
            follows.extend((chat_id, topic) for topic in rng.sample(topics, rng.randint(1, 2)))
    async with store.db.transaction() as conn:
        await conn.executemany(
            """INSERT INTO articles (url, content_hash, title, text, published_at, fetched_at,
                                     sort_time, source, analysis, topic_keys)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            rows,
        )
        await conn.executemany(
            """INSERT INTO subscribers (chat_id, chat_type, timezone, digest_time, last_digest_at,
                                        next_digest_at, created_at)
               VALUES (?, 'private', ?, '08:00', ?, ?, ?)""",
            subscriber_rows,
        )
        await conn.executemany("INSERT INTO follows (chat_id, topic) VALUES (?, ?)", follows)


def database_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def naive_peer(store: Store, sample: int) -> float:
    """Seconds per subscriber for the per-subscriber approach (no shared work)."""
    last = to_db(NOW - timedelta(days=1))  # as before the pass moved everyone on
    due = [(chat_id, last) for chat_id in range(1, sample + 1)]
    started = time.perf_counter()
    for chat_id, last in due:
        async with store.db.reader.execute(
            """SELECT id, url, title, source, sort_time, fetched_at, analysis, topic_keys
               FROM articles WHERE fetched_at > ? ORDER BY fetched_at DESC LIMIT 2000""",
            (last,),
        ) as cursor:
            fetched = await cursor.fetchall()
        candidates = [
            CandidateArticle(
                row[0],
                row[1],
                row[2],
                row[3],
                NOW,
                NOW,
                Card.from_dict(json.loads(row[6])),
                tuple(row[7].split()),
            )
            for row in fetched
        ]
        follows = (await store.digests.follows([chat_id])).get(chat_id, [])
        followed: set[int] = set()
        for topic in follows:
            followed |= await store.digests.matching(
                f'"{topic.split()[0].lower()}"*', NOW - timedelta(days=2)
            )
        stories = group_stories(candidates, NOW)
        picked = pick_stories(stories, NOW - timedelta(days=1), frozenset(followed), DIGEST_STORIES)
        message = digest_message([ref_of(story.lead) for story, _ in picked], digest_heading(NOW))
        params = to_params(message) if message else {}
        async with store.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO outbox (chat_id, payload, next_try_at, created_at) VALUES (?, ?, ?, ?)",
                (chat_id, json.dumps({**params, "chat_id": chat_id}), NOW.timestamp(), to_db(NOW)),
            )
    return (time.perf_counter() - started) / max(1, len(due))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="10,000 subscribers, 2,000 articles")
    parser.add_argument("--subscribers", type=int)
    parser.add_argument("--articles", type=int)
    args = parser.parse_args()
    subscribers = args.subscribers or (10_000 if args.quick else 100_000)
    articles = args.articles or (2_000 if args.quick else 10_000)
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "digest.db"
        store = await Store.open(path)
        started = time.perf_counter()
        await populate(store, subscribers, articles, rng)
        print(
            f"populated {subscribers:,} subscribers and {articles:,} articles in "
            f"{time.perf_counter() - started:.1f} s; memory so far {peak_memory_mb():.0f} MB"
        )
        size_before = database_bytes(path)
        started = time.perf_counter()
        report = await DigestScheduler(store.digests, FixedClock()).run_once()
        elapsed = time.perf_counter() - started
        size_after = database_bytes(path)
        counts = await store.outbox.counts()
        print(
            f"gazebot pass: {elapsed:.1f} s for {report.subscribers:,} due subscribers "
            f"(target < 60 s): {report.queued:,} digests queued, {report.nothing_new:,} with nothing "
            f"new, {report.skipped_late:,} skipped; {report.distinct_texts:,} distinct texts; "
            f"outbox pending {counts['pending']:,}; database +{(size_after - size_before) / 2**20:.0f} MB; "
            f"peak memory {peak_memory_mb():.0f} MB"
        )
        sample = 20
        per_subscriber = await naive_peer(store, sample)
        print(
            f"per-subscriber peer: {per_subscriber * 1000:.1f} ms each on {sample} subscribers → "
            f"{per_subscriber * subscribers:.0f} s extrapolated for {subscribers:,}"
        )
        await store.close()


if __name__ == "__main__":
    asyncio.run(main())
