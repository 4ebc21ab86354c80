"""Interview commands: /help, /cancel, /back, /skip, /review, /status and /language.

The navigation commands are the typed twins of the screen buttons, for users who prefer typing
or whose buttons scrolled away; each one is one engine event and the screen that follows.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.progress import progress_line
from bot.telegram import callbacks, screens
from bot.telegram.context import HelixApp
from bot.telegram.render import esc
from bot.telegram.turns import Turn, load, user_turn
from intake.engine import Back, Cancel, Event, Review, SetLanguage, Skip
from intake.i18n import LANGUAGES, t

NAVIGATION: dict[str, Event] = {
    "back": Back(),
    "skip": Skip(),
    "review": Review(),
    "cancel": Cancel(),
}
LANGUAGE_NAMES = {"en": "English", "es": "Español"}


@user_turn
async def on_navigation(turn: Turn) -> None:
    """/back, /skip, /review, /cancel: apply the event, show the resulting screen."""
    if turn.message is None or not turn.message.text:
        return
    name = turn.message.text.split()[0][1:].split("@")[0].lower()
    if turn.current is None:
        await turn.not_started()
        return
    new_state, prompt = await turn.apply(NAVIGATION[name])
    await turn.show(prompt, new_state.language)


@user_turn
async def on_help(turn: Turn) -> None:
    """/help: what the bot does and every command, in the user's language."""
    await turn.say(t("bot.help", turn.lang))


@user_turn
async def on_status(turn: Turn) -> None:
    """/status: where the interview stands, without changing anything."""
    state, prompt = await load(turn.context, turn.key)
    if state is None or prompt is None:
        await turn.not_started()
        return
    lang = state.language
    where = progress_line(prompt, lang) or t(f"bot.status.{state.status}", lang)
    text = t("bot.status", lang, answered=len(state.answers), where=where, revision=state.revision)
    await turn.say(text)


@user_turn
async def on_language(turn: Turn) -> None:
    """/language: offer the interview languages as buttons."""
    buttons = [
        InlineKeyboardButton(
            LANGUAGE_NAMES.get(code, code),
            callback_data=callbacks.encode(callbacks.LANGUAGE, code),
        )
        for code in LANGUAGES
    ]
    await turn.send_html(esc(t("bot.language.choose", turn.lang)), InlineKeyboardMarkup([buttons]))


@user_turn
async def on_language_choice(turn: Turn) -> None:
    """l:<code>: switch the interview (or, before one exists, the bot's replies) to a language."""
    query = turn.query
    press = callbacks.decode(query.data if query else None)
    if query is None or press is None or not isinstance(query.message, Message):
        return
    code = press.arg if press.arg in LANGUAGES else LANGUAGES[0]
    if turn.context.user_data is not None:
        turn.context.user_data["language"] = code
    await screens.quietly(query.answer())
    await screens.quietly(query.message.edit_reply_markup(reply_markup=None))
    if turn.current is None:
        await turn.say(t("bot.language.set", code))
        return
    new_state, prompt = await turn.apply(SetLanguage(language=code))
    await turn.show(prompt, new_state.language)


def register(app: HelixApp) -> None:
    """The interview commands and the language buttons (private chats)."""
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler(list(NAVIGATION), on_navigation, filters=private))
    app.add_handler(CommandHandler("help", on_help, filters=private))
    app.add_handler(CommandHandler("status", on_status, filters=private))
    app.add_handler(CommandHandler("language", on_language, filters=private))
    app.add_handler(
        CallbackQueryHandler(on_language_choice, pattern=callbacks.pattern(callbacks.LANGUAGE))
    )
