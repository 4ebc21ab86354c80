"""Fixtures for the emulator's own tests: the shared emulator fixtures plus a tiny real bot.

The bot is deliberately small (a /start command, an echo with an inline keyboard, a callback
handler that answers and edits) so these tests exercise the emulator, not Helix.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.telegram_emulator import TelegramEmulator
from tests.telegram_emulator.fixtures import app_builder, emulator

__all__ = ["app_builder", "bot", "echo_app", "emulator"]


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(f"welcome {' '.join(context.args or [])}".strip())


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Like", callback_data="like:1")]])
    await update.effective_message.reply_text(
        f"<b>echo</b> {update.effective_message.text_html}",
        parse_mode="HTML",
        reply_markup=keyboard,
    )


async def _pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("noted")
    await query.edit_message_text(f"pressed {query.data}")


async def _media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None
    kind = "sticker" if message.sticker else "photo" if message.photo else "voice"
    await message.reply_text(f"got {kind}")


async def _edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.edited_message is not None
    await update.edited_message.reply_text(f"edited to {update.edited_message.text}")


def add_echo_handlers(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """The tiny bot: /start, echo with a keyboard, button presses, media and edits."""
    app.add_handler(CommandHandler("start", _start))
    app.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, _echo)
    )
    app.add_handler(MessageHandler(filters.Sticker.ALL | filters.PHOTO | filters.VOICE, _media))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, _edited))
    app.add_handler(CallbackQueryHandler(_pressed))


@pytest.fixture
def echo_app(app_builder: Any) -> Application[Any, Any, Any, Any, Any, Any]:
    app = app_builder.build()
    add_echo_handlers(app)
    return app


@pytest.fixture
async def bot(emulator: TelegramEmulator) -> AsyncIterator[Bot]:
    """A bare PTB Bot on the emulator, for calling methods directly."""
    async with Bot(
        emulator.token, base_url=emulator.base_url, base_file_url=emulator.base_file_url
    ) as started:
        yield started
