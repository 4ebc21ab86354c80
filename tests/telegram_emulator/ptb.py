"""Wiring a real python-telegram-bot Application to the emulator.

`application_builder(emulator)` returns an ordinary `ApplicationBuilder` already pointed at the
emulator, so tests (and later `bot/telegram/` tests) add handlers and settings exactly as in
production. The Application subclass reports each finished update back, which lets
`emulator.wait_idle()` know when handlers are done instead of guessing from silence.
`running(app)` starts and stops it the way the anchors (§4) show works inside pytest-asyncio.
"""

from __future__ import annotations

import datetime as dtm
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, Literal

from telegram import Update
from telegram.ext import Application, ApplicationBuilder

from tests.telegram_emulator.emulator import TelegramEmulator


class EmulatedApplication(Application):
    """An Application that tells the emulator when it has finished processing an update."""

    def __init__(self, *, emulator: TelegramEmulator, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.emulator = emulator
        emulator.tracking = True

    async def process_update(self, update: object) -> None:
        try:
            await super().process_update(update)
        finally:
            if isinstance(update, Update):
                self.emulator.mark_processed(update.update_id)


def application_builder(emulator: TelegramEmulator) -> Any:
    """An ApplicationBuilder for the emulator's token and URLs (returns PTB's builder type)."""
    return (
        ApplicationBuilder()
        .token(emulator.token)
        .base_url(emulator.base_url)
        .base_file_url(emulator.base_file_url)
        .application_class(EmulatedApplication, kwargs={"emulator": emulator})
    )


@asynccontextmanager
async def running(
    app: Application,
    *,
    mode: Literal["polling", "push"] = "polling",
    poll_timeout: float = 1.0,
    allowed_updates: Sequence[str] | None = None,
) -> AsyncIterator[Application]:
    """Initialize, start and (on exit) cleanly stop `app`.

    "polling" drives the real getUpdates long-poll loop over HTTP. "push" hands updates
    straight to the Application's queue, as a webhook would: no polling latency, the same
    handlers. Stopping is quick in both modes: PTB cancels the held poll and sends one last
    getUpdates with timeout 0 to confirm what it fetched.
    """
    emulator = app.emulator if isinstance(app, EmulatedApplication) else None
    if mode == "push" and emulator is None:
        raise ValueError("push mode needs an app built with application_builder(emulator)")
    async with app:
        if mode == "polling":
            await app.updater.start_polling(  # type: ignore[union-attr]
                timeout=dtm.timedelta(seconds=poll_timeout), allowed_updates=allowed_updates
            )
        elif emulator is not None:
            emulator.attach_sink(
                lambda data: app.update_queue.put_nowait(Update.de_json(data, app.bot))
            )
        await app.start()
        try:
            yield app
        finally:
            if mode == "polling":
                await app.updater.stop()  # type: ignore[union-attr]
            elif emulator is not None:
                emulator.detach_sink()
            await app.stop()
