"""Command arguments: what a person may type, and what gets a usage hint instead."""

from __future__ import annotations

from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gazebot.bot.arguments import (
    canonical_timezone,
    command_argument,
    parse_count,
    parse_http_url,
    parse_time,
)


@pytest.mark.parametrize(
    ("text", "argument"),
    [
        ("/latest", ""),
        ("/latest 7", "7"),
        ("/topic@gazebot_bot  energy   prices ", "energy   prices"),
        ("/breaking Title line\nBody line", "Title line\nBody line"),
        ("/breaking\nTitle\nBody", "Title\nBody"),
        (None, ""),
    ],
)
def test_command_argument_keeps_inner_text(text: str | None, argument: str) -> None:
    assert command_argument(text) == argument


@pytest.mark.parametrize(
    ("argument", "count"),
    [("", 5), ("1", 1), ("20", 20), ("0", None), ("21", None), ("-1", None), ("2.5", None),
     ("x", None), ("٣", 3), ("99999999999", None)],  # Arabic-Indic 3 is a 3
)
def test_parse_count_bounds(argument: str, count: int | None) -> None:
    assert parse_count(argument, default=5, maximum=20) == count


@pytest.mark.parametrize(
    ("argument", "parsed"),
    [("07:30", time(7, 30)), ("7:30", time(7, 30)), ("23.59", time(23, 59)), ("00:00", time(0))],
)
def test_parse_time_accepts_the_24_hour_clock(argument: str, parsed: time) -> None:
    assert parse_time(argument) == parsed


@pytest.mark.parametrize("argument", ["25:00", "12:60", "noon", "", "7", "07:5", "-1:00"])
def test_parse_time_refuses_what_is_not_a_time(argument: str) -> None:
    assert parse_time(argument) is None


@pytest.mark.parametrize(
    ("argument", "zone"),
    [("Europe/Kyiv", "Europe/Kyiv"), ("europe/kyiv", "Europe/Kyiv"),
     ("America/New York", "America/New_York"), ("UTC", "UTC"), ("Mars/Olympus", None),
     ("../../etc/passwd", None), ("", None)],
)
def test_canonical_timezone_forgives_case_and_spaces(argument: str, zone: str | None) -> None:
    assert canonical_timezone(argument) == zone


@pytest.mark.parametrize(
    ("argument", "url"),
    [("https://example.com/rss", "https://example.com/rss"),
     ("ftp://example.com/feed", None), ("javascript:alert(1)", None), ("example.com", None),
     ("http:///nohost", None), ("http://a b.com", None)],
)
def test_parse_http_url_takes_only_absolute_http_urls(argument: str, url: str | None) -> None:
    assert parse_http_url(argument) == url


@given(st.text(max_size=200))
def test_parsers_never_raise_on_garbage(text: str) -> None:
    command_argument(text)
    parse_count(text, default=5, maximum=20)
    parse_time(text)
    canonical_timezone(text)
    parse_http_url(text)
