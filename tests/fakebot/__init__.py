"""The fake Telegram Bot API for tests: the server, its HTML parser, and a pytest fixture.

Typical use from an async test (the fixture starts the server on 127.0.0.1 and closes it)::

    app = Application.builder().token(fake_bot_api.token).base_url(fake_bot_api.base_url).build()
    ...start the app with long polling...
    before = fake_bot_api.count_sent(7)
    fake_bot_api.send_command(7, "/latest 3")            # user 7, private chat 7
    messages = await fake_bot_api.wait_for_messages_async(7, before + 1)
    fake_bot_api.press_button(7, messages[-1], "m:l:5:")  # a callback_query on that message
    fake_bot_api.block_bot(7)                            # 403 from now on + my_chat_member update

Limits (``set_limits``) and faults (``fail_next``, ``hang_next``, ``fail_randomly``,
``block_chat``, ``deactivate_user``, ``chat_not_found``, ``migrate_chat``) are set per test;
``calls``, ``method_counts`` and ``rate_limited`` tell what the bot did.
"""

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
