"""What every interview handler does: reach the store off the loop, and show screens.

The store is synchronous (SQLite/PostgreSQL through SQLAlchemy), so each call runs in a worker
thread via `asyncio.to_thread`; handlers hold the user's lock around load → apply → reply, which
keeps one user's rapid taps in order while other users proceed in parallel. `apply` returns only
after the store has committed, so an answer is durable before the bot says anything about it.

Showing a screen retires the previous one first: a question the user just answered is edited to
"question ➡️ answer" without buttons, any other old keyboard is removed, so only the current
screen has live buttons. Failures to edit an old message (deleted, too old, unchanged) are
harmless and ignored; failures to send the new screen are not (the error handler sees them).
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from telegram import InlineKeyboardMarkup, Message, Update, User
from telegram.error import BadRequest

from bot.telegram.context import HelixContext, PromptMessage
from bot.telegram.keys import fingerprint
from bot.telegram.render import answered_text, render_prompt
from bot.telegram.split import split_html
from intake.engine import Event, InterviewState, Prompt, render
from intake.i18n import LANGUAGES, t

log = logging.getLogger(__name__)
T = TypeVar("T")
_TAGS = re.compile(r"<[^<>]*>")


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


def _load(context: HelixContext, key: str) -> tuple[InterviewState | None, Prompt | None]:
    services = context.services
    state = services.store.current(key)
    if state is None:
        return None, None
    return state, render(services.definition, state)


async def load(context: HelixContext, key: str) -> tuple[InterviewState | None, Prompt | None]:
    """The user's interview and its current screen, or (None, None) if they never started."""
    return await off_loop(_load, context, key)


def _apply(
    context: HelixContext, key: str, events: tuple[Event, ...]
) -> tuple[InterviewState, Prompt]:
    store = context.services.store
    result: tuple[InterviewState, Prompt] | None = None
    for event in events:
        result = store.apply(key, event)
    if result is None:
        raise ValueError("apply needs at least one event")
    return result


async def apply(context: HelixContext, key: str, *events: Event) -> tuple[InterviewState, Prompt]:
    """Apply events in order; each is committed before the next (and before any reply).

    The remembered screen stops counting as current first, so if anything fails between here
    and the next screen being shown, the next update reads the store instead of trusting it.
    """
    memory = context.runtime.memory(key)
    if memory.prompt is not None:
        memory.prompt = replace(memory.prompt, current=False)
    return await off_loop(_apply, context, key, events)


@dataclass(frozen=True)
class Screen:
    """What the user is looking at: the engine's prompt and the interview's language."""

    prompt: Prompt
    language: str


async def screen(context: HelixContext, key: str) -> Screen | None:
    """The current screen: the one on show when it is known current, else from the store."""
    live = context.runtime.memory(key).prompt
    if live is not None and live.current:
        return Screen(live.prompt, live.language)
    state, prompt = await load(context, key)
    return None if state is None or prompt is None else Screen(prompt, state.language)


async def send_html(
    context: HelixContext,
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> Message | None:
    """Send `text` split to Telegram's limits; the keyboard goes on the last part."""
    parts = split_html(text) or ["…"]
    last: Message | None = None
    for number, part in enumerate(parts, start=1):
        keyboard = markup if number == len(parts) else None
        try:
            last = await context.bot.send_message(chat_id, part, reply_markup=keyboard)
        except BadRequest as exc:
            if "parse" not in str(exc).lower():
                raise
            # Our escaping failed somewhere: a bug to fix, but the user still gets the text.
            log.error("HTML refused by Telegram (%s); sending plain text", exc)
            plain = html.unescape(_TAGS.sub("", part))
            last = await context.bot.send_message(
                chat_id, plain, reply_markup=keyboard, parse_mode=None
            )
    return last


async def quietly(action: Any) -> None:
    """Await an edit of an old message; "not modified", "not found" and friends don't matter."""
    try:
        await action
    except BadRequest as exc:
        log.debug("ignored failed edit: %s", exc)


@dataclass(frozen=True)
class Answered:
    """The screen a user just answered and the value they gave, for the answered message."""

    prompt: Prompt
    value: str


async def retire(context: HelixContext, old: PromptMessage, answered: Answered | None) -> None:
    """Turn an answered question into "question ➡️ answer", or just drop an old keyboard."""
    bot = context.bot
    if (
        answered is not None
        and not old.menu
        and old.prompt.kind == "question"
        and fingerprint(old.prompt) == fingerprint(answered.prompt)
    ):
        text = answered_text(old.prompt, answered.value)
        await quietly(bot.edit_message_text(text, chat_id=old.chat_id, message_id=old.message_id))
    elif old.has_keyboard:
        await quietly(
            bot.edit_message_reply_markup(
                chat_id=old.chat_id, message_id=old.message_id, reply_markup=None
            )
        )


async def show(
    context: HelixContext,
    chat_id: int,
    key: str,
    prompt: Prompt,
    lang: str,
    *,
    answered: Answered | None = None,
    pressed: PromptMessage | None = None,
) -> None:
    """Retire the previous screen(s), then send `prompt` and remember it as the live one."""
    memory = context.runtime.memory(key)
    old = [m for m in (pressed, memory.prompt) if m is not None]
    if len(old) == 2 and old[0].message_id == old[1].message_id:
        old.pop()
    memory.prompt = None
    for message in old:
        await retire(context, message, answered)
    drawn = render_prompt(prompt, lang)
    sent = await send_html(context, chat_id, drawn.text, drawn.markup)
    if sent is not None:
        has_keyboard = drawn.markup is not None
        memory.prompt = PromptMessage(
            chat_id, sent.message_id, prompt, has_keyboard, language=lang
        )


async def refresh(
    context: HelixContext, message: Message, key: str, prompt: Prompt, lang: str
) -> None:
    """Redraw the screen in place (multi-select ticks) rather than sending a new message."""
    drawn = render_prompt(prompt, lang)
    parts = split_html(drawn.text)
    if len(parts) != 1:
        await show(context, message.chat_id, key, prompt, lang)
        return
    await quietly(message.edit_text(parts[0], reply_markup=drawn.markup))
    context.runtime.memory(key).prompt = PromptMessage(
        message.chat_id, message.message_id, prompt, drawn.markup is not None, language=lang
    )


async def say(
    context: HelixContext, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message | None:
    """Send a plain system text (escaped: catalog texts may contain `<` or `&`)."""
    return await send_html(context, chat_id, html.escape(text, quote=False), markup)


async def not_started(context: HelixContext, chat_id: int, lang: str) -> None:
    """The answer to interview commands from someone who has no interview yet."""
    await say(context, chat_id, t("bot.not_started", lang))


async def stale(
    update: Update, context: HelixContext, key: str, prompt: Prompt | None, lang: str
) -> None:
    """An old or unknown button: say so, drop its keyboard and show the current screen."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    await quietly(query.answer(t("bot.stale", lang)))
    if isinstance(query.message, Message):
        await quietly(query.message.edit_reply_markup(reply_markup=None))
    if prompt is None:
        await not_started(context, chat.id, lang)
        return
    await show(context, chat.id, key, prompt, lang)
