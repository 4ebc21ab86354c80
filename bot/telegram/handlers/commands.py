"""Interview commands: /help, /cancel, /back, /skip, /review, /status and /language.

The navigation commands are the typed twins of the screen buttons, for users who prefer typing
or whose buttons scrolled away; each one is one engine event and the screen that follows.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.telegram import keys, session
from bot.telegram.context import HelixApp, HelixContext
from bot.telegram.render import esc
from intake.engine import Back, Cancel, Event, Review, SetLanguage, Skip
from intake.i18n import LANGUAGES, t

NAVIGATION: dict[str, Event] = {
    "back": Back(),
    "skip": Skip(),
    "review": Review(),
    "cancel": Cancel(),
}
LANGUAGE_NAMES = {"en": "English", "es": "Español"}


async def on_navigation(update: Update, context: HelixContext) -> None:
    """/back, /skip, /review, /cancel: apply the event, show the resulting screen."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or not message.text:
        return
    name = message.text.split()[0][1:].split("@")[0].lower()
    key = session.user_key(user)
    async with context.runtime.lock(key):
        if await session.screen(context, key) is None:
            lang = session.language_of(context, user, None)
            await session.not_started(context, message.chat_id, lang)
            return
        new_state, prompt = await session.apply(context, key, NAVIGATION[name])
        await session.show(context, message.chat_id, key, prompt, new_state.language)


async def on_help(update: Update, context: HelixContext) -> None:
    """/help: what the bot does and every command, in the user's language."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    current = await session.screen(context, session.user_key(user))
    lang = session.language_of(context, user, current)
    await session.say(context, message.chat_id, t("bot.help", lang))


async def on_status(update: Update, context: HelixContext) -> None:
    """/status: where the interview stands, without changing anything."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    state, prompt = await session.load(context, session.user_key(user))
    lang = state.language if state else session.language_of(context, user, None)
    if state is None or prompt is None:
        await session.not_started(context, message.chat_id, lang)
        return
    answered = len(state.answers)
    if prompt.progress is not None:
        p = prompt.progress
        where = t("bot.progress", lang, index=p.index, total=p.total, section=p.section)
    else:
        where = t(f"bot.status.{state.status}", lang)
    text = t("bot.status", lang, answered=answered, where=where, revision=state.revision)
    await session.say(context, message.chat_id, text)


async def on_language(update: Update, context: HelixContext) -> None:
    """/language: offer the interview languages as buttons."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    current = await session.screen(context, session.user_key(user))
    lang = session.language_of(context, user, current)
    buttons = [
        InlineKeyboardButton(
            LANGUAGE_NAMES.get(code, code), callback_data=keys.encode(keys.LANGUAGE, code)
        )
        for code in LANGUAGES
    ]
    markup = InlineKeyboardMarkup([buttons])
    await session.send_html(context, message.chat_id, esc(t("bot.language.choose", lang)), markup)


async def on_language_choice(update: Update, context: HelixContext) -> None:
    """l:<code>: switch the interview (or, before one exists, the bot's replies) to a language."""
    query, user = update.callback_query, update.effective_user
    press = keys.decode(query.data if query else None)
    if query is None or user is None or press is None or not isinstance(query.message, Message):
        return
    code = press.arg if press.arg in LANGUAGES else LANGUAGES[0]
    if context.user_data is not None:
        context.user_data["language"] = code
    key = session.user_key(user)
    async with context.runtime.lock(key):
        await session.quietly(query.answer())
        await session.quietly(query.message.edit_reply_markup(reply_markup=None))
        if await session.screen(context, key) is None:
            await session.say(context, query.message.chat_id, t("bot.language.set", code))
            return
        new_state, prompt = await session.apply(context, key, SetLanguage(language=code))
        await session.show(context, query.message.chat_id, key, prompt, new_state.language)


def register(app: HelixApp) -> None:
    """The interview commands and the language buttons (private chats)."""
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler(list(NAVIGATION), on_navigation, filters=private))
    app.add_handler(CommandHandler("help", on_help, filters=private))
    app.add_handler(CommandHandler("status", on_status, filters=private))
    app.add_handler(CommandHandler("language", on_language, filters=private))
    app.add_handler(CallbackQueryHandler(on_language_choice, pattern=r"^l:"))
