"""Feeds: added once, health recorded on success and failure, due when their time comes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gazebot.store import Store

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
URL = "https://news.example/rss"


async def test_a_feed_is_added_once_and_is_due_at_once(store: Store) -> None:
    assert await store.feeds.add(URL, NOW) is True
    assert await store.feeds.add(URL, NOW) is False
    assert [feed.url for feed in await store.feeds.due(NOW)] == [URL]


async def test_success_records_validators_and_clears_errors(store: Store) -> None:
    await store.feeds.add(URL, NOW)
    feed = await store.feeds.get(URL)
    assert feed is not None
    await store.feeds.record_failure(feed.id, now=NOW, next_poll_at=NOW, error="HTTP 502")
    await store.feeds.record_success(
        feed.id, now=NOW, next_poll_at=NOW + timedelta(minutes=10), etag='"v1"',
        last_modified="Tue, 24 Nov 2026 11:00:00 GMT", title="News",
    )
    feed = await store.feeds.get(URL)
    assert feed is not None
    assert (feed.etag, feed.title, feed.consecutive_errors, feed.last_error) == (
        '"v1"', "News", 0, None,
    )
    assert feed.last_success_at == NOW
    assert await store.feeds.due(NOW) == []
    assert [f.url for f in await store.feeds.due(NOW + timedelta(minutes=10))] == [URL]


async def test_failures_count_up_and_keep_the_reason(store: Store) -> None:
    await store.feeds.add(URL, NOW)
    feed = await store.feeds.get(URL)
    assert feed is not None
    for _ in range(3):
        await store.feeds.record_failure(
            feed.id, now=NOW, next_poll_at=NOW + timedelta(hours=1), error="not a feed"
        )
    feed = await store.feeds.get(URL)
    assert feed is not None
    assert (feed.consecutive_errors, feed.last_error, feed.last_success_at) == (3, "not a feed", None)


async def test_removing_a_feed_keeps_nothing_of_it(store: Store) -> None:
    await store.feeds.add(URL, NOW)
    assert await store.feeds.remove(URL) is True
    assert await store.feeds.remove(URL) is False
    assert await store.feeds.all() == []
