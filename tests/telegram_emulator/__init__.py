"""A Telegram Bot API emulator for tests: a real HTTP server a real PTB Application talks to.

See README.md in this folder for what it emulates and what it does not.
"""

from tests.telegram_emulator.emulator import DEFAULT_TOKEN, TelegramEmulator
from tests.telegram_emulator.errors import ApiError
from tests.telegram_emulator.faults import ANY_METHOD, Fault
from tests.telegram_emulator.files import tiny_png
from tests.telegram_emulator.markup import ParsedText, parse_html, utf16_len
from tests.telegram_emulator.models import (
    ApiCall,
    BotMessage,
    CallbackQueryRecord,
    MessageVersion,
    Rejection,
    StoredFile,
    UserInfo,
)
from tests.telegram_emulator.user import SimulatedUser
from tests.telegram_emulator.waiting import EmulatorTimeout

__all__ = [
    "ANY_METHOD",
    "DEFAULT_TOKEN",
    "ApiCall",
    "ApiError",
    "BotMessage",
    "CallbackQueryRecord",
    "EmulatorTimeout",
    "Fault",
    "MessageVersion",
    "ParsedText",
    "Rejection",
    "SimulatedUser",
    "StoredFile",
    "TelegramEmulator",
    "UserInfo",
    "parse_html",
    "tiny_png",
    "utf16_len",
]
