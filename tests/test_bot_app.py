"""`gazebot run` as an operator starts it: long polling against the (fake) Bot API until SIGTERM,
then a clean exit; without a token it refuses in one line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from gazebot.app import build_application
from gazebot.errors import SettingsError
from gazebot.settings import Settings
from tests.fakebot import FakeBotAPI


def _environment(tmp_path: Path, **values: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("GAZEBOT_")}
    env.update({"GAZEBOT_DB_PATH": str(tmp_path / "run.db"), **values})
    return env


def _wait(predicate: Callable[[], object], within: float) -> None:
    deadline = time.monotonic() + within
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def test_gazebot_run_answers_then_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    with FakeBotAPI() as fake:
        env = _environment(
            tmp_path,
            GAZEBOT_BOT_TOKEN=fake.token,
            GAZEBOT_TELEGRAM_API_URL=fake.base_url,
            GAZEBOT_LOG_LEVEL="INFO",
        )
        process = subprocess.Popen(
            [sys.executable, "-m", "gazebot", "run"],
            cwd=tmp_path,  # no .env from the developer's checkout
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            _wait(fake.published_commands, within=30)
            fake.send_command(7, "/start")
            fake.wait_for_messages(7, 1, timeout=20)
            # the Docker HEALTHCHECK reads this file: the running bot keeps it fresh
            _wait((tmp_path / "run.db.heartbeat").exists, within=10)
            process.send_signal(signal.SIGTERM)
            _, stderr = process.communicate(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
    assert process.returncode == 0, stderr
    assert "gazebot stopped" in stderr
    assert "Traceback" not in stderr
    assert fake.token not in stderr
    assert fake.token.split(":", 1)[1] not in stderr


def test_gazebot_run_without_a_token_refuses_in_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gazebot", "run"],
        cwd=tmp_path,
        env=_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "GAZEBOT_BOT_TOKEN" in lines[0]


def test_build_application_needs_a_token(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings()
    with pytest.raises(SettingsError, match="GAZEBOT_BOT_TOKEN"):
        build_application(settings)
