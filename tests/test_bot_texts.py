"""The bot's own messages: one-line usage hints, and hostile feed titles or user input shown
as text — every message accepted by the fake's strict Telegram HTML parser."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gazebot.bot import texts
from gazebot.models import Feed, Subscriber
from tests.fakebot import parse_html

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
HOSTILE = ['<script>alert("x")</script>', "Tom & Jerry", "&lt;b&gt;", "שלום 👋🏽 мир", "a" * 5000]


@pytest.mark.parametrize(
    "command", [c.name for c in texts.SUBSCRIBER_COMMANDS + texts.ADMIN_COMMANDS]
)
def test_every_usage_hint_is_one_valid_line(command: str) -> None:
    hint = texts.usage(command)
    shown = parse_html(hint).text
    assert "\n" not in shown
    assert shown.startswith(f"Usage: /{command}")


def test_help_parses_and_lists_admin_commands_only_for_admins() -> None:
    assert "/stats" not in parse_html(texts.help_text(is_admin=False)).text
    assert "/stats" in parse_html(texts.help_text(is_admin=True)).text


@pytest.mark.parametrize("title", HOSTILE)
def test_feed_health_shows_hostile_feed_titles_and_errors_as_text(title: str) -> None:
    feed = Feed(
        id=1,
        url="https://example.com/rss?a=1&b=<2>",
        title=title,
        etag=None,
        last_modified=None,
        last_checked_at=NOW,
        last_success_at=NOW - timedelta(hours=3),
        last_error=f"HTTP 500 <{title}>",
        consecutive_errors=2,
        next_poll_at=None,
        article_count=7,
    )
    [block] = texts.feeds_health([feed], NOW)
    shown = parse_html(block).text
    assert title in shown
    assert "https://example.com/rss?a=1&b=<2>" in shown
    assert "Last success: 3 h ago · Articles: 7" in shown
    assert "Errors in a row: 2" in shown


@given(st.text(max_size=300))
def test_user_input_quoted_back_is_always_valid_html(value: str) -> None:
    for html in (
        texts.bad_time(value),
        texts.bad_timezone(value),
        texts.no_match(value),
        texts.followed(value, added=True, topics=[value]),
        texts.unfollowed(value, removed=False),
        texts.following_list([value, value]),
        texts.bad_feed_url(value),
        texts.feed_added(value, added=True),
        texts.breaking_failed(value),
    ):
        parse_html(html)


def test_welcome_names_the_schedule() -> None:
    subscriber = Subscriber(
        chat_id=1,
        chat_type="private",
        active=True,
        timezone="Europe/Kyiv",
        digest_time="07:30",
        breaking=True,
        created_at=NOW,
        last_digest_at=None,
        next_digest_at=None,
    )
    shown = parse_html(texts.welcome(subscriber, returning=False, already=False)).text
    assert "07:30 (Europe/Kyiv)" in shown
    assert "/topic <words>" in shown


def test_control_characters_and_lone_surrogates_are_not_sent() -> None:
    shown = parse_html(texts.no_match("bad\x00\x07word\ud800")).text
    assert "\x00" not in shown
    assert "\x07" not in shown
    assert "\ud800" not in shown
