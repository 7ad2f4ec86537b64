"""Command arguments from untrusted text → typed values, or None with the handler giving a hint."""

from __future__ import annotations

from datetime import time
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import available_timezones

from gazebot.settings import parse_hh_mm

MAX_ARGUMENT_CHARS = 4096


def command_argument(text: str | None) -> str:
    """Everything after the command word, inner newlines kept ("/breaking Title\\nBody")."""
    if not text:
        return ""
    parts = text.strip().split(maxsplit=1)
    return parts[1].strip() if len(parts) == 2 else ""


def parse_count(argument: str, *, default: int, maximum: int) -> int | None:
    """'/latest [n]': n in 1..maximum, the default when absent, None when it is not that."""
    if not argument:
        return default
    if not argument.isdecimal() or len(argument) > 4:
        return None
    count = int(argument)
    return count if 1 <= count <= maximum else None


def parse_time(argument: str) -> time | None:
    """'HH:MM' (also 'H:MM' and 'HH.MM') on the 24-hour clock, or None."""
    try:
        return parse_hh_mm(argument.replace(".", ":"))
    except ValueError:
        return None


@lru_cache(maxsize=1)
def _zones_by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


def canonical_timezone(argument: str) -> str | None:
    """An IANA time zone name, case and spaces forgiven ("europe/kyiv", "America/New York")."""
    name = argument.strip().replace(" ", "_")
    if not name or len(name) > 64:
        return None
    return _zones_by_folded_name().get(name.casefold())


def parse_http_url(argument: str) -> str | None:
    """An absolute http(s) URL with a host, or None."""
    candidate = argument.strip()
    if not candidate or any(char.isspace() for char in candidate) or len(candidate) > 2048:
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    return candidate
