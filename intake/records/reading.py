"""Reading an import file: its format, its lines within a size limit, and rows of raw values.

Conveners' files were never meant for a program: the format comes from the extension, else from
the first bytes; a UTF-8 BOM, CRLF line ends, blank lines and quoted CSV fields spanning lines are
fine; a line over 64 KiB is skipped without ever being held in memory. Every unreadable line is
reported with its number and a reason, and reading goes on. What a row *means* is the record
model's and the importer's business, not this module's.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Literal

from intake.records.cleaning import CleaningError, clean_record, parse_json
from intake.records.formulas import restore
from intake.records.model import CellError, from_cells

MAX_LINE_BYTES = 64 * 1024


Format = Literal["jsonl", "csv"]
_BOM = b"\xef\xbb\xbf"
_EXTENSIONS: dict[str, Format] = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}
_EXTENSIONS |= {".csv": "csv", ".tsv": "csv"}
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""Bytes no text file has many of: over a tenth of the first 4 KiB means a binary file."""
_ARRAY_FILE = re.compile(rb"\[\s*(\{|$)")
"""A JSON array of records (`[{...`, or `[` alone on the first line), not a line that is one."""


class ImportFileError(Exception):
    """The file cannot be read at all (missing, a directory, binary, a spreadsheet workbook)."""


@dataclass
class ImportReport:
    """What an import did; `exit_code` is the CLI contract (0 clean, 1 some lines rejected)."""

    path: str
    format: Format
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.rejected else 0


def detect_format(path: Path, handle: BinaryIO) -> Format:
    """By extension, else by content: a leading `{` means JSON Lines, anything else CSV."""
    head = handle.read(4096)
    handle.seek(0)
    if head.startswith(b"PK\x03\x04") or path.suffix.lower() in {".xlsx", ".xls", ".ods"}:
        raise ImportFileError(
            f"{path.name} is a spreadsheet workbook; save it as CSV (UTF-8) and import that"
        )
    if len(_CONTROL_BYTES.findall(head)) * 10 > len(head):  # a stray NUL is one line's problem
        raise ImportFileError(f"{path.name} is not a text file (expected JSON Lines or CSV)")
    stripped = head.removeprefix(_BOM).lstrip()
    if _ARRAY_FILE.match(stripped):
        raise ImportFileError(
            f"{path.name} holds a JSON array; expected JSON Lines (one object per line)"
        )
    fmt = _EXTENSIONS.get(path.suffix.lower())
    if fmt is not None:
        return fmt
    return "jsonl" if stripped.startswith(b"{") else "csv"


@dataclass(frozen=True)
class _Line:
    number: int
    data: bytes | None  # None: longer than MAX_LINE_BYTES, skipped without being kept
    size: int
    quotes: int  # number of '"' bytes, for CSV records that span lines
    ending: bytes = b""  # the line break removed ("\n", "\r\n" or none at the end)


def _lines(handle: BinaryIO) -> Iterator[_Line]:
    """Physical lines with bounded memory; the BOM and line endings are removed."""
    number = 0
    while True:
        chunk = handle.readline(MAX_LINE_BYTES + 1)
        if not chunk:
            return
        number += 1
        if number == 1:
            chunk = chunk.removeprefix(_BOM)
        if len(chunk) > MAX_LINE_BYTES and not chunk.endswith(b"\n"):
            size, quotes = len(chunk), chunk.count(b'"')
            while chunk and not chunk.endswith(b"\n"):
                chunk = handle.readline(MAX_LINE_BYTES)
                size, quotes = size + len(chunk), quotes + chunk.count(b'"')
            yield _Line(number, None, size, quotes)
            continue
        data = chunk.rstrip(b"\r\n")
        yield _Line(number, data, len(data), data.count(b'"'), chunk[len(data) :])


def _too_long(size: int) -> str:
    return f"line is {size // 1024} KiB, over the {MAX_LINE_BYTES // 1024} KiB limit; skipped"


def _jsonl_rows(handle: BinaryIO, report: ImportReport) -> Iterator[tuple[int, Any]]:
    for line in _lines(handle):
        if line.data is None:
            report.rejected.append((line.number, _too_long(line.size)))
            continue
        try:
            text = line.data.decode("utf-8")
        except UnicodeDecodeError as exc:
            report.rejected.append((line.number, f"not UTF-8 text (byte {exc.start + 1})"))
            continue
        if not text.strip():
            continue
        try:
            data = parse_json(text)
        except json.JSONDecodeError as exc:
            report.rejected.append(
                (line.number, f"not valid JSON: {exc.msg} (column {exc.colno})")
            )
            continue
        except CleaningError as exc:
            report.rejected.append((line.number, str(exc)))
            continue
        if not isinstance(data, dict):
            kind = type(data).__name__.replace("dict", "object").replace("list", "array")
            report.rejected.append(
                (line.number, f'expected a JSON object {{"name": ...}}, got {kind}')
            )
            continue
        try:
            yield line.number, clean_record(data)
        except CleaningError as exc:
            report.rejected.append((line.number, str(exc)))


def _csv_rows(handle: BinaryIO, report: ImportReport) -> Iterator[tuple[int, Any]]:
    header: list[str] | None = None
    delimiter = ","
    for number, text in _csv_records(handle, report):
        if not text.strip():
            continue
        if header is None:
            delimiter = _delimiter(text)
            header = _header(text, delimiter, report)
            continue
        if "\x00" in text:  # as in JSON Lines, where a raw NUL is not valid JSON
            report.rejected.append((number, "contains a raw NUL character"))
            continue
        cells = next(csv.reader([text], delimiter=delimiter), [])
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            report.rejected.append(
                (number, f"row has {len(cells)} cells but the header names {len(header)} columns")
            )
            continue
        named = {name: restore(value) for name, value in zip(header, cells, strict=False) if name}
        try:
            yield number, clean_record(from_cells(named))
        except (CellError, CleaningError) as exc:
            report.rejected.append((number, str(exc)))


def _csv_records(handle: BinaryIO, report: ImportReport) -> Iterator[tuple[int, str]]:
    """Logical CSV records (quoted fields may span lines), each under the size limit."""
    parts: list[_Line] = []
    start, size, quotes, oversize = 0, 0, 0, False
    for line in _lines(handle):
        if not parts and not oversize:
            start, size, quotes = line.number, 0, 0
        size += line.size
        quotes += line.quotes
        oversize = oversize or line.data is None or size > MAX_LINE_BYTES
        if not oversize:
            parts.append(line)
        if quotes % 2:
            continue  # inside a quoted field: the record goes on, with its line breaks
        if oversize:
            parts, oversize = [], False
            report.rejected.append((start, _too_long(size)))
            continue
        data = b"".join((part.data or b"") + part.ending for part in parts)
        parts = []
        try:
            yield start, data.rstrip(b"\r\n").decode("utf-8")
        except UnicodeDecodeError as exc:
            report.rejected.append((start, f"not UTF-8 text (byte {exc.start + 1})"))
    if parts or oversize:
        report.rejected.append((start, "a quoted field is never closed (missing '\"')"))


def _delimiter(header: str) -> str:
    return max((",", ";", "\t"), key=header.count)


def _header(text: str, delimiter: str, report: ImportReport) -> list[str]:
    names = [
        name.strip().lower().replace(" ", "_")
        for name in next(csv.reader([text], delimiter=delimiter), [])
    ]
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            report.warnings.append(f"column '{name}' appears twice; the last one wins")
        seen.add(name)
    if "name" not in seen:
        raise ImportFileError(
            "the first row is not a header with a 'name' column; a CSV needs a header row "
            "such as name,issue,... (see the docs)"
        )
    if "issue" not in seen:
        report.warnings.append("the header has no 'issue' column; see the docs")
    return names


def read_rows(handle: BinaryIO, fmt: Format, report: ImportReport) -> Iterator[tuple[int, Any]]:
    """(line number, raw record data) for every readable row; the rest go to `report.rejected`."""
    return _jsonl_rows(handle, report) if fmt == "jsonl" else _csv_rows(handle, report)
