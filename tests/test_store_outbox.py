"""The outbox tables: enqueueing in one transaction, exact parameters back, state changes that
survive a restart, blocked chats, migrated groups and cancelled broadcasts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from gazebot.store import Store
from gazebot.store.outbox import NewOutboxRow

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


async def _subscribe(store: Store, chat_id: int, *, breaking: bool = True) -> None:
    await store.subscribers.subscribe(
        chat_id, chat_type="private", timezone="UTC", digest_time="08:00", next_digest_at=NOW, now=NOW
    )
    if not breaking:
        await store.subscribers.set_breaking(chat_id, False)


async def test_many_rows_are_queued_in_one_transaction_with_the_exact_parameters(store: Store) -> None:
    shared = {"text": "<b>Digest</b>", "parse_mode": "HTML"}
    rows = [NewOutboxRow(chat_id=c, payload={"chat_id": c}) for c in range(1, 20_001)]
    changes_before = store.db._writer.total_changes
    broadcast_id, inserted = await store.outbox.enqueue(rows, NOW, shared_params=shared)
    due = await store.outbox.due(broadcast_id, NOW.timestamp(), 3)
    assert inserted == 20_000
    assert store.db._writer.total_changes - changes_before == 20_002
    assert [row.chat_id for row in due] == [1, 2, 3]
    assert due[0].params == {"chat_id": 1, "text": "<b>Digest</b>", "parse_mode": "HTML"}
    assert await store.outbox.counts() == {"pending": 20_000, "sent": 0, "failed": 0}


async def test_a_dedupe_key_is_used_once(store: Store) -> None:
    row = NewOutboxRow(chat_id=1, payload={"chat_id": 1, "text": "x"}, dedupe_key="digest:1:2026-05-04")
    _, first = await store.outbox.enqueue([row], NOW)
    _, second = await store.outbox.enqueue([row], NOW)
    assert (first, second) == (1, 0)


async def test_rows_left_sending_by_a_crash_go_back_to_pending_and_sent_rows_stay_sent(
    tmp_path: Path,
) -> None:
    path = tmp_path / "crash.db"
    store = await Store.open(path)
    rows = [NewOutboxRow(chat_id=c, payload={"chat_id": c, "text": "x"}) for c in (1, 2, 3)]
    broadcast_id, _ = await store.outbox.enqueue(rows, NOW)
    first, second, _ = await store.outbox.due(broadcast_id, NOW.timestamp(), 10)
    assert await store.outbox.mark_sending(first.id)
    await store.outbox.mark_sent(first.id, 77, NOW)
    assert await store.outbox.mark_sending(second.id)
    await store.close()  # the process dies with `second` in flight

    reopened = await Store.open(path)
    recovered = await reopened.outbox.recover_in_flight()
    pending = await reopened.outbox.due(broadcast_id, NOW.timestamp(), 10)
    await reopened.close()
    assert recovered == 1
    assert [row.chat_id for row in pending] == [2, 3]


async def test_a_blocked_chat_drops_its_open_rows_and_becomes_inactive(store: Store) -> None:
    await _subscribe(store, 5)
    rows = [NewOutboxRow(chat_id=5, payload={"chat_id": 5, "text": t}) for t in ("a", "b")]
    broadcast_id, _ = await store.outbox.enqueue(rows, NOW)
    first, _ = await store.outbox.due(broadcast_id, NOW.timestamp(), 10)
    await store.outbox.mark_sending(first.id)
    dropped = await store.outbox.block_chat(first.id, 5)
    subscriber = await store.subscribers.get(5)
    assert dropped == 2
    assert subscriber is not None
    assert subscriber.active is False
    assert await store.outbox.counts() == {"pending": 0, "sent": 0, "failed": 2}


async def test_a_migrated_group_keeps_its_settings_follows_and_queued_rows(store: Store) -> None:
    await store.subscribers.subscribe(
        -5, chat_type="group", timezone="Europe/Kyiv", digest_time="07:30", next_digest_at=NOW, now=NOW
    )
    await store.subscribers.follow(-5, "Kupiansk")
    broadcast_id, _ = await store.outbox.enqueue(
        [NewOutboxRow(chat_id=-5, payload={"chat_id": -5, "text": "x"})], NOW
    )
    await store.outbox.move_chat(-5, -1005)
    moved = await store.subscribers.get(-1005)
    [row] = await store.outbox.due(broadcast_id, NOW.timestamp(), 10)
    assert await store.subscribers.get(-5) is None
    assert moved is not None
    assert (moved.timezone, moved.digest_time) == ("Europe/Kyiv", "07:30")
    assert await store.subscribers.following(-1005) == ["Kupiansk"]
    assert row.chat_id == -1005
    assert row.params["chat_id"] == -1005


async def test_breaking_queues_active_subscribers_with_breaking_on_once(store: Store) -> None:
    for chat_id in range(1, 6):
        await _subscribe(store, chat_id)
    await _subscribe(store, 6, breaking=False)
    await store.subscribers.set_active(5, False)
    draft = await store.outbox.create_broadcast("breaking", NOW, payload={"text": "Card"})
    queued = await store.outbox.start_breaking(draft, NOW, progress_chat_id=9, progress_message_id=1)
    again = await store.outbox.start_breaking(draft, NOW, progress_chat_id=9, progress_message_id=1)
    rows = await store.outbox.due(draft, NOW.timestamp(), 10)
    assert queued == 4
    assert again is None
    assert sorted(row.chat_id for row in rows) == [1, 2, 3, 4]
    assert rows[0].params["text"] == "Card"


async def test_cancelling_a_broadcast_in_progress_fails_its_unsent_rows(store: Store) -> None:
    for chat_id in range(1, 4):
        await _subscribe(store, chat_id)
    draft = await store.outbox.create_broadcast("breaking", NOW, payload={"text": "Card"})
    await store.outbox.start_breaking(draft, NOW, progress_chat_id=None, progress_message_id=None)
    first = (await store.outbox.due(draft, NOW.timestamp(), 1))[0]
    await store.outbox.mark_sending(first.id)
    await store.outbox.mark_sent(first.id, 1, NOW)
    assert await store.outbox.cancel_broadcast(draft, NOW)
    counts = await store.outbox.broadcast_counts(draft)
    assert (counts.sent, counts.failed, counts.pending) == (1, 2, 0)


async def test_pruning_forgets_finished_broadcasts_but_keeps_open_ones(store: Store) -> None:
    old = datetime(2026, 4, 1, tzinfo=UTC)
    rows = [NewOutboxRow(chat_id=c, payload={"chat_id": c}) for c in (1, 2)]
    finished, _ = await store.outbox.enqueue(rows, old, shared_params={"text": "old"})
    open_one, _ = await store.outbox.enqueue(rows, old, shared_params={"text": "still going"})
    for row in await store.outbox.due(finished, NOW.timestamp(), 10):
        await store.outbox.mark_sending(row.id)
        await store.outbox.mark_sent(row.id, 1, old)
    assert await store.outbox.finish_broadcast(finished, old)
    removed = await store.outbox.prune(NOW)
    async with store.db.reader.execute("SELECT params FROM outbox_bodies") as cursor:
        bodies = [row[0] for row in await cursor.fetchall()]
    assert removed == 1
    assert await store.outbox.get_broadcast(finished) is None
    assert len(await store.outbox.due(open_one, NOW.timestamp(), 10)) == 2
    assert bodies == ['{"text":"still going"}']
