"""`helix export`: every initiative as JSON Lines, CSV or Excel, in the import record format.

The output is exactly what `helix import` reads (same `InitiativeRecord`, same field order), so
conveners can edit a spreadsheet and bring it back, and a database can be moved by exporting
and importing. CSV and JSON Lines round-trip exactly; the Excel sheet holds the same columns
and cells as the CSV (lists and objects as JSON text), forced to text so that a value starting
with `=` is never run as a formula.

Files are written to a temporary name and renamed at the end (`analysis.atomic`): a failed
export never leaves a half-written file where a good one used to be. Initiatives are read in
chunks, so memory stays flat however big the database is.

Export is the last line of defence against values the importer should have refused (it now
does): a lone surrogate is written as U+FFFD and a non-finite number as `null`
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

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import Engine

from analysis import standard_json
from analysis.atomic import atomic_path
from analysis.profiles import iter_profiles
from intake.records import FIELD_NAMES, InitiativeRecord, to_cells
from intake.records.formulas import neutralise

ExportFormat = Literal["jsonl", "csv", "xlsx"]
FORMATS: tuple[ExportFormat, ...] = ("jsonl", "csv", "xlsx")
SHEET_TITLE = "initiatives"


def export(
    engine: Engine,
    fmt: ExportFormat,
    out_path: Path | str | IO[str],
    *,
    neutralise_formulas: bool = True,
) -> int:
    """Write every initiative to `out_path` (a path, or a text stream for jsonl/csv).

    `neutralise_formulas` (CSV only) quotes cells a spreadsheet would run as formulas.
    Returns how many records were written.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    if not isinstance(out_path, str | Path):
        if fmt == "xlsx":
            raise ValueError("an Excel export needs a file path, not a stream")
        return _write_text(engine, fmt, out_path, neutralise_formulas)
    with atomic_path(Path(out_path)) as temp:
        if fmt == "xlsx":
            return _write_xlsx(engine, temp)
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


def _write_xlsx(engine: Engine, path: Path) -> int:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.append(list(FIELD_NAMES))
    count = 0
    for record in iter_records(engine):
        row = []
        for value in row_cells(record):
            cell = WriteOnlyCell(sheet, value=None)
            if value != "":
                # Control characters are not allowed in the file format; everything else is
                # kept, and the type is forced to text so `=...` stays a value (no quote needed).
                cell.value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))
                cell.data_type = "s"
            row.append(cell)
        sheet.append(row)
        count += 1
    workbook.save(path)
    return count
