"""Anything the interview cannot use: stickers, photos, voice, files, unknown commands, empty text.

The user always gets an answer that says what went wrong in plain words, followed by the
question they are on, so they can carry on at once. These handlers are registered last, so they
only see what no feature handler claimed.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.telegram import session
from bot.telegram.context import HelixApp, HelixContext
from intake.i18n import t


def reason_key(text: str | None) -> str:
    """Which explanation fits: an unknown command, an empty message, or non-text content."""
    if text is None:
        return "bot.fallback.media"
    if text.startswith("/"):
        return "bot.fallback.command"
    return "bot.fallback.empty"


async def on_unusable(update: Update, context: HelixContext) -> None:
    """Explain what the bot can read, then show the current question again."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    key = session.user_key(user)
    async with context.runtime.lock(key):
        current = await session.screen(context, key)
        lang = session.language_of(context, user, current)
        command = (message.text or "").split(maxsplit=1)[0][:40] if message.text else ""
        await session.say(
            context, message.chat_id, t(reason_key(message.text), lang, command=command)
        )
        if current is None:
            await session.not_started(context, message.chat_id, lang)
        elif current.prompt.kind == "submitted":
            await session.say(context, message.chat_id, t("bot.kb.after_submitted", lang))
        else:
            await session.show(context, message.chat_id, key, current.prompt, lang)


def register(app: HelixApp) -> None:
    """Register last: unknown commands and every non-text message in a private chat."""
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    app.add_handler(MessageHandler(private & filters.COMMAND, on_unusable))
    app.add_handler(MessageHandler(private & ~filters.TEXT, on_unusable))
