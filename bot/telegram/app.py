"""The composition root of the Telegram surface: `build_application(settings, services)`.

One `Application` per process: HTML by default (every user text is escaped in `render`), the
priority rate limiter in front of every send (replies to people go before digests; it honours
429 `retry_after`, see `bot/digests/limiter.py`), a retrying HTTP client for
5xx and unsent requests, a typed `HelixContext`, and the services opened in `post_init` (off the
event loop: migrations and demo data are blocking) and closed in `post_shutdown`. Tests and the
benchmark inject their own `Services` and a faster rate; the bot then leaves closing them to the
caller. Handlers come from one module per feature, registered in an order that matters: feature
commands first, then buttons, then the fallbacks that catch whatever is left. `post_init` also
schedules every leader's digest from the database and the hourly introduction expiry job.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults

from bot.digests import schedule
from bot.digests.limiter import PriorityRateLimiter
from bot.services import Services, open_services
from bot.settings import Settings
from bot.telegram.context import BotData, HelixApp, HelixContext
from bot.telegram.handlers import (
    account,
    admin,
    buttons,
    commands,
    digests,
    errors,
    fallback,
    interview,
    introductions,
    knowledge,
    peers,
)
from bot.telegram.request import RetryingRequest
from bot.telegram.turns import off_loop
from intake.i18n import LANGUAGES, t

log = logging.getLogger(__name__)
PostInit = Callable[[HelixApp], Coroutine[Any, Any, None]]

#: (command, catalog key of its description); the order is the order shown in Telegram's menu.
USER_COMMANDS = (
    ("start", "bot.command.start"),
    ("help", "bot.command.help"),
    ("review", "bot.command.review"),
    ("back", "bot.command.back"),
    ("skip", "bot.command.skip"),
    ("status", "bot.command.status"),
    ("peers", "peers.command.peers"),
    ("digest", "outreach.command.digest"),
    ("ask", "bot.command.ask"),
    ("language", "bot.command.language"),
    ("cancel", "bot.command.cancel"),
    ("mydata", "bot.command.mydata"),
    ("deleteme", "bot.command.deleteme"),
)
ADMIN_COMMANDS = (
    ("stats", "bot.command.stats"),
    ("export", "bot.command.export"),
    ("map", "peers.command.map"),
)
#: `digests` comes first: its typed-time-zone handler must see that text before the interview.
FEATURES = (
    digests,
    interview,
    commands,
    account,
    admin,
    peers,
    introductions,
    knowledge,
    buttons,
    fallback,
    errors,
)
#: Connections to the Bot API. PTB's default (256) costs CPU on every request (httpcore scans
#: its pool), and 32 keep-alive connections carry far more than Telegram's ~30 sends/second.
CONNECTIONS = 32
#: A request waits this long for a free connection before failing (then retried: not sent).
POOL_TIMEOUT = 10.0


def build_command_list(lang: str = "en", *, admin_commands: bool = False) -> list[BotCommand]:
    """The commands Telegram shows in its menu, in `lang`; admins also see theirs."""
    pairs = USER_COMMANDS + (ADMIN_COMMANDS if admin_commands else ())
    return [BotCommand(name, t(key, lang)) for name, key in pairs]


def file_url_for(api_url: str) -> str:
    """The file-download URL matching a Bot API URL (`…/bot` → `…/file/bot`)."""
    head, sep, tail = api_url.rpartition("/bot")
    return f"{head}/file/bot{tail}" if sep else api_url.rstrip("/") + "/file/bot"


async def set_commands(app: HelixApp, settings: Settings) -> None:
    """Publish the command menu per language, and the admin menu to each admin's chat."""
    bot = app.bot
    try:
        for lang in LANGUAGES:
            code = None if lang == "en" else lang
            await bot.set_my_commands(build_command_list(lang), language_code=code)
        for admin_id in settings.admin_ids:
            scope = BotCommandScopeChat(chat_id=admin_id)
            await bot.set_my_commands(build_command_list(admin_commands=True), scope=scope)
    except TelegramError as exc:  # a menu is a convenience: never block start-up on it
        log.warning("could not set the command menu: %s", exc)


def opener(settings: Settings, services: Services | None) -> PostInit:
    """`post_init`: use the injected services, or open them off the loop; publish the menu."""

    async def post_init(app: HelixApp) -> None:
        data = app.bot_data
        if services is None:
            data.services = await off_loop(open_services, settings)
            data.owns_services = True
            # Build/open the knowledge index now, not on the first leader's /ask.
            data.services.warm_up_knowledge()
        else:
            data.services = services
        await set_commands(app, settings)
        await schedule.start(app)
        introductions.start_expiry(app)

    return post_init


async def post_shutdown(app: HelixApp) -> None:
    """Close the services this application opened (injected ones belong to the caller)."""
    data = app.bot_data
    if data.owns_services and data.has_services:
        await off_loop(data.services.close)
    data.services = None


def build_application(
    settings: Settings,
    services: Services | None = None,
    *,
    rate_limit: float = 30.0,
    max_retries: int = 3,
    retry_backoff: float = 0.5,
    application_class: type[Application[Any, Any, Any, Any, Any, Any]] = Application,
    application_kwargs: dict[str, Any] | None = None,
) -> HelixApp:
    """Build (not start) the bot; `services` injected are used as is and not closed.

    `rate_limit` (sends per second) and `retry_backoff` exist for tests and benchmarks against
    an emulator; `application_class`/`application_kwargs` let a test harness observe updates.
    """
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    request = RetryingRequest(
        backoff=retry_backoff, connection_pool_size=CONNECTIONS, pool_timeout=POOL_TIMEOUT
    )
    defaults = Defaults(
        parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
    )
    app: HelixApp = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_api_url)
        .base_file_url(file_url_for(settings.telegram_api_url))
        .request(request)
        .defaults(defaults)
        .rate_limiter(PriorityRateLimiter(rate_limit, max_retries=max_retries))
        .context_types(ContextTypes(context=HelixContext, bot_data=BotData))
        .concurrent_updates(True)
        .application_class(application_class, kwargs=application_kwargs)
        .post_init(opener(settings, services))
        .post_shutdown(post_shutdown)
        .build()
    )
    for feature in FEATURES:
        feature.register(app)
    return app
