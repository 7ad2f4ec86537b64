"""gazebot's real application against the fake Bot API and a local news site, for bot tests.

The application is built by `gazebot.app.build_application` and run with `gazebot.app.running`
(initialize → post_init → polling → start, the order `run_polling` uses) inside the test's event
loop; tests play users through the fake and read what the bot sent.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import pytest

from gazebot.app import AppType, build_application, running, runtime_of
from gazebot.settings import Settings
from gazebot.store import Store
from tests.fakebot import FakeBotAPI, SentMessage
from tests.webserver import WebServer

ADMIN_ID = 1001
SEED = Path(__file__).resolve().parent.parent.parent / "shared" / "seed" / "000_abead91fc19a55a8.txt"

OTHER_STORIES = {
    "grid-repairs": (
        "Engineers restore power to Kharkiv after overnight strikes",
        [
            "Engineers restored electricity to most districts of Kharkiv on Tuesday after "
            "overnight drone strikes damaged two substations, the regional administration said.",
            "About 40,000 households were without power at the peak of the outage, and crews "
            "worked through the night in freezing temperatures.",
            "\u201cWe will keep the lights on whatever they send at us,\u201d said Oleh Syniehubov, "
            "the head of the regional military administration.",
            "The grid operator said repairs would take up to three days in the worst-hit areas.",
        ],
    ),
    "grain-exports": (
        "Grain exports through Black Sea ports rise for a third month",
        [
            "Ukraine exported 4.2 million tonnes of grain through its Black Sea ports in October, "
            "the agriculture ministry said, the third monthly rise in a row.",
            "Traders said insurance costs had fallen as attacks on shipping eased, and that 120 "
            "ships had called at Odesa-area ports during the month.",
            "\u201cThe corridor is working, and the world can count on Ukrainian grain,\u201d "
            "said Taras Vysotskyi, the first deputy agriculture minister.",
        ],
    ),
}


def seed_title_and_paragraphs() -> tuple[str, list[str]]:
    lines = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    return lines[0], lines[1:]


def article_page(title: str, paragraphs: list[str], *, site: str = "The Gaze") -> str:
    """A news page as sites serve them: head metadata, site furniture, the article."""
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(title)} | {escape(site)}</title>
<meta property="og:title" content="{escape(title)}">
<meta property="og:site_name" content="{escape(site)}">
<meta property="article:published_time" content="2025-11-21T10:00:00+00:00">
</head><body>
<header><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/about">About us</a></nav></header>
<main><article><h1>{escape(title)}</h1>
{body}
</article></main>
<footer><p>&copy; {escape(site)}. All rights reserved.</p></footer>
</body></html>"""


def rss(items: list[tuple[str, str, str]]) -> str:
    """An RSS 2.0 feed of (title, link, description) items."""
    entries = "\n".join(
        f"<item><title>{escape(t)}</title><link>{escape(link)}</link>"
        f"<guid>{escape(link)}</guid><description>{escape(d)}</description>"
        f"<pubDate>Fri, 21 Nov 2025 10:0{i}:00 GMT</pubDate></item>"
        for i, (t, link, d) in enumerate(items)
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>The Gaze</title><link>http://127.0.0.1/</link>
<description>News</description>
{entries}
</channel></rss>"""


def serve_news_site(web: WebServer) -> dict[str, str]:
    """Pages for the seed article and the other stories, and a feed listing them; their URLs
    by slug ("seed" for the seed article), plus "feed"."""
    if not SEED.is_file():
        pytest.skip("../shared/seed is absent")
    urls: dict[str, str] = {}
    title, paragraphs = seed_title_and_paragraphs()
    urls["seed"] = web.add_page("/news/zelenskyy-kupyansk", article_page(title, paragraphs))
    items = [(title, urls["seed"], paragraphs[0])]
    for slug, (story_title, story_paragraphs) in OTHER_STORIES.items():
        urls[slug] = web.add_page(f"/news/{slug}", article_page(story_title, story_paragraphs))
        items.append((story_title, urls[slug], story_paragraphs[0]))
    urls["feed"] = web.add_feed("/rss.xml", rss(items))
    return urls


@dataclass
class BotUnderTest:
    """The running application, the fake Telegram it talks to, and the news site."""

    app: AppType
    fake: FakeBotAPI
    web: WebServer
    settings: Settings
    urls: dict[str, str]

    @property
    def store(self) -> Store:
        store = runtime_of(self.app).store
        assert store is not None
        return store

    async def send(
        self, user_id: int, text: str, *, expect: int = 1, within: float = 10.0
    ) -> list[SentMessage]:
        """The user sends `text`; wait for `expect` new bot messages in their chat and return
        the new ones."""
        before = len(self.fake.sent_messages(user_id))
        if text.startswith("/"):
            self.fake.send_command(user_id, text)
        else:
            self.fake.send_text(user_id, text)
        found = await self.fake.wait_for_messages_async(user_id, before + expect, within)
        return found[before:]

    async def press(
        self, user_id: int, message: SentMessage, data: str, *, expect: int = 0, within: float = 10.0
    ) -> list[SentMessage]:
        """The user presses a button; wait until the press is answered, and then for `expect`
        new messages (or, with `expect=0`, for the pressed message to change); return the
        chat's messages from the pressed one on, edits applied."""
        before = len(self.fake.sent_messages(user_id))
        answered = len(self.fake.callback_answers)
        shown = (message.text, message.reply_markup)
        self.fake.press_button(user_id, message, data)
        await self.fake.wait_until_async(lambda: len(self.fake.callback_answers) > answered, within)
        if expect == 0:
            await self.fake.wait_until_async(
                lambda: self._current(message) != shown, within, lambda: "message not edited"
            )
        found = await self.fake.wait_for_messages_async(user_id, before + expect, within)
        index = next(i for i, m in enumerate(found) if m.message_id == message.message_id)
        return found[index:]

    def _current(self, message: SentMessage) -> tuple[str, object]:
        for current in self.fake.sent_messages(message.chat_id):
            if current.message_id == message.message_id:
                return current.text, current.reply_markup
        return "", None

    async def quiet(self, seconds: float = 0.5) -> None:
        """Let in-flight updates finish (for asserting that nothing more arrives)."""
        await asyncio.sleep(seconds)

    async def wait_for_articles(self, count: int, within: float = 30.0) -> None:
        """Until the feed poll has stored `count` articles."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while await self.store.articles.count() < count:
            if loop.time() > deadline:
                found = await self.store.articles.count()
                raise AssertionError(f"{found} articles stored within {within}s, wanted {count}")
            await asyncio.sleep(0.05)


async def eventually(
    read: Callable[[], Awaitable[object]], expected: object, within: float = 5.0
) -> None:
    """Until `await read()` equals `expected` (state the bot changes as it handles an update)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        value = await read()
        if value == expected:
            return
        assert loop.time() < deadline, f"still {value!r}, wanted {expected!r}"
        await asyncio.sleep(0.05)


def bot_settings(
    make_settings: Callable[..., Settings], fake: FakeBotAPI, **overrides: Any
) -> Settings:
    """Settings pointing the bot at the fake and letting it fetch from 127.0.0.1."""
    values: dict[str, Any] = {
        "bot_token": fake.token,
        "telegram_api_url": fake.base_url,
        "admin_ids": str(ADMIN_ID),
        "allow_private_hosts": "127.0.0.1",
        "fetch_interval": 3600,
        "send_rate": 200,
    }
    values.update(overrides)
    return make_settings(**values)


@asynccontextmanager
async def running_bot(
    make_settings: Callable[..., Settings], *, with_feed: bool = True, **overrides: Any
) -> AsyncIterator[BotUnderTest]:
    """The fake Telegram, the news site (its feed configured unless `with_feed` is False) and
    the real application started against them; all stopped cleanly afterwards."""
    with FakeBotAPI() as fake, WebServer() as web:
        urls = serve_news_site(web)
        if with_feed:
            overrides.setdefault("feeds", urls["feed"])
        settings = bot_settings(make_settings, fake, **overrides)
        application = build_application(settings)
        async with running(application):
            yield BotUnderTest(application, fake, web, settings, urls)


async def break_articles_table(db_path: Path) -> None:
    """Another process renames the articles table away: every read of it now fails.

    Runs in a thread: the bot's own writes await this event loop, so blocking it here could hold
    their lock until this connection gave up as "database is locked"."""

    def rename() -> None:
        with closing(sqlite3.connect(db_path, timeout=30, isolation_level=None)) as conn:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ALTER TABLE articles RENAME TO articles_elsewhere")
            conn.execute("COMMIT")

    await asyncio.to_thread(rename)
