"""`helix chat`: the interview in the terminal, resumable across runs."""

from __future__ import annotations

import getpass
import logging
from collections.abc import Callable
from typing import Annotated

import typer
from rich.console import Console

from bot.services import open_services
from bot.settings import Settings
from bot.terminal import TerminalChat


def run_chat(settings: Settings, *, user: str | None = None, language: str | None = None) -> None:
    """Open services, run one terminal interview, close services."""
    console = Console(highlight=False)
    if settings.log_level == "INFO":
        # The terminal is the chat itself: routine log lines would interleave with questions.
        logging.getLogger().setLevel(logging.WARNING)
    services = open_services(settings, terminal=True)
    services.warm_up_knowledge()
    chat = TerminalChat(
        services,
        user_key=f"term:{user or _local_user()}",
        console=console,
        read=console.input,
        language=language or settings.language,
    )
    try:
        chat.run()
    finally:
        services.close()
    if chat.interrupted:  # the chat said goodbye; the status still tells a script it was Ctrl-C
        raise typer.Exit(130)


def _local_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "local"


def register(app: typer.Typer, get_settings: Callable[[], Settings]) -> None:
    """Add `helix chat`."""

    @app.command()
    def chat(
        user: Annotated[
            str | None, typer.Option(help="Whose interview to open (default: your login name).")
        ] = None,
        language: Annotated[
            str | None, typer.Option(help="en or es (default: HELIX_LANGUAGE).")
        ] = None,
    ) -> None:
        """Run the intake interview in the terminal; answers are saved as you type."""
        run_chat(get_settings(), user=user, language=language)
