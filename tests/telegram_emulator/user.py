"""The person on the other side: a simulated Telegram user who writes to the bot and reads it.

Each action creates the update a real client would cause (with the entities Telegram's server
adds, such as `bot_command`), so handlers see exactly what production sends them. Reading is
event-driven: `next_reply` wakes when the bot's message lands, never after a fixed sleep.
"""

from __future__ import annotations

import re
from typing import Any

from tests.telegram_emulator.files import tiny_png
from tests.telegram_emulator.keyboards import reply_buttons
from tests.telegram_emulator.markup import utf16_len
from tests.telegram_emulator.models import BotMessage, CallbackQueryRecord, UserInfo, UserMessage
from tests.telegram_emulator.state import Chat, EmulatorState, now

# tdlib's bot command pattern: "/" not preceded by a word character, "/", "<" or ">".
_COMMAND = re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>])")
_OGG_VOICE = b"OggS" + bytes(60)
_WEBP_STICKER = b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(24)


def command_entities(text: str) -> list[dict[str, Any]]:
    """The `bot_command` entities Telegram attaches to a user's text (UTF-16 offsets)."""
    return [
        {"type": "bot_command", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m[0])}
        for m in _COMMAND.finditer(text)
    ]


class SimulatedUser:
    """One user and their private chat with the bot."""

    def __init__(self, state: EmulatorState, chat: Chat) -> None:
        self._state = state
        self.chat = chat
        self._cursor = len(chat.transcript)

    @property
    def info(self) -> UserInfo:
        return self.chat.user

    @property
    def id(self) -> int:
        return self.chat.id

    # -- writing to the bot -------------------------------------------------------------------

    def _message(self, **content: Any) -> dict[str, Any]:
        message_id = self.chat.new_message_id()
        payload = {
            "message_id": message_id,
            "from": self.info.to_json(),
            "chat": self.info.chat_json(),
            "date": now(),
            **content,
        }
        self.chat.messages[message_id] = UserMessage(self.id, message_id, payload)
        return self._state.updates.push("message", payload)

    def send_text(self, text: str) -> dict[str, Any]:
        """A text message; commands inside it get `bot_command` entities as on Telegram."""
        entities = command_entities(text)
        return self._message(text=text, **({"entities": entities} if entities else {}))

    def send_command(self, command: str, payload: str | None = None) -> dict[str, Any]:
        """`/start` or `/start <payload>` (a deep link), with the entity CommandHandler needs."""
        command = command if command.startswith("/") else f"/{command}"
        text = f"{command} {payload}" if payload else command
        entity = {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
        return self._message(text=text, entities=[entity])

    def send_sticker(self, emoji: str = "👍") -> dict[str, Any]:
        stored = self._state.files.add("sticker", _WEBP_STICKER, size=(512, 512))
        return self._message(sticker={**stored.to_json(), "emoji": emoji})

    def send_photo(self, data: bytes | None = None, caption: str | None = None) -> dict[str, Any]:
        stored = self._state.files.add("photo", data or tiny_png(), mime_type="image/png")
        extra = {"caption": caption} if caption else {}
        return self._message(photo=[stored.to_json()], **extra)

    def send_voice(self, data: bytes = _OGG_VOICE, duration: int = 2) -> dict[str, Any]:
        stored = self._state.files.add("voice", data, mime_type="audio/ogg", duration=duration)
        return self._message(voice=stored.to_json())

    def send_document(
        self, data: bytes, file_name: str, mime_type: str = "application/octet-stream"
    ) -> dict[str, Any]:
        stored = self._state.files.add("document", data, file_name=file_name, mime_type=mime_type)
        return self._message(document=stored.to_json())

    def edit_text(self, message_id: int, new_text: str) -> dict[str, Any]:
        """Edit one of the user's own text messages: an `edited_message` update."""
        found = self.chat.messages.get(message_id)
        if not isinstance(found, UserMessage) or "text" not in found.payload:
            raise LookupError(f"user {self.id} has no text message {message_id} to edit")
        payload = {**found.payload, "text": new_text, "edit_date": now()}
        payload.pop("entities", None)
        if entities := command_entities(new_text):
            payload["entities"] = entities
        found.payload = payload
        return self._state.updates.push("edited_message", payload)

    def press(self, button: str, message_id: int | None = None) -> dict[str, Any]:
        """Tap a button by its text or callback data.

        Without `message_id` the keyboard is the one under the bot's latest message that has an
        inline keyboard (what the user sees last), then the reply keyboard currently shown, whose
        buttons send their text as a message.
        """
        if message_id is not None:
            target = self.chat.bot_message(message_id)
            if target is None:
                raise LookupError(f"no bot message {message_id} in chat {self.id}")
        else:
            visible = (m for m in reversed(self.chat.transcript) if m.buttons and not m.deleted)
            target = next(visible, None)
        for candidate in target.buttons if target else []:
            if button in (candidate["text"], candidate.get("callback_data")):
                if "callback_data" not in candidate:
                    raise LookupError(f"button {button!r} is not a callback button: {candidate}")
                return self._callback(target, candidate["callback_data"])  # type: ignore[arg-type]
        if message_id is None and button in reply_buttons(self.chat.reply_keyboard):
            if (self.chat.reply_keyboard or {}).get("one_time_keyboard"):
                self.chat.reply_keyboard = None
            return self.send_text(button)
        shown = target.button_texts if target else []
        keyboard = reply_buttons(self.chat.reply_keyboard)
        raise LookupError(f"no button {button!r}; inline: {shown}, reply keyboard: {keyboard}")

    def _callback(self, message: BotMessage, data: str) -> dict[str, Any]:
        query_id = self._state.new_query_id()
        self._state.callback_queries[query_id] = CallbackQueryRecord(
            query_id, self.id, self.id, message.message_id, data
        )
        payload = {
            "id": query_id,
            "from": self.info.to_json(),
            "message": self._state.message_json(message),
            "chat_instance": str(-(10**12) - self.id),
            "data": data,
        }
        return self._state.updates.push("callback_query", payload)

    def _membership(self, status: str, was: str) -> dict[str, Any]:
        member: dict[str, Any] = {"user": self._state.bot, "status": status}
        if status == "kicked":
            member["until_date"] = 0
        payload = {
            "chat": self.info.chat_json(),
            "from": self.info.to_json(),
            "date": now(),
            "old_chat_member": {"user": self._state.bot, "status": was},
            "new_chat_member": member,
        }
        return self._state.updates.push("my_chat_member", payload)

    def block_bot(self) -> dict[str, Any]:
        """Block the bot: sends now fail with 403 and a `my_chat_member` update arrives."""
        self.chat.blocked = True
        return self._membership("kicked", "member")

    def unblock_bot(self) -> dict[str, Any]:
        self.chat.blocked = False
        return self._membership("member", "kicked")

    def delete_account(self) -> None:
        """The account is gone: sends fail with 403 "user is deactivated" (no update)."""
        self.chat.deactivated = True
        self._state.changes.notify()

    # -- reading what the bot did -------------------------------------------------------------

    @property
    def transcript(self) -> list[BotMessage]:
        """Every message the bot sent to this user, in order (deleted ones flagged)."""
        return list(self.chat.transcript)

    @property
    def last_message(self) -> BotMessage | None:
        return self.chat.transcript[-1] if self.chat.transcript else None

    @property
    def callback_answers(self) -> list[CallbackQueryRecord]:
        return [q for q in self._state.callback_queries.values() if q.user_id == self.id]

    def skip_replies(self) -> None:
        """Treat everything received so far as read; `next_reply` waits for newer messages."""
        self._cursor = len(self.chat.transcript)

    async def next_reply(self, timeout: float = 5.0) -> BotMessage:  # noqa: ASYNC109
        """The next bot message this user has not read yet, waiting for it if needed."""

        def arrived() -> BotMessage | None:
            transcript = self.chat.transcript
            return transcript[self._cursor] if len(transcript) > self._cursor else None

        def describe() -> str:
            texts = [m.text for m in self.chat.transcript]
            return f"a reply in chat {self.id} (already read {self._cursor}: {texts})"

        message = await self._state.changes.wait_until(arrived, within=timeout, what=describe)
        self._cursor += 1
        return message

    async def replies(
        self,
        count: int,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[BotMessage]:
        """The next `count` unread bot messages."""
        return [await self.next_reply(timeout) for _ in range(count)]
