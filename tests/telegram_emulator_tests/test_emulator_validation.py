"""Telegram's refusals over real HTTP, as PTB surfaces them, and as the emulator records them."""

from __future__ import annotations

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest

from tests.telegram_emulator import TelegramEmulator


def _keyboard(data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("go", callback_data=data)]])


async def test_valid_html_is_stored_as_text_plus_utf16_entities(
    emulator: TelegramEmulator, bot: Bot
) -> None:
    emulator.user(42)
    sent = await bot.send_message(
        42,
        '😀 <b>bold <i>both</i></b> <a href="https://example.org/?a=1&amp;b=2">link</a> &lt;3',
        parse_mode="HTML",
    )
    assert sent.text == "😀 bold both link <3"
    stored = emulator.transcript(42)[0]
    assert stored.entities == [
        {"type": "bold", "offset": 3, "length": 9},
        {"type": "italic", "offset": 8, "length": 4},
        {"type": "text_link", "offset": 13, "length": 4, "url": "https://example.org/?a=1&b=2"},
    ]
    assert [(e.type, e.offset) for e in sent.entities] == [
        ("bold", 3),
        ("italic", 8),
        ("text_link", 13),
    ]
    emulator.assert_no_rejections()


@pytest.mark.parametrize(
    ("text", "telegram_says"),
    [
        ("line<br>break", 'Unsupported start tag "br" at byte offset 4'),
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("ñ</b>", "Unexpected end tag at byte offset 2"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("R&D", 'Unescaped "&" at byte offset 1'),
    ],
)
async def test_bad_markup_is_refused_with_telegrams_wording(
    emulator: TelegramEmulator, bot: Bot, text: str, telegram_says: str
) -> None:
    emulator.user(42)
    with pytest.raises(BadRequest) as caught:
        await bot.send_message(42, text, parse_mode="HTML")
    (rejection,) = emulator.rejections
    assert rejection.description.startswith(f"Bad Request: can't parse entities: {telegram_says}")
    # PTB drops "Bad Request: " and lowercases after the first letter (anchors §2).
    assert caught.value.message.startswith("Can't parse entities: ")
    assert emulator.transcript(42) == []


async def test_length_counts_utf16_units_after_parsing(
    emulator: TelegramEmulator, bot: Bot
) -> None:
    emulator.user(42)
    await bot.send_message(42, "😀" * 2048)  # 4096 UTF-16 units: the limit exactly
    await bot.send_message(42, f"<b>{'x' * 4096}</b>", parse_mode="HTML")  # tags do not count
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(42, "😀" * 2048 + "x")
    assert [r.description for r in emulator.rejections] == ["Bad Request: message is too long"]


async def test_empty_text_and_long_captions_are_refused(
    emulator: TelegramEmulator, bot: Bot
) -> None:
    emulator.user(42)
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(42, "   ")
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_document(42, b"x", filename="x.txt", caption="c" * 1025)
    await bot.send_document(42, b"x", filename="x.txt", caption="c" * 1024)
    assert len(emulator.transcript(42)) == 1


async def test_callback_data_is_limited_to_64_bytes_not_characters(
    emulator: TelegramEmulator, bot: Bot
) -> None:
    emulator.user(42)
    await bot.send_message(42, "ok", reply_markup=_keyboard("é" * 32))  # 64 bytes
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(42, "too long", reply_markup=_keyboard("é" * 33))  # 66 bytes
    assert emulator.rejections[0].description == "Bad Request: BUTTON_DATA_INVALID"


async def test_text_only_inline_buttons_are_refused(emulator: TelegramEmulator, bot: Bot) -> None:
    emulator.user(42)
    bare = InlineKeyboardMarkup([[InlineKeyboardButton("just text")]])
    with pytest.raises(BadRequest, match="text buttons are unallowed in the inline keyboard"):
        await bot.send_message(42, "x", reply_markup=bare)


async def test_identical_edit_is_not_modified(emulator: TelegramEmulator, bot: Bot) -> None:
    emulator.user(42)
    sent = await bot.send_message(42, "<b>v1</b>", parse_mode="HTML", reply_markup=_keyboard("a"))
    with pytest.raises(BadRequest, match="Message is not modified: specified new message"):
        await sent.edit_text("<b>v1</b>", parse_mode="HTML", reply_markup=_keyboard("a"))
    with pytest.raises(BadRequest, match="Message is not modified"):
        await sent.edit_reply_markup(_keyboard("a"))
    await sent.edit_text("v1", reply_markup=_keyboard("a"))  # entities differ: a real change
    assert [r.status for r in emulator.rejections] == [400, 400]
    assert emulator.transcript(42)[0].entities == []


async def test_missing_targets_are_refused(emulator: TelegramEmulator, bot: Bot) -> None:
    emulator.user(42)
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(999, "hello")
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=42, message_id=77)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(42, 77)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query("12345")
    assert len(emulator.rejections) == 4


async def test_a_callback_query_takes_one_answer(emulator: TelegramEmulator, bot: Bot) -> None:
    ann = emulator.user(42)
    await bot.send_message(42, "pick", reply_markup=_keyboard("p"))
    first = ann.press("go")["callback_query"]["id"]
    second = ann.press("go")["callback_query"]["id"]
    assert await bot.answer_callback_query(first, text="ok")
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(first)
    emulator.expire_callback_query(second)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(second)


async def test_commands_are_stored_per_scope_and_language(
    emulator: TelegramEmulator, bot: Bot
) -> None:
    await bot.set_my_commands([("start", "Begin"), ("help", "Help")])
    await bot.set_my_commands([("start", "Empezar")], language_code="es")
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    assert [c.description for c in await bot.get_my_commands(language_code="es")] == ["Empezar"]
    assert emulator.commands(language_code="es") == [
        {"command": "start", "description": "Empezar"}
    ]
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([("Bad-Name", "x")])
