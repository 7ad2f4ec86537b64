"""Logs never show the bot token, even inside URLs and tracebacks."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from gazebot.logs import REDACTED, configure_logging, redact

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def test_a_known_secret_and_token_shaped_text_are_redacted() -> None:
    text = f"POST https://api.telegram.org/bot{TOKEN}/getUpdates and 98765:{'x' * 35}"
    cleaned = redact(text, [TOKEN])
    assert TOKEN not in cleaned
    assert "x" * 35 not in cleaned
    assert cleaned.count(REDACTED) == 2


def test_ordinary_numbers_with_colons_are_kept() -> None:
    assert redact("at 12:30 we had 1,000:2 odds") == "at 12:30 we had 1,000:2 odds"


@pytest.fixture
def restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.usefixtures("restore_root_logger")
def test_configured_logging_redacts_messages_arguments_and_tracebacks() -> None:
    stream = io.StringIO()
    configure_logging("INFO", [TOKEN], stream=stream)
    log = logging.getLogger("gazebot.test")
    log.info("calling %s", f"https://api.telegram.org/bot{TOKEN}/sendMessage")
    try:
        raise RuntimeError(f"failed https://api.telegram.org/bot{TOKEN}/getMe")
    except RuntimeError:
        log.exception("request failed")
    err = stream.getvalue()
    assert "calling https://api.telegram.org/bot" in err
    assert "RuntimeError" in err
    assert TOKEN not in err
    assert "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" not in err
