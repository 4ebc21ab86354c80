"""`helix import`, `helix export` and `helix db upgrade`: data in, data out, schema up to date.

Exit status of `helix import` is a contract for scripts: 0 when every line was imported (or was
already there), 1 when some lines were rejected (the valid ones are still imported), 2 when the
file cannot be read at all. The summary goes to stdout; `helix export` writes data to stdout
when no `--out` is given, so its messages go to stderr and never mix with the records.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy import Engine

from analysis.export import FORMATS, ExportFormat, export
from bot.startup import open_database
from intake.form import DefinitionError, FormDefinition, load_definition
from intake.i18n import LANGUAGES
from intake.records.importer import ImportFileError, ImportReport, import_file

DEFAULT_XLSX = Path("helix-export.xlsx")
NETWORK_FORMATS = ("graphml", "kumu")


def register(app: typer.Typer, get_settings: Callable[[], Any]) -> None:
    """Add `helix import`, `helix export` and the `helix db` group."""
    out = Console(highlight=False, soft_wrap=True)
    err = Console(stderr=True, highlight=False, soft_wrap=True)

    def database() -> Engine:
        return open_database(get_settings())

    @app.command("import")
    def import_(
        file: Annotated[Path, typer.Argument(help="JSON Lines (.jsonl) or CSV file.")],
    ) -> None:
        """Import initiative records; re-importing the same file changes nothing."""
        engine = database()
        try:
            report = import_file(engine, file)
        except ImportFileError as exc:
            err.print(f"[red]{escape(str(exc))}[/red]")
            raise typer.Exit(2) from None
        finally:
            engine.dispose()
        print_report(out, report)
        raise typer.Exit(report.exit_code)

    @app.command("export")
    def export_(
        fmt: Annotated[
            str,
            typer.Option(
                "--format", "-f", help="jsonl, csv, xlsx, graphml or kumu.", case_sensitive=False
            ),
        ] = "jsonl",
        out_path: Annotated[
            Path | None,
            typer.Option(
                "--out", "-o", help="Output file (default: stdout; xlsx: helix-export.xlsx)."
            ),
        ] = None,
        language: Annotated[
            str | None,
            typer.Option(
                help="xlsx: the workbook's language, en or es (default: HELIX_LANGUAGE)."
            ),
        ] = None,
    ) -> None:
        """Export every initiative in the import format, or the network (graphml, kumu)."""
        chosen = fmt.lower()
        if chosen in NETWORK_FORMATS:
            from bot.commands.analysis import export_network

            export_network(get_settings(), chosen, out_path, err)
            return
        if chosen not in FORMATS:
            known = ", ".join((*FORMATS, *NETWORK_FORMATS))
            err.print(f"[red]Unknown format {escape(fmt)!r}: use one of {known}.[/red]")
            raise typer.Exit(2)
        kind: ExportFormat = chosen
        target = out_path or (DEFAULT_XLSX if kind == "xlsx" else None)
        settings = get_settings()
        chosen_language = (language or settings.language).lower()
        if chosen_language not in LANGUAGES:
            err.print(f"[red]Unknown language {escape(chosen_language)!r}: use en or es.[/red]")
            raise typer.Exit(2)
        definition = _form(settings.form_path, err) if kind == "xlsx" else None
        engine = database()
        try:
            count = export(
                engine,
                kind,
                target if target is not None else sys.stdout,
                language=chosen_language,
                definition=definition,
            )
        except OSError as exc:
            err.print(f"[red]Cannot write {target}: {escape(exc.strerror or str(exc))}[/red]")
            raise typer.Exit(2) from None
        finally:
            engine.dispose()
        where = f"to {target}" if target is not None else "to stdout"
        noun = "initiative" if count == 1 else "initiatives"
        err.print(f"Exported {count} {noun} {where} ({kind}).")

    db = typer.Typer(help="Database maintenance.", no_args_is_help=True)
    app.add_typer(db, name="db")

    @db.command("upgrade")
    def upgrade() -> None:
        """Apply database migrations (also done at every start)."""
        database().dispose()
        out.print("Database is up to date.")


def _form(path: Path | None, err: Console) -> FormDefinition:
    """The form whose choice labels the workbook shows (HELIX_FORM, else the packaged one)."""
    try:
        return load_definition(path)
    except DefinitionError as exc:
        err.print(f"[red]HELIX_FORM: {escape(str(exc))}[/red]")
        raise typer.Exit(2) from None


def print_report(console: Console, report: ImportReport) -> None:
    """Counts, then every rejected line (`line N: reason`), then the warnings."""
    table = Table(title=f"Import of {escape(report.path)} ({report.format})", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("imported (new)", str(report.imported))
    table.add_row("updated", str(report.updated))
    table.add_row("unchanged", str(report.unchanged))
    table.add_row("rejected", str(len(report.rejected)), style="red" if report.rejected else None)
    table.add_row("warnings", str(len(report.warnings)))
    console.print(table)
    for line, reason in report.rejected:
        console.print(f"[red]line {line}:[/red] {escape(reason)}")
    for warning in report.warnings:
        console.print(f"[yellow]warning:[/yellow] {escape(warning)}")
