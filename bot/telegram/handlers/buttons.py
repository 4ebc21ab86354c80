"""Inline buttons on interview screens: answers, ticks, Done, Back, Skip, list and review actions.

Every press is checked against the user's *current* screen (see `bot.telegram.keys`): a button
from a question already answered, from before a restart, or from a screen that has changed is
answered "already answered" and the current question is shown again, never applied blindly.
The event is committed before the callback is answered, so a confirmed tap is never lost.
"""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import CallbackQueryHandler

from bot.telegram import keys, session
from bot.telegram.context import HelixApp, HelixContext, PromptMessage
from bot.telegram.render import chosen_value
from intake.engine import Event, Prompt

#: Every screen operation except Explain, which the knowledge handlers own.
PATTERN = r"^(a|t|d|b|s|ra|re|rr|e|S):"


def _event(press: keys.Press | None, prompt: Prompt | None) -> Event | None:
    """The event if the press belongs to the screen on show now; None means stale."""
    if press is None or prompt is None or press.fingerprint != keys.fingerprint(prompt):
        return None
    return keys.event_for(press, prompt)


async def on_press(update: Update, context: HelixContext) -> None:
    """Apply the button's event to the screen it was drawn for, or treat it as stale."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    press = keys.decode(query.data)
    key = session.user_key(user)
    async with context.runtime.lock(key):
        current = await session.screen(context, key)
        prompt = current.prompt if current else None
        event = _event(press, prompt)
        if (
            event is None
            or press is None
            or prompt is None
            or not isinstance(query.message, Message)
        ):
            lang = session.language_of(context, user, current)
            await session.stale(update, context, key, prompt, lang)
            return
        new_state, new_prompt = await session.apply(context, key, event)
        await session.quietly(query.answer())
        lang = new_state.language
        if press.op == keys.TOGGLE and new_prompt.error is None:
            await session.refresh(context, query.message, key, new_prompt, lang)
            return
        value = chosen_value(prompt, press, lang) if new_prompt.error is None else None
        answered = session.Answered(prompt, value) if value is not None else None
        pressed = PromptMessage(query.message.chat_id, query.message.message_id, prompt, True)
        await session.show(
            context,
            query.message.chat_id,
            key,
            new_prompt,
            lang,
            answered=answered,
            pressed=pressed,
        )


def register(app: HelixApp) -> None:
    """Interview screen buttons."""
    app.add_handler(CallbackQueryHandler(on_press, pattern=PATTERN))
