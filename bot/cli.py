"""The `helix` command: the composition root that reads settings and wires the packages together.

Each feature adds its own sub-commands from `bot/commands/`; this module only owns `run`, the
global error handling for bad settings, and the start-up sequence shared by the surfaces.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from functools import cache

import typer
from rich.console import Console
from rich.markup import escape

from bot.services import StartupError
from bot.settings import Settings, SettingsError, load_settings

app = typer.Typer(
    name="helix",
    help="Helix: makes a societal change system visible to the people working in it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)


@cache
def get_settings() -> Settings:
    """Settings for this process; bad settings end the command with one clear line."""
    try:
        settings = load_settings()
    except SettingsError as exc:
        err.print(f"[red]{exc}[/red]", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs request URLs, and Telegram URLs contain the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return settings


def _register_all(get: Callable[[], Settings]) -> None:
    from bot.commands import analysis, chat, data, digest, form, knowledge, telegram

    for module in (analysis, chat, data, digest, form, knowledge, telegram):
        module.register(app, get)


@app.command()
def run() -> None:
    """Start Helix: the Telegram bot when TELEGRAM_BOT_TOKEN is set, else the terminal chat."""
    settings = get_settings()
    if settings.telegram_bot_token is not None:
        from bot.commands.telegram import run_bot

        run_bot(settings)
    else:
        from bot.commands.chat import run_chat

        err.print(
            "[dim]No TELEGRAM_BOT_TOKEN set: starting the terminal chat "
            "(see README to run on Telegram).[/dim]"
        )
        run_chat(settings)


_register_all(get_settings)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except StartupError as exc:
        err.print(f"[red]{escape(str(exc))}[/red]", highlight=False, soft_wrap=True)
        sys.exit(2)
    except KeyboardInterrupt:
        err.print("\nBye — your answers are saved.")
        sys.exit(130)
