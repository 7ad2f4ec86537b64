"""Crash safety end to end: a real `gazebot run` process is killed with SIGKILL in the middle of
a breaking broadcast and started again; every subscriber ends with exactly one copy (at most the
one message in flight at the kill arrives twice) and the admin still gets the final report."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gazebot.clock import SystemClock
from gazebot.delivery.breaking import BreakingNews
from gazebot.store import Store
from tests.fakebot import DEFAULT_TOKEN, FakeBotAPI
from tests.test_delivery_sender import add_article, make_bot

SUBSCRIBERS = 150
SEND_RATE = 10.0  # low enough that one call in flight keeps up, so at most one can repeat
ADMIN = 999_999
HEADLINE = "Troops retake Kupiansk districts"


@pytest.fixture
def fake() -> Iterator[FakeBotAPI]:
    with FakeBotAPI() as api:
        yield api


def start_bot(fake: FakeBotAPI, workdir: Path, db_path: Path) -> subprocess.Popen[bytes]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GAZEBOT_")} | {
        "GAZEBOT_BOT_TOKEN": DEFAULT_TOKEN,
        "GAZEBOT_TELEGRAM_API_URL": fake.base_url,
        "GAZEBOT_DB_PATH": str(db_path),
        "GAZEBOT_SEND_RATE": str(SEND_RATE),
        "GAZEBOT_ADMIN_IDS": str(ADMIN),
        "GAZEBOT_LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "gazebot", "run"],
        cwd=workdir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(workdir / "bot.log").open("ab"),
    )


def states(db_path: Path) -> Counter[str]:
    with sqlite3.connect(db_path) as conn:
        return Counter(dict(conn.execute("SELECT state, count(*) FROM outbox GROUP BY state")))


def wait_for(predicate: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def prepare(db_path: Path, fake: FakeBotAPI) -> int:
    """Subscribers, an article and a breaking broadcast queued for all of them (as the admin's
    Send button does); the progress message id."""
    store = await Store.open(db_path)
    try:
        now = datetime.now(UTC)
        for chat_id in range(1, SUBSCRIBERS + 1):
            await store.subscribers.subscribe(
                chat_id,
                chat_type="private",
                timezone="UTC",
                digest_time="08:00",
                next_digest_at=datetime(2100, 1, 1, tzinfo=UTC),
                now=now,
            )
        article_id = await add_article(store, HEADLINE)
        async with make_bot(fake) as bot:
            progress = await bot.send_message(ADMIN, "Sending…")
        breaking = BreakingNews(store.outbox, store.articles, SystemClock())
        broadcast_id = await breaking.create(article_id, ADMIN)
        queued = await breaking.send(broadcast_id, ADMIN, progress.message_id)
        assert queued == SUBSCRIBERS
        return progress.message_id
    finally:
        await store.close()


async def test_kill_9_mid_broadcast_then_restart_delivers_each_copy_once(
    tmp_path: Path, fake: FakeBotAPI
) -> None:
    db_path = tmp_path / "gazebot.db"
    await prepare(db_path, fake)

    def delivered() -> Counter[int]:
        return Counter(m.chat_id for m in fake.sent_messages() if HEADLINE in m.text)

    first = start_bot(fake, tmp_path, db_path)
    try:
        wait_for(lambda: sum(delivered().values()) >= SUBSCRIBERS // 3, 60, "a third delivered")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    at_kill = states(db_path)
    assert at_kill["pending"] > 0, "the kill must land mid-broadcast"
    assert at_kill["sending"] <= 1, "at most the one message in flight is unsure"
    assert at_kill["sent"] >= SUBSCRIBERS // 3 - 1

    second = start_bot(fake, tmp_path, db_path)
    try:
        wait_for(lambda: states(db_path)["sent"] == SUBSCRIBERS, 60, "every row sent after the restart")
        wait_for(
            lambda: any("Breaking news sent" in m.text for m in fake.sent_messages(ADMIN)),
            20,
            "the final report",
        )
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(20)

    copies = delivered()
    assert set(copies) == set(range(1, SUBSCRIBERS + 1)), "nobody is lost"
    repeated = [chat for chat, count in copies.items() if count > 1]
    assert len(repeated) <= 1, f"only the message in flight may repeat: {repeated}"
    assert max(copies.values()) <= 2
    report = next(m for m in fake.sent_messages(ADMIN) if "Breaking news sent" in m.text)
    assert f"Sent: {SUBSCRIBERS}" in report.text
    assert second.returncode == 0
