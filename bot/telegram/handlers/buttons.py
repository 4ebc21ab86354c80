"""Inline buttons on interview screens: answers, ticks, Done, Back, Skip, list and review actions.

Every press is checked against the user's *current* screen (see `bot.telegram.callbacks`): a
button from a question already answered, from before a restart, or from a screen that has changed
is answered "already answered" and the current question is shown again, never applied blindly.
The event is committed before the callback is answered, so a confirmed tap is never lost.
"""

from __future__ import annotations

from telegram import Message
from telegram.ext import CallbackQueryHandler

from bot.telegram import callbacks, screens
from bot.telegram.context import HelixApp, PromptMessage
from bot.telegram.handlers.peers import show_peers
from bot.telegram.render import chosen_value
from bot.telegram.turns import Turn, user_turn
from intake.engine import Event, Prompt

#: Every screen operation but Explain and the options' meanings (the knowledge handlers').
PATTERN = callbacks.pattern(*(callbacks.SCREEN_OPS - callbacks.KNOWLEDGE_OPS))


def _event(press: callbacks.Press | None, prompt: Prompt | None) -> Event | None:
    """The event if the press belongs to the screen on show now; None means stale."""
    if press is None or prompt is None or press.fingerprint != callbacks.fingerprint(prompt):
        return None
    return callbacks.event_for(press, prompt)


@user_turn
async def on_press(turn: Turn) -> None:
    """Apply the button's event to the screen it was drawn for, or treat it as stale."""
    query, prompt = turn.query, turn.prompt
    if query is None:
        return
    press = callbacks.decode(query.data)
    event = _event(press, prompt)
    if event is None or press is None or prompt is None or not isinstance(query.message, Message):
        await turn.stale()
        return
    new_state, new_prompt = await turn.apply(event)
    await screens.quietly(query.answer())
    lang = new_state.language
    if press.op == callbacks.TOGGLE and new_prompt.error is None:
        await screens.refresh(turn.context, query.message, turn.key, new_prompt, lang)
        return
    value = chosen_value(prompt, press, lang) if new_prompt.error is None else None
    answered = screens.Answered(prompt, value) if value is not None else None
    pressed: PromptMessage | None = PromptMessage(
        query.message.chat_id, query.message.message_id, prompt, True
    )
    if press.op == callbacks.OFFER:  # the thanks stay on screen; the dive starts below them
        pressed = None
    await turn.show(new_prompt, lang, answered=answered, pressed=pressed)
    if new_prompt.kind == "submitted" and prompt.kind != "submitted":
        await show_peers(turn)  # the payoff for the leader's time: who else works on this


def register(app: HelixApp) -> None:
    """Interview screen buttons."""
    app.add_handler(CallbackQueryHandler(on_press, pattern=PATTERN))
