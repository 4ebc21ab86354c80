"""Shared fixtures for the Telegram tests; the harness itself lives in `harness.py`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.bot.telegram.harness import BotHarness, bot_harness, loopback_env
from tests.bot.telegram.outreach import seed


@pytest.fixture
async def harness(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[BotHarness]:
    """The Helix bot on the mini form and a fresh SQLite database, polling the emulator."""
    loopback_env(monkeypatch)
    async with bot_harness(tmp_path) as running:
        yield running


@pytest.fixture
def leaders(harness: BotHarness, tmp_path: Path) -> BotHarness:
    """The harness with leaders seeded for digests and introductions (`outreach.seed`)."""
    seed(harness, tmp_path)
    return harness
