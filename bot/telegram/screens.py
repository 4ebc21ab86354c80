"""Showing things to a person: texts split to Telegram's limits, and interview screens.

Telegram allows a bot about 30 messages per second overall (bots/faq; the exact limits are not
documented), and the rate limiter counts every call that names a chat (`bot.digests.limiter`),
edits included. So an answer costs one such call wherever it can:

- a button press turns the pressed message itself into the next screen, with the answer on
  top ("question ➡️ answer", then the next question): one `editMessageText`, besides the
  `answerCallbackQuery` the handler sends, which carries no chat and so is not budgeted (PTB's
  own `AIORateLimiter` skips it the same way; Telegram does not say how it counts it);
- typed text gets the next screen in one `sendMessage`.

Retiring the other old screen (turning a typed-at question into "question ➡️ answer", or dropping
an old keyboard) is cosmetic: a press on an old button is recognised as stale by its screen
fingerprint (`bot.telegram.callbacks`) whether or not its keyboard is still there. So it is
deferred to the bulk lane, behind every reply anyone is waiting for, and skipped when the
limiter has little to spare or too many are already waiting. Failures to edit an old message
(deleted, too old, unchanged) are harmless and ignored; failures to send the new screen are not
(the error handler sees them). The screen on show is remembered through `UserMemory` only (see
`bot.telegram.context`).
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardMarkup, Message
from telegram.error import BadRequest, TelegramError

from bot.digests.limiter import BULK, PriorityRateLimiter
from bot.telegram.callbacks import fingerprint
from bot.telegram.context import HelixContext, PromptMessage
from bot.telegram.render import Rendered, answered_text, render_prompt
from bot.telegram.split import split_html
from intake.engine import Prompt

log = logging.getLogger(__name__)
_TAGS = re.compile(r"<[^<>]*>")
#: Old screens at most waiting for a bulk-lane token to be retired; past this an old keyboard
#: simply stays (its buttons are answered as stale), so a long overload cannot pile up tasks,
#: and stopping the bot (PTB awaits these tasks) waits a few seconds at most.
MAX_DEFERRED = 100
#: Retire only while the limiter holds at least this share of a full bucket. Measured
#: (`benchmarks/answer_rate.py`, 25 answers/s): retiring whenever the bulk lane allows kept the
#: bucket at its small reserve, so bursts of replies waited for tokens (p95 60-239 ms, against
#: 24 ms with no retiring at all); leaving half the bucket keeps bursts instant.
SPARE_SHARE = 0.5

__all__ = [
    "Answered",
    "PromptMessage",
    "quietly",
    "refresh",
    "retire",
    "retire_later",
    "say",
    "send_html",
    "show",
]


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


def _answers(old: PromptMessage, answered: Answered | None) -> bool:
    """Whether `old` shows the question `answered` answered (so it can read "question ➡️ value")."""
    return (
        answered is not None
        and not old.menu
        and old.prompt.kind == "question"
        and fingerprint(old.prompt) == fingerprint(answered.prompt)
    )


async def retire(
    context: HelixContext,
    old: PromptMessage,
    answered: Answered | None,
    rate_limit_args: dict[str, Any] | None = None,
) -> None:
    """Turn an answered question into "question ➡️ answer", or just drop an old keyboard."""
    bot = context.bot
    if answered is not None and _answers(old, answered):
        text = answered_text(old.prompt, answered.value)
        await quietly(
            bot.edit_message_text(
                text,
                chat_id=old.chat_id,
                message_id=old.message_id,
                rate_limit_args=rate_limit_args,
            )
        )
    elif old.has_keyboard:
        await quietly(
            bot.edit_message_reply_markup(
                chat_id=old.chat_id,
                message_id=old.message_id,
                reply_markup=None,
                rate_limit_args=rate_limit_args,
            )
        )


def retire_later(
    context: HelixContext, key: str, old: PromptMessage, answered: Answered | None
) -> None:
    """Retire `old` in the bulk lane, after the replies people wait for (see the docstring).

    While it waits, its message id is in the user's `retiring` set, so a press on it is not
    turned into the next screen in place (the retirement would then strip the live keyboard).
    """
    runtime = context.runtime
    if not (old.has_keyboard or _answers(old, answered)) or runtime.deferred >= MAX_DEFERRED:
        return
    limiter = context.bot.rate_limiter
    if isinstance(limiter, PriorityRateLimiter) and limiter.spare() < SPARE_SHARE:
        return
    memory = runtime.memory(key)
    memory.retiring.add(old.message_id)
    runtime.deferred += 1

    async def run() -> None:
        try:
            await retire(context, old, answered, rate_limit_args=BULK)
        except TelegramError as exc:  # blocked, network: an old keyboard is not worth an alarm
            log.info("could not retire message %s: %s", old.message_id, exc)
        finally:
            runtime.deferred -= 1
            memory.retiring.discard(old.message_id)

    context.application.create_task(run(), name=f"retire:{old.chat_id}:{old.message_id}")


def _in_place(pressed: PromptMessage, answered: Answered | None, drawn: Rendered) -> str | None:
    """The pressed message's new text: the answer on top of the next screen, else the next
    screen alone; None when even that needs more than one message."""
    texts = [drawn.text]
    if answered is not None and _answers(pressed, answered):
        texts.insert(0, f"{answered_text(pressed.prompt, answered.value)}\n\n{drawn.text}")
    for text in texts:
        parts = split_html(text)
        if len(parts) == 1:
            return parts[0]
    return None


async def _edit_into(
    context: HelixContext, pressed: PromptMessage, text: str, drawn: Rendered
) -> bool:
    """Turn the pressed message into the next screen; False if Telegram refused (deleted,
    unparsable HTML, ...), and the caller sends the screen as a new message instead."""
    try:
        await context.bot.edit_message_text(
            text, chat_id=pressed.chat_id, message_id=pressed.message_id, reply_markup=drawn.markup
        )
    except BadRequest as exc:
        if "not modified" in str(exc).lower():
            return True
        log.info("could not edit message %s into the next screen: %s", pressed.message_id, exc)
        return False
    return True


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
    """Show `prompt` and remember it as the live screen: in the pressed message when there is
    one (one edit), else as a new message; the other old screen is retired later."""
    memory = context.runtime.memory(key)
    live = memory.prompt
    memory.forget_screen()
    drawn = render_prompt(prompt, lang)
    if pressed is not None and pressed.message_id not in memory.retiring:
        text = _in_place(pressed, answered, drawn)
        if text is not None and await _edit_into(context, pressed, text, drawn):
            if live is not None and live.message_id != pressed.message_id:
                retire_later(context, key, live, None)
            memory.shown(
                PromptMessage(
                    chat_id, pressed.message_id, prompt, drawn.markup is not None, language=lang
                )
            )
            return
    old = [m for m in (pressed, live) if m is not None]
    if len(old) == 2 and old[0].message_id == old[1].message_id:
        old.pop()
    for message in old:
        retire_later(context, key, message, answered)
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
        retire_later(context, key, memory.prompt, None)
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
