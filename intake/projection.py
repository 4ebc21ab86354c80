"""From submitted answers (or an imported record) to the domain rows analysis reads, and back.

Everything goes through `InitiativeRecord`: a submission is first turned into a record
(`record_from_answers`), then written (`write_initiative`); an import writes records directly;
export reads them back (`read_records`). One writer and one reader mean the interview, import
and export cannot drift apart.

Writing is idempotent: an initiative keeps its id, and its child rows (stakeholders, ties,
PS links, task ratings, needs/offers, consent) are replaced as a whole, so re-submitting or
re-importing never duplicates an edge. Answers without a dedicated column land in
`initiative.extra` under their question name, so nothing the leader said is dropped.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, insert
from sqlmodel import Session, SQLModel, col, select

from intake.records import (
    TASKS,
    ConsentRecord,
    InitiativeRecord,
    LeaderRecord,
    NeedRecord,
    PartnerRecord,
    PsLinkRecord,
    StakeholderRecord,
)
from intake.tables import (
    CHILD_TABLES,
    Consent,
    Initiative,
    Interview,
    Leader,
    NeedOffer,
    PartnerTie,
    PsLink,
    Stakeholder,
    TaskRating,
    utcnow,
)

UNSTATED_ISSUE = "unspecified"
"""Stored when a form has no answered `issue` question; the record format requires one."""

_COLUMNS = {
    "website": "website",
    "initiative_form": "initiative_form",
    "change_type": "change_type",
    "region": "region",
    "stage": "stage",
}
_CONSUMED = frozenset(
    {
        *_COLUMNS,
        "initiative_name",
        "issue",
        "leader_name",
        "goals",
        "geo_levels",
        "stakeholders",
        "partners",
        "known_initiatives",
        "ps_actors",
        "needs",
        "offers",
        "needs_detail",
        "offers_detail",
        "consent_listed",
        "consent_introductions",
        "digest_frequency",
        *(f"task_{task}" for task in TASKS),
    }
)
_LEVELS = frozenset({"none", "minor", "core"})


def new_external_id() -> str:
    """A stable, globally unique id for an interviewed initiative (survives export/import)."""
    return f"helix:{uuid.uuid4().hex}"


# --- answers -> record --------------------------------------------------------------------


def record_from_answers(
    answers: dict[str, Any], *, leader: Leader | None = None, external_id: str | None = None
) -> InitiativeRecord:
    """The record a submission stands for. Tolerant: odd values are kept in `extra`, not lost."""
    extra = {key: value for key, value in answers.items() if key not in _CONSUMED}
    name = _text(answers.get("initiative_name")) or _text(answers.get("host_org"))
    leader_name = _text(answers.get("leader_name")) or (leader.name if leader else None)
    fields: dict[str, Any] = {
        "id": external_id,
        "name": name or leader_name or "Unnamed initiative",
        "issue": _text(answers.get("issue")) or UNSTATED_ISSUE,
        "production_system": _production_system(answers),
        "goals": _texts(answers.get("goals")),
        "geo_levels": _texts(answers.get("geo_levels")),
        "stakeholders": [
            StakeholderRecord(
                name=item_name,
                sector=_text(item.get("st_sector")),
                role=_text(item.get("st_role")),
            )
            for item in _items(answers.get("stakeholders"))
            if (item_name := _text(item.get("st_name")))
        ],
        "partners": [
            PartnerRecord(
                name=item_name,
                sector=_text(item.get("partner_sector")),
                relation=_text(item.get("partner_relation")),
                depth=_depth(item.get("partner_depth")),
            )
            for item in _items(answers.get("partners"))
            if (item_name := _text(item.get("partner_name")))
        ],
        "known_initiatives": _texts(answers.get("known_initiatives")),
        "ps_links": [
            PsLinkRecord(
                actor=actor,
                segment=_text(item.get("actor_segment")),
                relation=_text(item.get("actor_mode")),
                depth=_depth(item.get("actor_depth")),
            )
            for item in _items(answers.get("ps_actors"))
            if (actor := _text(item.get("actor_name")))
        ],
        "tasks": _tasks(answers, extra),
        "needs": _needs(answers, "needs", extra),
        "offers": _needs(answers, "offers", extra),
        "consent": _consent(answers),
        "leader": LeaderRecord(
            name=leader_name, telegram_id=leader.telegram_id if leader else None
        )
        if leader_name or leader
        else None,
        "extra": extra,
    }
    for answer, field in _COLUMNS.items():
        fields[field] = _text(answers.get(answer))
    return InitiativeRecord.model_validate(fields)


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    text = str(value).strip()
    return text or None


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return [text for item in value if (text := _text(item))]


def _items(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _depth(value: Any) -> int | None:
    try:
        depth = int(value)
    except (TypeError, ValueError):
        return None
    return depth if 1 <= depth <= 5 else None


def _production_system(answers: dict[str, Any]) -> str | None:
    """The first system named; `other` is replaced by the leader's own words when given."""
    for system in _texts(answers.get("production_systems")):
        if system == "other":
            return _text(answers.get("production_system_other")) or system
        return system
    return _text(answers.get("production_system_other"))


def _tasks(answers: dict[str, Any], extra: dict[str, Any]) -> dict[str, str]:
    tasks: dict[str, str] = {}
    for task in TASKS:
        value = answers.get(f"task_{task}")
        if value is None:
            continue
        if isinstance(value, str) and value in _LEVELS:
            tasks[task] = value
        else:
            extra[f"task_{task}"] = value
    return tasks


def _needs(answers: dict[str, Any], key: str, extra: dict[str, Any]) -> list[NeedRecord]:
    """One row per category ('none' means nothing); the free-text detail travels on each."""
    categories = [c for c in _texts(answers.get(key)) if c != "none"]
    detail = _text(answers.get(f"{key}_detail"))
    if not categories and f"{key}_detail" in answers:
        extra[f"{key}_detail"] = answers[f"{key}_detail"]
    return [NeedRecord(category=category, detail=detail) for category in categories]


def _consent(answers: dict[str, Any]) -> ConsentRecord | None:
    keys = ("consent_listed", "consent_introductions", "digest_frequency")
    if all(answers.get(key) is None for key in keys):
        return None
    return ConsentRecord(
        listed=answers.get("consent_listed") == "yes",
        introductions=answers.get("consent_introductions") == "yes",
        digest=_text(answers.get("digest_frequency")),
    )


# --- record -> rows ---------------------------------------------------------------------


def project_submission(
    *,
    session: Session,
    interview: Interview,
    leader: Leader | None,
    answers: dict[str, Any],
    revision: int,
) -> Initiative:
    """Create or refresh the initiative of this interview; the id survives every revision."""
    initiative = session.exec(
        select(Initiative).where(Initiative.interview_id == interview.id)
    ).first()
    if initiative is None:
        initiative = Initiative(name="", source="interview", interview_id=interview.id, revision=0)
        initiative.external_id = new_external_id()
    record = record_from_answers(answers, leader=leader, external_id=initiative.external_id)
    if leader is not None and record.leader and record.leader.name:
        leader.name = record.leader.name
        session.add(leader)
    initiative.revision = revision
    write_initiative(
        session=session,
        initiative=initiative,
        record=record,
        leader_id=leader.id if leader else None,
    )
    return initiative


def write_initiative(
    *,
    session: Session,
    initiative: Initiative,
    record: InitiativeRecord,
    leader_id: int | None,
) -> Initiative:
    """Set the initiative's columns from `record` and replace all its child rows."""
    initiative.external_id = record.id
    initiative.name = record.name
    initiative.issue = record.issue
    initiative.production_system = record.production_system
    initiative.region = record.region
    initiative.website = record.website
    initiative.initiative_form = record.initiative_form
    initiative.change_type = record.change_type
    initiative.stage = record.stage
    initiative.goals = list(record.goals)
    initiative.geo_levels = list(record.geo_levels)
    initiative.extra = record.merged_extra()
    initiative.leader_id = leader_id
    initiative.updated_at = utcnow()
    fresh = initiative.id is None
    session.add(initiative)
    session.flush()
    assert initiative.id is not None
    if not fresh:
        for table in CHILD_TABLES:
            session.execute(delete(table).where(table.initiative_id == initiative.id))  # type: ignore[attr-defined]
    for table, rows in _child_rows(initiative.id, record).items():
        if rows:  # Core executemany: an import writes thousands of these
            session.execute(insert(table), rows)
    return initiative


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


def read_records(*, session: Session, initiatives: Sequence[Initiative]) -> list[InitiativeRecord]:
    """Records for these initiatives, in the given order; children are loaded in bulk."""
    ids = [i.id for i in initiatives if i.id is not None]
    children: dict[type[SQLModel], dict[int, list[Any]]] = {}
    for table in CHILD_TABLES:
        grouped: dict[int, list[Any]] = defaultdict(list)
        for chunk in _chunks(ids):
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
    for chunk in _chunks(sorted(leader_ids)):
        for leader in session.exec(select(Leader).where(col(Leader.id).in_(chunk))).all():
            assert leader.id is not None
            leaders[leader.id] = leader
    return [
        _record(initiative, leaders.get(initiative.leader_id or -1), children)
        for initiative in initiatives
    ]


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield list(ids[start : start + _CHUNK])


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
    return InitiativeRecord.model_validate(data)
