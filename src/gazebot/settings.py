"""Settings from the environment and `.env` (every name prefixed GAZEBOT_), validated at start-up."""

from __future__ import annotations

import logging
from datetime import time
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from gazebot.errors import SettingsError

ENV_PREFIX = "GAZEBOT_"


def _split_commas(value: Any) -> Any:
    """Turn 'a, b,,c' into ['a', 'b', 'c']; leave lists alone."""
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


class Settings(BaseSettings):
    """Every setting in SPEC.md, with its default."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
    )

    bot_token: SecretStr | None = None
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    db_path: Path = Path("gazebot.db")
    feeds: Annotated[tuple[str, ...], NoDecode] = ()
    telegram_api_url: str = "https://api.telegram.org/bot"
    timezone: str = "UTC"
    digest_time: time = time(8, 0)
    fetch_interval: float = Field(default=600.0, gt=0)
    send_rate: float = Field(default=25.0, gt=0)
    allow_private_hosts: Annotated[frozenset[str], NoDecode] = frozenset()
    log_level: str = "INFO"

    @field_validator("admin_ids", "feeds", "allow_private_hosts", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        return _split_commas(value)

    @field_validator("allow_private_hosts")
    @classmethod
    def _lowercase_hosts(cls, value: frozenset[str]) -> frozenset[str]:
        return frozenset(host.lower() for host in value)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (use Area/City, e.g. Europe/Kyiv)") from exc
        return value

    @field_validator("digest_time", mode="before")
    @classmethod
    def _hh_mm(cls, value: Any) -> Any:
        if isinstance(value, str):
            return parse_hh_mm(value)
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in logging.getLevelNamesMapping():
            raise ValueError(f"unknown log level {value!r} (DEBUG, INFO, WARNING, ERROR)")
        return level

    @field_validator("telegram_api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    def require_token(self) -> str:
        """The bot token, or a SettingsError naming the setting."""
        if self.bot_token is None or not self.bot_token.get_secret_value().strip():
            raise SettingsError(f"{ENV_PREFIX}BOT_TOKEN is required to run the bot (see .env.example)")
        return self.bot_token.get_secret_value().strip()


def parse_hh_mm(value: str) -> time:
    """Parse '08:00' into a time; ValueError with a readable reason otherwise."""
    hours, sep, minutes = value.strip().partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        raise ValueError(f"expected HH:MM, got {value!r}")
    hour, minute = int(hours), int(minutes)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ValueError(f"expected a time between 00:00 and 23:59, got {value!r}")
    return time(hour, minute)


def load_settings(env_file: Path | None = Path(".env"), **overrides: Any) -> Settings:
    """Read settings, turning any validation problem into one SettingsError line naming it."""
    try:
        return Settings(_env_file=env_file, **overrides)  # type: ignore[call-arg]
    except ValidationError as exc:
        error = exc.errors()[0]
        name = ENV_PREFIX + ".".join(str(part) for part in error["loc"][:1]).upper()
        message = str(error["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"{name}: {message}") from None
