"""`helix demo load` and `helix demo remove`: the fictional demo initiatives, on demand.

The terminal chat loads the demo into an empty database by itself; these commands are for the
rest: loading it where it was not wanted by default (a Telegram test bot), and taking it out
before real leaders arrive. Both are idempotent and exit 0, so a deploy script can run them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer
from rich.console import Console

from analysis import demo
from bot.startup import open_database


def register(app: typer.Typer, get_settings: Callable[[], Any]) -> None:
    """Add the `helix demo` group."""
    group = typer.Typer(help="The fictional demo data set.", no_args_is_help=True)
    app.add_typer(group, name="demo")
    out = Console(highlight=False, soft_wrap=True)

    @group.command("load")
    def load() -> None:
        """Load the demo initiatives (marked as demo); loading them again changes nothing."""
        engine = open_database(get_settings())
        try:
            report = demo.load(engine)
        finally:
            engine.dispose()
        out.print(
            f"Demo data: {report.imported} initiatives loaded, "
            f"{report.updated + report.unchanged} already there."
        )

    @group.command("remove")
    def remove() -> None:
        """Delete every demo initiative, its rows and the demo leaders left with nothing."""
        engine = open_database(get_settings())
        try:
            initiatives, leaders = demo.remove(engine)
        finally:
            engine.dispose()
        out.print(f"Removed {initiatives} demo initiatives and {leaders} demo leaders.")
        if initiatives:
            out.print(
                "An empty database gets the demo again when `helix chat` starts; "
                "set HELIX_DEMO_DATA=false to keep it out."
            )
