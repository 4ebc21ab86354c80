"""`helix run` on Telegram (`run_bot`) and `helix telegram commands` (the bot's command menu).

Long polling by default; webhook mode when TELEGRAM_WEBHOOK_URL is set, listening on
TELEGRAM_WEBHOOK_LISTEN:TELEGRAM_WEBHOOK_PORT at the URL's path and checking Telegram's secret
header when TELEGRAM_WEBHOOK_SECRET is set. TELEGRAM_API_URL points the bot at another Bot API
server (a local `telegram-bot-api`, or the test emulator).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any
from urllib.parse import urlsplit

import typer
from rich.console import Console
from rich.markup import escape
from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application

from bot.settings import Settings
from bot.startup import StartupError
from intake.i18n import LANGUAGES


def webhook_path(url: str) -> str:
    """The path the local webhook server listens on: the path of the public URL."""
    return urlsplit(url).path.lstrip("/")


def run_bot(settings: Settings) -> None:
    """Build the application and run it until interrupted (blocking; owns the event loop)."""
    from bot.telegram.app import build_application
    from bot.telegram.handlers.errors import install_log_redaction

    if settings.telegram_bot_token is None:
        raise typer.BadParameter("TELEGRAM_BOT_TOKEN is not set")
    install_log_redaction(settings.telegram_bot_token.get_secret_value())
    # Opt into PTB's timedelta `retry_after` now: PTB warns on every 429 otherwise.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    app = build_application(settings)
    with telegram_start_errors(settings):
        _serve(app, settings)


@contextmanager
def telegram_start_errors(settings: Settings) -> Iterator[None]:
    """A refused token or an unreachable Bot API becomes one line a deployer can act on."""
    try:
        yield
    except InvalidToken:
        raise StartupError(
            "TELEGRAM_BOT_TOKEN was refused by Telegram: copy it again from @BotFather"
        ) from None
    except NetworkError as exc:
        raise StartupError(
            f"Cannot reach the Telegram Bot API at {settings.telegram_api_url}: {exc}"
        ) from None


def _serve(app: Application[Any, Any, Any, Any, Any, Any], settings: Settings) -> None:
    """Long polling, or a webhook server when a public URL is configured; blocks until stopped."""
    from telegram import Update

    if settings.telegram_webhook_url:
        secret = settings.telegram_webhook_secret
        app.run_webhook(
            listen=settings.telegram_webhook_listen,
            port=settings.telegram_webhook_port,
            url_path=webhook_path(settings.telegram_webhook_url),
            webhook_url=settings.telegram_webhook_url,
            secret_token=secret.get_secret_value() if secret else None,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        app.run_polling(allowed_updates=Update.ALL_TYPES)


def register(app: typer.Typer, get_settings: Callable[[], Settings]) -> None:
    """Add the `helix telegram` group."""
    group = typer.Typer(help="Telegram bot helpers.", no_args_is_help=True)
    app.add_typer(group, name="telegram")
    console = Console(highlight=False)

    @group.command("commands")
    def commands(
        language: Annotated[str, typer.Option(help="en or es.")] = "en",
        admin: Annotated[bool, typer.Option(help="Include the admin commands.")] = False,
    ) -> None:
        """Print the command menu (paste into @BotFather's /setcommands if you like)."""
        from bot.telegram.app import build_command_list

        if language not in LANGUAGES:
            raise typer.BadParameter(f"choose one of {', '.join(LANGUAGES)}")
        for command in build_command_list(language, admin_commands=admin):
            console.print(f"{command.command} - {escape(command.description)}")
