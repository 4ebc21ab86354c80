"""What the emulator remembers, in shapes tests can read directly.

Everything a test may want to assert on lives here as plain dataclasses: the bot's messages with
their edit history, stored files, callback queries and their answers, and a log of every call and
every refusal. `to_json` methods build the Bot API objects sent back to the bot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.telegram_emulator.keyboards import inline_buttons


@dataclass(frozen=True)
class UserInfo:
    """A simulated Telegram account; its private chat with the bot has the same id."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if (value := getattr(self, key)) is not None:
                data[key] = value
        return data

    def chat_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name is not None:
            data["last_name"] = self.last_name
        if self.username is not None:
            data["username"] = self.username
        return data


@dataclass
class StoredFile:
    """A file either side sent; the bytes are kept so tests can open a generated export."""

    file_id: str
    file_unique_id: str
    kind: str  # document | photo | voice | sticker
    data: bytes
    file_name: str | None = None
    mime_type: str | None = None
    width: int = 0
    height: int = 0
    duration: int = 0
    url: str | None = None  # a document sent by URL is recorded, never fetched

    @property
    def file_path(self) -> str:
        return f"{self.kind}s/{self.file_id}"

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
        }
        if self.kind == "document":
            if self.file_name:
                data["file_name"] = self.file_name
            if self.mime_type:
                data["mime_type"] = self.mime_type
        elif self.kind in ("photo", "sticker"):
            data |= {"width": self.width, "height": self.height}
            if self.kind == "sticker":
                data |= {"type": "regular", "is_animated": False, "is_video": False}
        elif self.kind == "voice":
            data |= {"duration": self.duration, "mime_type": self.mime_type or "audio/ogg"}
        return data


@dataclass(frozen=True)
class MessageVersion:
    """A message's content before an edit replaced it."""

    text: str | None
    entities: list[dict[str, Any]]
    parse_mode: str | None
    source: str | None
    reply_markup: dict[str, Any] | None
    edit_date: int | None


@dataclass
class BotMessage:
    """A message the bot sent, as Telegram stores it now, plus its earlier versions."""

    chat_id: int
    message_id: int
    date: int
    text: str | None = None  # the text, or the caption of a document/photo, after parsing
    source: str | None = None  # the text or caption exactly as the bot sent it
    parse_mode: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    file: StoredFile | None = None
    reply_to_message_id: int | None = None
    edit_date: int | None = None
    edits: list[MessageVersion] = field(default_factory=list)
    deleted: bool = False

    @property
    def kind(self) -> str:
        return self.file.kind if self.file else "text"

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """The inline buttons, flattened row by row."""
        return inline_buttons(self.reply_markup)

    @property
    def button_texts(self) -> list[str]:
        return [button["text"] for button in self.buttons]

    def snapshot(self) -> MessageVersion:
        return MessageVersion(
            self.text,
            list(self.entities),
            self.parse_mode,
            self.source,
            self.reply_markup,
            self.edit_date,
        )

    def to_json(self, bot: dict[str, Any], chat: dict[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": self.message_id,
            "from": bot,
            "chat": chat,
            "date": self.date,
        }
        text_key, entities_key = "text", "entities"
        if self.file is not None:
            described = self.file.to_json()
            data[self.file.kind] = [described] if self.kind == "photo" else described
            text_key, entities_key = "caption", "caption_entities"
        if self.text:
            data[text_key] = self.text
            if self.entities:
                data[entities_key] = self.entities
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            data["reply_markup"] = self.reply_markup
        if self.edit_date is not None:
            data["edit_date"] = self.edit_date
        return data


@dataclass
class UserMessage:
    """A message the simulated user sent; kept so replies and edits can refer to it."""

    chat_id: int
    message_id: int
    payload: dict[str, Any]
    deleted: bool = False


@dataclass
class CallbackQueryRecord:
    """A button press and, once the bot answers it, the answer."""

    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    answered: bool = False
    expired: bool = False
    answer: dict[str, Any] | None = None


@dataclass(frozen=True)
class ApiCall:
    """One HTTP call the bot made, with what the emulator answered."""

    seq: int
    method: str
    params: dict[str, Any]
    status: int
    response: dict[str, Any] | None
    fault: bool = False

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass(frozen=True)
class Rejection:
    """A call the emulated Telegram refused on its merits (injected faults are not listed)."""

    method: str
    params: dict[str, Any]
    status: int
    description: str
