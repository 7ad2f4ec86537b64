"""The fake Telegram Bot API for tests: the server, its HTML parser, and a pytest fixture."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .entities import EntityParseError, ParsedText, parse_html, utf16_len
from .server import DEFAULT_TOKEN, ApiCall, FakeBotAPI, SentMessage

__all__ = [
    "DEFAULT_TOKEN",
    "ApiCall",
    "EntityParseError",
    "FakeBotAPI",
    "ParsedText",
    "SentMessage",
    "fake_bot_api_fixture",
    "parse_html",
    "utf16_len",
]


@pytest.fixture(name="fake_bot_api")
def fake_bot_api_fixture() -> Iterator[FakeBotAPI]:
    """A running fake Bot API on 127.0.0.1 (default limits), closed after the test."""
    with FakeBotAPI() as fake:
        yield fake
