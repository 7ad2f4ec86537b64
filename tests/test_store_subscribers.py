"""The subscriber store: subscribing, leaving, digest settings that reschedule, followed topics."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from gazebot.schedule import next_digest_at
from gazebot.store import Store
from gazebot.store.subscribers import MAX_FOLLOWS, FollowLimitError

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


async def _subscribe(store: Store, chat_id: int, *, timezone: str = "UTC") -> None:
    await store.subscribers.subscribe(
        chat_id,
        chat_type="private",
        timezone=timezone,
        digest_time="08:00",
        next_digest_at=next_digest_at(timezone, time(8, 0), NOW),
        now=NOW,
    )


async def test_resubscribing_reactivates_and_keeps_settings(store: Store) -> None:
    await _subscribe(store, 1)
    await store.subscribers.set_digest_time(1, "19:30", NOW)
    await store.subscribers.set_active(1, False)
    came_back = await store.subscribers.subscribe(
        1, chat_type="private", timezone="UTC", digest_time="08:00", next_digest_at=NOW, now=NOW
    )
    subscriber = await store.subscribers.get(1)
    assert came_back is True
    assert subscriber is not None
    assert subscriber.active
    assert subscriber.digest_time == "19:30"


async def test_setting_digest_time_moves_the_next_digest(store: Store) -> None:
    await _subscribe(store, 1)
    updated = await store.subscribers.set_digest_time(1, "18:15", NOW)
    assert updated is not None
    assert updated.digest_time == "18:15"
    assert updated.next_digest_at == datetime(2026, 3, 10, 18, 15, tzinfo=UTC)


async def test_setting_timezone_reschedules_in_local_time(store: Store) -> None:
    await _subscribe(store, 1)
    updated = await store.subscribers.set_timezone(1, "Europe/Kyiv", NOW)
    assert updated is not None
    assert updated.timezone == "Europe/Kyiv"
    # 08:00 in Kyiv (UTC+2 in March before DST) is 06:00 UTC, already past today → tomorrow.
    assert updated.next_digest_at == datetime(2026, 3, 11, 6, 0, tzinfo=UTC)


async def test_moving_the_time_later_does_not_repeat_todays_digest(store: Store) -> None:
    await _subscribe(store, 1)
    async with store.db.transaction() as conn:
        await conn.execute(
            "UPDATE subscribers SET last_digest_at = ? WHERE chat_id = 1",
            ("2026-03-10T12:30:00.000000Z",),
        )
    updated = await store.subscribers.set_digest_time(1, "12:45", NOW)
    assert updated is not None
    # 12:45 is after both now and today's 12:30 digest, so it is still due today…
    assert updated.next_digest_at == datetime(2026, 3, 10, 12, 45, tzinfo=UTC)
    # …but 12:15 today has passed, and would repeat today's digest anyway: tomorrow.
    earlier = await store.subscribers.set_digest_time(1, "12:15", NOW)
    assert earlier is not None
    assert earlier.next_digest_at == datetime(2026, 3, 11, 12, 15, tzinfo=UTC)


async def test_setters_on_unknown_chat_change_nothing(store: Store) -> None:
    assert await store.subscribers.set_digest_time(99, "10:00", NOW) is None
    assert await store.subscribers.set_timezone(99, "Europe/Kyiv", NOW) is None
    assert await store.subscribers.set_breaking(99, False) is False
    assert await store.subscribers.get(99) is None


async def test_breaking_switch_filters_active_chat_ids(store: Store) -> None:
    for chat_id in (1, 2, 3):
        await _subscribe(store, chat_id)
    await store.subscribers.set_breaking(2, False)
    await store.subscribers.set_active(3, False)
    assert await store.subscribers.active_chat_ids() == [1, 2]
    assert await store.subscribers.active_chat_ids(breaking_only=True) == [1]


async def test_follow_is_case_insensitive_and_unfollow_removes(store: Store) -> None:
    await _subscribe(store, 1)
    assert await store.subscribers.follow(1, "Kupyansk") is True
    assert await store.subscribers.follow(1, "kupyansk") is False
    assert await store.subscribers.follow(1, "energy prices") is True
    assert await store.subscribers.following(1) == ["energy prices", "Kupyansk"]
    assert await store.subscribers.unfollow(1, "KUPYANSK") is True
    assert await store.subscribers.unfollow(1, "KUPYANSK") is False
    assert await store.subscribers.following(1) == ["energy prices"]


async def test_follow_limit_is_enforced(store: Store) -> None:
    await _subscribe(store, 1)
    for index in range(MAX_FOLLOWS):
        await store.subscribers.follow(1, f"topic {index}")
    with pytest.raises(FollowLimitError):
        await store.subscribers.follow(1, "one too many")
    assert len(await store.subscribers.following(1)) == MAX_FOLLOWS


async def test_all_follows_lists_only_active_chats(store: Store) -> None:
    await _subscribe(store, 1)
    await _subscribe(store, 2)
    await store.subscribers.follow(1, "Kupyansk")
    await store.subscribers.follow(2, "Pokrovsk")
    await store.subscribers.set_active(2, False)
    assert await store.subscribers.all_follows() == {1: ["Kupyansk"]}
