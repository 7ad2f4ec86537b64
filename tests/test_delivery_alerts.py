"""Topic alerts: a new story matching a followed topic reaches the follower once, in at most one
message an hour that lists every match."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from gazebot.delivery.alerts import TopicAlerts
from gazebot.store import Store
from tests.test_delivery_digest import FakeClock, add_story, subscribe

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


async def alert_texts(store: Store) -> list[tuple[int, str]]:
    async with store.db.reader.execute(
        """SELECT o.chat_id, o.payload FROM outbox o JOIN broadcasts b ON b.id = o.broadcast_id
           WHERE b.kind = 'alert' ORDER BY o.id"""
    ) as cursor:
        rows: list[Any] = list(await cursor.fetchall())
    return [(row[0], json.loads(row[1])["text"]) for row in rows]


async def test_a_matching_story_is_alerted_once_to_its_followers_only(store: Store) -> None:
    clock = FakeClock(NOW)
    await subscribe(store, 1, "UTC", NOW)
    await subscribe(store, 2, "UTC", NOW)
    await store.subscribers.follow(1, "Kupiansk")
    alerts = TopicAlerts(store.digests, clock)
    story = await add_story(store, NOW, "Fighting near Kupyansk intensifies", topics=("Kupyansk",))
    other = await add_story(store, NOW, "Markets calm after rate decision")
    report = await alerts.on_new_articles([story, other])
    again = await alerts.on_new_articles([story])
    clock.advance(timedelta(hours=2))
    await alerts.flush()
    texts = await alert_texts(store)
    assert report.queued == 1
    assert again.matched == 0
    assert [chat for chat, _ in texts] == [1]
    assert "Fighting near Kupyansk" in texts[0][1]
    assert "Markets calm" not in texts[0][1]


async def test_matches_within_the_hour_wait_and_go_together_in_one_message(store: Store) -> None:
    clock = FakeClock(NOW)
    await subscribe(store, 1, "UTC", NOW)
    await store.subscribers.follow(1, "drones")
    alerts = TopicAlerts(store.digests, clock)
    await alerts.on_new_articles([await add_story(store, NOW, "Drones strike a depot")])
    clock.advance(timedelta(minutes=20))
    await alerts.on_new_articles([await add_story(store, clock.now(), "New drones unveiled")])
    clock.advance(timedelta(minutes=20))
    await alerts.on_new_articles([await add_story(store, clock.now(), "Drones over the border")])
    assert len(await alert_texts(store)) == 1
    clock.advance(timedelta(minutes=21))
    assert await alerts.flush() == 1
    texts = [text for _, text in await alert_texts(store)]
    assert len(texts) == 2
    assert "New drones unveiled" in texts[1]
    assert "Drones over the border" in texts[1]
    assert "Drones strike a depot" not in texts[1]


async def test_inactive_subscribers_get_no_alerts(store: Store) -> None:
    clock = FakeClock(NOW)
    await subscribe(store, 1, "UTC", NOW)
    await store.subscribers.follow(1, "drones")
    await store.subscribers.set_active(1, False)
    report = await TopicAlerts(store.digests, clock).on_new_articles(
        [await add_story(store, NOW, "Drones strike a depot")]
    )
    assert report.queued == 0
    assert await alert_texts(store) == []
