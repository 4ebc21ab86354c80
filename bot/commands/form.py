"""`helix form check|diagram`: lint the interview definition and draw its flow."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from bot.settings import Settings
from intake.form import DefinitionError, FormDefinition, lint, load_definition, mermaid

FILE_HELP = "A form YAML file (default: the configured form)."


def register(app: typer.Typer, get_settings: Callable[[], Settings]) -> None:
    """Add the `helix form` group."""
    form = typer.Typer(help="Check or draw the interview definition.", no_args_is_help=True)
    app.add_typer(form, name="form")
    console = Console(highlight=False)

    def _load(path: Path | None) -> FormDefinition:
        try:
            return load_definition(path or get_settings().form_path)
        except DefinitionError as exc:
            console.print(f"[red]{escape(str(exc))}[/red]", soft_wrap=True)
            raise typer.Exit(1) from None

    @form.command()
    def check(
        path: Annotated[Path | None, typer.Argument(help=FILE_HELP)] = None,
    ) -> None:
        """Report unknown references, unreachable questions, missing translations and more."""
        definition = _load(path)
        issues = lint(definition)
        for issue in issues:
            colour = "red" if issue.severity == "error" else "yellow"
            where = issue.question or "form"
            console.print(f"[{colour}]{issue.severity}[/{colour}] {where}: {issue.message}")
        errors = sum(1 for i in issues if i.severity == "error")
        console.print(f"{errors} errors, {len(issues) - errors} warnings")
        raise typer.Exit(1 if errors else 0)

    @form.command()
    def diagram(
        path: Annotated[Path | None, typer.Argument(help=FILE_HELP)] = None,
        language: Annotated[str, typer.Option(help="Language of the labels.")] = "en",
    ) -> None:
        """Print a Mermaid flowchart of the interview."""
        typer.echo(mermaid(_load(path), language=language))
