"""The global error handler: log it (never the token), tell the user, mark blocked users inactive.

Whatever fails inside a handler, the user hears that something went wrong on our side and that
their answers are kept (they are: every answer is committed before any reply). A 403 means the
user blocked the bot or deleted their account, so there is nobody to tell: the store marks them
inactive and digests skip them. Network trouble while polling has no user attached; it is logged
briefly, since PTB retries on its own.
"""

from __future__ import annotations

import logging
import traceback

from telegram import Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError

from bot.telegram import screens
from bot.telegram.context import HelixApp, HelixContext
from bot.telegram.turns import off_loop, user_key
from intake.i18n import LANGUAGES, t

log = logging.getLogger(__name__)
REDACTED = "<token>"


def redact(text: str, token: str) -> str:
    """Remove the bot token from anything headed for a log (request URLs contain it)."""
    return text.replace(token, REDACTED) if token else text


class RedactToken(logging.Filter):
    """A logging filter for deployments: scrub the token from every formatted record."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.token in message:
            record.msg, record.args = redact(message, self.token), None
        return True


def install_log_redaction(token: str) -> None:
    """Attach `RedactToken` to the root handlers (called once by `helix run`)."""
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactToken(token))


async def _mark_inactive(update: object, context: HelixContext) -> None:
    user = update.effective_user if isinstance(update, Update) else None
    if user is None or not context.runtime.has_services:
        return
    key = user_key(user)
    await off_loop(context.services.store.mark_inactive, key)
    context.runtime.forget(key)
    log.info("user %s blocked the bot or is gone; marked inactive", key)


def _language(update: Update, context: HelixContext) -> str:
    """The user's language without touching the store (which may be what just failed)."""
    chosen = context.user_data.get("language") if context.user_data is not None else None
    if isinstance(chosen, str) and chosen in LANGUAGES:
        return chosen
    code = (update.effective_user.language_code or "")[:2] if update.effective_user else ""
    return code if code in LANGUAGES else "en"


async def on_error(update: object, context: HelixContext) -> None:
    """Log without the token; apologise to the user; handle 403 and polling hiccups."""
    error = context.error
    if isinstance(error, Forbidden):
        await _mark_inactive(update, context)
        return
    token = context.bot.token
    if update is None and isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        log.warning("network trouble talking to Telegram: %s", redact(str(error), token))
        return
    trace = "".join(traceback.format_exception(error)) if error else "unknown error"
    log.error("update failed: %s", redact(trace, token))
    if not isinstance(update, Update):
        return
    if update.effective_user is not None:
        context.runtime.distrust(user_key(update.effective_user))
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE:
        return
    lang = _language(update, context)
    try:
        await screens.say(context, chat.id, t("bot.error", lang))
    except TelegramError as exc:  # nothing more we can do; don't loop on the error handler
        log.warning("could not send the apology: %s", redact(str(exc), token))


def register(app: HelixApp) -> None:
    """The one error handler for every update."""
    app.add_error_handler(on_error)
