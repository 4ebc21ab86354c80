"""`helix run` as a deployer starts it: a separate process, settings from the environment."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.telegram.bot_helpers import MINI_FORM, loopback_env
from tests.telegram_emulator import TelegramEmulator

ROOT = Path(__file__).resolve().parents[2]


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
