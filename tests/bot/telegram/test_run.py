"""`helix run` as a deployer starts it (its own process, settings from the environment)."""

from __future__ import annotations

import asyncio
import io
import logging
import signal
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.telegram.app import file_url_for
from bot.telegram.handlers.errors import RedactToken
from tests.bot.telegram.harness import loopback_env
from tests.intake.forms import MINI_FORM
from tests.telegram_emulator import TelegramEmulator

ROOT = Path(__file__).resolve().parents[3]


async def test_helix_run_polls_answers_and_stops_cleanly_on_ctrl_c(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loopback_env(monkeypatch)
    async with TelegramEmulator() as emulator:
        env = {
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(ROOT),
            "NO_PROXY": "127.0.0.1,localhost",
            "HELIX_DATA_DIR": str(tmp_path / "data"),
            "HELIX_DEMO_DATA": "false",
            "HELIX_FORM": str(MINI_FORM),
            "TELEGRAM_BOT_TOKEN": emulator.token,
            "TELEGRAM_API_URL": emulator.base_url,
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            "from bot.cli import main; main()",
            "run",
            cwd=tmp_path,  # no stray .env from the checkout
            env=env,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            await emulator.wait_for(
                lambda: emulator.calls_to("getUpdates") or None, timeout=60, what="polling"
            )
            user = emulator.user(401)
            user.send_command("start")
            welcome, question = await user.replies(2, timeout=30)
            assert "Helix" in (welcome.text or "")
            assert "Welcome to the mini interview." in (question.text or "")
        finally:
            process.send_signal(signal.SIGINT)
            _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
        assert process.returncode == 0, stderr.decode()
        assert emulator.token not in stderr.decode()
    database = create_engine(f"sqlite:///{tmp_path / 'data' / 'helix.db'}")
    with database.connect() as db:
        keys = db.execute(text("select user_key from interview")).scalars().all()
    database.dispose()
    assert keys == ["tg:401"]


def test_log_redaction_scrubs_the_token_from_every_record() -> None:
    token = "123456789:AAH-secret-token-from-botfather"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactToken(token))
    logger = logging.getLogger("tests.bot.telegram.redaction")
    logger.addHandler(handler)
    try:
        logger.error("POST https://api.example.org/bot%s/sendMessage failed", token)
    finally:
        logger.removeHandler(handler)
    assert token not in stream.getvalue()
    assert "/bot<token>/sendMessage" in stream.getvalue()


@pytest.mark.parametrize(
    ("api_url", "file_url"),
    [
        ("http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/file/bot"),
        ("http://127.0.0.1:8081/bot{token}", "http://127.0.0.1:8081/file/bot{token}"),
        ("http://proxy.internal/telegram", "http://proxy.internal/telegram/file/bot"),
    ],
)
def test_the_file_url_follows_the_api_url(api_url: str, file_url: str) -> None:
    assert file_url_for(api_url) == file_url
