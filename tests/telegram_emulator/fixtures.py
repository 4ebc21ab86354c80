"""pytest fixtures for tests that talk to the emulator.

Import them into a conftest.py (`from tests.telegram_emulator.fixtures import emulator, ...`).
Each test gets its own server on a free loopback port, stopped at teardown; httpx is told to
bypass any proxy for loopback so a CI proxy setting cannot intercept the calls.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.telegram_emulator.emulator import TelegramEmulator
from tests.telegram_emulator.ptb import application_builder


@pytest.fixture
async def emulator(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[TelegramEmulator]:
    """A started emulator with the default token; stopped (and its polls released) afterwards."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    async with TelegramEmulator() as started:
        yield started


@pytest.fixture
def app_builder(emulator: TelegramEmulator) -> Any:
    """A PTB ApplicationBuilder already pointed at `emulator`; add settings, then `.build()`."""
    return application_builder(emulator)
