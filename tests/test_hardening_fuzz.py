"""Fuzzing the real handlers through the fake Bot API (issue 6, "Show 3").

Hypothesis writes command texts (every command the bot knows, unknown ones, `@bot` suffixes,
arguments of any Unicode up to Telegram's 4,096 characters, control characters included) and
button data (shapes our callbacks use with garbage inside, and arbitrary strings up to 64 bytes),
sent by a subscriber, a stranger and an admin, in private chats and a group. The application runs
in its own thread against the strict fake; after each example the test waits until the bot has
taken the update and gone quiet, then holds that:
- the error handler never fired (no "handler failed" record, no apology sent),
- every Bot API call the bot made was accepted by the strict fake (no 400 for bad HTML, entity
  or length; no fake-internal error), and every button press was answered,
- the bot never tried to reach anything but 127.0.0.1 (admin URLs are kept off the fuzzed /addfeed
  and /breaking: a hostname would go to DNS; the guard itself is proved in tests/test_fetch.py).

Bounded: 120 command examples and 80 button examples (under a minute on a quiet machine).
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gazebot.app import build_application, running
from gazebot.bot.ratelimit import RateLimiter
from gazebot.settings import load_settings
from tests.bot_harness import ADMIN_ID, SEED, serve_news_site
from tests.fakebot import SentMessage
from tests.test_hardening_commands import ForgingFakeBotAPI
from tests.webserver import WebServer

SUBSCRIBER = 8001
STRANGER = 8002
GROUP = -100_8003
COMMANDS = ["start", "help", "latest", "topic", "follow", "unfollow", "following", "digest",
            "settings", "time", "timezone", "stop", "breaking", "removefeed", "feeds", "stats",
            "addfeed", "nosuchcommand", "LATEST", ""]
ADMIN_URL_COMMANDS = {"addfeed", "breaking"}


class ErrorRecords(logging.Handler):
    """Keeps every ERROR record (the error handler logs "handler failed" at ERROR)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class BotThread:
    """The real application running in a thread's event loop, until `stop()`."""

    def __init__(self, fake: ForgingFakeBotAPI, web: WebServer, db_path: Path):
        self.fake = fake
        self.urls = serve_news_site(web)
        self.settings = load_settings(
            env_file=None,
            db_path=db_path,
            bot_token=fake.token,
            telegram_api_url=fake.base_url,
            admin_ids=str(ADMIN_ID),
            allow_private_hosts="127.0.0.1",
            fetch_interval=3600,
            send_rate=200,
            feeds=self.urls["feed"],
        )
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)
        self.failure: BaseException | None = None

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        # A generous limiter: the fuzzer is one fast person; throttling is tested elsewhere.
        application = build_application(self.settings, limiter=RateLimiter(burst=100_000, per_second=1e4))
        try:
            async with running(application):
                self._ready.set()
                await self._stopping.wait()
        except BaseException as exc:
            self.failure = exc
            self._ready.set()
            raise

    def start(self) -> None:
        self._thread.start()
        assert self._ready.wait(30), "the bot did not start"
        assert self.failure is None, self.failure

    def stop(self) -> None:
        if self._loop is not None and self._stopping is not None:
            self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(30)

    def settle(self, timeout: float = 10.0, quiet: float = 0.15) -> None:
        """Until every update was taken, no call is in flight and no new call came for `quiet`
        seconds (a handler between its database read and its reply makes no call)."""
        def idle() -> bool:
            busy = sum(n for method, n in self.fake.in_flight.items() if method != "getUpdates")
            return self.fake.pending_updates() == 0 and busy == 0

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.fake.wait_until(idle, timeout)
            calls = len(self.fake.calls)
            time.sleep(quiet)
            if len(self.fake.calls) == calls and idle():
                return
        raise AssertionError(f"the bot did not go quiet within {timeout}s")


@pytest.fixture(scope="module")
def fuzz_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[BotThread, ErrorRecords]]:
    if not SEED.is_file():
        pytest.skip("../shared/seed is absent")
    errors = ErrorRecords()
    logging.getLogger().addHandler(errors)
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith("GAZEBOT_"):
                patch.delenv(name)
        fake = ForgingFakeBotAPI(rate_limits=False)
        with fake, WebServer() as web:
            bot = BotThread(fake, web, tmp_path_factory.mktemp("fuzz") / "gazebot.db")
            bot.start()
            try:
                fake.wait_until(lambda: fake.count_sent() == 0 and fake.pending_updates() == 0, 10)
                for user in (SUBSCRIBER, ADMIN_ID):
                    fake.send_command(user, "/start")
                    fake.wait_for_messages(user, 1, 10)
                fake.add_bot_to_group(STRANGER, GROUP)
                bot.settle()
                yield bot, errors
            finally:
                bot.stop()
                logging.getLogger().removeHandler(errors)


def assert_all_well(bot: BotThread, errors: ErrorRecords) -> None:
    bot.settle()
    failures = [r.getMessage() for r in errors.records]
    assert failures == []
    refused = [(c.method, c.status, c.description) for c in bot.fake.calls
               if c.status != 200 and c.method != "getUpdates"
               and "not modified" not in (c.description or "")]
    assert refused == []
    assert bot.fake.internal_errors == []
    apologies = [m for m in bot.fake.sent_messages() if m.text.startswith("Sorry, something went wrong")]
    assert apologies == []


unicode_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)
long_text = st.integers(1, 4000).map(lambda n: "\u202e\x00<b>&" * (n // 7))
arguments = st.one_of(unicode_text, long_text, st.sampled_from(["", "0", "-1", "25:00", "UTC", "1e9"]))


@st.composite
def command_texts(draw: st.DrawFn) -> tuple[int, str, bool]:
    """(user, text, in the group): a command, perhaps addressed, with any argument."""
    user = draw(st.sampled_from([SUBSCRIBER, STRANGER, ADMIN_ID]))
    name = draw(st.sampled_from(COMMANDS))
    suffix = draw(st.sampled_from(["", "@gazebot_test_bot", "@other_bot"]))
    argument = draw(arguments)
    if user == ADMIN_ID and name in ADMIN_URL_COMMANDS:
        argument = "story " + argument  # never a URL: a hostname would be looked up in DNS
    text = f"/{name}{suffix} {argument}"[:4096]
    return user, text, draw(st.booleans()) and user == STRANGER


@settings(max_examples=120, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=command_texts())
def test_fuzzed_commands_never_reach_the_error_handler_and_every_reply_is_valid(
    fuzz_bot: tuple[BotThread, ErrorRecords], case: tuple[int, str, bool]
) -> None:
    bot, errors = fuzz_bot
    user, text, in_group = case
    if in_group:
        bot.fake.send_group_message(user, GROUP, text)
    else:
        bot.fake.send_command(user, text)
    assert_all_well(bot, errors)


callback_shapes = st.one_of(
    st.builds(lambda kind, n, q: f"m:{kind}:{n}:{q}", st.sampled_from(["l", "t", "x", ""]),
              st.integers(-5, 10**12), unicode_text),
    st.builds(lambda verb, n: f"b:{verb}:{n}", st.sampled_from(["send", "cancel", "nuke"]),
              st.one_of(st.integers(-3, 10**9).map(str), unicode_text)),
    st.builds(lambda name, v: f"s:{name}:{v}", st.sampled_from(["tz", "time", "breaking", "x"]),
              unicode_text),
    unicode_text,
)


def within_64_bytes(data: str) -> str:
    return data.encode()[:64].decode(errors="ignore")


@settings(max_examples=80, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(user=st.sampled_from([SUBSCRIBER, STRANGER, ADMIN_ID]), data=callback_shapes.map(within_64_bytes))
def test_fuzzed_button_data_is_always_answered_and_never_fails(
    fuzz_bot: tuple[BotThread, ErrorRecords], user: int, data: str
) -> None:
    bot, errors = fuzz_bot
    target = pressable(bot)
    answered = len(bot.fake.callback_answers)
    bot.fake.press_forged(user, target, data)
    bot.fake.wait_until(lambda: len(bot.fake.callback_answers) > answered, 10)
    assert_all_well(bot, errors)


def pressable(bot: BotThread) -> SentMessage:
    """A message of the bot's in the subscriber's chat (a fresh /latest 1 when none is left)."""
    shown = [m for m in bot.fake.sent_messages(SUBSCRIBER) if m.buttons]
    if shown:
        return shown[-1]
    before = bot.fake.count_sent(SUBSCRIBER)
    bot.fake.send_command(SUBSCRIBER, "/settings")
    return bot.fake.wait_for_messages(SUBSCRIBER, before + 1, 10)[-1]



def test_the_fuzzers_reached_the_handlers(fuzz_bot: tuple[BotThread, ErrorRecords]) -> None:
    """The runs above were not vacuous: the bot answered most commands and every press."""
    bot, _ = fuzz_bot
    assert bot.fake.count_sent() >= 80
    assert len(bot.fake.callback_answers) >= 80
    texts = {m.text.split("\n", 1)[0][:40] for m in bot.fake.sent_messages()}
    assert len(texts) >= 8  # hints, refusals, cards, settings: many kinds of answer
