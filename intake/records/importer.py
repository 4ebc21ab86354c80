"""`helix import FILE`: initiative records from JSON Lines or CSV into the domain tables.

The importer is generous with form (that is `reading`'s job) and strict with meaning:
- every bad line is rejected *with its line number and a reason*, and the valid lines are still
  imported;
- fields Helix does not know are kept in `extra` and reported once per name, never an error;
- a record appearing twice in the file: the later one wins, with a warning;
- importing the same file again changes nothing: records match by `id` (the initiative's
  `external_id`), else by name among imported initiatives of the same leader; a line that
  leaves a field out (or an empty CSV cell) keeps what Helix already has. Leaders are matched
  by identity, never by a display name (see `intake.storage.imports`).

The file is read as a stream and written in batches, one transaction per batch, so memory stays
flat whatever the file's size; if a batch fails in the database, its records are retried one by
one so that one bad record cannot take good ones down with it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from intake.records.model import InitiativeRecord, describe_errors
from intake.records.reading import (
    MAX_LINE_BYTES,
    ImportFileError,
    ImportReport,
    detect_format,
    read_rows,
)
from intake.storage.db import session_scope
from intake.storage.imports import Outcome, Saved, leader_key, save_batch

BATCH_SIZE = 500

__all__ = ["BATCH_SIZE", "MAX_LINE_BYTES", "ImportFileError", "ImportReport", "import_file"]

Key = tuple[Any, ...]


@dataclass(frozen=True)
class _Parsed:
    line: int
    key: Key
    record: InitiativeRecord


def import_file(
    engine: Engine, path: Path | str, *, batch_size: int = BATCH_SIZE, source: str = "import"
) -> ImportReport:
    """Read, validate and store every record of `path`; raises `ImportFileError` if unreadable.

    `source` marks the initiatives it creates (`"demo"` for the demo data set), so they can be
    told apart in the workbook and removed together (`helix demo remove`).
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            fmt = detect_format(path, handle)
            report = ImportReport(path=str(path), format=fmt)
            _Run(engine, report, batch_size, source).store(
                _parse(read_rows(handle, fmt, report), report)
            )
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ImportFileError(f"cannot read {path}: {reason}") from exc
    report.rejected.sort()
    return report


# --- reading ------------------------------------------------------------------------------


def _parse(rows: Iterable[tuple[int, Any]], report: ImportReport) -> Iterator[_Parsed]:
    unknown: set[str] = set()
    for number, data in rows:
        try:
            record = InitiativeRecord.model_validate(data)
        except ValidationError as exc:
            report.rejected.append((number, describe_errors(exc)))
            continue
        except (TypeError, ValueError, ArithmeticError, RecursionError) as exc:
            # A last guard: cleaning and the model should refuse first, but one odd line must
            # never end the import with a traceback.
            report.rejected.append((number, f"record: cannot be read ({type(exc).__name__})"))
            continue
        for name in record.unknown_fields():
            if name not in unknown:
                unknown.add(name)
                report.warnings.append(
                    f"unknown field '{name}' (first on line {number}) is kept in extra"
                )
        yield _Parsed(number, _identity(record), record)


def _identity(record: InitiativeRecord) -> Key:
    if record.id:
        return ("id", record.id)
    return ("name", record.name, leader_key(record.leader))


def _describe_key(key: Key) -> str:
    if key[0] == "id":
        return f"same id {key[1]!r}"
    return f"same name {key[1]!r} and leader"


# --- writing ------------------------------------------------------------------------------


_SAVE_ERRORS = (SQLAlchemyError, ValueError, TypeError, ArithmeticError)
"""What saving one bad record can raise (a driver's OverflowError is not an SQLAlchemyError)."""


@dataclass
class _Run:
    """One import: the batch being filled, and each record's line and outcome so far.

    Only keys, line numbers and outcomes are kept for the whole file (to warn about repeats and
    count each record once); the records themselves leave memory with their batch.
    """

    engine: Engine
    report: ImportReport
    batch_size: int
    source: str = "import"
    lines: dict[Key, int] = field(default_factory=dict)
    outcomes: dict[Key, Outcome] = field(default_factory=dict)

    def store(self, parsed: Iterable[_Parsed]) -> None:
        batch: dict[Key, _Parsed] = {}
        for item in parsed:
            first = self.lines.get(item.key)
            if first is not None:
                self.report.warnings.append(
                    f"line {item.line} repeats line {first} ({_describe_key(item.key)}); "
                    "the later line wins"
                )
                batch.pop(item.key, None)  # within the batch, the later line takes its place
            else:
                self.lines[item.key] = item.line
            batch[item.key] = item
            if len(batch) >= self.batch_size:
                self._store_batch(list(batch.values()))
                batch = {}
        self._store_batch(list(batch.values()))
        if not self.lines and not self.report.rejected:
            self.report.warnings.append("the file holds no records")
        counts = Counter(self.outcomes.values())
        self.report.imported = counts["imported"]
        self.report.updated = counts["updated"]
        self.report.unchanged = counts["unchanged"]

    def _store_batch(self, batch: list[_Parsed]) -> None:
        if not batch:
            return
        try:
            with session_scope(self.engine, write=True) as session:
                saved = save_batch(session, [item.record for item in batch], source=self.source)
        except _SAVE_ERRORS:
            for item in batch:
                self._store_one(item)
            return
        for item, result in zip(batch, saved, strict=True):
            self._note(item, result)

    def _store_one(self, item: _Parsed) -> None:
        try:
            with session_scope(self.engine, write=True) as session:
                [result] = save_batch(session, [item.record], source=self.source)
        except _SAVE_ERRORS as exc:
            detail = str(getattr(exc, "orig", exc)).splitlines()[0]
            self.report.rejected.append((item.line, f"could not be saved: {detail}"))
            return
        self._note(item, result)

    def _note(self, item: _Parsed, result: Saved) -> None:
        """Count a record once: what it did first to the database, unless a repeat changed it."""
        before = self.outcomes.get(item.key)
        if before == "imported" or (before is not None and result.outcome == "unchanged"):
            outcome = before
        else:
            outcome = result.outcome
        self.outcomes[item.key] = outcome
        if result.warning:
            self.report.warnings.append(f"line {item.line}: {result.warning}")
