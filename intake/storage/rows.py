"""Records in and out of the domain tables: the one writer and the one reader of those rows.

An interview submission (through `projection`), an import and an export all pass through here,
so the three cannot drift apart. Writing is idempotent: an initiative keeps its id, and its child
rows (stakeholders, ties, PS links, task ratings, needs/offers, consent) are replaced as a whole,
so re-submitting or re-importing never duplicates an edge. Reading loads children in bulk.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import delete, insert
from sqlmodel import Session, SQLModel, col, select

from intake.records.model import (
    STORED,
    ConsentRecord,
    InitiativeRecord,
    LeaderRecord,
    NeedRecord,
    PartnerRecord,
    PsLinkRecord,
    StakeholderRecord,
)
from intake.storage.tables import (
    CHILD_TABLES,
    Consent,
    Initiative,
    Leader,
    NeedOffer,
    PartnerTie,
    PsLink,
    Stakeholder,
    TaskRating,
    utcnow,
)


def initiative_columns(record: InitiativeRecord) -> dict[str, Any]:
    """The initiative's own columns from a record: the one mapping every writer uses."""
    return {
        "external_id": record.id,
        "name": record.name,
        "issue": record.issue,
        "production_system": record.production_system,
        "region": record.region,
        "website": record.website,
        "initiative_form": record.initiative_form,
        "change_type": record.change_type,
        "stage": record.stage,
        "goals": list(record.goals),
        "geo_levels": list(record.geo_levels),
        "extra": record.merged_extra(),
        "import_hash": None,  # only an import sets it (`intake.storage.imports`)
    }


def write_initiative(
    *,
    session: Session,
    initiative: Initiative,
    record: InitiativeRecord,
    leader_id: int | None,
) -> Initiative:
    """Set the initiative's columns from `record` and replace all its child rows."""
    for name, value in initiative_columns(record).items():
        setattr(initiative, name, value)
    initiative.leader_id = leader_id
    initiative.updated_at = utcnow()
    fresh = initiative.id is None
    session.add(initiative)
    session.flush()
    assert initiative.id is not None
    write_children(session, [(initiative.id, record)], replace=not fresh)
    return initiative


def write_children(
    session: Session, owned: Sequence[tuple[int, InitiativeRecord]], *, replace: bool
) -> None:
    """Child rows of many initiatives in one statement per table (an import writes thousands).

    `replace` first deletes the rows those initiatives had, so a rewrite never duplicates an edge.
    """
    if replace:
        for chunk in chunks([initiative_id for initiative_id, _ in owned]):
            for table in CHILD_TABLES:
                session.execute(delete(table).where(col(table.initiative_id).in_(chunk)))  # type: ignore[attr-defined]
    rows: dict[type[SQLModel], list[Any]] = defaultdict(list)
    for initiative_id, record in owned:
        for table, table_rows in _child_rows(initiative_id, record).items():
            rows[table].extend(table_rows)
    for table in CHILD_TABLES:
        if rows[table]:  # Core, not the ORM's bulk path: a third of the time for big imports
            session.connection().execute(insert(table.__table__), rows[table])  # type: ignore[attr-defined]


def _child_rows(initiative_id: int, record: InitiativeRecord) -> dict[type[SQLModel], list[Any]]:
    """Column values per child table; record parts share the columns' names (but `name`)."""
    own: dict[str, Any] = {"initiative_id": initiative_id}
    ties = [
        {**own, **p.model_dump(exclude={"name"}), "partner_name": p.name, "kind": "works_with"}
        for p in record.partners
    ]
    blank = {"sector": None, "relation": None, "depth": None}
    ties += [
        {**own, **blank, "partner_name": name, "kind": "knows_of"}
        for name in record.known_initiatives
    ]
    needs = [{**own, "kind": "need", **n.model_dump()} for n in record.needs]
    needs += [{**own, "kind": "offer", **n.model_dump()} for n in record.offers]
    consent = [] if record.consent is None else [{**own, **record.consent.model_dump()}]
    return {
        Stakeholder: [{**own, **s.model_dump()} for s in record.stakeholders],
        PartnerTie: ties,
        PsLink: [{**own, **link.model_dump()} for link in record.ps_links],
        TaskRating: [
            {**own, "task": task, "level": level} for task, level in record.tasks.items()
        ],
        NeedOffer: needs,
        Consent: consent,
    }


# --- rows -> record ---------------------------------------------------------------------

_CHUNK = 500
_T = TypeVar("_T")


def read_records(*, session: Session, initiatives: Sequence[Initiative]) -> list[InitiativeRecord]:
    """Records for these initiatives, in the given order; children are loaded in bulk."""
    ids = [i.id for i in initiatives if i.id is not None]
    children: dict[type[SQLModel], dict[int, list[Any]]] = {}
    for table in CHILD_TABLES:
        grouped: dict[int, list[Any]] = defaultdict(list)
        for chunk in chunks(ids):
            rows: Sequence[Any] = session.exec(
                select(table)
                .where(col(table.initiative_id).in_(chunk))  # type: ignore[attr-defined]
                .order_by(col(table.id))  # type: ignore[attr-defined]
            ).all()
            for row in rows:
                grouped[row.initiative_id].append(row)
        children[table] = grouped
    leader_ids = {i.leader_id for i in initiatives if i.leader_id is not None}
    leaders: dict[int, Leader] = {}
    for chunk in chunks(sorted(leader_ids)):
        for leader in session.exec(select(Leader).where(col(Leader.id).in_(chunk))).all():
            assert leader.id is not None
            leaders[leader.id] = leader
    return [
        _record(initiative, leaders.get(initiative.leader_id or -1), children)
        for initiative in initiatives
    ]


def chunks(values: Sequence[_T]) -> Iterable[list[_T]]:
    """Slices small enough for an `IN (...)` list on every database."""
    for start in range(0, len(values), _CHUNK):
        yield list(values[start : start + _CHUNK])


def _record(
    initiative: Initiative,
    leader: Leader | None,
    children: dict[type[SQLModel], dict[int, list[Any]]],
) -> InitiativeRecord:
    def parts(table: type[SQLModel], model: type[Any], **where: str) -> list[Any]:
        return [
            model.model_validate(row, from_attributes=True)
            for row in children[table].get(initiative.id or -1, [])
            if all(getattr(row, key) == value for key, value in where.items())
        ]

    ties: list[PartnerTie] = children[PartnerTie].get(initiative.id or -1, [])
    consent = parts(Consent, ConsentRecord)
    data = initiative.model_dump(include=set(InitiativeRecord.model_fields))
    data.update(
        id=initiative.external_id,
        leader=LeaderRecord.model_validate(leader, from_attributes=True) if leader else None,
        stakeholders=parts(Stakeholder, StakeholderRecord),
        partners=[
            PartnerRecord(name=t.partner_name, sector=t.sector, relation=t.relation, depth=t.depth)
            for t in ties
            if t.kind == "works_with"
        ],
        known_initiatives=[t.partner_name for t in ties if t.kind == "knows_of"],
        ps_links=parts(PsLink, PsLinkRecord),
        tasks={r.task: r.level for r in children[TaskRating].get(initiative.id or -1, [])},
        needs=parts(NeedOffer, NeedRecord, kind="need"),
        offers=parts(NeedOffer, NeedRecord, kind="offer"),
        consent=consent[0] if consent else None,
    )
    return InitiativeRecord.model_validate(data, context=STORED)
