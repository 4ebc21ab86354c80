"""The interview itself: /start, typed answers, edited answers, and the welcome-back menu.

A returning user is never restarted silently: /start on an existing interview offers Continue /
Review / Start over (starting over keeps the old answers aside, see `Restart`). Typed text goes to
the engine as `Text` on a question screen and at a list menu (where the engine reads names, "A; B",
or its own words such as "done"); on the review screen a number opens that line. How a
long answer split by Telegram is put back together, and how edits map to answers, is in
`bot.telegram.text_answers`.
"""

from __future__ import annotations

import logging
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.telegram import callbacks, screens, text_answers
from bot.telegram.callbacks import RESUME
from bot.telegram.context import HelixApp, PromptMessage
from bot.telegram.handlers.knowledge import answer_question
from bot.telegram.turns import Turn, off_loop, user_turn
from intake.engine import Event, Prompt, Restart, Review, Start, Text
from intake.i18n import t

log = logging.getLogger(__name__)

_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")


def resume_markup(lang: str) -> InlineKeyboardMarkup:
    """Continue / Review / Start over: what a returning user chooses between."""
    options = (
        ("bot.button.continue", callbacks.RESUME_CONTINUE),
        ("bot.button.review", callbacks.RESUME_REVIEW),
        ("bot.button.start_over", callbacks.RESUME_START_OVER),
    )
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t(label, lang), callback_data=callbacks.encode(RESUME, arg))]
            for label, arg in options
        ]
    )


#: Which welcome-back text fits the screen a returning user left off on.
RESUME_TEXT = {
    "question": "in_progress",
    "repeat_menu": "in_progress",
    "review": "review",
    "submitted": "submitted",
    "cancelled": "cancelled",
}


async def offer_resume(turn: Turn, prompt: Prompt, lang: str) -> None:
    """Send the welcome-back menu and make it the user's live keyboard."""
    text = t(f"bot.welcome_back.{RESUME_TEXT[prompt.kind]}", lang)
    await screens.show_menu(
        turn.context, turn.chat_id, turn.key, text, resume_markup(lang), prompt, lang
    )


def _remember_invite(turn: Turn, payload: str | None) -> None:
    """Keep a convener's deep-link code for this user; anything malformed is ignored."""
    if payload and _PAYLOAD.fullmatch(payload) and turn.context.user_data is not None:
        turn.context.user_data["invite"] = payload
        log.info("start with invitation code %s", payload)


@user_turn
async def on_start(turn: Turn) -> None:
    """/start [invitation]: begin, or welcome back with a choice (never a silent restart)."""
    args = turn.context.args
    _remember_invite(turn, args[0] if args else None)
    state, prompt, resumed = await off_loop(
        turn.services.store.open, turn.key, language=turn.lang, display_name=turn.user.full_name
    )
    if resumed and (state.trail or state.answers or state.status != "in_progress"):
        await offer_resume(turn, prompt, state.language)
        return
    await turn.say(t("bot.welcome", state.language))
    await turn.show(prompt, state.language)


@user_turn
async def on_resume_choice(turn: Turn) -> None:
    """Continue, Review or Start over from the welcome-back menu."""
    query = turn.query
    press = callbacks.decode(query.data if query else None)
    if query is None or press is None or not isinstance(query.message, Message):
        return
    await screens.quietly(query.answer())
    if turn.current is None:
        await turn.not_started()
        return
    paused = turn.current.prompt.kind == "cancelled"
    choices: dict[str, tuple[Event, ...]] = {
        callbacks.RESUME_CONTINUE: (Start(),),
        callbacks.RESUME_REVIEW: (Start(), Review()) if paused else (Review(),),
        callbacks.RESUME_START_OVER: (Restart(),),
    }
    events = choices.get(press.arg, (Start(),))
    state, prompt = await turn.apply(*events)
    pressed = PromptMessage(
        query.message.chat_id, query.message.message_id, turn.current.prompt, True, menu=True
    )
    await turn.show(prompt, state.language, pressed=pressed)


@user_turn
async def on_text(turn: Turn) -> None:
    """Typed text: an answer inside an interview, a question for the knowledge base outside."""
    message, current = turn.message, turn.current
    if message is None or message.text is None:
        return
    if current is None or current.prompt.kind == "submitted":
        await answer_question(turn, message.text, started=current is not None)
        return
    prompt, lang = current.prompt, current.language
    if prompt.kind == "cancelled":
        await offer_resume(turn, prompt, lang)
        return
    memory = turn.context.runtime.memory(turn.key)
    state = await text_answers.state_if_joining(turn.context, turn.key, memory, message)
    events, joined = text_answers.events_for(memory, prompt, state, message)
    new_state, new_prompt = await turn.apply(*events)
    accepted = new_prompt.error is None and isinstance(events[-1], Text)
    text_answers.remember(memory, prompt, message, events, joined, accepted)
    if joined is not None and accepted:
        await turn.say(t("bot.joined", new_state.language))
    answered = screens.Answered(prompt, message.text) if accepted and not joined else None
    await turn.show(new_prompt, new_state.language, answered=answered)


@user_turn
async def on_edited(turn: Turn) -> None:
    """An edited text answer replaces the stored one (the engine's Edit + Text)."""
    message, current = turn.update.edited_message, turn.current
    if message is None or not message.text:
        return
    memory = turn.context.runtime.memory(turn.key)
    record = next((r for r in memory.typed if r.message_id == message.message_id), None)
    if current is None or record is None or current.prompt.kind == "cancelled":
        await turn.say(t("bot.edit_unknown", turn.lang))
        return
    events = text_answers.edit_events(record, current.prompt, message.text)
    state, prompt = await turn.apply(*events)
    if prompt.error is None:
        await turn.say(t("bot.edit_saved", state.language))
    await turn.show(prompt, state.language)


def register(app: HelixApp) -> None:
    """/start, the welcome-back buttons, typed answers and edited answers (private chats)."""
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("start", on_start, filters=private))
    app.add_handler(CallbackQueryHandler(on_resume_choice, pattern=callbacks.pattern(RESUME)))
    app.add_handler(
        MessageHandler(
            private & filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, on_text
        )
    )
    app.add_handler(
        MessageHandler(private & filters.UpdateType.EDITED_MESSAGE & filters.TEXT, on_edited)
    )
