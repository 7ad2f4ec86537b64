"""The bot token never leaves the process (issue 6, "Secrets" and "Show 5").

A grep-style end-to-end run: the real application against the fake Bot API with a realistic
token, logging set up by `gazebot.logs.configure_logging` at DEBUG into a captured stream, feeds
polled, subscriber and admin commands answered, a breaking broadcast sent with some Bot API calls
failing (502 and a hung call), a getUpdates failure, and a handler failure provoked (a table renamed
away). Then the token's secret half is looked for in the formatted log output, in every exception
any log record carried (its message and traceback, before redaction), in every message the bot
sent, and in /stats' reply. Also: `.env` is ignored by git and the Docker image runs as a non-root user.
"""

from __future__ import annotations

import io
import logging
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gazebot.app import build_application, running
from gazebot.logs import configure_logging
from gazebot.settings import Settings
from tests.bot_harness import (
    ADMIN_ID,
    BotUnderTest,
    bot_settings,
    break_articles_table,
    serve_news_site,
)
from tests.fakebot import FakeBotAPI
from tests.webserver import WebServer

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TOKEN = "7351946208:AAGx9vQ2mZkP4rT7wY1uE3sD5fH8jL0nB6c"
SECRET = TOKEN.split(":", 1)[1]
SUBSCRIBERS = (9001, 9002, 9003)


class RawRecords(logging.Handler):
    """The exception every record carried, unformatted (so before redaction). Log messages
    themselves may hold the token before the formatter redacts it (python-telegram-bot logs
    its API URL at DEBUG); exceptions must not, since they can reach the user or a tracker."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            self.texts.append("".join(traceback.format_exception(record.exc_info[1])))


@pytest.fixture
def captured_logs() -> Iterator[tuple[io.StringIO, RawRecords]]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    noisy = {name: logging.getLogger(name).level for name in ("httpx", "httpcore", "telegram.ext.Updater")}
    stream = io.StringIO()
    configure_logging("DEBUG", secrets=[TOKEN], stream=stream)
    raw = RawRecords()
    root.addHandler(raw)
    try:
        yield stream, raw
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, old in noisy.items():
            logging.getLogger(name).setLevel(old)


async def test_a_full_session_never_shows_the_token(
    make_settings: Callable[..., Settings], captured_logs: tuple[io.StringIO, RawRecords]
) -> None:
    stream, raw = captured_logs
    with FakeBotAPI(TOKEN) as fake, WebServer() as web:
        urls = serve_news_site(web)
        settings = bot_settings(make_settings, fake, feeds=urls["feed"])
        async with running(build_application(settings)) as application:
            bot = BotUnderTest(application, fake, web, settings, urls)
            await bot.wait_for_articles(3)
            for user in SUBSCRIBERS:
                await bot.send(user, "/start")
            await bot.send(SUBSCRIBERS[0], "/latest 2")
            await bot.send(SUBSCRIBERS[1], "/topic Kupiansk")
            await bot.send(SUBSCRIBERS[2], "/nosuchcommand")
            [stats] = await bot.send(ADMIN_ID, "/stats")

            # A reply Telegram answers with 502 twice (the retry too): the error handler logs it,
            # the user gets an apology.
            fake.fail_next("sendMessage", count=2, status=502)
            [apology_502] = await bot.send(SUBSCRIBERS[1], "/help", expect=1)
            assert apology_502.text.startswith("Sorry, something went wrong")
            fake.fail_next("getUpdates", status=502)

            # A broadcast while a third of the sends fail with 502 (the sender retries them).
            _, preview = await bot.send(ADMIN_ID, "/breaking " + urls["grid-repairs"], expect=2)
            send = next(d for d in preview.callback_data if d.startswith("b:send:"))
            await bot.press(ADMIN_ID, preview, send, expect=1)
            fake.fail_randomly(0.3, seed=3, methods=("sendMessage", "editMessageText"))
            for user in SUBSCRIBERS:
                await fake.wait_for_messages_async(user, len(fake.sent_messages(user)) + 0, 1)
            await fake.wait_until_async(
                lambda: all("Engineers restore power" in fake.last_message(u).text for u in SUBSCRIBERS),
                60,
            )
            fake.clear_faults()

            # A handler failure: the error handler logs the traceback.
            await break_articles_table(settings.db_path)
            [apology] = await bot.send(SUBSCRIBERS[0], "/latest")
            assert apology.text.startswith("Sorry, something went wrong")
            [stats_after] = await bot.send(ADMIN_ID, "/help")

    output = stream.getvalue()
    # The run was logged richly enough for the search to mean something.
    assert "handler failed on update" in output
    assert "Traceback" in output
    assert len(output.splitlines()) > 30
    assert SECRET not in output
    assert len(raw.texts) >= 2  # the 502 and the missing table, at least
    leaks = [text for text in raw.texts if SECRET in text]
    assert leaks == [], leaks[0][:300] if leaks else ""
    assert SECRET not in stats.text
    assert SECRET not in stats_after.text
    assert not [m for m in fake.sent_messages() if SECRET in m.text or SECRET in m.html]


def test_env_files_are_ignored_by_git() -> None:
    ignored = (PROJECT_ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert ".env" in ignored


def test_the_docker_image_runs_as_a_non_root_user() -> None:
    dockerfile = PROJECT_ROOT / "Dockerfile"
    if not dockerfile.is_file():
        pytest.fail("no Dockerfile")
    users = [line.split()[1] for line in dockerfile.read_text(encoding="utf-8").splitlines()
             if line.strip().upper().startswith("USER ")]
    assert users, "the image never switches user"
    assert users[-1] not in {"root", "0", "0:0"}

