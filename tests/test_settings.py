"""Settings: defaults from SPEC.md, comma lists, and one clear line naming a bad setting."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Any

import pytest

from gazebot.errors import SettingsError
from gazebot.settings import load_settings, parse_hh_mm


def test_defaults_match_the_spec(make_settings: Any) -> None:
    settings = make_settings(db_path=Path("gazebot.db"))
    assert settings.bot_token is None
    assert settings.admin_ids == frozenset()
    assert settings.db_path == Path("gazebot.db")
    assert settings.feeds == ()
    assert settings.telegram_api_url == "https://api.telegram.org/bot"
    assert settings.timezone == "UTC"
    assert settings.digest_time == time(8, 0)
    assert settings.fetch_interval == 600
    assert settings.send_rate == 25
    assert settings.allow_private_hosts == frozenset()
    assert settings.log_level == "INFO"


def test_comma_separated_lists_are_read_from_the_environment(
    make_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GAZEBOT_ADMIN_IDS", "42, 7,,")
    monkeypatch.setenv("GAZEBOT_FEEDS", "https://a.example/rss,https://b.example/atom")
    monkeypatch.setenv("GAZEBOT_ALLOW_PRIVATE_HOSTS", "LocalHost,127.0.0.1")
    settings = make_settings()
    assert settings.admin_ids == frozenset({42, 7})
    assert settings.feeds == ("https://a.example/rss", "https://b.example/atom")
    assert settings.allow_private_hosts == frozenset({"localhost", "127.0.0.1"})


def test_dotenv_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GAZEBOT_TIMEZONE", "GAZEBOT_DIGEST_TIME"):
        monkeypatch.delenv(name, raising=False)
    env_file = tmp_path / ".env"
    env_file.write_text("GAZEBOT_TIMEZONE=Europe/Kyiv\nGAZEBOT_DIGEST_TIME=07:30\n")
    settings = load_settings(env_file=env_file)
    assert settings.timezone == "Europe/Kyiv"
    assert settings.digest_time == time(7, 30)


@pytest.mark.parametrize(
    ("name", "value", "expected_words"),
    [
        ("GAZEBOT_DIGEST_TIME", "25:00", "between 00:00 and 23:59"),
        ("GAZEBOT_DIGEST_TIME", "eight", "HH:MM"),
        ("GAZEBOT_TIMEZONE", "Mars/Olympus", "unknown time zone"),
        ("GAZEBOT_ADMIN_IDS", "12,abc", "integer"),
        ("GAZEBOT_SEND_RATE", "0", "greater than 0"),
        ("GAZEBOT_FETCH_INTERVAL", "soon", "number"),
        ("GAZEBOT_LOG_LEVEL", "LOUD", "unknown log level"),
        ("GAZEBOT_TELEGRAM_API_URL", "ftp://x", "http"),
    ],
)
def test_a_malformed_setting_is_named_in_one_line(
    make_settings: Any, monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected_words: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        make_settings()
    message = str(raised.value)
    assert message.startswith(name + ":")
    assert expected_words in message
    assert "\n" not in message


def test_running_without_a_token_is_refused_by_name(make_settings: Any) -> None:
    with pytest.raises(SettingsError, match="GAZEBOT_BOT_TOKEN"):
        make_settings().require_token()


def test_the_token_is_never_shown_in_the_settings_repr(make_settings: Any) -> None:
    settings = make_settings(bot_token="123456:SECRET-token")
    assert "SECRET" not in repr(settings)
    assert "SECRET" not in str(settings)
    assert settings.require_token() == "123456:SECRET-token"


@pytest.mark.parametrize("text", ["24:00", "7:5", "", "12:60", "-1:00", "ab:cd"])
def test_parse_hh_mm_rejects_what_is_not_a_clock_time(text: str) -> None:
    with pytest.raises(ValueError, match="expected"):
        parse_hh_mm(text)


def test_parse_hh_mm_accepts_single_digit_hours() -> None:
    assert parse_hh_mm("7:05") == time(7, 5)
