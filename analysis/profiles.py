"""What analysis reads: every initiative as one immutable `Profile`, loaded in chunks.

The analysis cores (matching, clusters, metrics, maps, digest content) are pure functions over
`Sequence[Profile]`, so they are tested on hand-made profiles without a database. This module is
the one thin adapter between them and the domain tables that intake and import fill.

A profile's `key` is stable across runs and machines: the initiative's external id (interview
initiatives get `helix:<uuid>`, imports keep theirs), else `db:<primary key>`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import col, select

from intake.records import InitiativeRecord
from intake.storage import session_scope
from intake.storage.rows import read_records
from intake.storage.tables import Initiative

_CHUNK = 500


@dataclass(frozen=True)
class Profile:
    """One initiative as analysis sees it: the import/export record plus where it came from."""

    key: str
    db_id: int
    record: InitiativeRecord
    leader_id: int | None = None
    source: str = "import"
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def name(self) -> str:
        return self.record.name

    @property
    def listed(self) -> bool:
        """Whether its leader agreed to be shown to other leaders (peers, digests)."""
        return bool(self.record.consent and self.record.consent.listed)

    @property
    def introductions(self) -> bool:
        return bool(self.record.consent and self.record.consent.introductions)


def profile_key(external_id: str | None, db_id: int) -> str:
    return external_id or f"db:{db_id}"


def iter_profiles(engine: Engine) -> Iterator[Profile]:
    """Every initiative in id order, read a chunk at a time so memory stays flat."""
    last_id = 0
    while True:
        with session_scope(engine) as session:
            chunk = session.exec(
                select(Initiative)
                .where(col(Initiative.id) > last_id)
                .order_by(col(Initiative.id))
                .limit(_CHUNK)
            ).all()
            records = read_records(session=session, initiatives=chunk)
        if not chunk:
            return
        for initiative, record in zip(chunk, records, strict=True):
            assert initiative.id is not None
            yield Profile(
                key=profile_key(initiative.external_id, initiative.id),
                db_id=initiative.id,
                record=record,
                leader_id=initiative.leader_id,
                source=initiative.source,
                created_at=initiative.created_at,
                updated_at=initiative.updated_at,
            )
        last_id = chunk[-1].id or last_id


def load_profiles(engine: Engine) -> list[Profile]:
    return list(iter_profiles(engine))
