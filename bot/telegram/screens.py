"""Showing things to a person: texts split to Telegram's limits, and interview screens.

Showing a screen retires the previous one first: a question the user just answered is edited to
"question ➡️ answer" without buttons, any other old keyboard is removed, so only the current
screen has live buttons. Failures to edit an old message (deleted, too old, unchanged) are
harmless and ignored; failures to send the new screen are not (the error handler sees them).
The screen on show is remembered through `UserMemory` only (see `bot.telegram.context`).
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardMarkup, Message
from telegram.error import BadRequest

from bot.telegram.callbacks import fingerprint
from bot.telegram.context import HelixContext, PromptMessage
from bot.telegram.render import answered_text, render_prompt
from bot.telegram.split import split_html
from intake.engine import Prompt

log = logging.getLogger(__name__)
_TAGS = re.compile(r"<[^<>]*>")

__all__ = ["Answered", "PromptMessage", "quietly", "refresh", "retire", "say", "send_html", "show"]


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


async def say(
    context: HelixContext, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message | None:
    """Send a plain system text (escaped: catalog texts may contain `<` or `&`)."""
    return await send_html(context, chat_id, html.escape(text, quote=False), markup)


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
    memory.forget_screen()
    for message in old:
        await retire(context, message, answered)
    drawn = render_prompt(prompt, lang)
    sent = await send_html(context, chat_id, drawn.text, drawn.markup)
    if sent is not None:
        memory.shown(
            PromptMessage(
                chat_id, sent.message_id, prompt, drawn.markup is not None, language=lang
            )
        )


async def show_menu(
    context: HelixContext,
    chat_id: int,
    key: str,
    text: str,
    markup: InlineKeyboardMarkup,
    under: Prompt,
    lang: str,
) -> None:
    """Send a menu over the screen `under` (welcome back) and make it the live keyboard."""
    memory = context.runtime.memory(key)
    if memory.prompt is not None:
        await retire(context, memory.prompt, None)
    sent = await say(context, chat_id, text, markup)
    if sent is not None:
        memory.shown(
            PromptMessage(chat_id, sent.message_id, under, True, menu=True, language=lang)
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
    context.runtime.memory(key).shown(
        PromptMessage(
            message.chat_id, message.message_id, prompt, drawn.markup is not None, language=lang
        )
    )
