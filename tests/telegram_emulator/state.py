"""The emulated Telegram's memory: the bot, its chats, files, callback queries and call log.

Methods (methods_*.py) read and change this; the HTTP layer and the user-side API only go
through it, so there is one place that decides whether a chat exists or is blocked.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from tests.telegram_emulator.errors import BLOCKED, CHAT_NOT_FOUND, DEACTIVATED, ApiError
from tests.telegram_emulator.files import FileStore
from tests.telegram_emulator.models import (
    ApiCall,
    BotMessage,
    CallbackQueryRecord,
    Rejection,
    UserInfo,
    UserMessage,
)
from tests.telegram_emulator.updates import UpdateQueue
from tests.telegram_emulator.waiting import Changes


def now() -> int:
    """Unix time in whole seconds, as Telegram stamps `date` and `edit_date`."""
    return int(time.time())


@dataclass
class Chat:
    """A private chat between the bot and one simulated user (same id as the user)."""

    user: UserInfo
    messages: dict[int, BotMessage | UserMessage] = field(default_factory=dict)
    transcript: list[BotMessage] = field(default_factory=list)
    next_message_id: int = 1
    blocked: bool = False
    deactivated: bool = False
    reply_keyboard: dict[str, Any] | None = None  # the reply keyboard the user currently sees
    actions: list[str] = field(default_factory=list)  # sendChatAction calls, in order

    @property
    def id(self) -> int:
        return self.user.id

    def new_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def add_bot_message(self, message: BotMessage) -> None:
        self.messages[message.message_id] = message
        self.transcript.append(message)
        markup = message.reply_markup or {}
        if "keyboard" in markup:
            self.reply_keyboard = markup
        elif markup.get("remove_keyboard"):
            self.reply_keyboard = None

    def bot_message(self, message_id: int) -> BotMessage | None:
        """The bot's message with this id, unless it was deleted."""
        message = self.messages.get(message_id)
        if isinstance(message, BotMessage) and not message.deleted:
            return message
        return None


class EmulatorState:
    """Everything one emulated bot account knows."""

    def __init__(
        self,
        token: str,
        *,
        bot_username: str,
        bot_first_name: str,
        strict_html_entities: bool,
        changes: Changes,
    ) -> None:
        self.token = token
        self.bot: dict[str, Any] = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.strict_html_entities = strict_html_entities
        self.changes = changes
        self.updates = UpdateQueue(changes)
        self.chats: dict[int, Chat] = {}
        self.files = FileStore()
        self.callback_queries: dict[str, CallbackQueryRecord] = {}
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.calls: list[ApiCall] = []
        self.rejections: list[Rejection] = []
        self._query_ids = itertools.count(1)

    def chat(self, chat_id: int) -> Chat:
        """The chat, or Telegram's 400 for a chat this bot has never met."""
        chat = self.chats.get(chat_id)
        if chat is None:
            raise ApiError(400, CHAT_NOT_FOUND)
        return chat

    @staticmethod
    def ensure_reachable(chat: Chat) -> None:
        """Telegram's 403s for a user who blocked the bot or deleted the account."""
        if chat.deactivated:
            raise ApiError(403, DEACTIVATED)
        if chat.blocked:
            raise ApiError(403, BLOCKED)

    def chat_json(self, chat: Chat) -> dict[str, Any]:
        return chat.user.chat_json()

    def message_json(self, message: BotMessage) -> dict[str, Any]:
        return message.to_json(self.bot, self.chat_json(self.chat(message.chat_id)))

    def new_query_id(self) -> str:
        return f"{self.bot['id']}{next(self._query_ids):08d}"

    def all_bot_messages(self) -> list[BotMessage]:
        return [m for chat in self.chats.values() for m in chat.transcript]
