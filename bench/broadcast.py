"""Breaking-news broadcast throughput against the fake Bot API at Telegram's limits.

Measures, for each configuration: time to enqueue the broadcast (one transaction), sustained
messages/s accepted by the fake API (target ≥ 95% of its limit), 429s received (target 0),
subscribers who got nothing (lost, must be 0) or more than one copy (duplicated, must be 0),
and this process's peak memory. The fake API runs in a child process so it does not share the
sender's CPU time and GIL.

Two reference rows are printed alongside: the loop most bots start with (`send_message` then
`asyncio.sleep(1 / rate)`, no outbox) on a sample of chats, and the ceiling of this machine —
raw concurrent httpx posts to the same fake API with its limits off — since on a shared 2-core
box the fake server and PTB's HTTP stack, not the limit, can be what caps 300/s.

Run from the project root:
    python bench/broadcast.py            # 10,000 at 30/s (~6 min), then 20,000 at 300/s
    python bench/broadcast.py --quick    # 1,000 at 30/s, then 3,000 at 300/s
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

import httpx  # noqa: E402
from telegram import Bot  # noqa: E402
from telegram.error import RetryAfter  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402
from tests.fakebot import DEFAULT_TOKEN  # noqa: E402

from gazebot.analysis.card import Card, Figure, Quote  # noqa: E402
from gazebot.clock import SystemClock, to_db  # noqa: E402
from gazebot.delivery import Delivery  # noqa: E402
from gazebot.models import NewArticle  # noqa: E402
from gazebot.settings import load_settings  # noqa: E402
from gazebot.store import Store  # noqa: E402

HEADLINE = "Zelenskyy visits the Kupiansk front"

# The fake API in its own process: prints its URL, serves until a line arrives on stdin, then
# prints one JSON line with what it saw.
FAKE_SERVER = """
import json, sys
from collections import Counter
sys.path.insert(0, sys.argv[1])
from tests.fakebot import FakeBotAPI
fake = FakeBotAPI(global_rate=float(sys.argv[2]), per_chat_rate=1.0)
fake.start()
print(fake.base_url, flush=True)
sys.stdin.readline()
calls = [c for c in fake.calls if c.method == "sendMessage"]
ok = [c for c in calls if c.status == 200]
marker = sys.argv[3]
copies = Counter(int(c.params["chat_id"]) for c in ok if marker in str(c.params.get("text", "")))
times = sorted(c.at for c in ok if marker in str(c.params.get("text", "")))
print(json.dumps({"rate_limited": fake.rate_limited, "copies": copies, "times": times,
                  "errors": Counter(c.status for c in calls if c.status != 200)}), flush=True)
fake.close()
"""


class FakeApiProcess:
    def __init__(self, rate: float, marker: str) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-c", FAKE_SERVER, str(PROJECT_ROOT), str(rate), marker],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        self.base_url = self._process.stdout.readline().strip()

    def report(self) -> dict[str, Any]:
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        self._process.stdin.write("report\n")
        self._process.stdin.flush()
        result: dict[str, Any] = json.loads(self._process.stdout.readline())
        self._process.wait(30)
        return result


def make_bot(base_url: str) -> Bot:
    request = HTTPXRequest(connection_pool_size=16, read_timeout=10.0)
    return Bot(DEFAULT_TOKEN, base_url=base_url, request=request)


async def populate(store: Store, count: int) -> int:
    now = datetime.now(UTC)
    async with store.db.transaction() as conn:
        await conn.executemany(
            """INSERT INTO subscribers (chat_id, chat_type, timezone, digest_time, created_at,
                                        next_digest_at)
               VALUES (?, 'private', 'UTC', '08:00', ?, '2100-01-01T00:00:00.000000Z')""",
            ((chat_id, to_db(now)) for chat_id in range(1, count + 1)),
        )
    card = Card(
        title=HEADLINE,
        url="https://news.example.com/kupiansk",
        source="The Gaze",
        summary=("Zelenskyy visited the Kupiansk sector after Ukrainian forces retook parts of the city.",),
        quotes=(Quote("Results on the frontline are crucial.", "Volodymyr Zelenskyy"),),
        figures=(Figure("over 1,000 Russian soldiers", 1000.0),),
    )
    article_id = await store.articles.add(
        NewArticle(url=card.url, title=HEADLINE, text="Zelenskyy visited.", card=card), now
    )
    assert article_id is not None
    return article_id


async def run_ours(subscribers: int, rate: float) -> dict[str, Any]:
    fake = FakeApiProcess(rate, HEADLINE)
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(env_file=None, db_path=Path(tmp) / "bench.db", send_rate=rate)
        store = await Store.open(settings.db_path)
        article_id = await populate(store, subscribers)
        async with make_bot(fake.base_url) as bot:
            delivery = Delivery(store, bot, settings, SystemClock())
            admin = 10**9
            progress = await bot.send_message(admin, "Sending…")
            draft = await delivery.create_breaking(article_id, admin)
            started = time.perf_counter()
            queued = await delivery.send_breaking(draft, admin, progress.message_id)
            enqueue_seconds = time.perf_counter() - started
            await delivery.start()
            while (await store.outbox.counts())["pending"]:  # noqa: ASYNC110 - polling the database
                await asyncio.sleep(0.2)
            drained = time.perf_counter() - started
            await delivery.stop()
        counts = await store.outbox.counts()
        await store.close()
    seen = fake.report()
    copies = {int(chat): n for chat, n in seen["copies"].items()}
    times = seen["times"]
    sustained = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
    return {
        "subscribers": subscribers,
        "queued": queued,
        "enqueue_s": enqueue_seconds,
        "wall_s": drained,
        "sustained": sustained,
        "limit": rate,
        "rate_limited": seen["rate_limited"],
        "lost": sum(1 for chat in range(1, subscribers + 1) if chat not in copies),
        "duplicated": sum(1 for n in copies.values() if n > 1),
        "failed": counts["failed"],
    }


async def run_naive_peer(messages: int, rate: float) -> dict[str, Any]:
    """The usual first attempt: a loop of send_message and sleep(1/rate), no outbox."""
    marker = "Naive peer broadcast"
    fake = FakeApiProcess(rate, marker)
    lost = 0
    async with make_bot(fake.base_url) as bot:
        for chat_id in range(1, messages + 1):
            try:
                await bot.send_message(chat_id, f"<b>{marker}</b>", parse_mode="HTML")
            except RetryAfter:
                lost += 1  # the naive loop drops it (or would have to sleep and retry)
            await asyncio.sleep(1 / rate)
    seen = fake.report()
    times = seen["times"]
    return {
        "sustained": (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0,
        "rate_limited": seen["rate_limited"],
        "lost": lost,
    }


async def run_ceiling(messages: int) -> float:
    """Messages/s this machine can push through the fake API at all (limits off, 12 connections)."""
    marker = "Ceiling"
    fake = FakeApiProcess(1_000_000.0, marker)
    url = f"{fake.base_url}{DEFAULT_TOKEN}/sendMessage"
    chats = iter(range(1, messages + 1))
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=12)) as client:

        async def worker() -> None:
            for chat_id in chats:
                await client.post(
                    url, json={"chat_id": chat_id, "text": f"<b>{marker}</b>", "parse_mode": "HTML"}
                )

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(12)))
        elapsed = time.perf_counter() - started
    fake.report()
    return messages / elapsed


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer subscribers, for development")
    args = parser.parse_args()
    configs = [(1_000, 30.0), (3_000, 300.0)] if args.quick else [(10_000, 30.0), (20_000, 300.0)]
    print(
        f"{'config':<22}{'enqueue':>9}{'wall':>9}{'msgs/s':>9}{'of limit':>10}"
        f"{'429s':>6}{'lost':>6}{'dup':>5}{'failed':>8}{'peak MB':>9}"
    )
    for subscribers, rate in configs:
        result = await run_ours(subscribers, rate)
        share = result["sustained"] / rate
        print(
            f"{f'gazebot {subscribers:,} @ {rate:g}/s':<22}{result['enqueue_s']:>8.2f}s"
            f"{result['wall_s']:>8.1f}s{result['sustained']:>9.1f}{share:>9.1%}"
            f"{result['rate_limited']:>6}{result['lost']:>6}{result['duplicated']:>5}"
            f"{result['failed']:>8}{peak_memory_mb():>9.0f}",
            flush=True,
        )
        sample = min(subscribers, int(rate * 10))
        peer = await run_naive_peer(sample, rate)
        print(
            f"{f'naive loop {sample:,} @ {rate:g}/s':<22}{'-':>9}{'-':>9}{peer['sustained']:>9.1f}"
            f"{peer['sustained'] / rate:>9.1%}{peer['rate_limited']:>6}{peer['lost']:>6}"
            f"{'-':>5}{'-':>8}{'-':>9}",
            flush=True,
        )
        ceiling = await run_ceiling(min(subscribers, 2_000))
        print(
            f"{'machine ceiling':<22}{'-':>9}{'-':>9}{ceiling:>9.1f}{'':>10}"
            f"   gazebot reached {result['sustained'] / min(rate, ceiling):.0%} of the attainable "
            f"min(limit, ceiling) = {min(rate, ceiling):.0f}/s",
            flush=True,
        )


if __name__ == "__main__":
    asyncio.run(main())
