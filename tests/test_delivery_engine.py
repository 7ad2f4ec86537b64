"""The Delivery engine as the bot uses it: the scheduler loop sends due digests through the
sender, /digest and `gazebot digest` show today's digest, and a breaking broadcast cancelled
part-way stops and says what was sent."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from gazebot.clock import SystemClock
from gazebot.delivery import Delivery, cli_digest
from gazebot.store import Store
from tests.fakebot import FakeBotAPI
from tests.test_delivery_digest import FakeClock, add_story, subscribe
from tests.test_delivery_sender import (
    add_article,
    add_subscribers,
    make_bot,
    wait_until_drained,
)


@pytest.fixture
def fake() -> Iterator[FakeBotAPI]:
    with FakeBotAPI() as api:
        yield api


async def test_the_scheduler_loop_sends_due_digests_through_the_fake_api(
    store: Store, fake: FakeBotAPI, make_settings: Any
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    clock = FakeClock(now)
    await add_story(store, now - timedelta(hours=2), "Grain corridor reopens for ships")
    await subscribe(store, 31, "UTC", now - timedelta(days=1))
    await subscribe(store, 32, "Asia/Kolkata", now - timedelta(days=1))
    async with store.db.transaction() as conn:  # 31 is due now; 32 not for hours
        await conn.execute(
            "UPDATE subscribers SET next_digest_at = ? WHERE chat_id = 31",
            ((now - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),),
        )
    async with make_bot(fake) as bot:
        delivery = Delivery(store, bot, make_settings(), clock)
        await delivery.start()
        [digest] = await fake.wait_for_messages_async(31, 1, timeout=10)
        await delivery.stop()
    assert "Grain corridor reopens" in digest.text
    assert digest.buttons[-1]["text"].startswith("More")
    assert fake.sent_messages(32) == []


async def test_on_demand_digest_shows_the_last_day_and_is_empty_without_news(
    store: Store, fake: FakeBotAPI, make_settings: Any
) -> None:
    now = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
    await subscribe(store, 5, "Europe/Kyiv", now)
    async with make_bot(fake) as bot:
        delivery = Delivery(store, bot, make_settings(), FakeClock(now))
        assert await delivery.digest_messages(5) == []
        await add_story(store, now - timedelta(hours=30), "Old news from yesterday morning")
        await add_story(store, now - timedelta(hours=3), "Kyiv metro extends night service")
        [message] = await delivery.digest_messages(5)
    assert "Kyiv metro extends night service" in message.text
    assert "Old news" not in message.text
    assert len(message.text) <= 4096
    assert message.keyboard


async def test_cancelling_mid_broadcast_stops_it_and_reports_what_was_sent(
    store: Store, fake: FakeBotAPI, make_settings: Any
) -> None:
    admin = 77
    await add_subscribers(store, range(600, 640))
    article_id = await add_article(store)
    async with make_bot(fake) as bot:
        delivery = Delivery(store, bot, make_settings(send_rate=10.0), SystemClock())
        progress = await bot.send_message(admin, "Sending…")
        broadcast_id = await delivery.create_breaking(article_id, admin)
        await delivery.send_breaking(broadcast_id, admin, progress.message_id)
        await delivery.start()
        await fake.wait_until_async(lambda: len(fake.sent_messages()) >= 6, 10.0)
        assert await delivery.cancel_breaking(broadcast_id) is True
        await wait_until_drained(store)
        report = await fake.wait_until_async(
            lambda: next((m for m in fake.sent_messages(admin) if "cancelled" in m.text), None), 10.0
        )
        await asyncio.sleep(0.5)  # nothing more may arrive after the report
        await delivery.stop()
    cards = [m for m in fake.sent_messages() if m.chat_id != admin]
    assert 5 <= len(cards) < 40
    assert len({m.chat_id for m in cards}) == len(cards)
    assert "cancelled" in report.text
    assert f"Sent: {len(cards)}" in report.text


def test_gazebot_digest_prints_the_digest_as_json(
    tmp_path: Path, make_settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path = tmp_path / "cli.db"

    async def prepare() -> None:
        store = await Store.open(db_path)
        now = datetime.now(UTC)
        await subscribe(store, 8, "UTC", now)
        await add_story(store, now - timedelta(hours=1), "Ferry service resumes in Odesa")
        await store.close()

    asyncio.run(prepare())
    assert cli_digest(make_settings(db_path=db_path), 8, True) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["chat_id"] == 8
    [message] = printed["messages"]
    assert "Ferry service resumes in Odesa" in message["text"]
    assert message["buttons"][0][0]["text"].startswith("More")

    assert cli_digest(make_settings(db_path=db_path), None, False) == 0
    assert "Ferry service resumes in Odesa" in capsys.readouterr().out


async def test_the_progress_message_is_edited_at_most_every_few_seconds(
    store: Store, fake: FakeBotAPI, make_settings: Any
) -> None:
    admin = 78
    await add_subscribers(store, range(700, 800))
    article_id = await add_article(store)
    async with make_bot(fake) as bot:
        delivery = Delivery(store, bot, make_settings(send_rate=25.0), SystemClock())
        progress = await bot.send_message(admin, "Sending…")
        broadcast_id = await delivery.create_breaking(article_id, admin)
        await delivery.send_breaking(broadcast_id, admin, progress.message_id)
        await delivery.start()
        await fake.wait_until_async(
            lambda: any("Breaking news sent" in m.text for m in fake.sent_messages(admin)), 30.0
        )
        await delivery.stop()
    edits = [call for call in fake.calls_to("editMessageText") if call.status == 200]
    progress_edits = edits[:-1]  # the final report may follow the last progress edit sooner
    gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(progress_edits)]
    assert len(edits) >= 2, "progress is shown before the final report"
    assert all(gap >= 2.9 for gap in gaps), gaps
    assert "Sent: 100" in edits[-1].params["text"]
