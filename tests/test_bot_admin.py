"""Admin commands end to end: breaking news preview → Send/Cancel, feeds and their health,
stats — and the polite refusal (with nothing changed) for anyone not in GAZEBOT_ADMIN_IDS."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest

from gazebot.settings import Settings
from tests.bot_harness import ADMIN_ID, BotUnderTest, article_page, eventually, running_bot
from tests.fakebot import SentMessage

READER = 501
NO_BREAKING = 502
STOPPED = 503
BLOCKED = 504
SEED_TITLE = "Frontline Kupyansk Visit by Zelenskyy Highlights Military and Diplomatic Success"


@pytest.fixture
async def bot(make_settings: Callable[..., Settings]) -> AsyncIterator[BotUnderTest]:
    """The bot with no feed configured: admins bring stories in themselves."""
    async with running_bot(make_settings, with_feed=False) as started:
        yield started


async def subscribe_everyone(bot: BotUnderTest) -> None:
    """An admin and four subscribers: one reading everything, one with breaking news off, one
    who stopped, one who blocked the bot."""
    for user in (ADMIN_ID, READER, NO_BREAKING, STOPPED, BLOCKED):
        await bot.send(user, "/start")
    [settings] = await bot.send(NO_BREAKING, "/settings")
    await bot.press(NO_BREAKING, settings, "s:breaking:off")
    await bot.send(STOPPED, "/stop")
    bot.fake.block_bot(BLOCKED)

    async def blocked_is_inactive() -> bool:
        subscriber = await bot.store.subscribers.get(BLOCKED)
        return subscriber is not None and not subscriber.active

    await eventually(blocked_is_inactive, True)


async def preview(bot: BotUnderTest, source: str) -> SentMessage:
    header, card = await bot.send(ADMIN_ID, f"/breaking {source}", expect=2, within=20)
    assert "Breaking news preview" in header.text
    return card


async def test_breaking_url_previews_then_send_reaches_every_active_subscriber(
    bot: BotUnderTest,
) -> None:
    await subscribe_everyone(bot)
    card = await preview(bot, bot.urls["seed"])
    assert SEED_TITLE in card.text
    assert "291 wounded" in card.text
    send = next(data for data in card.callback_data if data.startswith("b:send:"))
    assert any(data.startswith("b:cancel:") for data in card.callback_data)
    assert all(len(data.encode()) <= 64 for data in card.callback_data)
    before = {user: len(bot.fake.sent_messages(user)) for user in (READER, NO_BREAKING, STOPPED)}

    pressed = await bot.press(ADMIN_ID, card, send, expect=1)
    progress = pressed[-1]
    await bot.fake.wait_until_async(  # once started, Send cannot be pressed twice
        lambda: bot._current(card)[1] is None, 10, lambda: "Send is still under the preview"
    )

    [breaking] = (await bot.fake.wait_for_messages_async(READER, before[READER] + 1, 20))[-1:]
    assert SEED_TITLE in breaking.text
    assert "291 wounded" in breaking.text
    report = await bot.fake.wait_until_async(
        lambda: next(
            (
                m
                for m in bot.fake.sent_messages(ADMIN_ID)
                if m.message_id == progress.message_id and "Sent" in m.text
            ),
            None,
        ),
        20,
    )
    assert "blocked" in report.text.lower()
    await bot.quiet(1.0)
    # Breaking off, stopped: nothing. The admin, subscribed with breaking on, got it too.
    assert len(bot.fake.sent_messages(NO_BREAKING)) == before[NO_BREAKING]
    assert len(bot.fake.sent_messages(STOPPED)) == before[STOPPED]
    assert any(SEED_TITLE in m.text for m in bot.fake.sent_messages(ADMIN_ID)[-3:])


async def test_a_send_that_fails_to_start_can_be_pressed_again_and_delivers_once(
    bot: BotUnderTest,
) -> None:
    await subscribe_everyone(bot)
    card = await preview(bot, bot.urls["seed"])
    send = next(data for data in card.callback_data if data.startswith("b:send:"))
    before = len(bot.fake.sent_messages(READER))
    bot.fake.fail_next("sendMessage", 2)  # the progress message and its one retry
    [apology] = (await bot.press(ADMIN_ID, card, send, expect=1))[-1:]
    assert "sorry" in apology.text.lower()
    assert bot._current(card)[1] is not None  # Send is still there to press again

    await bot.press(ADMIN_ID, card, send, expect=1)
    await bot.fake.wait_for_messages_async(READER, before + 1, 20)
    await bot.quiet(1.5)
    assert len(bot.fake.sent_messages(READER)) == before + 1


async def test_breaking_cancel_sends_nothing(bot: BotUnderTest) -> None:
    await subscribe_everyone(bot)
    card = await preview(bot, bot.urls["grain-exports"])
    cancel = next(data for data in card.callback_data if data.startswith("b:cancel:"))
    before = len(bot.fake.sent_messages(READER))
    pressed = await bot.press(ADMIN_ID, card, cancel, expect=1)
    assert "Cancelled" in pressed[-1].text
    await bot.quiet(1.0)
    assert len(bot.fake.sent_messages(READER)) == before


async def test_breaking_text_is_analysed_into_a_card(bot: BotUnderTest) -> None:
    card = await preview(
        bot,
        "Dam breach floods villages near Kherson\n"
        "A dam on the Inhulets river was breached overnight, flooding 12 villages. "
        '"Everyone must leave the low-lying streets now," said Oleksandr Prokudin, the governor. '
        "About 3,000 people have been evacuated so far.",
    )
    assert "Dam breach floods villages near Kherson" in card.entities_of("bold")
    assert "About 3,000 people" in card.text
    assert "Oleksandr Prokudin" in card.text
    assert card.links == []  # a text story has no page to link to
    assert await bot.store.articles.count() == 1


async def test_a_non_admin_breaking_changes_nothing(bot: BotUnderTest) -> None:
    await subscribe_everyone(bot)
    [refusal] = await bot.send(READER, f"/breaking {bot.urls['seed']}")
    assert "for the bot's admins" in refusal.text
    assert refusal.callback_data == []
    await bot.quiet(0.5)
    assert await bot.store.articles.count() == 0
    assert (await bot.store.outbox.counts())["pending"] == 0
    assert bot.web.requests_for("/news/zelenskyy-kupyansk") == []  # not even fetched


@pytest.mark.parametrize("command", ["/addfeed http://127.0.0.1/x.xml", "/removefeed x", "/feeds", "/stats"])
async def test_other_admin_commands_are_refused_to_others(bot: BotUnderTest, command: str) -> None:
    [refusal] = await bot.send(READER, command)
    assert "for the bot's admins" in refusal.text
    assert await bot.store.feeds.all() == []


async def test_breaking_without_a_source_gives_a_usage_hint(bot: BotUnderTest) -> None:
    [hint] = await bot.send(ADMIN_ID, "/breaking")
    assert hint.text.startswith("Usage: /breaking <url or text>")


async def test_breaking_url_that_fails_says_why(bot: BotUnderTest) -> None:
    missing = bot.web.url("/news/does-not-exist")
    [reply] = await bot.send(ADMIN_ID, f"/breaking {missing}", within=20)
    assert "Could not prepare that story" in reply.text
    assert "404" in reply.text


async def test_addfeed_polls_the_feed_and_feeds_shows_its_health(bot: BotUnderTest) -> None:
    [added] = await bot.send(ADMIN_ID, f"/addfeed {bot.urls['feed']}")
    assert "Added" in added.text
    await bot.wait_for_articles(3)
    [again] = await bot.send(ADMIN_ID, f"/addfeed {bot.urls['feed']}")
    assert "already" in again.text
    [health] = await bot.send(ADMIN_ID, "/feeds")
    assert "The Gaze" in health.text
    assert "Articles: 3" in health.text
    assert "Last success:" in health.text
    assert "never" not in health.text
    [bad] = await bot.send(ADMIN_ID, "/addfeed ftp://example.com/feed")
    assert "not an http(s) URL" in bad.text
    [removed] = await bot.send(ADMIN_ID, f"/removefeed {bot.urls['feed']}")
    assert "Removed" in removed.text
    [empty] = await bot.send(ADMIN_ID, "/feeds")
    assert "No feeds yet" in empty.text


async def test_feeds_reports_a_failing_feed(bot: BotUnderTest) -> None:
    broken = bot.web.status("/broken.xml", 500, "oops")
    await bot.send(ADMIN_ID, f"/addfeed {broken}")

    async def failing() -> bool:
        feeds = await bot.store.feeds.all()
        return bool(feeds) and feeds[0].consecutive_errors > 0

    await eventually(failing, True, within=20)
    [health] = await bot.send(ADMIN_ID, "/feeds")
    assert "Errors in a row: 1" in health.text
    assert "500" in health.text


async def test_stats_counts_subscribers_articles_feeds_and_deliveries(bot: BotUnderTest) -> None:
    await subscribe_everyone(bot)
    await bot.send(ADMIN_ID, f"/addfeed {bot.urls['feed']}")
    await bot.wait_for_articles(3)
    [stats] = await bot.send(ADMIN_ID, "/stats")
    assert "Subscribers: 3 active, 2 blocked or stopped" in stats.text
    assert "Articles: 3" in stats.text
    assert "Feeds: 1 (0 failing)" in stats.text
    assert "Deliveries: 0 sent, 0 pending, 0 failed" in stats.text


async def test_a_slow_breaking_fetch_does_not_hold_up_other_users(bot: BotUnderTest) -> None:
    title, paragraphs = "Slow page", ["A story from a slow server. " * 20]
    slow = bot.web.add("/news/slow", article_page(title, paragraphs), delay=5.0)
    bot.fake.send_command(ADMIN_ID, f"/breaking {slow}")
    started = asyncio.get_running_loop().time()
    [reply] = await bot.send(READER, "/help", within=5)
    assert "What I can do" in reply.text
    assert asyncio.get_running_loop().time() - started < 4.0  # answered while the fetch waits
    await bot.fake.wait_for_messages_async(ADMIN_ID, 2, 20)  # and the preview still comes
