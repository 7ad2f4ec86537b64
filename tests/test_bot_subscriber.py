"""Subscriber commands end to end: gazebot's real application (built by `build_application`,
run by `gazebot.app.running`) against the fake Bot API, with a local news site serving the seed
article and two other stories through an RSS feed the bot polls."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, time

import pytest

from gazebot.schedule import next_digest_at
from gazebot.settings import Settings
from tests.bot_harness import ADMIN_ID, BotUnderTest, eventually, running_bot
from tests.fakebot import SentMessage

USER = 501
OTHER_USER = 502
SEED_TITLE = "Frontline Kupyansk Visit by Zelenskyy Highlights Military and Diplomatic Success"


@pytest.fixture
async def bot(make_settings: Callable[..., Settings]) -> AsyncIterator[BotUnderTest]:
    """The bot with the news site's three stories polled and stored."""
    async with running_bot(make_settings) as started:
        await started.wait_for_articles(3)
        yield started


def all_text(messages: list[SentMessage]) -> str:
    return "\n".join(message.text for message in messages)


async def test_start_subscribes_with_the_default_schedule_and_explains(bot: BotUnderTest) -> None:
    [greeting] = await bot.send(USER, "/start")
    assert "You are subscribed" in greeting.text
    for command in ("/latest", "/topic", "/settings", "/stop"):
        assert command in greeting.text
    assert "08:00" in greeting.text  # the digest time new subscribers get
    subscriber = await bot.store.subscribers.get(USER)
    assert subscriber is not None
    assert subscriber.active
    assert (subscriber.timezone, subscriber.digest_time) == ("UTC", "08:00")
    assert subscriber.next_digest_at is not None
    assert subscriber.next_digest_at.astimezone(UTC).time() == time(8, 0)


async def test_start_twice_says_already_subscribed(bot: BotUnderTest) -> None:
    await bot.send(USER, "/start")
    [again] = await bot.send(USER, "/start")
    assert "already subscribed" in again.text


async def test_latest_shows_cards_with_the_seed_figures_and_a_zelenskyy_quote(
    bot: BotUnderTest,
) -> None:
    await bot.send(USER, "/start")
    replies = await bot.send(USER, "/latest")
    text = all_text(replies)
    # Every story, newest first; the seed card with its figures and a quote with its speaker.
    assert SEED_TITLE in text
    assert "Grain exports" in text
    assert "Engineers restore power" in text
    for figure in ("over 1,000 Russian soldiers", "291 wounded", "up to 500 civilians"):
        assert figure in text, figure
    assert "achieving results on the frontline is crucial" in text
    assert "— Volodymyr Zelenskyy" in text
    assert "Read also on The Gaze" not in text  # site furniture is not summary
    seed_links = [link for m in replies for link in m.links if "zelenskyy-kupyansk" in link]
    assert seed_links, "the seed card's title links to the article"
    assert any(entity == SEED_TITLE for m in replies for entity in m.entities_of("bold"))


async def test_latest_n_pages_on_with_a_more_button(bot: BotUnderTest) -> None:
    await bot.send(USER, "/start")
    [first] = await bot.send(USER, "/latest 1")
    assert "Grain exports" in first.text  # the newest story only
    assert "Engineers restore power" not in first.text
    [more] = first.callback_data
    page = await bot.press(USER, first, more, expect=1)
    pressed, second = page[0], page[-1]
    assert pressed.callback_data == []  # a spent More button disappears
    assert "Engineers restore power" in second.text
    [more] = second.callback_data
    page = await bot.press(USER, second, more, expect=1)
    third = page[-1]
    assert SEED_TITLE in third.text
    assert third.callback_data == []  # the last page has no More


@pytest.mark.parametrize("argument", ["abc", "0", "21", "-3", "5 6"])
async def test_latest_with_a_bad_count_answers_with_a_usage_hint(
    bot: BotUnderTest, argument: str
) -> None:
    [hint] = await bot.send(USER, f"/latest {argument}")
    assert hint.text.startswith("Usage: /latest [n]")
    assert "\n" not in hint.text


@pytest.mark.parametrize("words", ["Kupyansk", "kupiansk", "KUPYANSK", "Kup’iansk"])
async def test_topic_finds_the_seed_article_in_any_spelling(bot: BotUnderTest, words: str) -> None:
    [found] = await bot.send(USER, f"/topic {words}")
    assert SEED_TITLE in found.text
    assert "Grain exports" not in found.text


async def test_topic_ranks_the_best_match_first(bot: BotUnderTest) -> None:
    [found] = await bot.send(USER, "/topic Kharkiv")
    # Both the power story and the seed mention Kharkiv; the one with it in the title leads.
    assert found.text.index("Engineers restore power") < found.text.index(SEED_TITLE)


async def test_topic_without_words_answers_with_a_usage_hint(bot: BotUnderTest) -> None:
    [hint] = await bot.send(USER, "/topic")
    assert hint.text.startswith("Usage: /topic <words>")


async def test_topic_without_a_match_says_so_helpfully(bot: BotUnderTest) -> None:
    [reply] = await bot.send(USER, "/topic volcano <b>eruption</b>")
    assert "Nothing found for volcano <b>eruption</b>" in reply.text  # shown, not parsed
    assert "/latest" in reply.text


async def test_follow_unfollow_and_following(bot: BotUnderTest) -> None:
    await bot.send(USER, "/start")
    [followed] = await bot.send(USER, "/follow Kupyansk")
    assert "Following Kupyansk" in followed.text
    [again] = await bot.send(USER, "/follow kupyansk")
    assert "already follow" in again.text
    await bot.send(USER, "/follow grain exports")
    [listing] = await bot.send(USER, "/following")
    assert "• grain exports" in listing.text
    assert "• Kupyansk" in listing.text
    [gone] = await bot.send(USER, "/unfollow KUPYANSK")
    assert "no longer follow" in gone.text
    assert await bot.store.subscribers.following(USER) == ["grain exports"]
    [hint] = await bot.send(USER, "/follow")
    assert hint.text.startswith("Usage: /follow")


async def test_follow_before_start_asks_to_subscribe(bot: BotUnderTest) -> None:
    [reply] = await bot.send(OTHER_USER, "/follow Kupyansk")
    assert "/start" in reply.text
    assert await bot.store.subscribers.following(OTHER_USER) == []


async def test_settings_buttons_edit_the_settings_message(bot: BotUnderTest) -> None:
    await bot.send(USER, "/start")
    [settings] = await bot.send(USER, "/settings")
    assert "08:00 (UTC)" in settings.text
    assert "Breaking news: on" in settings.text

    [edited] = await bot.press(USER, settings, "s:breaking:off")
    assert "Breaking news: off" in edited.text
    assert edited.message_id == settings.message_id  # edited in place, nothing new sent
    subscriber = await bot.store.subscribers.get(USER)
    assert subscriber is not None
    assert not subscriber.breaking

    [edited] = await bot.press(USER, edited, "s:time:09:00")
    assert "09:00 (UTC)" in edited.text
    [edited] = await bot.press(USER, edited, "s:tz:Europe/Kyiv")
    assert "09:00 (Europe/Kyiv)" in edited.text
    subscriber = await bot.store.subscribers.get(USER)
    assert subscriber is not None
    assert (subscriber.digest_time, subscriber.timezone) == ("09:00", "Europe/Kyiv")
    # Rescheduled: the next 09:00 on a Kyiv clock.
    assert subscriber.next_digest_at == next_digest_at("Europe/Kyiv", time(9, 0), datetime.now(UTC))


async def test_time_sets_the_digest_time_and_refuses_25_00_with_a_hint(bot: BotUnderTest) -> None:
    await bot.send(USER, "/start")
    [refused] = await bot.send(USER, "/time 25:00")
    assert "25:00 is not a time" in refused.text
    assert "Usage: /time HH:MM" in refused.text
    subscriber = await bot.store.subscribers.get(USER)
    assert subscriber is not None
    assert subscriber.digest_time == "08:00"

    [done] = await bot.send(USER, "/time 07:30")
    assert "07:30" in done.text
    subscriber = await bot.store.subscribers.get(USER)
    assert subscriber is not None
    assert subscriber.digest_time == "07:30"
    assert subscriber.next_digest_at == next_digest_at("UTC", time(7, 30), datetime.now(UTC))


async def test_timezone_accepts_a_known_zone_and_refuses_an_unknown_one(bot: BotUnderTest) -> None:
    await bot.send(USER, "/start")
    [refused] = await bot.send(USER, "/timezone Mars/Olympus_Mons")
    assert "do not know the time zone Mars/Olympus_Mons" in refused.text
    assert "/timezone Area/City" in refused.text
    [done] = await bot.send(USER, "/timezone europe/kyiv")
    assert "Europe/Kyiv" in done.text
    subscriber = await bot.store.subscribers.get(USER)
    assert subscriber is not None
    assert subscriber.timezone == "Europe/Kyiv"


async def test_stop_unsubscribes(bot: BotUnderTest) -> None:
    await bot.send(USER, "/start")
    [bye] = await bot.send(USER, "/stop")
    assert "unsubscribed" in bye.text
    subscriber = await bot.store.subscribers.get(USER)
    assert subscriber is not None
    assert not subscriber.active
    [back] = await bot.send(USER, "/start")
    assert "Welcome back" in back.text


async def test_blocking_the_bot_marks_the_chat_inactive_and_unblocking_reactivates(
    bot: BotUnderTest,
) -> None:
    await bot.send(USER, "/start")
    bot.fake.block_bot(USER)

    async def active() -> bool | None:
        subscriber = await bot.store.subscribers.get(USER)
        return subscriber.active if subscriber else None

    await eventually(active, False)
    bot.fake.unblock_bot(USER)
    await eventually(active, True)


async def test_digest_sends_todays_digest_now_with_followed_topics_first(
    bot: BotUnderTest,
) -> None:
    await bot.send(USER, "/start")
    [digest] = await bot.send(USER, "/digest")
    assert digest.text.startswith("Your daily digest")
    for title in (SEED_TITLE, "Engineers restore power", "Grain exports"):
        assert title in digest.text
    await bot.send(USER, "/follow grain")
    [digest] = await bot.send(USER, "/digest")
    titles = [digest.text.index(t) for t in ("Grain exports", SEED_TITLE, "Engineers restore")]
    assert titles[0] == min(titles)


async def test_help_lists_subscriber_commands_and_admin_commands_only_for_admins(
    bot: BotUnderTest,
) -> None:
    [user_help] = await bot.send(USER, "/help")
    assert "/latest [n]" in user_help.text
    assert "/breaking" not in user_help.text
    [admin_help] = await bot.send(ADMIN_ID, "/help")
    assert "/breaking <url or text>" in admin_help.text


async def test_unknown_commands_get_a_pointer_to_help(bot: BotUnderTest) -> None:
    [reply] = await bot.send(USER, "/frobnicate now")
    assert "/help" in reply.text


async def test_the_command_menu_is_published_with_admin_commands_for_admins_only(
    bot: BotUnderTest,
) -> None:
    names = [command["command"] for command in bot.fake.published_commands()]
    assert names[:3] == ["start", "help", "latest"]
    assert "breaking" not in names
    admin_scope = json.dumps({"type": "chat", "chat_id": ADMIN_ID}, sort_keys=True)
    admin_names = [c["command"] for c in bot.fake.commands[(admin_scope, "")]]
    assert admin_names[: len(names)] == names
    assert {"breaking", "addfeed", "removefeed", "feeds", "stats"} <= set(admin_names)


async def test_a_flooding_user_is_slowed_down_and_others_are_unaffected(bot: BotUnderTest) -> None:
    await bot.send(USER, "/start")
    for _ in range(40):
        bot.fake.send_command(USER, "/help")
    [reply] = await bot.send(OTHER_USER, "/help", within=5)
    assert "What I can do" in reply.text
    await bot.quiet(1.5)
    flood = bot.fake.sent_messages(USER)[1:]
    answers = [m for m in flood if "What I can do" in m.text]
    warnings = [m for m in flood if "very fast" in m.text]
    assert 1 <= len(answers) <= 12  # the burst, plus what refilled while the flood ran
    assert len(warnings) == 1  # told once, not forty times


async def test_topic_ignores_filler_words(bot: BotUnderTest) -> None:
    [found] = await bot.send(USER, "/topic the war in Kupyansk")
    assert SEED_TITLE in found.text


async def test_a_group_can_subscribe_and_stays_quiet_about_other_bots_commands(
    bot: BotUnderTest,
) -> None:
    group = -100777
    bot.fake.send_group_message(USER, group, "/start@gazebot_test_bot")
    [greeting] = await bot.fake.wait_for_messages_async(group, 1, 10)
    assert "You are subscribed" in greeting.text
    subscriber = await bot.store.subscribers.get(group)
    assert subscriber is not None
    assert subscriber.chat_type in {"group", "supergroup"}
    bot.fake.send_group_message(USER, group, "/someotherbotcommand")
    await bot.quiet(1.0)
    assert len(bot.fake.sent_messages(group)) == 1


async def test_commands_sent_in_quick_succession_are_answered_in_order(bot: BotUnderTest) -> None:
    for command in ("/start", "/follow Kupyansk", "/following", "/settings"):
        bot.fake.send_command(USER, command)
    replies = await bot.fake.wait_for_messages_async(USER, 4, 15)
    assert "You are subscribed" in replies[0].text
    assert "Following Kupyansk" in replies[1].text  # /start had already subscribed the chat
    assert "• Kupyansk" in replies[2].text
    assert replies[3].text.startswith("Settings")
