"""Soak run: the real bot under 1,000 simulated users while feeds are polled, a breaking
broadcast runs and 5% of Bot API calls fail (issue 6, "Show 4").

Everything runs on 127.0.0.1. This process runs the fake Bot API (tests/fakebot, Telegram's
default limits: 30 messages/s overall, 1/s per chat), a local news site whose live feed gains a
story every 20 s, and the driver; the real application (`gazebot.app.build_application` +
`running`, logging via `configure_logging` at WARNING into a file) runs in a child process, so the
memory figures are the bot's alone (the fake keeps every call and message it saw). 1,000 subscribers
are created up front; then a driver sends mixed commands (/latest, /latest 3, /topic, /follow,
/unfollow, /following, /settings, /help, /time, /timezone, /digest, unknown commands, /start) at
`--rate` per second, each from a user with no command of theirs still unanswered (a person waits
for the answer). A fifth of the way in, the admin previews a breaking story and presses Send: it
goes to every subscriber while the commands go on. Faults: a seeded 4% of all Bot API calls answer
502, and about every 2 s one sendMessage hangs past the client's timeout (half of them after the
message was delivered, so the answer is what gets lost): about 5% of calls in all.

Reported: commands sent and answered (with how many answers were the bot's apology or its
slow-down note), unanswered after 30 s, p50/p95/max reply latency (command sent → first reply in
that chat), the broadcast's outcome (subscribers reached, lost — must be 0 — and duplicated, which
a delivered-but-timed-out send can cause), the fake's counts, and the bot process's RSS at the
start, every sixth of the run and the end.
No peer is run: the figures are absolute (a loss count and a growth trend), not a comparison.

Run from the project root (only 127.0.0.1 is contacted):
    python bench/soak.py            # 3 minutes of commands, then the broadcast is waited out
    python bench/soak.py --quick    # 30 seconds
    python bench/soak.py --duration 600 --rate 15 --users 1000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from tests.bot_harness import ADMIN_ID, article_page, serve_news_site  # noqa: E402
from tests.fakebot import FakeBotAPI  # noqa: E402
from tests.webserver import RecordedRequest, Response, WebServer  # noqa: E402

from gazebot.schedule import next_digest_at  # noqa: E402
from gazebot.settings import load_settings  # noqa: E402
from gazebot.store import Store  # noqa: E402

BREAKING_TITLE = "Soak test: dam repairs finished ahead of the spring floods"
BREAKING_PARAGRAPHS = [
    "Engineers finished repairs to the Kaniv dam on Monday, two weeks ahead of the spring floods, "
    "the state water agency said.",
    "About 1,200 workers took part in the repairs, which cost 340 million hryvnias, the agency said.",
    "\u201cThe river will not catch us unprepared this year,\u201d said Ihor Mazur, the agency's head.",
]
COMMAND_MIX = [
    ("/latest", 14), ("/latest 3", 8), ("/topic Kharkiv", 10), ("/topic grain exports", 6),
    ("/follow grain", 6), ("/unfollow grain", 4), ("/following", 6), ("/settings", 8),
    ("/help", 10), ("/time 07:30", 4), ("/timezone Europe/Kyiv", 4), ("/digest", 6),
    ("/frobnicate", 4), ("/start", 4), ("/topic", 3), ("/latest many", 3),
]
BROADCAST_MARK = "<b>🔴 Breaking news</b>"
"""How the broadcast copies begin (replies such as /latest may show the same story)."""
REPLY_TIMEOUT = 30.0
HANG_SECONDS = 8.0  # past python-telegram-bot's 5 s read timeout


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@dataclass
class Tally:
    sent: int = 0
    answered: int = 0
    apologies: int = 0
    slow_downs: int = 0
    unanswered: int = 0
    unanswered_chats: list[int] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    outstanding: dict[int, float] = field(default_factory=dict)
    last_command: dict[int, str] = field(default_factory=dict)
    memory: list[tuple[float, int]] = field(default_factory=list)


def live_feed(web: WebServer, started: float) -> str:
    """A feed that gains a story every 20 s (pages answered by the fallback)."""

    def feed(_request: RecordedRequest) -> Response:
        count = 3 + int((time.monotonic() - started) // 20)
        items = "".join(
            f"<item><title>Live story {n}</title><link>{web.url(f'/live/{n}')}</link>"
            f"<guid>live-{n}</guid><description>Live story {n} from the soak run.</description></item>"
            for n in range(count)
        )
        body = f"<?xml version='1.0'?><rss version='2.0'><channel><title>Live</title>{items}</channel></rss>"
        return Response(body=body.encode(), content_type="application/rss+xml")

    def page(request: RecordedRequest) -> Response:
        number = request.path.rsplit("/", 1)[-1]
        paragraphs = [
            f"Story {escape(number)}: crews in Kharkiv repaired {number} substations overnight, "
            "the regional administration said on Tuesday.",
            f"Grain exports through Odesa reached {number} thousand tonnes this week, traders said.",
            "\u201cWe keep working whatever happens,\u201d said Oleh Syniehubov, the regional head.",
        ]
        return Response(body=article_page(f"Live story {number}", paragraphs).encode())

    web.fallback(page)
    return web.route("/live.xml", feed)


def watch_replies(fake: FakeBotAPI, tally: Tally, cursor: int) -> int:
    """Match new sendMessage calls to outstanding commands; returns the new cursor."""
    calls = fake.calls[cursor:]
    now = time.time()
    for call in calls:
        if call.method != "sendMessage" or call.status != 200:
            continue
        text = str(call.params.get("text", ""))
        if text.startswith(BROADCAST_MARK):
            continue
        chat = int(call.params.get("chat_id", 0))
        sent_at = tally.outstanding.pop(chat, None)
        if sent_at is None:
            continue
        tally.answered += 1
        tally.latencies.append(call.at - sent_at)
        if text.startswith("Sorry, something went wrong"):
            tally.apologies += 1
        elif text.startswith("You are sending commands very fast"):
            tally.slow_downs += 1
    for chat, sent_at in list(tally.outstanding.items()):
        if now - sent_at > REPLY_TIMEOUT:
            del tally.outstanding[chat]
            tally.unanswered += 1
            tally.unanswered_chats.append(chat)
    return cursor + len(calls)


async def soak(args: argparse.Namespace) -> None:
    rng = random.Random(args.seed)
    commands = [text for text, weight in COMMAND_MIX for _ in range(weight)]
    users = list(range(100_001, 100_001 + args.users))
    tally = Tally()
    started = time.monotonic()
    with FakeBotAPI() as fake, WebServer() as web, tempfile.TemporaryDirectory() as tmp:
        urls = serve_news_site(web)
        live = live_feed(web, started)
        breaking_url = web.add_page("/news/soak-breaking", article_page(BREAKING_TITLE, BREAKING_PARAGRAPHS))
        values = {
            "db_path": str(Path(tmp) / "soak.db"), "bot_token": fake.token,
            "telegram_api_url": fake.base_url, "admin_ids": str(ADMIN_ID),
            "allow_private_hosts": "127.0.0.1", "fetch_interval": 15, "send_rate": args.send_rate,
            "feeds": f"{urls['feed']},{live}",
        }
        settings = load_settings(env_file=None, **values)
        store = await Store.open(settings.db_path)
        now = datetime.now(UTC)
        for user in users:
            await store.subscribers.subscribe(
                user, chat_type="private", timezone="UTC", digest_time="08:00",
                next_digest_at=next_digest_at(settings.timezone, settings.digest_time, now)
                + timedelta(days=1),
                now=now,
            )
        log_path = Path(tmp) / "bot.log"
        async with bot_process(values, log_path) as bot_pid:
            fake.fail_randomly(args.fail, seed=args.seed, methods=None, status=502)
            tally.memory.append((0.0, rss_kb(bot_pid)))
            print(f"{args.users} subscribers; commands at {args.rate}/s for {args.duration:.0f} s; "
                  f"{args.fail:.0%} of calls answer 502 and a sendMessage hangs every 2 s", flush=True)

            loop_started = time.monotonic()
            deadline = loop_started + args.duration
            cursor = 0
            next_hang = loop_started + 2.0
            next_memory = loop_started + args.duration / 6
            broadcast_at = loop_started + args.duration / 5
            broadcast_started: float | None = None
            interval = 1.0 / args.rate
            next_send = loop_started
            while time.monotonic() < deadline:
                current = time.monotonic()
                if current >= next_send:
                    idle = [u for u in rng.sample(users, 20) if u not in tally.outstanding]
                    if idle:
                        user = idle[0]
                        tally.outstanding[user] = time.time()
                        command = rng.choice(commands)
                        tally.last_command[user] = command
                        fake.send_command(user, command)
                        tally.sent += 1
                    next_send += interval
                if current >= next_hang:
                    fake.hang_next("sendMessage", seconds=HANG_SECONDS, deliver=rng.random() < 0.5)
                    next_hang += 2.0
                if current >= next_memory:
                    tally.memory.append((current - loop_started, rss_kb(bot_pid)))
                    next_memory += args.duration / 6
                if broadcast_started is None and current >= broadcast_at:
                    broadcast_started = current
                    asyncio.get_running_loop().create_task(start_broadcast(fake, breaking_url))
                cursor = watch_replies(fake, tally, cursor)
                await asyncio.sleep(min(interval, 0.02))

            # Let the last commands be answered, then the broadcast finish (bounded waits).
            wind_down = time.monotonic() + REPLY_TIMEOUT
            while tally.outstanding and time.monotonic() < wind_down:
                cursor = watch_replies(fake, tally, cursor)
                await asyncio.sleep(0.1)
            cursor = watch_replies(fake, tally, cursor)
            fake.clear_faults()
            broadcast_wait = time.monotonic() + args.broadcast_wait
            counts: dict[str, int] = {}
            while time.monotonic() < broadcast_wait:
                counts = await store.outbox.counts()
                done = await broadcast_done(store)
                if done and counts.get("pending", 0) == 0:
                    break
                await asyncio.sleep(0.5)
            finished = time.monotonic()
            tally.memory.append((finished - loop_started, rss_kb(bot_pid)))
            articles = await store.articles.count()
            subscribers = set(users)
        await store.close()
        failures = log_path.read_text(errors="replace").count("handler failed on update")
        print(f"bot process: {failures} handler failures logged (each answered by an apology "
              "attempt)", flush=True)
        reached: dict[int, int] = {}
        for message in fake.sent_messages():
            if message.chat_id in subscribers and message.html.startswith(BROADCAST_MARK):
                reached[message.chat_id] = reached.get(message.chat_id, 0) + 1
        report(args, tally, fake, counts, reached, subscribers, articles,
               broadcast_started, finished, loop_started)


BOT_PROCESS = """
import asyncio, json, sys
sys.path.insert(0, sys.argv[2])
from gazebot.app import build_application, running
from gazebot.logs import configure_logging
from gazebot.settings import load_settings

async def main():
    settings = load_settings(env_file=None, **json.loads(sys.argv[1]))
    configure_logging("WARNING", secrets=[settings.require_token()])
    async with running(build_application(settings)):
        print("ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)

asyncio.run(main())
"""


@asynccontextmanager
async def bot_process(values: dict[str, object], log_path: Path) -> AsyncIterator[int]:
    """The real application in its own process (so its memory is its own); yields its pid and
    stops it cleanly (stdin closed) at the end."""
    with log_path.open("w") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", BOT_PROCESS, json.dumps(values), str(PROJECT_ROOT / "src"),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=log,
        )
        try:
            assert process.stdout is not None
            line = await asyncio.wait_for(process.stdout.readline(), 60)
            if line.strip() != b"ready":
                raise RuntimeError(f"the bot did not start; see {log_path}")
            yield process.pid
        finally:
            if process.stdin is not None:
                process.stdin.close()
            try:
                await asyncio.wait_for(process.wait(), 60)
            except TimeoutError:
                process.kill()
                await process.wait()


async def start_broadcast(fake: FakeBotAPI, url: str) -> None:
    """The admin previews the story and presses Send; when either ends in the bot's apology
    (a fault hit the preview or the progress message), the admin starts again, as a person
    would. Each such restart is printed: it is a fault the admin noticed, not a lost message."""
    for attempt in range(5):
        before = fake.count_sent(ADMIN_ID)
        fake.send_command(ADMIN_ID, f"/breaking {url}")
        preview = None
        for _ in range(300):
            shown = [m for m in fake.sent_messages(ADMIN_ID)[before:]
                     if any(d.startswith("b:send:") for d in m.callback_data)]
            if shown or _apologised(fake, before):
                preview = shown[-1] if shown else None
                break
            await asyncio.sleep(0.1)
        if preview is not None:
            pressed = fake.count_sent(ADMIN_ID)
            send = next(d for d in preview.callback_data if d.startswith("b:send:"))
            fake.press_button(ADMIN_ID, preview, send)
            for _ in range(300):
                later = fake.sent_messages(ADMIN_ID)[pressed:]
                if any(m.text.startswith("Sending breaking news") for m in later):
                    return
                if _apologised(fake, pressed):
                    break
                await asyncio.sleep(0.1)
        print(f"breaking attempt {attempt + 1} ended in an apology; the admin starts again", flush=True)
    print("the breaking broadcast never started", flush=True)


def _apologised(fake: FakeBotAPI, before: int) -> bool:
    return any(m.text.startswith("Sorry") for m in fake.sent_messages(ADMIN_ID)[before:])


async def broadcast_done(store: Store) -> bool:
    async with store.db.reader.execute(
        "SELECT count(*) FROM broadcasts WHERE kind = 'breaking' AND state = 'done'"
    ) as cursor:
        row = await cursor.fetchone()
    return bool(row and row[0])


def report(
    args: argparse.Namespace, tally: Tally, fake: FakeBotAPI, counts: dict[str, int],
    reached: dict[int, int], subscribers: set[int], articles: int,
    broadcast_started: float | None, finished: float, loop_started: float,
) -> None:
    latencies = sorted(tally.latencies)

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else float("nan")

    failed_calls = sum(1 for c in fake.calls if c.status != 200)
    print("\n== commands ==")
    print(f"sent {tally.sent}, answered {tally.answered} "
          f"({tally.apologies} apologies, {tally.slow_downs} slow-down notes), "
          f"unanswered after {REPLY_TIMEOUT:.0f} s: {tally.unanswered + len(tally.outstanding)}")
    print(f"reply latency: p50 {pct(0.5) * 1000:.0f} ms, p95 {pct(0.95) * 1000:.0f} ms, "
          f"max {(latencies[-1] if latencies else 0) * 1000:.0f} ms, "
          f"mean {statistics.fmean(latencies) * 1000 if latencies else 0:.0f} ms")
    for chat in tally.unanswered_chats[:5]:
        history = [(c.method, c.status, str(c.params.get("text", ""))[:40]) for c in fake.calls
                   if str(c.params.get("chat_id", "")) == str(chat)]
        print(f"  unanswered chat {chat} ({tally.last_command.get(chat)}): {history}")
    print(f"  updates still queued at the fake: {fake.pending_updates()}")
    print("\n== breaking broadcast ==")
    lost = len(subscribers) - len(reached)
    duplicated = sum(1 for n in reached.values() if n > 1)
    took = f"{finished - broadcast_started:.0f} s" if broadcast_started else "not started"
    print(f"subscribers {len(subscribers)}, reached {len(reached)}, LOST {lost}, "
          f"duplicated {duplicated}; outbox {counts}; from Send to done {took}")
    admin = [(c.method, c.status, str(c.params.get("text", ""))[:50]) for c in fake.calls
             if str(c.params.get("chat_id", "")) == str(ADMIN_ID)][:8]
    print(f"  the admin's chat: {admin}")
    print("\n== Bot API (fake) ==")
    print(f"calls {len(fake.calls)}, failed {failed_calls} ({failed_calls / max(1, len(fake.calls)):.1%}), "
          f"429s {fake.rate_limited}, fake internal errors {len(fake.internal_errors)}; "
          f"articles stored {articles}")
    print("\n== memory (RSS of the bot process) ==")
    print(", ".join(f"{at:.0f} s: {kb / 1024:.1f} MB" for at, kb in tally.memory))
    middle = [kb for _, kb in tally.memory[1:-1]] or [tally.memory[-1][1]]
    print(f"growth from the first sample after start to the end: "
          f"{(tally.memory[-1][1] - middle[0]) / 1024:+.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=180.0, help="seconds of commands")
    parser.add_argument("--quick", action="store_true", help="30 seconds of commands")
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=12.0, help="commands per second")
    parser.add_argument("--send-rate", type=float, default=12.0, help="broadcast messages per second")
    parser.add_argument("--fail", type=float, default=0.04, help="fraction of calls answering 502")
    parser.add_argument("--broadcast-wait", type=float, default=300.0,
                        help="at most this long after the commands for the broadcast to finish")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--corpora", default="../shared/corpora", help="unused: no corpus needed")
    args = parser.parse_args()
    if args.quick:
        args.duration = 30.0
    asyncio.run(soak(args))


if __name__ == "__main__":
    main()
