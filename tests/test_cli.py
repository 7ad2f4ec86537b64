"""The `gazebot` command line as a user runs it: output shapes, counts, exit codes, one-line errors."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from gazebot.cli import ProgressLine, main
from gazebot.ingest import IngestReport
from tests.test_ingest import article_html, item, rss
from tests.webserver import WebServer

SEED = Path(__file__).resolve().parent.parent.parent / "shared" / "seed" / "000_abead91fc19a55a8.txt"
CARD_KEYS = {"title", "url", "source", "via", "language", "summary", "quotes", "figures", "topics",
             "reading_minutes"}


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A clean environment (no GAZEBOT_ variables, no .env) in a temp dir; logging restored after."""
    for name in list(os.environ):
        if name.startswith("GAZEBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GAZEBOT_DB_PATH", str(tmp_path / "cli.db"))
    monkeypatch.setenv("GAZEBOT_ALLOW_PRIVATE_HOSTS", "127.0.0.1")
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield tmp_path
    root.handlers[:] = handlers
    root.setLevel(level)


def _no_traceback(text: str) -> None:
    assert "Traceback" not in text


@pytest.mark.skipif(not SEED.is_file(), reason="../shared/seed is absent")
def test_summarize_seed_as_json_prints_a_spec_shaped_card(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["summarize", str(SEED), "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert set(card) == CARD_KEYS
    article = SEED.read_text(encoding="utf-8")
    assert card["title"] == article.splitlines()[0].strip()
    assert 2 <= len(card["summary"]) <= 3
    assert all(sentence in article for sentence in card["summary"])
    assert all(quote["text"] in article for quote in card["quotes"])
    assert all(figure["text"] in article and isinstance(figure["value"], float)
               for figure in card["figures"])
    assert isinstance(card["reading_minutes"], int)


@pytest.mark.skipif(not SEED.is_file(), reason="../shared/seed is absent")
def test_console_script_summarizes_the_seed_in_a_subprocess(cli_env: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "gazebot", "summarize", str(SEED), "--json"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert set(json.loads(done.stdout)) == CARD_KEYS


def test_summarize_prints_a_readable_card_for_an_html_file(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = cli_env / "page.html"
    page.write_text(article_html(1, title="The bridge opens"))
    assert main(["summarize", str(page)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "The bridge opens"
    assert "Valley News" in lines[1]
    assert "new bridge over the river" in out
    assert "Key quotes:" in out


def test_extract_prints_title_blank_line_and_paragraphs(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = cli_env / "page.html"
    page.write_text(article_html(2, title="Paragraph check"))
    assert main(["extract", str(page)]) == 0
    title, blank, *paragraphs = capsys.readouterr().out.rstrip("\n").split("\n")
    assert (title, blank) == ("Paragraph check", "")
    assert len(paragraphs) == 4
    assert paragraphs[0].startswith("Officials in the northern region")
    assert not any("Home" in p or "Copyright" in p for p in paragraphs)


def test_run_without_a_token_refuses_in_one_line(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("gazebot: GAZEBOT_BOT_TOKEN")


def test_bad_setting_is_one_line_naming_it(
    cli_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GAZEBOT_FETCH_INTERVAL", "soon")
    assert main(["ingest"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gazebot: GAZEBOT_FETCH_INTERVAL")
    assert err.count("\n") == 1


def test_missing_file_and_refused_url_are_one_line_errors(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["summarize", str(cli_env / "missing.txt")]) == 1
    assert main(["extract", "http://10.0.0.1/admin"]) == 1
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("gazebot: cannot read")
    assert "refused http://10.0.0.1/admin" in lines[1]
    _no_traceback(err)


def test_ingest_sources_prints_counts_and_second_run_finds_duplicates(
    cli_env: Path, webserver: WebServer, capsys: pytest.CaptureFixture[str]
) -> None:
    links = [webserver.add_page(f"/news/{n}", article_html(n)) for n in range(2)]
    feed = webserver.add_feed("/feed.xml", rss([item(link, guid=link) for link in links]))
    text_file = cli_env / "story.txt"
    text_file.write_text("A local story\nIt has one paragraph of text about the valley bridge.\n")

    assert main(["ingest", feed, str(text_file)]) == 0
    assert capsys.readouterr().out.strip() == "new 3, duplicate 0, failed 0"
    assert main(["ingest", feed]) == 0
    assert capsys.readouterr().out.strip() == "new 0, duplicate 2, failed 0"


def test_ingest_configured_feeds_records_health(
    cli_env: Path, webserver: WebServer, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    link = webserver.add_page("/news/1", article_html(1))
    good = webserver.add_feed("/good.xml", rss([item(link)]))
    broken = webserver.status("/broken.xml", 503)
    monkeypatch.setenv("GAZEBOT_FEEDS", f"{good},{broken}")

    assert main(["ingest"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == "new 1, duplicate 0, failed 1"
    assert f"gazebot: {broken}: HTTP 503" in captured.err
    assert "\r[" not in captured.err  # no progress bar when stderr is not a terminal


def test_ingest_without_feeds_says_how_to_configure(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest"]) == 2
    assert "GAZEBOT_FEEDS" in capsys.readouterr().err


def test_ingest_where_every_source_fails_exits_non_zero(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest", str(cli_env / "nope.html")]) == 1
    assert capsys.readouterr().out.strip() == "new 0, duplicate 0, failed 1"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_line_draws_only_on_a_terminal() -> None:
    terminal, pipe = _Terminal(), io.StringIO()
    report = IngestReport(new=3, duplicate=1, failed=1)
    for stream in (terminal, pipe):
        line = ProgressLine(stream, "feeds")
        line.update(report, 1, 2)
        line.update(report, 2, 2)
        line.close()
    assert pipe.getvalue() == ""
    drawn = terminal.getvalue()
    assert drawn.count("\r") == 2
    assert "[" + "#" * 24 + "] 2/2 feeds  new 3  duplicate 1  failed 1" in drawn
    assert drawn.endswith("\n")


def test_digest_on_an_empty_database_exits_cleanly(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["digest", "--json"]) == 0
    assert "messages" in json.loads(capsys.readouterr().out)
