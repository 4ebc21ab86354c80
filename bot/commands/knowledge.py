"""`helix index` and `helix ask`: build the knowledge index and query it from the shell.

`ask --json` and the batch mode (questions on stdin, one JSON object per line out) are a stable
contract for scripts: `answer`, `sources` (title, path) and `grounded`, plus (added later, so
older scripts keep working) `lang`, the asker's language, and `notes`, the answer's one-line
remarks in that language. Warnings (keyword-only fallback, stale index) go to stderr so they
never corrupt that output.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from bot.answers import answer_text, notes_text
from intake.i18n import t
from knowledge.answer import Answer, answer
from knowledge.base import KnowledgeBase
from knowledge.chroma import IndexMismatchError, StoreUnavailable
from knowledge.documents import DocumentError
from knowledge.embeddings import EmbeddingsUnavailable
from knowledge.indexer import index


def as_json(result: Answer) -> dict[str, Any]:
    """The `--json` contract: answer, sources [{title, path}], grounded, lang, notes."""
    return {
        "answer": result.text,
        "sources": [{"title": s.title, "path": s.path} for s in result.sources],
        "grounded": result.grounded,
        "lang": result.lang,
        "notes": notes_text(result),
    }


@contextmanager
def progress_bar(console: Console, label: str) -> Iterator[Callable[[int, int], None]]:
    """A rich bar fed by the indexer's (done, total) callback; silent when nothing to embed."""
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
    task: list[Any] = []

    def update(done: int, total: int) -> None:
        if total <= 0:
            return
        if not task:
            bar.start()
            task.append(bar.add_task(label, total=total))
        bar.update(task[0], completed=done, total=total)

    try:
        yield update
    finally:
        bar.stop()


def _language(settings: Any) -> str:
    return str(getattr(settings, "language", "en") or "en")


def register(app: typer.Typer, get_settings: Callable[[], Any]) -> None:
    """Add `helix index` and `helix ask`."""

    @app.command("index")
    def index_command(
        rebuild: Annotated[
            bool, typer.Option("--rebuild", help="Drop the index and embed everything again.")
        ] = False,
    ) -> None:
        """Build or update the knowledge index (only new or changed chunks are embedded)."""
        settings = get_settings()
        lang = _language(settings)
        err = Console(stderr=True, highlight=False)
        out = Console(highlight=False, soft_wrap=True)
        try:
            with progress_bar(err, t("knowledge.index_progress", lang)) as update:
                report = index(settings.knowledge_config(), rebuild=rebuild, progress=update)
        except (DocumentError, IndexMismatchError, EmbeddingsUnavailable, StoreUnavailable) as exc:
            err.print(f"[red]{escape(t('knowledge.index_failed', lang, reason=str(exc)))}[/red]")
            raise typer.Exit(1) from None
        out.print(t("knowledge.index_done", lang, documents=report.documents, **report.as_dict()))

    @app.command("ask")
    def ask_command(
        question: Annotated[
            str | None,
            typer.Argument(
                help="The question; omit it to read one question per line from stdin "
                "(blank lines there are skipped)."
            ),
        ] = None,
        as_json_flag: Annotated[
            bool, typer.Option("--json", help="Print a JSON object instead of text.")
        ] = False,
    ) -> None:
        """Answer from the knowledge base, with sources.

        An empty question is a usage error (exit 2), not a "no grounded answer" with exit 0: a
        script passing an unset variable should fail loudly. Batch mode skips blank lines.
        """
        settings = get_settings()
        lang = _language(settings)
        err = Console(stderr=True, highlight=False)
        if question is not None and not question.strip():
            err.print(f"[red]{escape(t('knowledge.empty_question', lang))}[/red]")
            raise typer.Exit(2)
        out = Console(highlight=False, soft_wrap=True)
        with progress_bar(err, t("knowledge.index_progress", lang)) as update:
            kb = KnowledgeBase.open(settings.knowledge_config(), progress=update)
        try:
            if kb.warning:
                err.print(f"[yellow]{escape(t('knowledge.warning', lang, warning=kb.warning))}[/]")
            if question is None:
                if isinstance(sys.stdin, io.TextIOWrapper):
                    # Undecodable bytes become U+FFFD instead of lone surrogates or a crash.
                    sys.stdin.reconfigure(errors="replace")
                for line in sys.stdin:
                    if line.strip():
                        sys.stdout.write(json.dumps(as_json(answer(line, kb)), ensure_ascii=False))
                        sys.stdout.write("\n")
                        sys.stdout.flush()
                return
            result = answer(question, kb)
            if result.warning and result.warning != kb.warning:
                err.print(
                    f"[yellow]{escape(t('knowledge.warning', lang, warning=result.warning))}[/]"
                )
            if as_json_flag:
                sys.stdout.write(json.dumps(as_json(result), ensure_ascii=False) + "\n")
                return
            out.print(escape(answer_text(result, lang)))
            if result.sources:
                out.print(f"\n[bold]{t('knowledge.sources', lang)}:[/bold]")
                for source in result.sources:
                    out.print(f"  • {escape(source.title)} — [dim]{escape(source.path)}[/dim]")
        finally:
            kb.close()
