"""The bot keeps serving when a handler fails: the error handler logs it and the person gets a
short apology instead of silence; everyone else, and the next command, are unaffected."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable

import pytest

from gazebot.settings import Settings
from tests.bot_harness import BotUnderTest, break_articles_table, running_bot

USER = 501
OTHER_USER = 502


@pytest.fixture
async def bot(make_settings: Callable[..., Settings]) -> AsyncIterator[BotUnderTest]:
    async with running_bot(make_settings) as started:
        await started.wait_for_articles(3)
        yield started



async def test_a_failing_handler_is_logged_and_the_user_gets_an_apology(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    await bot.send(USER, "/start")
    await break_articles_table(bot.settings.db_path)
    with caplog.at_level(logging.ERROR, logger="gazebot"):
        [apology] = await bot.send(USER, "/latest")
    assert apology.text.startswith("Sorry, something went wrong")
    assert len(apology.text) < 120  # short; no traceback, no SQL
    assert "articles" not in apology.text
    failures = [r for r in caplog.records if r.getMessage().startswith("handler failed")]
    assert len(failures) == 1
    assert failures[0].exc_info is not None
    assert "no such table: articles" in str(failures[0].exc_info[1])

    # The bot keeps serving: the same person's next command, and other people, get answers.
    [help_reply] = await bot.send(USER, "/help")
    assert "What I can do" in help_reply.text
    [greeting] = await bot.send(OTHER_USER, "/start")
    assert "You are subscribed" in greeting.text


async def test_a_reply_telegram_refuses_ends_in_an_apology(bot: BotUnderTest) -> None:
    bot.fake.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
    [apology] = await bot.send(USER, "/help")
    assert apology.text.startswith("Sorry, something went wrong")
    [help_reply] = await bot.send(USER, "/help")
    assert "What I can do" in help_reply.text


async def test_a_button_press_that_fails_is_answered_and_apologised_for(
    bot: BotUnderTest,
) -> None:
    await bot.send(USER, "/start")
    [first] = await bot.send(USER, "/latest 1")
    await break_articles_table(bot.settings.db_path)
    [more] = first.callback_data
    after = await bot.press(USER, first, more, expect=1)
    assert after[-1].text.startswith("Sorry, something went wrong")


async def test_a_blocked_user_causes_no_apology_loop(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    await bot.send(USER, "/start")
    bot.fake.block_chat(USER)  # blocked, and the my_chat_member update has not arrived yet
    calls_before = len(bot.fake.calls_to("sendMessage"))
    with caplog.at_level(logging.INFO, logger="gazebot"):
        bot.fake.send_command(USER, "/help")
        await bot.fake.wait_until_async(
            lambda: len(bot.fake.calls_to("sendMessage")) > calls_before, 5
        )
        await bot.quiet(0.5)
    # One attempt, refused with 403; no apology attempted into the same wall.
    assert len(bot.fake.calls_to("sendMessage")) == calls_before + 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
