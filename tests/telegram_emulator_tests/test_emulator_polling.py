"""A real PTB Application polling the emulator over HTTP: delivery, offsets, buttons, media."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from tests.telegram_emulator import TelegramEmulator
from tests.telegram_emulator.ptb import running

App = Application[Any, Any, Any, Any, Any, Any]


async def test_command_and_echo_arrive_in_order(emulator: TelegramEmulator, echo_app: App) -> None:
    ann = emulator.user(42, "Ann")
    async with running(echo_app):
        ann.send_command("/start", payload="ref-7")
        ann.send_text("hello <world> 😀")
        first, second = await ann.replies(2)
    assert first.text == "welcome ref-7"
    assert second.text == "echo hello <world> 😀"
    assert second.entities == [{"type": "bold", "offset": 0, "length": 4}]
    assert second.parse_mode == "HTML"
    assert second.button_texts == ["Like"]
    emulator.assert_no_rejections()


async def test_offsets_confirm_updates_so_a_restart_sees_no_duplicates(
    emulator: TelegramEmulator, echo_app: App
) -> None:
    ann = emulator.user(42)
    async with running(echo_app):
        for word in ("one", "two", "three"):
            ann.send_text(word)
        await emulator.wait_idle()
    assert emulator.pending_updates == []
    async with running(echo_app):
        ann.send_text("four")
        await emulator.wait_idle()
    texts = [m.text for m in ann.transcript]
    assert texts == ["echo one", "echo two", "echo three", "echo four"]
    offsets = [c.params.get("offset") for c in emulator.calls_to("getUpdates")]
    assert "4" in offsets  # the stop-time poll confirmed update 3


async def test_button_press_is_answered_and_the_message_edited(
    emulator: TelegramEmulator, echo_app: App
) -> None:
    ann = emulator.user(42)
    async with running(echo_app):
        ann.send_text("rate me")
        echoed = await ann.next_reply()
        ann.press("Like")
        await emulator.wait_idle()
    (query,) = ann.callback_answers
    assert (query.data, query.answered, query.answer and query.answer["text"]) == (
        "like:1",
        True,
        "noted",
    )
    assert echoed.text == "pressed like:1"
    assert echoed.reply_markup is None  # editMessageText without reply_markup drops it
    assert [v.text for v in echoed.edits] == ["echo rate me"]


async def test_press_by_callback_data_targets_the_latest_keyboard(
    emulator: TelegramEmulator, echo_app: App
) -> None:
    ann = emulator.user(42)
    async with running(echo_app, mode="push"):
        ann.send_text("a")
        ann.send_text("b")
        older, newer = await ann.replies(2)
        update = ann.press("like:1")
        await emulator.wait_idle()
    assert update["callback_query"]["message"]["message_id"] == newer.message_id
    assert (older.text, newer.text) == ("echo a", "pressed like:1")


async def test_media_and_edits_reach_their_handlers(
    emulator: TelegramEmulator, echo_app: App
) -> None:
    ann = emulator.user(42)
    async with running(echo_app, mode="push"):
        ann.send_sticker()
        ann.send_photo()
        ann.send_voice()
        sent = ann.send_text("draft")
        ann.edit_text(sent["message"]["message_id"], "final")
        replies = await ann.replies(5)
    assert [m.text for m in replies] == [
        "got sticker",
        "got photo",
        "got voice",
        "echo draft",
        "edited to final",
    ]


async def test_push_mode_uses_no_get_updates(emulator: TelegramEmulator, echo_app: App) -> None:
    ann = emulator.user(7)
    async with running(echo_app, mode="push"):
        ann.send_text("direct")
        reply = await ann.next_reply()
    assert reply.text == "echo direct"
    assert emulator.calls_to("getUpdates") == []


async def test_allowed_updates_filters_at_creation(
    emulator: TelegramEmulator, echo_app: App
) -> None:
    ann = emulator.user(42)
    async with running(echo_app, allowed_updates=["message"]):
        ann.send_text("keep")
        await ann.next_reply()
        ann.press("Like")
        await emulator.wait_idle()
    assert [u.get("callback_query", {}).get("data") for u in emulator.state.updates.dropped] == [
        "like:1"
    ]
    assert ann.callback_answers[0].answered is False


async def test_documents_keep_their_bytes_and_user_files_download(
    emulator: TelegramEmulator, echo_app: App
) -> None:
    ann = emulator.user(42)
    async with running(echo_app, mode="push"):
        bot = echo_app.bot
        message = await bot.send_document(
            42, b"a,b\n1,2\n", filename="export.csv", caption="<i>x</i>", parse_mode="HTML"
        )
        photo_update = ann.send_photo()
        file_id = photo_update["message"]["photo"][0]["file_id"]
        downloaded = await (await bot.get_file(file_id)).download_as_bytearray()
    (sent,) = [m for m in ann.transcript if m.kind == "document"]
    assert emulator.sent_files == [sent.file]
    assert sent.file is not None
    assert (sent.file.data, sent.file.file_name, sent.file.mime_type) == (
        b"a,b\n1,2\n",
        "export.csv",
        "text/csv",
    )
    assert message.document is not None
    assert message.document.file_name == "export.csv"
    assert (sent.text, sent.entities) == ("x", [{"type": "italic", "offset": 0, "length": 1}])
    assert bytes(downloaded) == emulator.state.files.by_id[file_id].data
