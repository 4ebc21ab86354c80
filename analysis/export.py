"""`helix export`: every initiative as JSON Lines or CSV in the import format, or as a workbook.

JSON Lines and CSV are exactly what `helix import` reads (same `InitiativeRecord`, same field
order), so conveners can edit a spreadsheet and bring it back, and a database can be moved by
exporting and importing; both round-trip exactly. Excel is the convener's workbook instead, one
sheet per table with labels rather than codes (`analysis.workbook`); it is for reading, not for
importing back.

Files are written to a temporary name and renamed at the end (`analysis.atomic`): a failed
export never leaves a half-written file where a good one used to be. Initiatives are read in
chunks, so memory stays flat however big the database is.

Export is the last line of defence against values the importer should have refused (it now
does): in every format a lone surrogate is written as U+FFFD and a non-finite number as `null`
(`analysis.standard_json`), so one stored value can never stop an export after its first record
or produce a file that does not open. CSV cells that a spreadsheet would run as a formula are
prefixed with a quote by default (`intake.records.formulas`; the importer removes it, so the
round trip stays exact). JSON Lines are never altered beyond that cleaning.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Literal

from sqlalchemy import Engine

from analysis import standard_json
from analysis.atomic import atomic_path
from analysis.profiles import iter_profiles
from analysis.workbook import write_workbook
from intake.form import FormDefinition
from intake.records import FIELD_NAMES, InitiativeRecord, to_cells
from intake.records.formulas import neutralise

ExportFormat = Literal["jsonl", "csv", "xlsx"]
FORMATS: tuple[ExportFormat, ...] = ("jsonl", "csv", "xlsx")


def export(
    engine: Engine,
    fmt: ExportFormat,
    out_path: Path | str | IO[str],
    *,
    neutralise_formulas: bool = True,
    language: str = "en",
    definition: FormDefinition | None = None,
) -> int:
    """Write every initiative to `out_path` (a path, or a text stream for jsonl/csv).

    `neutralise_formulas` (CSV only) quotes cells a spreadsheet would run as formulas;
    `language` and `definition` (xlsx only) choose the workbook's words (default: English and
    the packaged form). Returns how many initiatives were written.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    if not isinstance(out_path, str | Path):
        if fmt == "xlsx":
            raise ValueError("an Excel export needs a file path, not a stream")
        return _write_text(engine, fmt, out_path, neutralise_formulas)
    with atomic_path(Path(out_path)) as temp:
        if fmt == "xlsx":
            return write_workbook(engine, temp, language=language, definition=definition)
        with temp.open("w", encoding="utf-8", newline="") as stream:
            return _write_text(engine, fmt, stream, neutralise_formulas)


def iter_records(engine: Engine) -> Iterator[InitiativeRecord]:
    """All initiatives in id order, a chunk at a time (memory stays flat)."""
    return (profile.record for profile in iter_profiles(engine))


def row_cells(record: InitiativeRecord) -> list[str | int]:
    """The record's spreadsheet row in `FIELD_NAMES` order, cleaned (see the module docstring).

    Cells are `to_cells`' own unless cleaning changed the value, so ordinary records are written
    exactly as the importer expects them.
    """
    cells = to_cells(record)
    data = record.to_json()
    row: list[str | int] = []
    for name in FIELD_NAMES:
        value = cells.get(name, "")
        raw = data.get(name)
        if isinstance(raw, dict | list):
            cleaned = standard_json.clean(raw)
            if cleaned != raw:  # NaN != NaN, so a non-finite number always lands here
                value = standard_json.dumps(cleaned, separators=(",", ":"))
        elif isinstance(value, str):
            value = standard_json.clean_text(value)
        row.append(value)
    return row


def _write_text(
    engine: Engine, fmt: ExportFormat, stream: IO[str], neutralise_formulas: bool
) -> int:
    count = 0
    writer = csv.writer(stream) if fmt == "csv" else None
    if writer is not None:
        writer.writerow(FIELD_NAMES)
    for record in iter_records(engine):
        if writer is not None:
            row = row_cells(record)
            if neutralise_formulas:
                row = [neutralise(c) if isinstance(c, str) else c for c in row]
            writer.writerow(row)
        else:
            stream.write(standard_json.dumps(record.to_json()) + "\n")
        count += 1
    stream.flush()
    return count
