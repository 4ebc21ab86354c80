"""Saving a batch of imported records: who they belong to, what they match, rows in bulk.

Identity is never a display name. A record's leader is found by Telegram id; a leader given only
by name is matched only among leaders an import created (no Telegram id, no interview key), so a
file can never attach an initiative to a person who uses Helix. A record matches an initiative
by its `id`; a record without one matches by name only among initiatives of the same source
(imported, or demo) and the same leader (or of no leader), and a name match that changes the
issue comes back as a warning, since it may be two initiatives sharing a name.

Everything is resolved with a few queries per batch and written with one statement per table:
per-record queries made an import of 100,000 records take minutes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from sqlalchemy import bindparam, insert, update
from sqlmodel import Session, col, select

from intake.records.model import InitiativeRecord, LeaderRecord
from intake.storage.rows import (
    chunks,
    initiative_columns,
    read_records,
    write_children,
)
from intake.storage.tables import Initiative, Leader, utcnow

Outcome = Literal["imported", "updated", "unchanged"]


@dataclass(frozen=True)
class Saved:
    """What happened to one record, and a warning worth telling the convener."""

    outcome: Outcome
    warning: str | None = None


def save_batch(
    session: Session, records: Sequence[InitiativeRecord], *, source: str = "import"
) -> list[Saved]:
    """Create, update or leave each record, in order, as if they were saved one by one.

    New initiatives get `source` ("import", or "demo" for the demo data set); a record without
    an id matches by name only an initiative of that same source.

    Two records of a batch that land on the same initiative are saved in separate rounds, so
    the later one sees (and merges into) what the earlier one wrote.
    """
    results: list[Saved | None] = [None] * len(records)
    pending = list(range(len(records)))
    while pending:
        pending = _save_round(session, records, pending, results, source)
    return [saved for saved in results if saved is not None]


def _save_round(
    session: Session,
    records: Sequence[InitiativeRecord],
    pending: list[int],
    results: list[Saved | None],
    source: str,
) -> list[int]:
    leader_ids = _leaders(session, [records[i].leader for i in pending])
    matches = _matches(session, [records[i] for i in pending], leader_ids, source)
    taken: set[Any] = set()
    later: list[int] = []
    new: list[tuple[int, int | None]] = []
    found: list[tuple[int, _Match, int | None]] = []
    for index, leader_id, match in zip(pending, leader_ids, matches, strict=True):
        if match is None:
            key = _new_key(records[index], leader_id)
            if key in taken:
                later.append(index)
            else:
                taken.add(key)
                new.append((index, leader_id))
        elif match.id in taken:
            later.append(index)
        else:
            taken.add(match.id)
            found.append((index, match, leader_id))
    _insert(session, [(records[i], leader_id) for i, leader_id in new], source)
    for index, _ in new:
        results[index] = Saved("imported")
    _update(session, records, found, results)
    return later


# --- leaders ------------------------------------------------------------------------------


def _leaders(session: Session, given: Sequence[LeaderRecord | None]) -> list[int | None]:
    """The leader id of each record, creating leaders the database does not know yet."""
    keys = [leader_key(g) for g in given]
    latest: dict[tuple[str, Any], str | None] = {}  # the file's latest name for each leader
    for g, key in zip(given, keys, strict=True):
        if g is not None and key is not None and (g.name or key not in latest):
            latest[key] = g.name
    known = _known_leaders(session, latest)
    table = Leader.__table__  # type: ignore[attr-defined]
    renames = [
        {"b_id": known[key][0], "b_name": name}
        for key, name in latest.items()
        if key in known and name and known[key][1] != name
    ]
    if renames:
        statement = update(table).where(table.c.id == bindparam("b_id"))
        session.connection().execute(statement.values(name=bindparam("b_name")), renames)
    missing = [key for key in latest if key not in known]
    if missing:
        now = utcnow()
        rows = [
            {
                "telegram_id": key[1] if key[0] == "telegram_id" else None,
                "user_key": None,
                "name": latest[key],
                "language": "en",
                "active": True,
                "created_at": now,
            }
            for key in missing
        ]
        # Rows come back in any order (see `_NewKey`): each is told by its Telegram id or name.
        adding = insert(table).returning(table.c.id, table.c.telegram_id, table.c.name)
        for i, telegram_id, name in session.connection().execute(adding, rows):
            key = ("telegram_id", telegram_id) if telegram_id is not None else ("name", name)
            known[key] = (i, name)
    return [known[key][0] if key is not None else None for key in keys]


def leader_key(given: LeaderRecord | None) -> tuple[str, Any] | None:
    """Who a record's leader is: a Telegram id, else a name (matched among imported leaders)."""
    if given is None:
        return None
    if given.telegram_id is not None:
        return ("telegram_id", given.telegram_id)
    return ("name", given.name) if given.name else None


def _known_leaders(
    session: Session, wanted: Iterable[tuple[str, Any]]
) -> dict[tuple[str, Any], tuple[int, str | None]]:
    """(id, name) of the leaders the database has for these keys.

    A name finds only leaders an import created: never someone who uses Helix.
    """
    telegram_ids = sorted(value for kind, value in wanted if kind == "telegram_id")
    names = sorted(value for kind, value in wanted if kind == "name")
    known: dict[tuple[str, Any], tuple[int, str | None]] = {}
    table = Leader.__table__  # type: ignore[attr-defined]
    columns = select(table.c.id, table.c.telegram_id, table.c.name)
    connection = session.connection()
    for chunk in chunks(telegram_ids):
        for i, telegram_id, name in connection.execute(
            columns.where(table.c.telegram_id.in_(chunk))
        ):
            known[("telegram_id", telegram_id)] = (i, name)
    for chunk in chunks(names):
        query = (
            columns.where(table.c.name.in_(chunk))
            .where(table.c.telegram_id.is_(None), table.c.user_key.is_(None))
            .order_by(table.c.id.desc())  # the oldest is applied last, so it wins
        )
        for i, _, name in connection.execute(query):
            known[("name", name)] = (i, name)
    return known


# --- matching -----------------------------------------------------------------------------


class _Match(NamedTuple):
    """The columns matching needs: loading whole rows decoded three JSON columns per line."""

    id: int
    external_id: str | None
    name: str
    leader_id: int | None
    import_hash: str | None
    revision: int


def _matches(
    session: Session,
    records: Sequence[InitiativeRecord],
    leader_ids: Sequence[int | None],
    source: str,
) -> list[_Match | None]:
    table = Initiative.__table__  # type: ignore[attr-defined]
    columns = select(*(table.c[name] for name in _Match._fields))
    connection = session.connection()
    by_id: dict[str, _Match] = {}
    for chunk in chunks(sorted({r.id for r in records if r.id})):
        for row in connection.execute(columns.where(table.c.external_id.in_(chunk))):
            by_id[row.external_id] = _Match(*row)
    by_name: dict[tuple[str, int | None], _Match] = {}
    for chunk in chunks(sorted({r.name for r in records if not r.id})):
        query = (
            columns.where(table.c.name.in_(chunk), table.c.source == source).order_by(
                table.c.id.desc()
            )  # the oldest is applied last, so it wins
        )
        for row in connection.execute(query):
            by_name[(row.name, row.leader_id)] = _Match(*row)
    return [
        by_id.get(record.id) if record.id else by_name.get((record.name, leader_id))
        for record, leader_id in zip(records, leader_ids, strict=True)
    ]


# --- writing ------------------------------------------------------------------------------


def _insert(
    session: Session, new: Sequence[tuple[InitiativeRecord, int | None]], source: str
) -> None:
    if not new:
        return
    now = utcnow()
    rows = [
        {
            **initiative_columns(record),
            "import_hash": fingerprint(record),
            "leader_id": leader_id,
            "source": source,
            "revision": 1,
            "created_at": now,
            "updated_at": now,
        }
        for record, leader_id in new
    ]
    table = Initiative.__table__  # type: ignore[attr-defined]
    statement = insert(table).returning(
        table.c.id, table.c.external_id, table.c.name, table.c.leader_id
    )
    ids = {
        _NewKey(external_id, name, leader_id): i
        for i, external_id, name, leader_id in session.connection().execute(statement, rows)
    }
    owned = [(ids[_new_key(record, leader_id)], record) for record, leader_id in new]
    write_children(session, owned, replace=False)


class _NewKey(NamedTuple):
    """What tells a batch's new initiatives apart: RETURNING's rows need not come in order.

    (Asking for them in order makes SQLAlchemy insert SQLite rows one statement at a time.)
    """

    external_id: str | None
    name: str
    leader_id: int | None


def _new_key(record: InitiativeRecord, leader_id: int | None) -> _NewKey:
    return _NewKey(record.id, record.name, leader_id)


def _update(
    session: Session,
    records: Sequence[InitiativeRecord],
    found: Sequence[tuple[int, _Match, int | None]],
    results: list[Saved | None],
) -> None:
    """Merge each record into its match; a line that already wrote its match is not read back.

    That skip is sound because merging a line is idempotent: if the line with this fingerprint
    was the last writer (any other writer clears `import_hash`), merging it again changes nothing.
    """
    prints = {index: fingerprint(records[index]) for index, _, _ in found}
    to_read: list[tuple[int, _Match, int | None]] = []
    for index, match, leader_id in found:
        same_leader = leader_id is None or leader_id == match.leader_id
        if same_leader and match.import_hash == prints[index]:
            results[index] = Saved("unchanged")
        else:
            to_read.append((index, match, leader_id))
    current = _stored(session, [match.id for _, match, _ in to_read])
    changes: list[dict[str, Any]] = []
    rewritten: list[tuple[int, InitiativeRecord]] = []
    now = utcnow()
    for (index, match, leader_id), stored in zip(to_read, current, strict=True):
        record = records[index]
        merged = merge(stored, record)
        leader_id = leader_id if leader_id is not None else match.leader_id
        if merged == stored and leader_id == match.leader_id:
            results[index] = Saved("unchanged")
            continue
        changes.append(
            {
                "b_id": match.id,
                **initiative_columns(merged),
                "import_hash": prints[index],
                "leader_id": leader_id,
                "revision": match.revision + 1,
                "updated_at": now,
            }
        )
        rewritten.append((match.id, merged))
        results[index] = Saved("updated", _issue_warning(record, stored, merged))
    if changes:
        table = Initiative.__table__  # type: ignore[attr-defined]
        columns: dict[str, Any] = {k: bindparam(k) for k in changes[0] if k != "b_id"}
        statement = update(table).where(table.c.id == bindparam("b_id")).values(columns)
        session.connection().execute(statement, changes)
        session.expire_all()  # the ORM objects read above are stale now
        write_children(session, rewritten, replace=True)


def _stored(session: Session, ids: Sequence[int]) -> list[InitiativeRecord]:
    """The stored records of these initiatives, in the same order."""
    rows: dict[int | None, Initiative] = {}
    for chunk in chunks(ids):
        query = select(Initiative).where(col(Initiative.id).in_(chunk))
        rows.update((initiative.id, initiative) for initiative in session.exec(query))
    return read_records(session=session, initiatives=[rows[i] for i in ids])


def fingerprint(record: InitiativeRecord) -> str:
    """A short hash of everything the line says (its extra fields too, in their order)."""
    return hashlib.blake2b(record.model_dump_json().encode(), digest_size=16).hexdigest()


def merge(current: InitiativeRecord, incoming: InitiativeRecord) -> InitiativeRecord:
    """Fields the line gives replace stored ones; fields it leaves out keep their value."""
    given = incoming.model_fields_set - set(incoming.model_extra or {})
    data = current.model_dump()
    data.update({name: getattr(incoming, name) for name in given if name != "extra"})
    if incoming.id is None:
        data["id"] = current.id  # a line without an id never erases one
    data["extra"] = {**current.extra, **incoming.merged_extra()}
    return InitiativeRecord.model_validate(data)


def _issue_warning(
    record: InitiativeRecord, stored: InitiativeRecord, merged: InitiativeRecord
) -> str | None:
    """Said when a match by name rewrites the issue: perhaps two initiatives share a name."""
    if record.id or not stored.issue or stored.issue == merged.issue:
        return None
    return (
        f"matched the imported initiative {stored.name!r} by name and leader; its issue "
        f"changes from {stored.issue!r} to {merged.issue!r} (give each initiative an id to "
        "keep them apart)"
    )
