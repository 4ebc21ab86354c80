"""The user-side API and the waits: what updates look like and when waits resolve or fail."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from tests.telegram_emulator import EmulatorTimeout, TelegramEmulator, tiny_png
from tests.telegram_emulator.ptb import running


def test_commands_carry_bot_command_entities_in_utf16(emulator: TelegramEmulator) -> None:
    ann = emulator.user(42, "Ann", language_code="es")
    started = ann.send_command("start", payload="deep-link")["message"]
    typed = ann.send_text("😀 try /help@helix_test_bot now")["message"]
    assert started["text"] == "/start deep-link"
    assert started["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert typed["entities"] == [{"type": "bot_command", "offset": 7, "length": 20}]
    assert started["from"]["language_code"] == "es"
    assert started["chat"] == {"id": 42, "type": "private", "first_name": "Ann"}
    assert [m["message_id"] for m in (started, typed)] == [1, 2]


async def test_press_finds_buttons_and_explains_misses(
    emulator: TelegramEmulator, bot: Bot
) -> None:
    ann = emulator.user(42)
    with pytest.raises(LookupError, match="no button 'Yes'"):
        ann.press("Yes")
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Yes", callback_data="y")],
            [InlineKeyboardButton("Docs", url="https://e.org")],
        ]
    )
    first = await bot.send_message(42, "old", reply_markup=keyboard)
    await bot.send_message(42, "newer, no keyboard")
    assert ann.press("Yes")["callback_query"]["message"]["message_id"] == first.message_id
    with pytest.raises(LookupError, match="not a callback button"):
        ann.press("Docs")
    await first.delete()
    with pytest.raises(LookupError, match="no bot message"):
        ann.press("Yes", message_id=first.message_id)


async def test_reply_keyboard_buttons_send_their_text(
    emulator: TelegramEmulator, bot: Bot
) -> None:
    ann = emulator.user(42)
    markup = ReplyKeyboardMarkup([[KeyboardButton("Español")]], one_time_keyboard=True)
    await bot.send_message(42, "language?", reply_markup=markup)
    update = ann.press("Español")
    assert update["message"]["text"] == "Español"
    assert ann.chat.reply_keyboard is None  # one-time keyboards hide after use
    with pytest.raises(LookupError):
        ann.press("Español")


async def test_next_reply_fails_with_a_description_when_nothing_comes(
    emulator: TelegramEmulator,
) -> None:
    ann = emulator.user(42)
    with pytest.raises(EmulatorTimeout, match="a reply in chat 42"):
        await ann.next_reply(timeout=0.05)


async def test_wait_idle_waits_for_slow_handlers(
    emulator: TelegramEmulator, app_builder: Any
) -> None:
    """Tracking makes idle mean "handled", even when a handler is slow to make its call."""
    release: list[int] = []

    async def slow_handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await emulator.wait_for(lambda: release, what="the test to release the handler")
        assert update.effective_message is not None
        await update.effective_message.reply_text("done")

    app: Application[Any, Any, Any, Any, Any, Any] = app_builder.build()
    app.add_handler(MessageHandler(filters.TEXT, slow_handler))
    ann = emulator.user(42)
    async with running(app):
        ann.send_text("go")
        with pytest.raises(EmulatorTimeout, match="delivered but not processed"):
            await emulator.wait_idle(timeout=0.3)
        release.append(1)
        emulator.changes.notify()
        await emulator.wait_idle()
    assert [m.text for m in ann.transcript] == ["done"]
    assert emulator.state.updates.unprocessed == set()


async def test_sent_photos_report_their_real_size(emulator: TelegramEmulator, bot: Bot) -> None:
    emulator.user(42)
    message = await bot.send_photo(42, tiny_png(7, 3), caption="chart")
    assert [(p.width, p.height) for p in message.photo] == [(7, 3)]
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(42, b"not an image")
