"""One rule for every handler that serves a person: a *turn*, under that person's lock.

`@user_turn` wraps a handler so that, before it runs, the user and chat are known, the user's
lock is held, the screen they are on has been read, and their language is chosen. The lock keeps
one person's rapid taps and typing strictly in order while other people proceed in parallel, and
because the screen is read *inside* it, what a handler decides from is what it acts on. No
handler reads a screen, a language or the store outside a turn.

`@admin_only` (inside `@user_turn`) refuses everyone not in HELIX_ADMIN_IDS with the same polite
sentence, which reveals nothing about what the command would have done.

The store is synchronous (SQLAlchemy), so store calls run in a worker thread (`off_loop`);
`Turn.apply` returns only after the store has committed, so an answer is durable before the bot
says anything about it.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update, User

from bot.services import Services
from bot.telegram import screens
from bot.telegram.context import HelixContext
from intake.engine import Event, InterviewState, Prompt, render
from intake.i18n import LANGUAGES, t

T = TypeVar("T")

TurnHandler = Callable[["Turn"], Awaitable[None]]
PTBCallback = Callable[[Update, HelixContext], Coroutine[Any, Any, None]]


def user_key(user: User) -> str:
    """The store's key for a Telegram user (ids are stable; usernames are not)."""
    return f"tg:{user.id}"


def language_of(context: HelixContext, user: User | None, current: Screen | None) -> str:
    """The interview's language, else a /language choice, else the Telegram app's language."""
    if current is not None:
        return current.language
    chosen = context.user_data.get("language") if context.user_data is not None else None
    if isinstance(chosen, str) and chosen in LANGUAGES:
        return chosen
    code = (user.language_code or "") if user else ""
    if code[:2] in LANGUAGES:
        return code[:2]
    return context.services.settings.language


async def off_loop(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run blocking work (database, knowledge base) in a worker thread."""
    return await asyncio.to_thread(fn, *args, **kwargs)


@dataclass(frozen=True)
class Screen:
    """What the user is looking at: the engine's prompt and the interview's language."""

    prompt: Prompt
    language: str


def _load(services: Services, key: str) -> tuple[InterviewState | None, Prompt | None]:
    state = services.store.current(key)
    if state is None:
        return None, None
    return state, render(services.definition, state)


async def load(context: HelixContext, key: str) -> tuple[InterviewState | None, Prompt | None]:
    """The user's interview and its current screen, or (None, None) if they never started."""
    return await off_loop(_load, context.services, key)


async def read_screen(context: HelixContext, key: str) -> Screen | None:
    """The current screen: the one on show when it is known current, else from the store."""
    live = context.runtime.memory(key).prompt
    if live is not None and live.current:
        return Screen(live.prompt, live.language)
    state, prompt = await load(context, key)
    return None if state is None or prompt is None else Screen(prompt, state.language)


def _apply(
    services: Services, key: str, events: tuple[Event, ...]
) -> tuple[InterviewState, Prompt]:
    result: tuple[InterviewState, Prompt] | None = None
    for event in events:
        result = services.store.apply(key, event)
    if result is None:
        raise ValueError("apply needs at least one event")
    return result


@dataclass
class Turn:
    """One update from one person, handled while holding their lock."""

    update: Update
    context: HelixContext
    user: User
    chat_id: int
    key: str
    current: Screen | None
    lang: str

    @property
    def message(self) -> Message | None:
        """The message sent or edited (None for a button press)."""
        return self.update.effective_message if self.update.callback_query is None else None

    @property
    def query(self) -> CallbackQuery | None:
        return self.update.callback_query

    @property
    def prompt(self) -> Prompt | None:
        return self.current.prompt if self.current else None

    @property
    def services(self) -> Services:
        return self.context.services

    async def apply(self, *events: Event) -> tuple[InterviewState, Prompt]:
        """Apply events in order; each is committed before the next (and before any reply).

        The remembered screen stops counting as current first, so if anything fails between
        here and the next screen being shown, the next update reads the store instead.
        """
        self.context.runtime.memory(self.key).outdated()
        return await off_loop(_apply, self.services, self.key, events)

    async def say(self, text: str, markup: InlineKeyboardMarkup | None = None) -> Message | None:
        return await screens.say(self.context, self.chat_id, text, markup)

    async def send_html(
        self, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> Message | None:
        return await screens.send_html(self.context, self.chat_id, text, markup)

    async def show(
        self,
        prompt: Prompt,
        lang: str,
        *,
        answered: screens.Answered | None = None,
        pressed: screens.PromptMessage | None = None,
    ) -> None:
        await screens.show(
            self.context, self.chat_id, self.key, prompt, lang, answered=answered, pressed=pressed
        )

    async def not_started(self) -> None:
        """The answer to interview commands from someone who has no interview yet."""
        await self.say(t("bot.not_started", self.lang))

    async def stale(self) -> None:
        """An old or unknown button: say so, drop its keyboard and show the current screen."""
        if self.query is not None:
            await screens.quietly(self.query.answer(t("bot.stale", self.lang)))
            if isinstance(self.query.message, Message):
                await screens.quietly(self.query.message.edit_reply_markup(reply_markup=None))
        if self.prompt is None:
            await self.not_started()
            return
        await self.show(self.prompt, self.lang)


def user_turn(handler: TurnHandler) -> PTBCallback:
    """Make `handler` a PTB callback that runs as a turn (see the module docstring)."""

    @functools.wraps(handler)
    async def run(update: Update, context: HelixContext) -> None:
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:
            return
        key = user_key(user)
        async with context.runtime.lock(key):
            current = await read_screen(context, key)
            lang = language_of(context, user, current)
            await handler(Turn(update, context, user, chat.id, key, current, lang))

    return run


def admin_only(handler: TurnHandler) -> TurnHandler:
    """Let only HELIX_ADMIN_IDS through; everyone else gets one polite, uninformative refusal."""

    @functools.wraps(handler)
    async def guarded(turn: Turn) -> None:
        if turn.user.id not in turn.services.settings.admin_ids:
            await turn.say(t("bot.admin.refused", turn.lang))
            return
        await handler(turn)

    return guarded
