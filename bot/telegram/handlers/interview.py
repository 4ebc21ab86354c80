"""The interview itself: /start, typed answers, edited answers, and the welcome-back menu.

A returning user is never restarted silently: /start on an existing interview offers Continue /
Review / Start over (starting over keeps the old answers aside, see `Restart`). Typed text goes to
the engine as `Text` on a question screen; on the review screen a number opens that line.

Long answers: Telegram apps cut a pasted text longer than 4096 characters into several messages
sent within a second. The first part is accepted at once (so it is durable), and a follow-up that
arrives within `JOIN_WINDOW` seconds of a near-limit part of a long_text answer is appended to
that answer (`Edit` + `Text` with the joined text) instead of being taken as the answer to the
next question. Both decisions use Telegram's message dates, never the local clock.
"""

from __future__ import annotations

import html
import logging
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.telegram import keys, session
from bot.telegram.context import HelixApp, HelixContext, PromptMessage, TypedAnswer, UserMemory
from bot.telegram.handlers.knowledge import answer_question
from bot.telegram.split import utf16_len
from intake.events import Edit, Event, Restart, Review, Start, Text
from intake.i18n import t
from intake.prompt import Prompt
from intake.state import InterviewState

log = logging.getLogger(__name__)

JOIN_WINDOW = 5  # seconds between the parts of one pasted text
SPLIT_HINT = 3000  # a part this long (UTF-16 units) was probably cut by the Telegram app
_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
_ITEM_PATH = re.compile(r"([a-z][a-z0-9_]*)\[(\d+)\]\.([a-z][a-z0-9_]*)")


def resume_markup(lang: str) -> InlineKeyboardMarkup:
    """Continue / Review / Start over: what a returning user chooses between."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t("bot.button.continue", lang), callback_data="w:c")],
            [InlineKeyboardButton(t("bot.button.review", lang), callback_data="w:r")],
            [InlineKeyboardButton(t("bot.button.start_over", lang), callback_data="w:n")],
        ]
    )


async def offer_resume(
    context: HelixContext, chat_id: int, key: str, state: InterviewState, prompt: Prompt
) -> None:
    """Send the welcome-back menu and make it the user's live keyboard."""
    lang = state.language
    text = t(f"bot.welcome_back.{state.status}", lang)
    memory = context.runtime.memory(key)
    if memory.prompt is not None:
        await session.retire(context, memory.prompt, None)
    sent = await session.send_html(
        context, chat_id, html.escape(text, quote=False), resume_markup(lang)
    )
    if sent is not None:
        memory.prompt = PromptMessage(chat_id, sent.message_id, prompt, True, menu=True)


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
            await offer_resume(context, chat.id, key, state, prompt)
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
        state, prompt = await session.load(context, key)
        if state is None or prompt is None:
            await query.answer()
            await session.not_started(
                context, query.message.chat_id, session.language_of(context, user, None)
            )
            return
        choices: dict[str, tuple[Event, ...]] = {
            "c": (Start(),),
            "r": (Start(), Review()) if state.status == "cancelled" else (Review(),),
            "n": (Restart(),),
        }
        new_state, new_prompt = await session.apply(
            context, key, *choices.get(press.arg, (Start(),))
        )
        await query.answer()
        pressed = PromptMessage(
            query.message.chat_id, query.message.message_id, prompt, True, menu=True
        )
        await session.show(
            context, query.message.chat_id, key, new_prompt, new_state.language, pressed=pressed
        )


def answer_at(state: InterviewState, path: str) -> object:
    """The stored answer at a path (`goals`, `stakeholders[0].st_note`), or None."""
    match = _ITEM_PATH.fullmatch(path)
    if match is None:
        return state.answers.get(path)
    items = state.answers.get(match[1])
    index = int(match[2])
    if isinstance(items, list) and index < len(items) and isinstance(items[index], dict):
        return items[index].get(match[3])
    return None


def continuation(
    memory: UserMemory, prompt: Prompt, state: InterviewState, message: Message
) -> TypedAnswer | None:
    """The long answer this message continues (Telegram split a pasted text), if any."""
    last = memory.typed[-1] if memory.typed else None
    if (
        last is None
        or not last.long
        or last.length < SPLIT_HINT
        or message.date.timestamp() - last.timestamp > JOIN_WINDOW
        or last.path == prompt.path
    ):
        return None
    return last if isinstance(answer_at(state, last.path), str) else None


def typed_events(prompt: Prompt, text: str) -> tuple[Event, ...]:
    """A typed line for this screen: an answer, or on the review a line number to change."""
    if prompt.kind == "review" and text.strip().isdigit():
        number = int(text.strip())
        if 1 <= number <= len(prompt.review):
            return (Edit(path=prompt.review[number - 1].path),)
    return (Text(text=text),)


def _events(
    memory: UserMemory, prompt: Prompt, state: InterviewState, message: Message
) -> tuple[tuple[Event, ...], TypedAnswer | None]:
    """The events for a typed message, and the long answer it continues (if it does)."""
    text = message.text or ""
    joined = continuation(memory, prompt, state, message)
    if joined is None:
        return typed_events(prompt, text), None
    previous = str(answer_at(state, joined.path))
    return (Edit(path=joined.path), Text(text=f"{previous}\n{text}")), joined


def _remember(
    memory: UserMemory, prompt: Prompt, message: Message, joined: TypedAnswer | None, ok: bool
) -> None:
    """Note which question a typed message answered, for later edits and long-text joins."""
    path = joined.path if joined is not None else prompt.path
    if path is None or (joined is None and prompt.kind != "question"):
        return
    long = ok and (joined is not None or prompt.question_type == "long_text")
    stamp = message.date.timestamp()
    size = utf16_len(message.text or "")
    memory.typed.append(TypedAnswer(message.message_id, path, stamp, size, long=long))


async def on_text(update: Update, context: HelixContext) -> None:
    """Typed text: an answer inside an interview, a question for the knowledge base outside."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.text is None:
        return
    key = session.user_key(user)
    async with context.runtime.lock(key):
        state, prompt = await session.load(context, key)
        if state is None or prompt is None or state.status == "submitted":
            lang = session.language_of(context, user, state)
            await answer_question(context, message.chat_id, message.text, lang, state)
            return
        if state.status == "cancelled":
            await offer_resume(context, message.chat_id, key, state, prompt)
            return
        memory = context.runtime.memory(key)
        events, joined = _events(memory, prompt, state, message)
        new_state, new_prompt = await session.apply(context, key, *events)
        ok = new_prompt.error is None and isinstance(events[-1], Text)
        _remember(memory, prompt, message, joined, ok)
        lang = new_state.language
        if joined is not None and ok:
            await session.say(context, message.chat_id, t("bot.joined", lang))
        answered = session.Answered(prompt, message.text) if ok and joined is None else None
        await session.show(context, message.chat_id, key, new_prompt, lang, answered=answered)


async def on_edited(update: Update, context: HelixContext) -> None:
    """An edited text answer replaces the stored one (the engine's Edit + Text)."""
    message, user = update.edited_message, update.effective_user
    if message is None or user is None or not message.text:
        return
    key = session.user_key(user)
    async with context.runtime.lock(key):
        state, prompt = await session.load(context, key)
        memory = context.runtime.memory(key)
        record = next((r for r in memory.typed if r.message_id == message.message_id), None)
        if state is None or prompt is None or record is None or state.status == "cancelled":
            lang = session.language_of(context, user, state)
            await session.say(context, message.chat_id, t("bot.edit_unknown", lang))
            return
        events: tuple[Event, ...] = (Text(text=message.text),)
        if prompt.path != record.path:
            events = (Edit(path=record.path), *events)
        new_state, new_prompt = await session.apply(context, key, *events)
        if new_prompt.error is None:
            await session.say(context, message.chat_id, t("bot.edit_saved", new_state.language))
        await session.show(context, message.chat_id, key, new_prompt, new_state.language)


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
