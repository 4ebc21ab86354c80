"""`helix import FILE`: initiative records from JSON Lines or CSV into the domain tables.

Conveners bring spreadsheets that were never meant for a program, so the importer is generous
with form and strict with meaning:
- the format comes from the extension, else from the first bytes; a UTF-8 BOM, CRLF line ends
  and blank lines are fine;
- every bad line is rejected *with its line number and a reason*, and the valid lines are still
  imported; a line over 64 KiB is skipped without ever being held in memory;
- fields Helix does not know are kept in `extra` and reported once per name, never an error;
- a record appearing twice in the file: the later one wins, with a warning;
- importing the same file again changes nothing: records match by `id` (the initiative's
  `external_id`), else by name and leader; a line that leaves a field out (or an empty CSV cell)
  keeps what Helix already has.

Records are written in batches, one transaction per batch; if a batch fails in the database,
its records are retried one by one so that one bad record cannot take good ones down with it.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Literal

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from intake.db import session_scope
from intake.projection import read_records, write_initiative
from intake.records import CellError, InitiativeRecord, LeaderRecord, describe_errors, from_cells
from intake.tables import Initiative, Leader

MAX_LINE_BYTES = 64 * 1024
BATCH_SIZE = 200
Format = Literal["jsonl", "csv"]
_BOM = b"\xef\xbb\xbf"
_EXTENSIONS: dict[str, Format] = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}
_EXTENSIONS |= {".csv": "csv", ".tsv": "csv"}


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


@dataclass(frozen=True)
class _Parsed:
    line: int
    record: InitiativeRecord


def import_file(engine: Engine, path: Path | str, *, batch_size: int = BATCH_SIZE) -> ImportReport:
    """Read, validate and store every record of `path`; raises `ImportFileError` if unreadable."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            fmt = detect_format(path, handle)
            report = ImportReport(path=str(path), format=fmt)
            records = _parse(handle, fmt, report)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ImportFileError(f"cannot read {path}: {reason}") from exc
    if not records and not report.rejected:
        report.warnings.append("the file holds no records")
    ordered = sorted(records.values(), key=lambda parsed: parsed.line)
    for start in range(0, len(ordered), batch_size):
        _store_batch(engine, ordered[start : start + batch_size], report)
    report.rejected.sort()
    return report


def detect_format(path: Path, handle: BinaryIO) -> Format:
    """By extension, else by content: a leading `{` means JSON Lines, anything else CSV."""
    head = handle.read(4096)
    handle.seek(0)
    if b"\x00" in head:
        raise ImportFileError(f"{path.name} is not a text file (expected JSON Lines or CSV)")
    if head.startswith(b"PK\x03\x04") or path.suffix.lower() in {".xlsx", ".xls", ".ods"}:
        raise ImportFileError(
            f"{path.name} is a spreadsheet workbook; save it as CSV (UTF-8) and import that"
        )
    stripped = head.removeprefix(_BOM).lstrip()
    if stripped.startswith(b"["):
        raise ImportFileError(
            f"{path.name} holds a JSON array; expected JSON Lines (one object per line)"
        )
    fmt = _EXTENSIONS.get(path.suffix.lower())
    if fmt is not None:
        return fmt
    return "jsonl" if stripped.startswith(b"{") else "csv"


# --- reading ------------------------------------------------------------------------------


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


def _parse(handle: BinaryIO, fmt: Format, report: ImportReport) -> dict[Any, _Parsed]:
    rows = _jsonl_rows(handle, report) if fmt == "jsonl" else _csv_rows(handle, report)
    records: dict[Any, _Parsed] = {}
    unknown: set[str] = set()
    for number, data in rows:
        try:
            record = InitiativeRecord.model_validate(data)
        except ValidationError as exc:
            report.rejected.append((number, describe_errors(exc)))
            continue
        for name in record.unknown_fields():
            if name not in unknown:
                unknown.add(name)
                report.warnings.append(
                    f"unknown field '{name}' (first on line {number}) is kept in extra"
                )
        key = _identity(record)
        if key in records:
            report.warnings.append(
                f"line {number} repeats line {records[key].line} ({_describe_key(key)}); "
                "the later line wins"
            )
        records[key] = _Parsed(number, record)
    return records


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
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            report.rejected.append(
                (line.number, f"not valid JSON: {exc.msg} (column {exc.colno})")
            )
            continue
        if not isinstance(data, dict):
            kind = type(data).__name__.replace("dict", "object").replace("list", "array")
            report.rejected.append(
                (line.number, f'expected a JSON object {{"name": ...}}, got {kind}')
            )
            continue
        yield line.number, data


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
        cells = next(csv.reader([text], delimiter=delimiter), [])
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            report.rejected.append(
                (number, f"row has {len(cells)} cells but the header names {len(header)} columns")
            )
            continue
        named = {name: value for name, value in zip(header, cells, strict=False) if name}
        try:
            yield number, from_cells(named)
        except CellError as exc:
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
    if "name" not in seen or "issue" not in seen:
        report.warnings.append("the header has no 'name' or 'issue' column; see the docs")
    return names


def _identity(record: InitiativeRecord) -> tuple[Any, ...]:
    if record.id:
        return ("id", record.id)
    return ("name", record.name, _leader_key(record.leader))


def _leader_key(leader: LeaderRecord | None) -> tuple[Any, ...] | None:
    if leader is None:
        return None
    if leader.telegram_id is not None:
        return ("telegram_id", leader.telegram_id)
    return ("leader", leader.name) if leader.name else None


def _describe_key(key: tuple[Any, ...]) -> str:
    if key[0] == "id":
        return f"same id {key[1]!r}"
    return f"same name {key[1]!r} and leader"


# --- writing ------------------------------------------------------------------------------


def _store_batch(engine: Engine, batch: list[_Parsed], report: ImportReport) -> None:
    try:
        with session_scope(engine, write=True) as session:
            outcomes = [_store(session, parsed.record) for parsed in batch]
    except SQLAlchemyError:
        for parsed in batch:
            _store_one(engine, parsed, report)
        return
    for outcome in outcomes:
        _count(report, outcome)


def _store_one(engine: Engine, parsed: _Parsed, report: ImportReport) -> None:
    try:
        with session_scope(engine, write=True) as session:
            outcome = _store(session, parsed.record)
    except SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", exc)).splitlines()[0]
        report.rejected.append((parsed.line, f"could not be saved: {detail}"))
        return
    _count(report, outcome)


def _count(report: ImportReport, outcome: str) -> None:
    setattr(report, outcome, getattr(report, outcome) + 1)


def _store(session: Session, record: InitiativeRecord) -> str:
    """Create, update or leave one initiative; returns which counter to bump."""
    leader = _leader(session, record.leader)
    existing = _match(session, record, leader)
    if existing is None:
        initiative = Initiative(name=record.name, source="import", revision=1)
        write_initiative(
            session=session,
            initiative=initiative,
            record=record,
            leader_id=leader.id if leader else None,
        )
        return "imported"
    current = read_records(session=session, initiatives=[existing])[0]
    merged = _merge(current, record)
    leader_id = leader.id if leader else existing.leader_id
    if merged == current and leader_id == existing.leader_id:
        return "unchanged"
    existing.revision += 1
    write_initiative(session=session, initiative=existing, record=merged, leader_id=leader_id)
    return "updated"


def _merge(current: InitiativeRecord, incoming: InitiativeRecord) -> InitiativeRecord:
    """Fields the line gives replace stored ones; fields it leaves out keep their value."""
    given = incoming.model_fields_set - set(incoming.model_extra or {})
    data = current.model_dump()
    data.update({name: getattr(incoming, name) for name in given if name != "extra"})
    if incoming.id is None:
        data["id"] = current.id  # a line without an id never erases one
    data["extra"] = {**current.extra, **incoming.merged_extra()}
    return InitiativeRecord.model_validate(data)


def _leader(session: Session, given: LeaderRecord | None) -> Leader | None:
    """Find the leader by Telegram id, else by name; create one when the file names a new one."""
    if given is None or (given.telegram_id is None and not given.name):
        return None
    if given.telegram_id is not None:
        query = select(Leader).where(Leader.telegram_id == given.telegram_id)
    else:
        query = select(Leader).where(Leader.name == given.name).order_by(col(Leader.id))
    leader = session.exec(query).first()
    if leader is None:
        leader = Leader(telegram_id=given.telegram_id, name=given.name)
    elif given.name and leader.name != given.name:
        leader.name = given.name
    else:
        return leader
    session.add(leader)
    session.flush()
    return leader


def _match(session: Session, record: InitiativeRecord, leader: Leader | None) -> Initiative | None:
    if record.id:
        found = session.exec(select(Initiative).where(Initiative.external_id == record.id)).first()
        if found is not None:
            return found
    query = select(Initiative).where(Initiative.name == record.name)
    if leader is not None:  # no leader in the line: any leader (the line keeps it)
        query = query.where(Initiative.leader_id == leader.id)
    if record.id:
        query = query.where(col(Initiative.external_id).is_(None))
    return session.exec(query.order_by(col(Initiative.id))).first()
