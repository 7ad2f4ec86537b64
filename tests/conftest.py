"""Fixtures shared by the whole suite: a real SQLite store in a temp dir, settings, corpora."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from gazebot.settings import Settings, load_settings
from gazebot.store import Store
from tests.fakebot import fake_bot_api_fixture  # noqa: F401 - registers `fake_bot_api`
from tests.webserver import webserver  # noqa: F401 - registers `webserver`

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CORPORA = PROJECT_ROOT.parent / "shared" / "corpora"
SEED_ARTICLE = PROJECT_ROOT.parent / "shared" / "seed" / "000_abead91fc19a55a8.txt"


@pytest.fixture
def corpora() -> Path:
    """The shared evaluation corpora; tests that need them skip when they are absent."""
    if not CORPORA.is_dir():
        pytest.skip("../shared/corpora is absent")
    return CORPORA


@pytest.fixture
def seed_text() -> str:
    """The seed article (first line title, then paragraphs)."""
    if not SEED_ARTICLE.is_file():
        pytest.skip("../shared/seed is absent")
    return SEED_ARTICLE.read_text(encoding="utf-8")


@pytest.fixture
def make_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Build Settings as the app would, isolated from the developer's real environment."""
    for name in list(os.environ):
        if name.startswith("GAZEBOT_"):
            monkeypatch.delenv(name)

    def build(**overrides: Any) -> Settings:
        overrides.setdefault("db_path", tmp_path / "gazebot.db")
        return load_settings(env_file=None, **overrides)

    return build


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    """A real SQLite store in a temp dir, closed after the test."""
    opened = await Store.open(tmp_path / "store.db")
    try:
        yield opened
    finally:
        await opened.close()
