"""The interview itself: /start, typed answers, edited answers, and the welcome-back menu.

A returning user is never restarted silently: /start on an existing interview offers Continue /
Review / Start over (starting over keeps the old answers aside, see `Restart`). Typed text goes to
the engine as `Text` on a question screen; on the review screen a number opens that line. How a
long answer split by Telegram is put back together, and how edits map to answers, is in
`bot.telegram.typed`.
"""

from __future__ import annotations

import logging
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.telegram import keys, session, typed
from bot.telegram.context import HelixApp, HelixContext, PromptMessage
from bot.telegram.handlers.knowledge import answer_question
from intake.engine import Event, Prompt, Restart, Review, Start, Text
from intake.i18n import t

log = logging.getLogger(__name__)

_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")


def resume_markup(lang: str) -> InlineKeyboardMarkup:
    """Continue / Review / Start over: what a returning user chooses between."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t("bot.button.continue", lang), callback_data="w:c")],
            [InlineKeyboardButton(t("bot.button.review", lang), callback_data="w:r")],
            [InlineKeyboardButton(t("bot.button.start_over", lang), callback_data="w:n")],
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


async def offer_resume(
    context: HelixContext, chat_id: int, key: str, prompt: Prompt, lang: str
) -> None:
    """Send the welcome-back menu and make it the user's live keyboard."""
    memory = context.runtime.memory(key)
    if memory.prompt is not None:
        await session.retire(context, memory.prompt, None)
    text = t(f"bot.welcome_back.{RESUME_TEXT[prompt.kind]}", lang)
    sent = await session.say(context, chat_id, text, resume_markup(lang))
    if sent is not None:
        memory.prompt = PromptMessage(
            chat_id, sent.message_id, prompt, True, menu=True, language=lang
        )


def _remember_invite(context: HelixContext, payload: str | None) -> None:
    """Keep a convener's deep-link code for this user; anything malformed is ignored."""
    if payload and _PAYLOAD.fullmatch(payload) and context.user_data is not None:
        context.user_data["invite"] = payload
        log.info("start with invitation code %s", payload)


async def on_start(update: Update, context: HelixContext) -> None:
    """/start [invitation]: begin, or welcome back with a choice (never a silent restart)."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    _remember_invite(context, context.args[0] if context.args else None)
    key = session.user_key(user)
    async with context.runtime.lock(key):
        lang = session.language_of(context, user, None)
        store = context.services.store
        state, prompt, resumed = await session.off_loop(
            store.open, key, language=lang, display_name=user.full_name
        )
        if resumed and (state.trail or state.answers or state.status != "in_progress"):
            await offer_resume(context, chat.id, key, prompt, state.language)
            return
        await session.say(context, chat.id, t("bot.welcome", state.language))
        await session.show(context, chat.id, key, prompt, state.language)


async def on_resume_choice(update: Update, context: HelixContext) -> None:
    """Continue (w:c), Review (w:r) or Start over (w:n) from the welcome-back menu."""
    query, user = update.callback_query, update.effective_user
    press = keys.decode(query.data if query else None)
    if query is None or user is None or press is None or not isinstance(query.message, Message):
        return
    key = session.user_key(user)
    async with context.runtime.lock(key):
        current = await session.screen(context, key)
        await session.quietly(query.answer())
        if current is None:
            lang = session.language_of(context, user, None)
            await session.not_started(context, query.message.chat_id, lang)
            return
        paused = current.prompt.kind == "cancelled"
        choices: dict[str, tuple[Event, ...]] = {
            "c": (Start(),),
            "r": (Start(), Review()) if paused else (Review(),),
            "n": (Restart(),),
        }
        events = choices.get(press.arg, (Start(),))
        state, prompt = await session.apply(context, key, *events)
        pressed = PromptMessage(
            query.message.chat_id, query.message.message_id, current.prompt, True, menu=True
        )
        await session.show(
            context, query.message.chat_id, key, prompt, state.language, pressed=pressed
        )


async def on_text(update: Update, context: HelixContext) -> None:
    """Typed text: an answer inside an interview, a question for the knowledge base outside."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.text is None:
        return
    key = session.user_key(user)
    async with context.runtime.lock(key):
        current = await session.screen(context, key)
        if current is None or current.prompt.kind == "submitted":
            lang = current.language if current else session.language_of(context, user, None)
            await answer_question(
                context, message.chat_id, message.text, lang, current is not None
            )
            return
        prompt, lang = current.prompt, current.language
        if prompt.kind == "cancelled":
            await offer_resume(context, message.chat_id, key, prompt, lang)
            return
        memory = context.runtime.memory(key)
        state = await typed.state_if_joining(context, key, memory, message)
        events, joined = typed.events_for(memory, prompt, state, message)
        new_state, new_prompt = await session.apply(context, key, *events)
        accepted = new_prompt.error is None and isinstance(events[-1], Text)
        typed.remember(memory, prompt, message, events, joined, accepted)
        if joined is not None and accepted:
            await session.say(context, message.chat_id, t("bot.joined", new_state.language))
        answered = session.Answered(prompt, message.text) if accepted and not joined else None
        await session.show(
            context, message.chat_id, key, new_prompt, new_state.language, answered=answered
        )


async def on_edited(update: Update, context: HelixContext) -> None:
    """An edited text answer replaces the stored one (the engine's Edit + Text)."""
    message, user = update.edited_message, update.effective_user
    if message is None or user is None or not message.text:
        return
    key = session.user_key(user)
    async with context.runtime.lock(key):
        current = await session.screen(context, key)
        memory = context.runtime.memory(key)
        record = next((r for r in memory.typed if r.message_id == message.message_id), None)
        if current is None or record is None or current.prompt.kind == "cancelled":
            lang = current.language if current else session.language_of(context, user, None)
            await session.say(context, message.chat_id, t("bot.edit_unknown", lang))
            return
        events = typed.edit_events(record, current.prompt, message.text)
        state, prompt = await session.apply(context, key, *events)
        if prompt.error is None:
            await session.say(context, message.chat_id, t("bot.edit_saved", state.language))
        await session.show(context, message.chat_id, key, prompt, state.language)


def register(app: HelixApp) -> None:
    """/start, the welcome-back buttons, typed answers and edited answers (private chats)."""
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("start", on_start, filters=private))
    app.add_handler(CallbackQueryHandler(on_resume_choice, pattern=r"^w:"))
    app.add_handler(
        MessageHandler(
            private & filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, on_text
        )
    )
    app.add_handler(
        MessageHandler(private & filters.UpdateType.EDITED_MESSAGE & filters.TEXT, on_edited)
    )
