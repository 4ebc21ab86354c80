"""`helix import FILE`: initiative records from JSON Lines or CSV into the domain tables.

The importer is generous with form (that is `reading`'s job) and strict with meaning:
- every bad line is rejected *with its line number and a reason*, and the valid lines are still
  imported;
- fields Helix does not know are kept in `extra` and reported once per name, never an error;
- a record appearing twice in the file: the later one wins, with a warning;
- importing the same file again changes nothing: records match by `id` (the initiative's
  `external_id`), else by name and leader; a line that leaves a field out (or an empty CSV cell)
  keeps what Helix already has.

Records are written in batches, one transaction per batch; if a batch fails in the database,
its records are retried one by one so that one bad record cannot take good ones down with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from intake.records.model import (
    InitiativeRecord,
    LeaderRecord,
    describe_errors,
)
from intake.records.reading import (
    MAX_LINE_BYTES,
    Format,
    ImportFileError,
    ImportReport,
    detect_format,
    read_rows,
)
from intake.storage.db import session_scope
from intake.storage.rows import read_records, write_initiative
from intake.storage.tables import Initiative, Leader

BATCH_SIZE = 200

__all__ = ["BATCH_SIZE", "MAX_LINE_BYTES", "ImportFileError", "ImportReport", "import_file"]


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


# --- reading ------------------------------------------------------------------------------


def _parse(handle: BinaryIO, fmt: Format, report: ImportReport) -> dict[Any, _Parsed]:
    rows = read_rows(handle, fmt, report)
    records: dict[Any, _Parsed] = {}
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
        key = _identity(record)
        if key in records:
            report.warnings.append(
                f"line {number} repeats line {records[key].line} ({_describe_key(key)}); "
                "the later line wins"
            )
        records[key] = _Parsed(number, record)
    return records


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


_SAVE_ERRORS = (SQLAlchemyError, ValueError, TypeError, ArithmeticError)
"""What saving one bad record can raise (a driver's OverflowError is not an SQLAlchemyError)."""


def _store_batch(engine: Engine, batch: list[_Parsed], report: ImportReport) -> None:
    try:
        with session_scope(engine, write=True) as session:
            outcomes = [_store(session, parsed.record) for parsed in batch]
    except _SAVE_ERRORS:
        for parsed in batch:
            _store_one(engine, parsed, report)
        return
    for outcome in outcomes:
        _count(report, outcome)


def _store_one(engine: Engine, parsed: _Parsed, report: ImportReport) -> None:
    try:
        with session_scope(engine, write=True) as session:
            outcome = _store(session, parsed.record)
    except _SAVE_ERRORS as exc:
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
