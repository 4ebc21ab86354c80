"""Running the real Helix bot against the Telegram emulator, for the tests here and the benchmark.

`BotHarness` owns one database (SQLite in a temporary folder), the services on it, and the
running Application, which long-polls the emulator over real HTTP exactly as in production.
`restart()` replaces the Application and the services with new ones on the same database, which
is what a deploy or a crash does. The knowledge base is the packaged concept documents in
keyword-only mode: the same answers code path without loading the embedding model.

Tests read the bot's screens through the emulator (what a user sees) and peek at the engine's
current prompt only to decide what a scripted user should answer next (`autopilot_step`).
"""

from __future__ import annotations

import asyncio
import datetime as dtm
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from bot.services import Services, open_services
from bot.settings import Settings, load_settings
from bot.telegram.app import build_application
from bot.telegram.context import HelixApp
from intake.engine import render
from intake.engine.prompt import Prompt
from intake.engine.state import InterviewState
from knowledge.base import KnowledgeBase
from knowledge.chunking import chunk_documents
from knowledge.config import KnowledgeConfig
from knowledge.documents import load_documents
from tests.intake.forms import MINI_FORM
from tests.telegram_emulator import BotMessage, SimulatedUser, TelegramEmulator
from tests.telegram_emulator.ptb import EmulatedApplication

ADMIN_ID = 900_001
#: Typed answers that satisfy the fixture form's and the packaged form's constraints.
TYPED_ANSWERS = {
    "text": "Acme Commons",
    "long_text": "We bring farmers and cities together around soil and water.",
    "integer": "12",
    "decimal": "1.5",
    "year": "2019",
    "url": "example.org",
    "list": "soil; water",
}


def loopback_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy for loopback (a CI proxy must not intercept the emulator); PTB's future
    `retry_after` type now, which `helix run` also opts into (silences a deprecation warning)."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@cache
def keyword_knowledge() -> KnowledgeBase:
    """The packaged documents, keyword search only (shared; cheap to query, never closed)."""
    config = KnowledgeConfig()
    return KnowledgeBase(config, chunk_documents(load_documents(config.docs_dir).documents))


def make_settings(emulator: TelegramEmulator, data_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "telegram_bot_token": emulator.token,
        "telegram_api_url": emulator.base_url,
        "demo_data": False,
        "form_path": MINI_FORM,
        "admin_ids": [ADMIN_ID],
    }
    return load_settings(**(values | overrides))


def open_test_services(settings: Settings, knowledge: KnowledgeBase | None) -> Services:
    services = open_services(settings)
    if knowledge is not None:
        services.provide_knowledge(knowledge)  # shared between tests: close() leaves it open
    return services


def close_test_services(services: Services) -> None:
    services.close()


@asynccontextmanager
async def serving(app: HelixApp, *, poll_timeout: float = 1.0) -> AsyncIterator[HelixApp]:
    """Start `app` the way `run_polling` does (post_init before polling), stop it likewise."""
    async with app:
        if app.post_init is not None:
            await app.post_init(app)
        assert app.updater is not None
        await app.updater.start_polling(
            poll_interval=0, timeout=dtm.timedelta(seconds=poll_timeout)
        )
        await app.start()
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
    if app.post_shutdown is not None:
        await app.post_shutdown(app)


@dataclass
class BotHarness:
    """The emulator, one database, and the Helix bot running against both."""

    emulator: TelegramEmulator
    settings: Settings
    knowledge: KnowledgeBase | None = None
    rate_limit: float = 1000.0
    services: Services | None = None
    app: HelixApp | None = None
    _stack: list[Any] = field(default_factory=list)

    async def start(self) -> BotHarness:
        self.services = await asyncio.to_thread(open_test_services, self.settings, self.knowledge)
        self.app = build_application(
            self.settings,
            self.services,
            rate_limit=self.rate_limit,
            retry_backoff=0.01,
            application_class=EmulatedApplication,
            application_kwargs={"emulator": self.emulator},
        )
        serve = serving(self.app)
        await serve.__aenter__()
        self._stack.append(serve)
        return self

    async def stop(self) -> None:
        while self._stack:
            await self._stack.pop().__aexit__(None, None, None)
        if self.services is not None:
            await asyncio.to_thread(close_test_services, self.services)
            self.services = None
        self.app = None

    async def restart(self) -> None:
        """A new Application and new services on the same database (a deploy or a crash)."""
        await self.stop()
        await self.start()

    async def settle(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until every update is handled and the bot has stopped calling the API."""
        await self.emulator.wait_idle(timeout=timeout)

    def user(self, user_id: int, **kwargs: Any) -> SimulatedUser:
        return self.emulator.user(user_id, **kwargs)

    def prompt(self, user: SimulatedUser) -> Prompt:
        """The engine's current screen for `user` (what the live keyboard should belong to)."""
        assert self.services is not None
        return render(self.services.definition, stored_state(self, user))

    async def say(self, user: SimulatedUser, text: str) -> BotMessage:
        """Send text, wait until the bot is done, return its last message."""
        user.send_text(text)
        return await self._last(user)

    async def command(
        self, user: SimulatedUser, name: str, payload: str | None = None
    ) -> BotMessage:
        user.send_command(name, payload)
        return await self._last(user)

    async def press(
        self, user: SimulatedUser, button: str, message_id: int | None = None
    ) -> BotMessage:
        user.press(button, message_id)
        return await self._last(user)

    async def settle_and_last(self, user: SimulatedUser) -> BotMessage:
        """Wait until the bot is done, return its last message to `user`."""
        return await self._last(user)

    async def _last(self, user: SimulatedUser) -> BotMessage:
        await self.settle()
        message = user.last_message
        assert message is not None, f"the bot never answered user {user.id}"
        return message


def stored_state(harness: BotHarness, user: SimulatedUser) -> InterviewState:
    """The interview as the database has it (the source of truth, not the chat)."""
    assert harness.services is not None
    state = harness.services.store.current(f"tg:{user.id}")
    assert state is not None, f"user {user.id} has no interview"
    return state


def live_keyboard(user: SimulatedUser) -> BotMessage:
    """The message with the user's live keyboard (the bot keeps exactly one)."""
    live = [m for m in user.transcript if m.buttons and not m.deleted]
    assert len(live) == 1, [m.text for m in live]
    return live[0]


async def autopilot_step(harness: BotHarness, user: SimulatedUser, tag: str = "") -> Prompt:
    """Answer the current screen the simplest valid way, through the bot's buttons or text.

    `tag` is appended to free-text answers so each user's answers can be told apart.
    """
    prompt = harness.prompt(user)
    typed = prompt.kind == "question" and not prompt.choices and prompt.question_type != "note"
    # A required typed question on the first screen has no buttons at all (no Back, no Skip).
    labels = [] if typed else live_keyboard(user).button_texts
    if prompt.kind == "review":
        await harness.press(user, next(b for b in labels if b.startswith("✅")))
    elif prompt.kind == "repeat_menu":
        if prompt.items or not prompt.can_add:
            await harness.press(user, next(b for b in labels if b.startswith("Done")))
        else:
            await harness.press(user, next(b for b in labels if b.startswith("➕")))
    elif prompt.question_type == "select_multiple":
        pick = next(c for c in prompt.choices if c.value != "none")
        if not pick.selected:
            await harness.press(user, f"▫️ {pick.label}")
        await harness.press(user, next(b for b in labels if b.startswith("Done")))
    elif prompt.choices:  # a worded likert's button puts the level's number first
        first = prompt.choices[0].label
        await harness.press(user, next(b for b in labels if b in (first, f"1 · {first}")))
    elif prompt.question_type == "note":
        await harness.press(user, next(b for b in labels if b.startswith("Continue")))
    else:
        kind = prompt.question_type or "text"
        suffix = f" {tag}" if tag and kind in ("text", "long_text") else ""
        await harness.say(user, TYPED_ANSWERS[kind] + suffix)
    return harness.prompt(user)


@asynccontextmanager
async def bot_harness(
    data_dir: Path, *, knowledge: bool = True, **settings: Any
) -> AsyncIterator[BotHarness]:
    """An emulator on loopback and the Helix bot polling it, both stopped on exit."""
    async with TelegramEmulator() as emulator:
        harness = BotHarness(
            emulator,
            make_settings(emulator, data_dir, **settings),
            knowledge=keyword_knowledge() if knowledge else None,
        )
        await harness.start()
        try:
            yield harness
        finally:
            await harness.stop()
