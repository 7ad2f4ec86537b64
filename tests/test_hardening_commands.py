"""Bad commands through the real application and the strict fake Bot API (issue 6, "Bad commands").

Each case is sent by a person (or pressed on a button) while the bot runs against the fake; each
gets one short answer or is ignored — never a traceback, never the error handler's apology, never
a reply the strict fake refuses — and the database's user-visible state (subscribers, follows,
feeds, broadcasts, outbox) changes only where the case says it may.

Catalogue (44 cases):
- Commands with bad text (19, `BAD_COMMANDS`): an unknown command, an unknown command with a
  4,000-character argument, a bare "/", "/latest" with garbage / a negative / a huge / a
  4,000-digit count, "/time" with garbage and with 4,000 characters, "/timezone" with a path
  traversal and with 4,000 characters, "/topic", "/follow" and "/unfollow" with 4,000 characters,
  "/topic" with control characters (NUL, escape, bidi override), "/follow" with only control
  characters and HTML, a command addressed to another bot, a command in upper case with a bad
  time and one with an RTL override in its name; and (2) /topic words with "&"
  shown once as typed, a reply answered 502 once still arriving (retried).
- Admin commands from a non-admin (5): /breaking, /addfeed, /removefeed, /feeds, /stats.
- Admin commands with bad arguments (4): /addfeed with a 4,000-character non-URL, with a
  javascript: URL; /removefeed with control characters; /breaking with 4,000 characters of
  punctuation (no story in it).
- Groups and channels (4): an unknown command in a group (quiet), an admin command from a
  non-admin in a group (refused), a command for another bot in a supergroup (quiet), a channel
  post (never delivered: the bot does not ask for channel posts).
- Edited messages (1): an edited "/stop" runs nothing (the subscription stays).
- Stale or forged buttons (9 presses in 3 tests): data no button of ours carries (garbage, an
  unknown prefix, a negative page, a 64-byte blob), a Send naming a broadcast that does not
  exist, a Send pressed on an admin's preview by a non-admin, a More whose page lies past the
  end and a time-zone button naming no zone.

A forged press is what a modified client can send: the fake's `press_button` only presses
buttons the bot showed, so `ForgingFakeBotAPI` adds `press_forged` (any data on any of the bot's
messages), `send_edited` and `send_channel_post`.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from gazebot.app import build_application, running
from gazebot.settings import Settings
from tests.bot_harness import ADMIN_ID, BotUnderTest, bot_settings, serve_news_site
from tests.fakebot import FakeBotAPI, SentMessage
from tests.fakebot.entities import utf16_len
from tests.webserver import WebServer

USER = 7001
OTHER = 7002
GROUP = -100_555
LONG = "x" * 4000
MAX_REPLY = 400
"""A short answer: a hint or a refusal fits in a few lines (cards are not expected here)."""

STATE_TABLES = ("subscribers", "follows", "feeds", "broadcasts", "outbox")


class ForgingFakeBotAPI(FakeBotAPI):
    """The strict fake plus what a misbehaving client or Telegram itself can send."""

    def press_forged(self, user_id: int, message: SentMessage, callback_data: str) -> str:
        """A callback query carrying any data, on one of the bot's messages (as a modified
        client can send); returns the query id, which the bot must answer."""
        with self._lock:
            query_id = str(next(self._callback_ids))
            current = self._messages[(message.chat_id, message.message_id)]
            query = {
                "id": query_id,
                "from": self.user(user_id),
                "message": self._message_json(current),
                "chat_instance": "1",
                "data": callback_data,
            }
            self._open_callbacks[query_id] = query
            self._enqueue({"callback_query": query})
            return query_id

    def send_edited(self, user_id: int, message_id: int, text: str) -> dict[str, Any]:
        """The user edits an earlier message of theirs into `text` (an edited_message update)."""
        with self._lock:
            token = text.split(maxsplit=1)[0]
            edited = {
                "message_id": message_id,
                "from": self.user(user_id),
                "chat": dict(self._chat(user_id).data),
                "date": 1_700_000_000,
                "edit_date": 1_700_000_100,
                "text": text,
                "entities": [{"type": "bot_command", "offset": 0, "length": utf16_len(token)}],
            }
            return self._enqueue({"edited_message": edited})

    def send_channel_post(self, channel_id: int, text: str) -> dict[str, Any]:
        """A post in a channel the bot is in (Telegram sends it only if the bot asks for them)."""
        with self._lock:
            chat = self._chat(channel_id, chat_type="channel")
            post = {
                "message_id": self._next_message_id(chat),
                "chat": dict(chat.data),
                "date": 1_700_000_000,
                "text": text,
            }
            return self._enqueue({"channel_post": post})


@asynccontextmanager
async def running_forgeable_bot(
    make_settings: Callable[..., Settings], **overrides: Any
) -> AsyncIterator[BotUnderTest]:
    """Like `tests.bot_harness.running_bot`, with the forging fake."""
    fake = ForgingFakeBotAPI()
    with fake, WebServer() as web:
        urls = serve_news_site(web)
        overrides.setdefault("feeds", urls["feed"])
        settings = bot_settings(make_settings, fake, **overrides)
        async with running(build_application(settings)) as application:
            bot = BotUnderTest(application, fake, web, settings, urls)
            await bot.wait_for_articles(3)
            yield bot


@pytest.fixture
async def bot(make_settings: Callable[..., Settings]) -> AsyncIterator[BotUnderTest]:
    async with running_forgeable_bot(make_settings) as started:
        await started.send(USER, "/start")
        await started.send(USER, "/follow Kupiansk")
        yield started


def forger(bot: BotUnderTest) -> ForgingFakeBotAPI:
    assert isinstance(bot.fake, ForgingFakeBotAPI)
    return bot.fake


def state(db_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row a person could notice, read by a second connection."""
    with sqlite3.connect(db_path) as conn:
        return {table: sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
                for table in STATE_TABLES}


def handler_failures(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("handler failed")]


def assert_short_and_clean(message: SentMessage) -> None:
    """A short answer, and no trace of Python, SQL or the apology for a failed handler."""
    assert len(message.text) <= MAX_REPLY, message.text[:200]
    for leak in ("Traceback", "File \"", "Error:", "sqlite", "SELECT", "Sorry, something went wrong"):
        assert leak not in message.text, message.text


def assert_fake_accepted_everything(fake: FakeBotAPI) -> None:
    # "message is not modified" is Telegram's answer to removing buttons already gone; the bot
    # expects it (a forged second press on a spent preview) and carries on.
    refused = [(c.method, c.status, c.description) for c in fake.calls
               if c.status != 200 and c.method != "getUpdates"
               and "not modified" not in (c.description or "")]
    assert refused == []
    assert fake.internal_errors == []


BAD_COMMANDS: list[tuple[str, str]] = [
    ("/frobnicate", "I do not know that command"),
    ("/frobnicate " + LONG, "I do not know that command"),
    ("/", "I do not know that command"),
    ("/latest lots", "/latest"),
    ("/latest -3", "/latest"),
    ("/latest 99999999999999999999", "/latest"),
    ("/latest " + "9" * 4000, "/latest"),
    ("/time quarter past", "is not a time"),
    ("/time " + LONG, "is not a time"),
    ("/timezone ../../etc/passwd", "I do not know the time zone"),
    ("/timezone " + LONG, "I do not know the time zone"),
    ("/topic " + LONG, "Nothing"),
    ("/follow " + LONG, "You follow"),
    ("/unfollow " + LONG, "You do not follow"),
    ("/topic Kup\x00ians\x1bk \u202egnikaerb", ""),
    ("/follow \x00\x01\x1b <b>&amp;</b>", ""),
    ("/latest@some_other_bot 3", "I do not know that command"),  # private chat: a pointer
    ("/TIME 25:61", "is not a time"),
    ("/lat\u202eest", "I do not know that command"),
]


@pytest.mark.parametrize(("text", "expected"), BAD_COMMANDS, ids=[t[:30] for t, _ in BAD_COMMANDS])
async def test_a_bad_command_gets_a_short_answer_or_none_and_changes_nothing_it_should_not(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture, text: str, expected: str | None
) -> None:
    before = state(bot.settings.db_path)
    follows_before = before["follows"]
    count = bot.fake.count_sent(USER)
    with caplog.at_level(logging.INFO):
        bot.fake.send_command(USER, text)
        if expected is None:
            await bot.quiet(1.0)
            assert bot.fake.count_sent(USER) == count
        else:
            await bot.fake.wait_for_messages_async(USER, count + 1, 10)
            await bot.quiet(0.3)
            replies = bot.fake.sent_messages(USER)[count:]
            for message in replies:
                assert_short_and_clean(message)
            assert expected in replies[0].text
    assert handler_failures(caplog) == []
    assert_fake_accepted_everything(bot.fake)
    after = state(bot.settings.db_path)
    if text.startswith("/follow"):
        # /follow may add one topic (cleaned and capped); nothing else changes.
        added = set(after["follows"]) - set(follows_before)
        assert len(added) <= 1
        assert all(len(str(row)) < 400 and "\x00" not in str(row) for row in added)
        after["follows"] = follows_before
    assert after == before


ADMIN_COMMANDS = ["/breaking http://127.0.0.1:1/x", "/addfeed http://127.0.0.1:1/f.xml",
                  "/removefeed http://127.0.0.1:1/f.xml", "/feeds", "/stats"]


@pytest.mark.parametrize("text", ADMIN_COMMANDS)
async def test_an_admin_command_from_anyone_else_is_refused_and_changes_nothing(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture, text: str
) -> None:
    before = state(bot.settings.db_path)
    with caplog.at_level(logging.INFO):
        [reply] = await bot.send(OTHER, text)
        await bot.quiet(0.3)
    assert reply.text == "Sorry, that command is for the bot's admins."
    assert state(bot.settings.db_path) == before
    assert handler_failures(caplog) == []
    assert any("refused admin command from user 7002" in r.getMessage() for r in caplog.records)


ADMIN_BAD_ARGUMENTS = [
    ("/addfeed " + "y" * 4000, "is not an http(s) URL"),
    ("/addfeed javascript:alert(1)", "is not an http(s) URL"),
    ("/removefeed \x00\x1b[2J", "is not one of my feeds"),
    ("/breaking " + "?!…—" * 1000, "Could not prepare that story"),
]


@pytest.mark.parametrize(("text", "expected"), ADMIN_BAD_ARGUMENTS, ids=lambda v: str(v)[:20])
async def test_admin_commands_with_garbage_arguments_get_a_hint_and_change_nothing(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture, text: str, expected: str
) -> None:
    before = state(bot.settings.db_path)
    with caplog.at_level(logging.INFO):
        [reply] = await bot.send(ADMIN_ID, text)
        await bot.quiet(0.3)
    assert_short_and_clean(reply)
    assert expected in reply.text
    assert state(bot.settings.db_path) == before
    assert handler_failures(caplog) == []
    assert_fake_accepted_everything(bot.fake)


async def test_groups_get_quiet_or_a_refusal_never_a_failure(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    before = state(bot.settings.db_path)
    with caplog.at_level(logging.INFO):
        bot.fake.send_group_message(OTHER, GROUP, "/frobnicate " + LONG)
        bot.fake.send_group_message(OTHER, GROUP - 1, "/latest@some_other_bot", chat_type="supergroup")
        await bot.quiet(1.0)
        assert bot.fake.count_sent(GROUP) == bot.fake.count_sent(GROUP - 1) == 0
        bot.fake.send_group_message(OTHER, GROUP, "/stats")
        [refusal] = await bot.fake.wait_for_messages_async(GROUP, 1, 10)
        await bot.quiet(0.3)
    assert refusal.text == "Sorry, that command is for the bot's admins."
    assert state(bot.settings.db_path) == before
    assert handler_failures(caplog) == []
    assert_fake_accepted_everything(bot.fake)


async def test_a_channel_post_is_never_handled(bot: BotUnderTest) -> None:
    before = state(bot.settings.db_path)
    forger(bot).send_channel_post(-100_777, "/start")
    await bot.quiet(1.0)
    assert bot.fake.count_sent(-100_777) == 0
    assert bot.fake.pending_updates() == 0  # not left queued: dropped as unwanted
    assert state(bot.settings.db_path) == before


async def test_an_edited_command_runs_nothing(bot: BotUnderTest, caplog: pytest.LogCaptureFixture) -> None:
    before = state(bot.settings.db_path)
    count = bot.fake.count_sent(USER)
    with caplog.at_level(logging.INFO):
        forger(bot).send_edited(USER, 1, "/stop")
        await bot.quiet(1.0)
    assert bot.fake.count_sent(USER) == count
    assert state(bot.settings.db_path) == before
    assert handler_failures(caplog) == []
    [help_reply] = await bot.send(USER, "/help")  # and the bot still answers
    assert "What I can do" in help_reply.text


async def press_and_wait(bot: BotUnderTest, user_id: int, message: SentMessage, data: str) -> dict[str, Any]:
    """Press (forged) and return the bot's answerCallbackQuery parameters."""
    query_id = forger(bot).press_forged(user_id, message, data)

    def answer() -> dict[str, Any] | None:
        return next((a for a in bot.fake.callback_answers if a["callback_query_id"] == query_id), None)

    found = await bot.fake.wait_until_async(answer, 10)
    assert isinstance(found, dict)
    return found


FORGED_DATA = ["garbage", "zz:1:2", "m:l:-5:", "m:x:1:" + "A" * 58]


async def test_forged_button_data_is_answered_as_expired_and_changes_nothing(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    [latest] = await bot.send(USER, "/latest 1")
    before = state(bot.settings.db_path)
    count = bot.fake.count_sent(USER)
    with caplog.at_level(logging.INFO):
        for data in FORGED_DATA:
            answer = await press_and_wait(bot, USER, latest, data)
            assert answer.get("text") == "This button has expired — send the command again.", data
        await bot.quiet(0.3)
    assert bot.fake.count_sent(USER) == count
    assert state(bot.settings.db_path) == before
    assert handler_failures(caplog) == []
    assert_fake_accepted_everything(bot.fake)


async def test_send_for_a_missing_broadcast_or_by_a_non_admin_sends_nothing(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    header, preview = await bot.send(ADMIN_ID, "/breaking " + bot.urls["grain-exports"], expect=2)
    send = next(d for d in preview.callback_data if d.startswith("b:send:"))
    with caplog.at_level(logging.INFO):
        # A non-admin presses Send on the admin's preview (e.g. forwarded to a group).
        refused = await press_and_wait(bot, OTHER, preview, send)
        assert refused.get("text") == "Sorry, that command is for the bot's admins."
        assert refused.get("show_alert") is True
        assert any("refused breaking button from user 7002" in r.getMessage() for r in caplog.records)

        # The admin presses Send for a broadcast id that was never created.
        before = state(bot.settings.db_path)
        count = bot.fake.count_sent(ADMIN_ID)
        await press_and_wait(bot, ADMIN_ID, preview, "b:send:999999")
        [*_, last] = await bot.fake.wait_for_messages_async(ADMIN_ID, count + 1, 10)
        await bot.fake.wait_until_async(
            lambda: "Nothing sent" in bot.fake.sent_messages(ADMIN_ID)[-1].text, 10
        )
        await press_and_wait(bot, ADMIN_ID, preview, "b:cancel:999999")
        await bot.fake.wait_until_async(
            lambda: "Too late to cancel" in bot.fake.last_message(ADMIN_ID).text, 10
        )
        await bot.quiet(0.3)
    after = state(bot.settings.db_path)
    assert after["outbox"] == before["outbox"] == []
    assert after["broadcasts"] == before["broadcasts"]
    assert bot.fake.count_sent(USER) == 2  # the subscriber received no breaking news
    assert handler_failures(caplog) == []
    assert_fake_accepted_everything(bot.fake)
    del header, last


async def test_stale_more_and_unknown_zone_buttons_answer_without_failing(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    [latest] = await bot.send(USER, "/latest 1")
    [settings] = await bot.send(USER, "/settings")
    before = state(bot.settings.db_path)
    with caplog.at_level(logging.INFO):
        answer = await press_and_wait(bot, USER, settings, "s:tz:Mars/Olympus_Mons")
        assert answer.get("text") == "This button has expired — send the command again."
        count = bot.fake.count_sent(USER)
        await press_and_wait(bot, USER, latest, "m:l:500:1")
        [past_end] = (await bot.fake.wait_for_messages_async(USER, count + 1, 10))[count:]
        await bot.quiet(0.3)
    assert_short_and_clean(past_end)
    assert state(bot.settings.db_path) == before
    assert handler_failures(caplog) == []
    assert_fake_accepted_everything(bot.fake)
    await asyncio.sleep(0)


async def test_search_words_with_markup_are_shown_once_as_typed(bot: BotUnderTest) -> None:
    """The /topic header shows the person's words as they typed them: never as escaped tags."""
    [reply, *_] = await bot.send(USER, "/topic Kharkiv & power")
    first_line = reply.text.split("\n", 1)[0]
    assert first_line == "Stories about Kharkiv & power, best first:"
    assert reply.entities_of("bold")[0] == first_line


async def test_a_reply_telegram_answers_with_502_once_still_arrives(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    """A transient Bad Gateway costs a retry, not the person's answer (an apology instead)."""
    bot.fake.fail_next("sendMessage", status=502)
    with caplog.at_level(logging.INFO):
        [reply] = await bot.send(USER, "/help")
    assert "What I can do" in reply.text
    assert handler_failures(caplog) == []
