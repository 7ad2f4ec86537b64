"""The sender against the fake Bot API: every queued message ends sent or failed with a reason,
none is lost, none is sent twice — through 429s, 403s, missing chats, migrated groups, 502s and
timeouts; plus pacing, fairness across broadcasts, and a clean stop."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from typing import Any

import pytest
from telegram import Bot
from telegram.request import HTTPXRequest

from gazebot.analysis.card import Card, Figure, Quote
from gazebot.clock import SystemClock
from gazebot.delivery import Delivery, SenderPolicy
from gazebot.models import NewArticle
from gazebot.settings import Settings
from gazebot.store import Store
from gazebot.store.outbox import NewOutboxRow
from tests.fakebot import DEFAULT_TOKEN, FakeBotAPI

FAST_RETRIES = SenderPolicy(max_attempts=4, backoff_base=0.05, backoff_cap=0.2, progress_interval=0.5)


def make_bot(fake: FakeBotAPI, *, read_timeout: float = 5.0, pool: int = 8) -> Bot:
    """A PTB bot talking to the fake API, as the application would build it."""
    request = HTTPXRequest(connection_pool_size=pool, read_timeout=read_timeout)
    return Bot(DEFAULT_TOKEN, base_url=fake.base_url, request=request)


async def add_subscribers(store: Store, chat_ids: Iterable[int], *, breaking: bool = True) -> None:
    now = SystemClock().now()
    for chat_id in chat_ids:
        await store.subscribers.subscribe(
            chat_id,
            chat_type="private" if chat_id > 0 else "group",
            timezone="UTC",
            digest_time="08:00",
            next_digest_at=datetime(2100, 1, 1, tzinfo=UTC),
            now=now,
        )
        if not breaking:
            async with store.db.transaction() as conn:
                await conn.execute("UPDATE subscribers SET breaking = 0 WHERE chat_id = ?", (chat_id,))


async def add_article(store: Store, title: str = "Troops retake Kupiansk districts") -> int:
    card = Card(
        title=title,
        url="https://news.example.com/kupiansk",
        source="The Gaze",
        summary=("Ukrainian forces retook parts of the city.", "Supply routes were cut."),
        quotes=(Quote("Results on the frontline are crucial.", "Volodymyr Zelenskyy"),),
        figures=(Figure("over 1,000 soldiers", 1000.0),),
    )
    article_id = await store.articles.add(
        NewArticle(url=card.url, title=title, text="Ukrainian forces retook parts.", card=card),
        SystemClock().now(),
    )
    assert article_id is not None
    return article_id


async def enqueue_text(store: Store, chat_ids: Iterable[int], text: str, kind: str = "alert") -> int:
    rows = [NewOutboxRow(chat_id=c, payload={"chat_id": c, "text": text}) for c in chat_ids]
    broadcast_id, _ = await store.outbox.enqueue(rows, SystemClock().now(), kind=kind)
    return broadcast_id


async def outbox_rows(store: Store) -> list[dict[str, Any]]:
    async with store.db.reader.execute("SELECT * FROM outbox ORDER BY id") as cursor:
        return [dict(row) for row in await cursor.fetchall()]


async def wait_until_drained(store: Store, timeout: float = 20.0) -> None:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (await store.outbox.counts())["pending"] == 0:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"outbox not drained within {timeout}s: {await store.outbox.counts()}")


def copies_by_chat(fake: FakeBotAPI, text_part: str) -> Counter[int]:
    return Counter(m.chat_id for m in fake.sent_messages() if text_part in m.text)


@pytest.fixture
def fake() -> Iterable[FakeBotAPI]:
    with FakeBotAPI() as api:
        yield api


@pytest.fixture
async def running(
    store: Store, fake: FakeBotAPI, make_settings: Any
) -> AsyncIterator[tuple[Delivery, Settings]]:
    settings = make_settings(send_rate=25.0)
    async with make_bot(fake, read_timeout=1.0) as bot:
        delivery = Delivery(store, bot, settings, SystemClock(), policy=FAST_RETRIES)
        yield delivery, settings
        await delivery.stop()


async def test_every_message_ends_sent_or_failed_with_a_reason_through_every_fault(
    store: Store, fake: FakeBotAPI, running: tuple[Delivery, Settings]
) -> None:
    delivery, _ = running
    users = list(range(1001, 1031))
    blocked, deactivated, missing = 1001, 1002, 1003
    old_group, new_group = -2001, -1002001
    await add_subscribers(store, [*users, old_group])
    fake.block_chat(blocked)
    fake.deactivate_user(deactivated)
    fake.chat_not_found(missing)
    fake.migrate_chat(old_group, new_group)
    fake.fail_next("sendMessage", 3)  # three 502 Bad Gateway
    fake.hang_next("sendMessage", 1, seconds=3.0)  # the client times out; not delivered
    fake.set_limits(global_rate=8.0)  # the sender runs at 25/s: the fake answers 429s
    await enqueue_text(store, [*users, old_group], "Evening alert")

    await delivery.start()
    await wait_until_drained(store, timeout=30)

    rows = await outbox_rows(store)
    assert {row["state"] for row in rows} <= {"sent", "failed"}
    by_chat = {row["chat_id"]: row for row in rows}
    assert by_chat[blocked]["error"] == "blocked"
    assert by_chat[deactivated]["error"] == "blocked"
    assert "chat not found" in by_chat[missing]["error"].lower()
    assert by_chat[new_group]["state"] == "sent"
    assert old_group not in by_chat
    delivered = copies_by_chat(fake, "Evening alert")
    expected = set(users) - {blocked, deactivated, missing} | {new_group}
    assert set(delivered) == expected
    assert all(count == 1 for count in delivered.values()), delivered
    assert all(row["message_id"] for row in rows if row["state"] == "sent")
    assert fake.rate_limited > 0
    assert delivery.sender.rate_limited > 0
    assert all(row["attempts"] <= 2 for row in rows), "a 429 must not count as a failed attempt"
    assert (await store.subscribers.get(blocked)).active is False  # type: ignore[union-attr]
    assert (await store.subscribers.get(new_group)) is not None
    assert (await store.subscribers.get(old_group)) is None


async def test_a_persistent_502_fails_after_the_last_attempt_with_the_reason(
    store: Store, fake: FakeBotAPI, running: tuple[Delivery, Settings]
) -> None:
    delivery, _ = running
    await add_subscribers(store, [7])
    fake.fail_next("sendMessage", 50)
    await enqueue_text(store, [7], "Will not arrive")
    await delivery.start()
    await wait_until_drained(store)
    [row] = await outbox_rows(store)
    assert row["state"] == "failed"
    assert row["attempts"] == FAST_RETRIES.max_attempts
    assert "gave up after 4 attempts" in row["error"]
    assert "Bad Gateway" in row["error"]
    assert fake.sent_messages(7) == []


async def test_a_chat_that_blocked_the_bot_loses_all_its_pending_messages_at_once(
    store: Store, fake: FakeBotAPI, running: tuple[Delivery, Settings]
) -> None:
    delivery, _ = running
    await add_subscribers(store, [5, 6])
    fake.block_chat(5)
    for text in ("first", "second", "third"):
        await enqueue_text(store, [5, 6], text)
    await delivery.start()
    await wait_until_drained(store)
    rows = await outbox_rows(store)
    assert [row["error"] for row in rows if row["chat_id"] == 5] == ["blocked"] * 3
    blocked_calls = [c for c in fake.calls_to("sendMessage") if str(c.params.get("chat_id")) == "5"]
    assert len(blocked_calls) == 1, "the other rows are dropped without calling the API"
    assert len(fake.sent_messages(6)) == 3


async def test_a_timeout_after_delivery_repeats_that_one_message_and_nothing_else(
    store: Store, fake: FakeBotAPI, running: tuple[Delivery, Settings]
) -> None:
    """Telegram has no idempotency key: when the answer to a delivered message is lost, the
    retry shows the same message again. This holds the damage to that one message."""
    delivery, _ = running
    await add_subscribers(store, [11, 12, 13])
    fake.hang_next("sendMessage", 1, seconds=3.0, deliver=True)
    await enqueue_text(store, [11, 12, 13], "Ambiguous")
    await delivery.start()
    await wait_until_drained(store)
    copies = copies_by_chat(fake, "Ambiguous")
    assert sorted(copies.values()) == [1, 1, 2]
    assert {row["state"] for row in await outbox_rows(store)} == {"sent"}


async def test_sends_stay_under_the_overall_rate_without_a_single_429(
    store: Store, fake: FakeBotAPI, make_settings: Any
) -> None:
    chats = list(range(1, 61))
    await add_subscribers(store, chats)
    fake.set_limits(global_rate=30.0)
    await enqueue_text(store, chats, "Paced")
    async with make_bot(fake) as bot:
        delivery = Delivery(store, bot, make_settings(send_rate=30.0), SystemClock())
        started = time.monotonic()
        await delivery.start()
        await wait_until_drained(store)
        elapsed = time.monotonic() - started
        await delivery.stop()
    assert fake.rate_limited == 0
    assert len(fake.sent_messages()) == 60
    # 60 messages at 30/s with a burst of 1.5 cannot take less than ~1.9 s.
    assert elapsed >= 1.8


async def test_a_second_message_to_the_same_chat_waits_a_second(
    store: Store, fake: FakeBotAPI, running: tuple[Delivery, Settings]
) -> None:
    delivery, _ = running
    await add_subscribers(store, [21])
    await enqueue_text(store, [21], "one")
    await enqueue_text(store, [21], "two")
    await delivery.start()
    await wait_until_drained(store)
    calls = [c for c in fake.calls_to("sendMessage") if c.status == 200]
    assert len(calls) == 2
    assert calls[1].at - calls[0].at >= 0.9


async def test_broadcasts_take_turns_so_a_big_one_does_not_hold_back_a_small_one(
    store: Store, fake: FakeBotAPI, running: tuple[Delivery, Settings]
) -> None:
    delivery, _ = running
    big = list(range(100, 140))
    small = list(range(200, 205))
    await add_subscribers(store, big + small)
    await enqueue_text(store, big, "big broadcast")
    await enqueue_text(store, small, "small broadcast")
    await delivery.start()
    await wait_until_drained(store)
    order = ["small" if "small" in m.text else "big" for m in fake.sent_messages()]
    last_small = max(i for i, kind in enumerate(order) if kind == "small")
    assert last_small < 12, order


async def test_stop_finishes_the_message_in_flight_and_leaves_the_rest_pending(
    store: Store, fake: FakeBotAPI, make_settings: Any
) -> None:
    chats = list(range(300, 340))
    await add_subscribers(store, chats)
    await enqueue_text(store, chats, "Half now")
    async with make_bot(fake) as bot:
        delivery = Delivery(store, bot, make_settings(send_rate=20.0), SystemClock())
        await delivery.start()
        await fake.wait_for_messages_async(None, 5)
        await delivery.stop()
        counts = await store.outbox.counts()
        sent_before = len(fake.sent_messages())
        assert counts["pending"] > 0
        assert counts["sent"] == sent_before
        assert {row["state"] for row in await outbox_rows(store)} <= {"pending", "sent"}

        restarted = Delivery(store, bot, make_settings(send_rate=50.0), SystemClock())
        await restarted.start()
        await wait_until_drained(store)
        await restarted.stop()
    assert sorted(copies_by_chat(fake, "Half now").values()) == [1] * 40


async def test_breaking_news_reaches_subscribers_with_breaking_on_and_reports_progress(
    store: Store, fake: FakeBotAPI, running: tuple[Delivery, Settings]
) -> None:
    delivery, _ = running
    admin = 999
    await add_subscribers(store, range(400, 420))
    await add_subscribers(store, [420, 421], breaking=False)
    fake.block_chat(401)
    article_id = await add_article(store)
    async with make_bot(fake) as admin_bot:
        progress = await admin_bot.send_message(admin, "Preparing…")
    broadcast_id = await delivery.create_breaking(article_id, admin)
    queued = await delivery.send_breaking(broadcast_id, admin, progress.message_id)
    again = await delivery.send_breaking(broadcast_id, admin, progress.message_id)
    await delivery.start()
    await wait_until_drained(store)
    report = await fake.wait_until_async(
        lambda: next((m for m in fake.sent_messages(admin) if "Breaking news sent" in m.text), None),
        10.0,
    )
    assert queued == 20
    assert again == 0, "a second press of Send queues nothing"
    cards = copies_by_chat(fake, "Troops retake Kupiansk districts")
    assert set(cards) == set(range(400, 420)) - {401}
    assert all(count == 1 for count in cards.values())
    assert "Sent: 19" in report.text
    assert "Blocked: 1" in report.text
    assert "Failed: 0" in report.text
    assert " s" in report.text
    card = next(m for m in fake.sent_messages(400))
    assert card.buttons
    assert card.buttons[0].get("url") == "https://news.example.com/kupiansk"
    assert (await store.outbox.get_broadcast(broadcast_id)).state == "done"  # type: ignore[union-attr]


async def test_a_cancelled_breaking_broadcast_sends_nothing_more(
    store: Store, fake: FakeBotAPI, running: tuple[Delivery, Settings]
) -> None:
    delivery, _ = running
    await add_subscribers(store, range(500, 510))
    article_id = await add_article(store)
    draft = await delivery.create_breaking(article_id, 999)
    assert await delivery.cancel_breaking(draft) is True
    assert await delivery.send_breaking(draft, 999, 1) == 0
    assert await delivery.cancel_breaking(draft) is False
    await delivery.start()
    await asyncio.sleep(0.5)
    assert fake.sent_messages() == []
