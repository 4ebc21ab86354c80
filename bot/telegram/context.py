"""The typed handler context: `context.services`, `context.runtime`, instead of dict lookups.

PTB builds one `HelixContext` per update (via `ContextTypes`), and one `BotData` per application.
`BotData` holds the process-wide collaborators (services opened in `post_init`) and the small
in-memory bookkeeping the Telegram surface needs: per-user locks, the message that carries each
user's live keyboard (and the screen it shows, which spares a database read per update while it
is known to be current), and the user's recent typed answers (for edited messages and long
answers split by Telegram). None of that bookkeeping is needed to resume an interview: the store
is the source of truth, so losing it on a restart only means one more read, and an old message
keeping its buttons, which are then recognised as stale.
"""

from __future__ import annotations

import asyncio
import weakref
from collections import OrderedDict, deque
from dataclasses import dataclass, field, replace
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.services import Services
from intake.engine import Prompt

#: How many typed answers per user are remembered for edits and joining.
TYPED_MEMORY = 10
#: Users whose bookkeeping is kept in memory at once; the oldest are forgotten first.
USERS_IN_MEMORY = 10_000


class ServicesUnavailable(RuntimeError):
    """A handler ran before `post_init` opened the services (or after shutdown)."""


@dataclass(frozen=True)
class PromptMessage:
    """The message that shows a user's current screen and its live keyboard."""

    chat_id: int
    message_id: int
    prompt: Prompt
    has_keyboard: bool
    menu: bool = False  # a menu shown over the screen (welcome back), never "answered"
    language: str = "en"
    current: bool = True  # False once an event was applied after it was shown


@dataclass(frozen=True)
class TypedAnswer:
    """A text message sent as an answer: which question it answered, when, and how long it was."""

    message_id: int
    path: str
    timestamp: float  # the message date from Telegram (seconds), not the local clock
    length: int  # UTF-16 units; Telegram splits pasted text near 4096
    long: bool = False  # it answered a long_text question (a candidate for joining)
    accepted: bool = False  # the engine took it (else it was refused, e.g. too long)
    fragment: str = ""  # the text, kept only for near-limit long parts (joining needs it)


@dataclass
class UserMemory:
    """What the bot remembers of one user between updates; `prompt` changes only through the
    three methods below, so every way a screen becomes (or stops being) current is in one place.
    """

    prompt: PromptMessage | None = None
    typed: deque[TypedAnswer] = field(default_factory=lambda: deque(maxlen=TYPED_MEMORY))
    waiting_for: str | None = (
        None  # "timezone": their next text answers /digest, not the interview
    )
    #: Old screens waiting to be retired in the bulk lane (`screens.retire_later`).
    retiring: set[int] = field(default_factory=set)

    def shown(self, message: PromptMessage) -> None:
        """`message` now shows the user's current screen (and carries its live keyboard)."""
        self.prompt = message

    def outdated(self) -> None:
        """An event is being applied (or something failed): read the store next time."""
        if self.prompt is not None:
            self.prompt = replace(self.prompt, current=False)

    def forget_screen(self) -> None:
        self.prompt = None


class BotData:
    """Application-wide state; PTB creates it empty, `post_init` fills in `services`."""

    def __init__(self) -> None:
        self._services: Services | None = None
        self.owns_services = False
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self._memory: OrderedDict[str, UserMemory] = OrderedDict()
        self.knowledge_lock = asyncio.Lock()
        #: Leaders whose digest job fired and who wait for the next batch (`digests.schedule`).
        self.digest_pending: set[int] = set()
        self.digest_flushing = False
        #: Old screens waiting to be retired in the bulk lane, all users (`screens.MAX_DEFERRED`).
        self.deferred = 0

    @property
    def services(self) -> Services:
        if self._services is None:
            raise ServicesUnavailable("services are not open")
        return self._services

    @services.setter
    def services(self, value: Services | None) -> None:
        self._services = value

    @property
    def has_services(self) -> bool:
        return self._services is not None

    def lock(self, user_key: str) -> asyncio.Lock:
        """The lock that serializes one user's updates (rapid taps must not race)."""
        lock = self._locks.get(user_key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[user_key] = lock
        return lock

    def memory(self, user_key: str) -> UserMemory:
        """This user's bookkeeping; bounded so a long-running bot does not grow without end."""
        found = self._memory.get(user_key)
        if found is None:
            found = self._memory[user_key] = UserMemory()
            while len(self._memory) > USERS_IN_MEMORY:
                self._memory.popitem(last=False)
        else:
            self._memory.move_to_end(user_key)
        return found

    def waiting_for(self, user_key: str) -> str | None:
        """What this user's next text is expected to be, if anything (without touching the
        memory's order: a message filter asks this for every text)."""
        found = self._memory.get(user_key)
        return found.waiting_for if found is not None else None

    def forget(self, user_key: str) -> None:
        self._memory.pop(user_key, None)

    def distrust(self, user_key: str) -> None:
        """After a failure, read the store next time instead of the remembered screen."""
        found = self._memory.get(user_key)
        if found is not None:
            found.outdated()


class HelixContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], BotData]):
    """The context every Helix handler receives."""

    @property
    def services(self) -> Services:
        return self.bot_data.services

    @property
    def runtime(self) -> BotData:
        return self.bot_data


#: The job queue's type is left open: PTB's builder does not carry custom contexts into it.
HelixApp = Application[ExtBot[Any], HelixContext, dict[Any, Any], dict[Any, Any], BotData, Any]
