"""The `gazebot` console script: run, ingest, summarize, extract, digest.

Every GazebotError ends the command with one line `gazebot: <message>` on stderr and a non-zero
exit status (2 for a bad setting or usage, 1 otherwise), never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from gazebot import __version__
from gazebot.analysis import Card
from gazebot.clock import SystemClock
from gazebot.errors import GazebotError, SettingsError, SourceError
from gazebot.extract import ExtractedArticle, extract_article
from gazebot.fetch import Expect, Fetcher, build_client
from gazebot.ingest import (
    Ingestor,
    IngestReport,
    build_article,
    split_text_document,
)
from gazebot.logs import configure_logging
from gazebot.settings import Settings, load_settings
from gazebot.store import Store
from gazebot.urls import canonical_url

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
_BAR_WIDTH = 24


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gazebot",
        description="A Telegram news-digest bot: feeds in, short cards with quotes and figures out.",
    )
    parser.add_argument("--version", action="version", version=f"gazebot {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("run", help="run the bot until SIGINT/SIGTERM")
    ingest = commands.add_parser(
        "ingest", help="one pass over the configured feeds, or the given sources"
    )
    ingest.add_argument(
        "sources", nargs="*", metavar="SOURCE", help="feed URL, article URL or local file"
    )
    summarize = commands.add_parser("summarize", help="the card for one article")
    summarize.add_argument("source", metavar="SOURCE", help="article URL, HTML file or text file")
    summarize.add_argument("--json", action="store_true", help="print the card as JSON")
    extract = commands.add_parser("extract", help="the article text gazebot extracts")
    extract.add_argument("source", metavar="SOURCE", help="article URL or HTML file")
    digest = commands.add_parser("digest", help="the digest that would be sent now")
    digest.add_argument("--chat", type=int, metavar="ID", help="for this chat id")
    digest.add_argument("--json", action="store_true", help="print the messages as JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        return _dispatch(args, settings)
    except SettingsError as exc:
        print(f"gazebot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except GazebotError as exc:
        print(f"gazebot: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("gazebot: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "run":
        return _run(settings)
    configure_logging(settings.log_level)
    if args.command == "ingest":
        return asyncio.run(_ingest(settings, list(args.sources)))
    if args.command == "summarize":
        card = asyncio.run(_summarize(settings, args.source))
        print(json.dumps(card.to_dict(), ensure_ascii=False, indent=2) if args.json else format_card(card))
        return EXIT_OK
    if args.command == "extract":
        article = asyncio.run(_extract(settings, args.source))
        print(f"{article.title}\n\n{article.text}")
        return EXIT_OK
    if args.command == "digest":
        from gazebot.delivery import cli_digest  # noqa: PLC0415 - only this command needs the bot stack

        return cli_digest(settings, args.chat, args.json)
    raise SettingsError(f"unknown command {args.command!r}")  # argparse rules this out


def _run(settings: Settings) -> int:
    settings.require_token()  # one clear line naming GAZEBOT_BOT_TOKEN, before anything starts
    from gazebot.app import main as run_bot  # noqa: PLC0415 - the bot stack loads only for `run`

    return run_bot(settings)


# -- ingest -----------------------------------------------------------------------------------------


class ProgressLine:
    """A one-line progress bar redrawn with \\r, only when the stream is a terminal."""

    def __init__(self, stream: TextIO, label: str):
        self._stream = stream
        self._label = label
        self._enabled = stream.isatty()
        self._drawn = False

    def update(self, report: IngestReport, done: int, total: int) -> None:
        if not self._enabled:
            return
        filled = _BAR_WIDTH * done // total if total else _BAR_WIDTH
        bar = "#" * filled + "." * (_BAR_WIDTH - filled)
        self._stream.write(
            f"\r[{bar}] {done}/{total} {self._label}  new {report.new}  "
            f"duplicate {report.duplicate}  failed {report.failed + report.feeds_failed}"
        )
        self._stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self._stream.write("\n")
            self._stream.flush()


async def _ingest(settings: Settings, sources: list[str]) -> int:
    store = await Store.open(settings.db_path)
    try:
        async with build_client(settings) as client:
            ingestor = Ingestor(store, client, settings, SystemClock())
            if sources:
                report = await _ingest_sources(ingestor, sources)
            else:
                await ingestor.add_configured_feeds(canonical_url(url) for url in settings.feeds)
                feeds = await store.feeds.all()
                if not feeds:
                    raise SettingsError(
                        "no feeds configured: set GAZEBOT_FEEDS or give sources "
                        "(gazebot ingest URL|FILE ...)"
                    )
                progress = ProgressLine(sys.stderr, "feeds")
                try:
                    report = await ingestor.poll_feeds(feeds, progress.update)
                finally:
                    progress.close()
    finally:
        await store.close()
    for error in report.errors:
        print(f"gazebot: {error}", file=sys.stderr)
    print(
        f"new {report.new}, duplicate {report.duplicate}, "
        f"failed {report.failed + report.feeds_failed}"
    )
    succeeded = report.new + report.duplicate + report.feeds_polled - report.feeds_failed
    return EXIT_FAILURE if succeeded == 0 and (report.failed or report.feeds_failed) else EXIT_OK


async def _ingest_sources(ingestor: Ingestor, sources: list[str]) -> IngestReport:
    total = IngestReport()
    progress = ProgressLine(sys.stderr, "sources")
    try:
        for done, source in enumerate(sources, start=1):
            total.merge(await ingestor.ingest_source(source))
            progress.update(total, done, len(sources))
    finally:
        progress.close()
    return total


# -- summarize / extract ----------------------------------------------------------------------------


def _is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


async def _read_source(settings: Settings, source: str) -> tuple[bytes, str]:
    """The bytes of a URL (fetched through the guarded client) or a local file, and its URL
    ('' for a local file: it has no public address)."""
    if _is_url(source):
        async with build_client(settings) as client:
            page = await Fetcher(client).get(source, expect=Expect.PAGE)
        return page.content, canonical_url(source)
    try:
        return await asyncio.to_thread(Path(source).read_bytes), ""
    except OSError as exc:
        raise SourceError(f"cannot read {source}: {exc.strerror or exc}") from exc


def _is_html_source(source: str, data: bytes) -> bool:
    if _is_url(source) or source.lower().endswith((".html", ".htm", ".xhtml")):
        return True
    opening = data[:1024].lstrip().lower()
    return opening.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


async def _extract(settings: Settings, source: str) -> ExtractedArticle:
    data, url = await _read_source(settings, source)
    if _is_html_source(source, data):
        return extract_article(data, url)
    title, text = split_text_document(data.decode("utf-8-sig", errors="replace"))
    return ExtractedArticle(
        title=title, text=text, published=None, site_name=None, language=None, canonical_url=None
    )


async def _summarize(settings: Settings, source: str) -> Card:
    data, url = await _read_source(settings, source)
    if _is_html_source(source, data):
        page = extract_article(data, url)
        title, text, site, language = page.title, page.text, page.site_name, page.language
    else:
        title, text = split_text_document(data.decode("utf-8-sig", errors="replace"))
        site = language = None
    article = build_article(
        url=url, title=title, text=text, published=None, source=site, language=language,
        feed_id=None,
    )
    card = article.card
    return replace(card, source=site) if site and not card.source else card


def format_card(card: Card) -> str:
    """The card for a person reading a terminal."""
    lines = [card.title or "(untitled)"]
    origin = " · ".join(
        part
        for part in (card.source, f"via {card.via}" if card.via else None,
                     f"{card.reading_minutes} min read")
        if part
    )
    lines.append(origin)
    if card.url:
        lines.append(card.url)
    lines.append("")
    lines.extend(card.summary)
    if card.figures:
        lines += ["", "Key figures:"] + [f"  • {figure.text}" for figure in card.figures[:5]]
    if card.quotes:
        lines += ["", "Key quotes:"] + [
            f"  “{quote.text}”" + (f" — {quote.speaker}" if quote.speaker else "")
            for quote in card.quotes[:3]
        ]
    if card.topics:
        lines += ["", "Topics: " + ", ".join(card.topics)]
    return "\n".join(lines)
