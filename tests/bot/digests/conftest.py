"""Fixtures for the delivery tests: the emulator, loopback without proxies, PTB's timedelta."""

from __future__ import annotations

import pytest

from tests.bot.telegram.harness import loopback_env
from tests.telegram_emulator.fixtures import emulator

__all__ = ["emulator"]


@pytest.fixture(autouse=True)
def _loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    loopback_env(monkeypatch)
