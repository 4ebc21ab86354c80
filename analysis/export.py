"""`helix export`: every initiative as JSON Lines, CSV or Excel, in the import record format.

The output is exactly what `helix import` reads (same `InitiativeRecord`, same field order), so
conveners can edit a spreadsheet and bring it back, and a database can be moved by exporting
and importing. CSV and JSON Lines round-trip exactly; the Excel sheet holds the same columns
and cells as the CSV (lists and objects as JSON text), forced to text so that a value starting
with `=` is never run as a formula.

Files are written to a temporary name and renamed at the end: a failed export never leaves a
half-written file where a good one used to be. Initiatives are read in chunks, so memory stays
flat however big the database is.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Literal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import Engine

from analysis.profiles import iter_profiles
from intake.records import FIELD_NAMES, InitiativeRecord, to_cells

ExportFormat = Literal["jsonl", "csv", "xlsx"]
FORMATS: tuple[ExportFormat, ...] = ("jsonl", "csv", "xlsx")
SHEET_TITLE = "initiatives"


def export(engine: Engine, fmt: ExportFormat, out_path: Path | str | IO[str]) -> int:
    """Write every initiative to `out_path` (a path, or a text stream for jsonl/csv).

    Returns how many records were written.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    if not isinstance(out_path, str | Path):
        if fmt == "xlsx":
            raise ValueError("an Excel export needs a file path, not a stream")
        return _write_text(engine, fmt, out_path)
    target = Path(out_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    temp = Path(temp_name)
    try:
        if fmt == "xlsx":
            count = _write_xlsx(engine, temp)
        else:
            with temp.open("w", encoding="utf-8", newline="") as stream:
                count = _write_text(engine, fmt, stream)
        temp.replace(target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return count


def iter_records(engine: Engine) -> Iterator[InitiativeRecord]:
    """All initiatives in id order, a chunk at a time (memory stays flat)."""
    return (profile.record for profile in iter_profiles(engine))


def _write_text(engine: Engine, fmt: ExportFormat, stream: IO[str]) -> int:
    count = 0
    writer = csv.writer(stream) if fmt == "csv" else None
    if writer is not None:
        writer.writerow(FIELD_NAMES)
    for record in iter_records(engine):
        if writer is not None:
            cells = to_cells(record)
            writer.writerow([cells.get(name, "") for name in FIELD_NAMES])
        else:
            stream.write(json.dumps(record.to_json(), ensure_ascii=False) + "\n")
        count += 1
    stream.flush()
    return count


def _write_xlsx(engine: Engine, path: Path) -> int:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.append(list(FIELD_NAMES))
    count = 0
    for record in iter_records(engine):
        cells = to_cells(record)
        row = []
        for name in FIELD_NAMES:
            value = cells.get(name)
            cell = WriteOnlyCell(sheet, value=None)
            if value is not None:
                # Control characters are not allowed in the file format; everything else is
                # kept, and the type is forced to text so `=...` stays a value.
                cell.value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))
                cell.data_type = "s"
            row.append(cell)
        sheet.append(row)
        count += 1
    workbook.save(path)
    return count
