"""The `helix` command: the composition root that reads settings and wires the packages together.

Each feature adds its own sub-commands from `bot/commands/`; this module only owns `run`, the
global error handling for bad settings, and the start-up sequence shared by the surfaces.
"""

from __future__ import annotations

import importlib
import logging
import sys
from functools import cache
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from bot.settings import Settings, SettingsError, load_settings
from bot.startup import StartupError

COMMANDS: dict[str, str] = {
    "chat": "chat",
    "ask": "knowledge",
    "index": "knowledge",
    "import": "data",
    "export": "data",
    "db": "data",
    "demo": "demo",
    "peers": "analysis",
    "issues": "analysis",
    "analyze": "analysis",
    "map": "analysis",
    "digest": "digest",
    "form": "form",
    "telegram": "telegram",
}
"""Each sub-command and the `bot.commands` module that registers it, in the order of `--help`."""


class _LazyGroup(TyperGroup):
    """Sub-commands load their module when used, so each command imports only what it needs.

    `helix import` and `export` then start without Chroma, the embedding model, matplotlib or
    the Telegram library: seconds and about 100 MB less for every scripted run.
    """

    # Typer vendors its own click; its Context and Command types are private, hence `Any`.
    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *COMMANDS]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        module = COMMANDS.get(cmd_name)
        if module is None:
            return super().get_command(ctx, cmd_name)
        return _commands_of(module).get_command(ctx, cmd_name)


@cache
def _commands_of(module: str) -> TyperGroup:
    """The click group of the commands one `bot.commands` module registers."""
    group = typer.Typer()
    importlib.import_module(f"bot.commands.{module}").register(group, get_settings)
    return typer.main.get_group(group)


app = typer.Typer(
    cls=_LazyGroup,
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


@app.callback()
def _group() -> None:
    """A group even while only `run` is registered here (the rest load lazily)."""


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
