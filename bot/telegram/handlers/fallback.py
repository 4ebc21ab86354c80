"""Anything the interview cannot use: stickers, photos, voice, files, unknown commands, empty text.

The user always gets an answer that says what went wrong in plain words, followed by the
question they are on, so they can carry on at once. These handlers are registered last, so they
only see what no feature handler claimed.
"""

from __future__ import annotations

from telegram.ext import MessageHandler, filters

from bot.telegram.context import HelixApp
from bot.telegram.turns import Turn, user_turn
from intake.i18n import t


def reason_key(text: str | None) -> str:
    """Which explanation fits: an unknown command, an empty message, or non-text content."""
    if text is None:
        return "bot.fallback.media"
    if text.startswith("/"):
        return "bot.fallback.command"
    return "bot.fallback.empty"


@user_turn
async def on_unusable(turn: Turn) -> None:
    """Explain what the bot can read, then show the current question again."""
    message = turn.message
    if message is None:
        return
    command = message.text.split(maxsplit=1)[0][:40] if message.text else ""
    await turn.say(t(reason_key(message.text), turn.lang, command=command))
    if turn.current is None:
        await turn.not_started()
    elif turn.current.prompt.kind == "submitted":
        await turn.say(t("bot.kb.after_submitted", turn.lang))
    else:
        await turn.show(turn.current.prompt, turn.lang)


def register(app: HelixApp) -> None:
    """Register last: unknown commands and every non-text message in a private chat."""
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    app.add_handler(MessageHandler(private & filters.COMMAND, on_unusable))
    app.add_handler(MessageHandler(private & ~filters.TEXT, on_unusable))
