"""Daily digests with a controllable clock: each subscriber's own 08:00 in their own time zone
across DST changes, never twice a day, late ones sent once and stale ones skipped, followed
topics first, one message within Telegram's limit."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from gazebot.analysis.card import Card, Figure, Quote
from gazebot.analysis.topics import topic_keys_for_query
from gazebot.clock import from_db
from gazebot.delivery.digest import DigestScheduler, group_stories
from gazebot.models import NewArticle
from gazebot.schedule import next_digest_at
from gazebot.store import Store
from gazebot.store.digests import CandidateArticle

ZONES = ("UTC", "Europe/Kyiv", "America/New_York", "Asia/Kolkata")


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment

    def advance(self, delta: timedelta) -> None:
        self.moment += delta


async def subscribe(store: Store, chat_id: int, zone: str, now: datetime, hhmm: str = "08:00") -> None:
    hour, minute = (int(part) for part in hhmm.split(":"))
    await store.subscribers.subscribe(
        chat_id,
        chat_type="private",
        timezone=zone,
        digest_time=hhmm,
        next_digest_at=next_digest_at(zone, time(hour, minute), now),
        now=now,
    )


_counter = iter(range(1, 10**9))


async def add_story(
    store: Store,
    fetched_at: datetime,
    title: str | None = None,
    *,
    source: str = "The Gaze",
    figures: int = 0,
    quotes: int = 0,
    summary: str = "Something happened today.",
    topics: tuple[str, ...] = (),
) -> int:
    number = next(_counter)
    title = title or f"Story number {number} about events"
    card = Card(
        title=title,
        url=f"https://news.example.com/{number}",
        source=source,
        summary=(summary,),
        figures=tuple(Figure(f"{i + 2} figures", float(i + 2)) for i in range(figures)),
        quotes=tuple(Quote(f"quote {i}", "Someone") for i in range(quotes)),
        topics=topics,
    )
    article_id = await store.articles.add(
        NewArticle(
            url=card.url,
            title=title,
            text=f"{title}. {summary} ({source} {number})",
            card=card,
            source=source,
            topic_keys=tuple(topic_keys_for_query(" ".join(topics))),
        ),
        fetched_at,
    )
    assert article_id is not None
    return article_id


async def digest_rows(store: Store) -> list[dict[str, Any]]:
    async with store.db.reader.execute(
        """SELECT o.chat_id, o.created_at, o.dedupe_key, b.params FROM outbox o
           JOIN outbox_bodies b ON b.id = o.body_id
           JOIN broadcasts c ON c.id = o.broadcast_id WHERE c.kind = 'digest' ORDER BY o.id"""
    ) as cursor:
        return [dict(row) for row in await cursor.fetchall()]


def local_eight(zone: str, start: datetime, end: datetime) -> list[date]:
    """Local dates whose 08:00 falls in (start, end]."""
    days = []
    moment = start
    while True:
        moment = next_digest_at(zone, time(8, 0), moment)
        if moment > end:
            return days
        days.append(moment.astimezone(ZoneInfo(zone)).date())


@pytest.mark.parametrize(
    "start",
    [
        datetime(2026, 3, 6, 12, 0, tzinfo=UTC),  # New York springs forward on 8 March
        datetime(2026, 3, 27, 12, 0, tzinfo=UTC),  # Kyiv springs forward on 29 March
        datetime(2026, 10, 23, 12, 0, tzinfo=UTC),  # Kyiv falls back on 25 October
        datetime(2026, 10, 30, 12, 0, tzinfo=UTC),  # New York falls back on 1 November
    ],
    ids=["us-spring", "eu-spring", "eu-autumn", "us-autumn"],
)
async def test_each_zone_gets_one_digest_at_its_own_eight_across_a_dst_change(
    store: Store, start: datetime
) -> None:
    clock = FakeClock(start)
    for chat_id, zone in enumerate(ZONES, start=1):
        await subscribe(store, chat_id, zone, start)
    scheduler = DigestScheduler(store.digests, clock)
    end = start + timedelta(days=4)
    step = timedelta(minutes=10)
    while clock.now() < end:
        if clock.now().minute == 0 and clock.now().hour % 3 == 0:
            await add_story(store, clock.now())
        await scheduler.run_once()
        clock.advance(step)

    by_chat: dict[int, list[datetime]] = defaultdict(list)
    for row in await digest_rows(store):
        created = from_db(row["created_at"])
        assert created is not None
        by_chat[row["chat_id"]].append(created)
    for chat_id, zone in enumerate(ZONES, start=1):
        local = [moment.astimezone(ZoneInfo(zone)) for moment in by_chat[chat_id]]
        assert [moment.date() for moment in local] == local_eight(zone, start, end - step), zone
        for moment in local:
            assert time(8, 0) <= moment.time() < time(8, 10), (zone, moment)


async def test_a_digest_under_three_hours_late_is_sent_once(store: Store) -> None:
    scheduled = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
    await subscribe(store, 1, "UTC", scheduled - timedelta(hours=1))
    await add_story(store, scheduled - timedelta(hours=2))
    clock = FakeClock(scheduled + timedelta(hours=2, minutes=50))  # the bot was down
    scheduler = DigestScheduler(store.digests, clock)
    first = await scheduler.run_once()
    second = await scheduler.run_once()
    assert (first.queued, second.queued) == (1, 0)
    subscriber = await store.subscribers.get(1)
    assert subscriber is not None
    assert subscriber.next_digest_at == datetime(2026, 5, 5, 8, 0, tzinfo=UTC)
    assert subscriber.last_digest_at == clock.now()
    assert len(await digest_rows(store)) == 1


async def test_a_digest_three_hours_late_or_more_is_skipped_and_the_next_one_scheduled(
    store: Store,
) -> None:
    scheduled = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
    await subscribe(store, 1, "UTC", scheduled - timedelta(hours=1))
    await add_story(store, scheduled - timedelta(hours=2))
    clock = FakeClock(scheduled + timedelta(hours=3, minutes=10))
    report = await DigestScheduler(store.digests, clock).run_once()
    subscriber = await store.subscribers.get(1)
    assert subscriber is not None
    assert report.queued == 0
    assert report.skipped_late == 1
    assert await digest_rows(store) == []
    assert subscriber.next_digest_at == datetime(2026, 5, 5, 8, 0, tzinfo=UTC)
    assert subscriber.last_digest_at is None


async def test_days_of_downtime_skip_to_the_next_eight_oclock(store: Store) -> None:
    scheduled = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
    await subscribe(store, 1, "Asia/Kolkata", scheduled - timedelta(days=1))
    clock = FakeClock(scheduled + timedelta(days=3))
    await DigestScheduler(store.digests, clock).run_once()
    subscriber = await store.subscribers.get(1)
    assert subscriber is not None
    assert subscriber.next_digest_at == next_digest_at("Asia/Kolkata", time(8, 0), clock.now())
    assert await digest_rows(store) == []


async def test_nothing_new_sends_nothing_but_still_moves_to_tomorrow(store: Store) -> None:
    scheduled = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
    await add_story(store, scheduled - timedelta(days=3))  # old news only
    await subscribe(store, 1, "UTC", scheduled - timedelta(hours=1))
    clock = FakeClock(scheduled + timedelta(minutes=1))
    report = await DigestScheduler(store.digests, clock).run_once()
    subscriber = await store.subscribers.get(1)
    assert subscriber is not None
    assert report.nothing_new == 1
    assert await digest_rows(store) == []
    assert subscriber.next_digest_at == datetime(2026, 5, 5, 8, 0, tzinfo=UTC)


async def test_only_stories_since_the_last_digest_are_included(store: Store) -> None:
    day_one = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
    await subscribe(store, 1, "UTC", day_one - timedelta(hours=1))
    await add_story(store, day_one - timedelta(hours=3), "Yesterday's bridge reopening")
    clock = FakeClock(day_one)
    scheduler = DigestScheduler(store.digests, clock)
    await scheduler.run_once()
    await add_story(store, day_one + timedelta(hours=5), "Afternoon power cuts announced")
    clock.advance(timedelta(days=1))
    await scheduler.run_once()
    first, second = (json.loads(row["params"])["text"] for row in await digest_rows(store))
    assert "bridge reopening" in first
    assert "power cuts" in second
    assert "bridge reopening" not in second


async def test_a_date_already_served_is_not_served_again_when_the_time_moves_later(
    store: Store,
) -> None:
    """A user who got today's 08:00 digest and then sets 20:00 gets the next one tomorrow."""
    day = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
    await subscribe(store, 1, "UTC", day - timedelta(hours=1))
    await add_story(store, day - timedelta(hours=1))
    clock = FakeClock(day)
    scheduler = DigestScheduler(store.digests, clock)
    await scheduler.run_once()
    await store.subscribers.set_digest_time(1, "20:00", clock.now())
    await add_story(store, day + timedelta(hours=2))
    clock.moment = day.replace(hour=20)
    await scheduler.run_once()
    assert len(await digest_rows(store)) == 1


async def test_followed_topics_come_first_then_importance(store: Store) -> None:
    now = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
    for source in ("Reuters", "AP", "BBC"):
        await add_story(
            store,
            now - timedelta(hours=1),
            "Parliament passes the budget for next year",
            source=source,
            figures=3,
            quotes=2,
        )
    await add_story(store, now - timedelta(hours=5), "Quiet day at the Kupiansk front")
    await subscribe(store, 1, "UTC", now - timedelta(hours=1))
    await subscribe(store, 2, "UTC", now - timedelta(hours=1))
    await store.subscribers.follow(2, "Kupiansk")
    await DigestScheduler(store.digests, FakeClock(now)).run_once()
    texts = {row["chat_id"]: json.loads(row["params"])["text"] for row in await digest_rows(store)}
    assert texts[1].index("Parliament passes") < texts[1].index("Kupiansk front")
    assert texts[2].index("Kupiansk front") < texts[2].index("Parliament passes")
    assert texts[1].count("Parliament passes") == 1, "three sources of one story are one item"


async def test_a_digest_is_one_message_within_the_limit_with_a_more_button(store: Store) -> None:
    now = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
    for index in range(30):
        await add_story(
            store,
            now - timedelta(minutes=10 + index),
            f"Long report {index} on regional {index * 7} developments " + "x" * 10,
            summary="A long sentence that goes on. " * 30,
        )
    await subscribe(store, 1, "UTC", now - timedelta(hours=1))
    await DigestScheduler(store.digests, FakeClock(now)).run_once()
    [row] = await digest_rows(store)
    params = json.loads(row["params"])
    assert len(params["text"]) <= 4096
    assert params["parse_mode"] == "HTML"
    [[button]] = params["reply_markup"]["inline_keyboard"]
    assert button["text"].startswith("More")


async def test_identical_digests_are_stored_once(store: Store) -> None:
    now = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
    await add_story(store, now - timedelta(hours=1))
    for chat_id in range(1, 51):
        await subscribe(store, chat_id, "UTC", now - timedelta(hours=1))
    report = await DigestScheduler(store.digests, FakeClock(now)).run_once()
    async with store.db.reader.execute("SELECT count(*) FROM outbox_bodies") as cursor:
        row = await cursor.fetchone()
    assert report.queued == 50
    assert row is not None
    assert row[0] == 1


def test_stories_with_mostly_the_same_title_words_are_grouped() -> None:
    now = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)

    def article(article_id: int, title: str, source: str) -> CandidateArticle:
        return CandidateArticle(
            article_id,
            f"https://{source}.example/{article_id}",
            title,
            source,
            now,
            now,
            Card(title=title),
            (),
        )

    stories = group_stories(
        [
            article(1, "Zelenskyy visits Kupiansk front line", "gaze"),
            article(2, "Zelenskyy visits the Kupiansk front line", "reuters"),
            article(3, "Central bank raises interest rates", "ft"),
        ],
        now,
    )
    assert [story.sources for story in stories] == [2, 1]
    assert stories[0].member_ids == frozenset({1, 2})


async def test_a_subscriber_with_a_broken_time_zone_does_not_stall_the_others(store: Store) -> None:
    now = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
    await add_story(store, now - timedelta(hours=1))
    await subscribe(store, 1, "UTC", now - timedelta(hours=1))
    await subscribe(store, 2, "UTC", now - timedelta(hours=1))
    async with store.db.transaction() as conn:
        await conn.execute("UPDATE subscribers SET timezone = 'Mars/Olympus' WHERE chat_id = 1")
    report = await DigestScheduler(store.digests, FakeClock(now)).run_once()
    assert report.queued == 2
    assert {row["chat_id"] for row in await digest_rows(store)} == {1, 2}
