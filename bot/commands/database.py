"""Opening the database for a command: migrations first, one clear line and exit 2 if unusable."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from intake.storage import create_db_engine, upgrade_database


def open_database(url: str, err: Console) -> Engine:
    """Migrate first (idempotent), so a fresh data directory just works; exit 2 if unusable."""
    try:
        upgrade_database(url)
    except SQLAlchemyError as exc:
        err.print(f"[red]Cannot open the database: {escape(_first_line(exc))}[/red]")
        raise typer.Exit(2) from None
    return create_db_engine(url)


def _first_line(exc: BaseException) -> str:
    return str(getattr(exc, "orig", None) or exc).splitlines()[0]
