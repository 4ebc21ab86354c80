"""From a submitted interview's answers to an initiative record, written to the domain tables.

A submission is first turned into an `InitiativeRecord` (`record_from_answers`: the mapping from
question names to record fields), then written by `intake.storage.rows`, the same writer an
import uses. Answers without a dedicated field land in `extra` under their question name, so
nothing the leader said is dropped.

The interview names each organisation once (`organisations`) and tags how it relates; its tag
decides the record list it lands in, so analysis keeps reading one model: stakeholders, partners
(`works_with`), known initiatives (`knows_of`) and production-system links. Answers of the first
form version (separate lists) are still read, for submissions stored before the upgrade.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session, select

from intake.records.model import (
    TASKS,
    ConsentRecord,
    InitiativeRecord,
    LeaderRecord,
    NeedRecord,
    PartnerRecord,
    PsLinkRecord,
    StakeholderRecord,
)
from intake.storage.digests import consent_decides
from intake.storage.rows import write_initiative
from intake.storage.tables import (
    Initiative,
    Interview,
    Leader,
)

UNSTATED_ISSUE = "unspecified"
"""Stored when a form has no answered `issue` question; the record format requires one."""

_COLUMNS = {
    "website": "website",
    "initiative_form": "initiative_form",
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
        "organisations",
        "change_type",
        "tasks_core",
        "tasks_minor",
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
_AMBITION = ("transformation", "reform", "incremental")
"""Kinds of change, most ambitious first: the record keeps one, the most ambitious picked."""


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
        ]
        + [
            StakeholderRecord(
                name=name, sector=_text(item.get("org_sector")), role=_text(item.get("org_role"))
            )
            for name, item in _organisations(answers, "takes_part")
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
        ]
        + [
            PartnerRecord(
                name=name,
                sector=_text(item.get("org_sector")),
                relation=_text(item.get("org_relation")),
                depth=_depth(item.get("org_depth")),
            )
            for name, item in _organisations(answers, "works_with")
        ],
        "known_initiatives": _texts(answers.get("known_initiatives"))
        + [name for name, _ in _organisations(answers, "knows_of")],
        "ps_links": [
            PsLinkRecord(
                actor=actor,
                segment=_text(item.get("actor_segment")),
                relation=_text(item.get("actor_mode")),
                depth=_depth(item.get("actor_depth")),
            )
            for item in _items(answers.get("ps_actors"))
            if (actor := _text(item.get("actor_name")))
        ]
        + [
            PsLinkRecord(
                actor=name,
                segment=_text(item.get("org_segment")),
                relation=_text(item.get("org_mode")),
                depth=_depth(item.get("org_depth")),
            )
            for name, item in _organisations(answers, "ps_actor")
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
    fields["change_type"] = _change_type(answers.get("change_type"), extra)
    return InitiativeRecord.model_validate(fields)


def _organisations(answers: dict[str, Any], tie: str) -> list[tuple[str, dict[str, Any]]]:
    """The named organisations tagged `tie` (an entry without a tag is not placed anywhere)."""
    return [
        (name, item)
        for item in _items(answers.get("organisations"))
        if item.get("org_tie") == tie and (name := _text(item.get("org_name")))
    ]


def _change_type(value: Any, extra: dict[str, Any]) -> str | None:
    """The record holds one kind of change: the most ambitious one picked. When several were
    picked, the whole list stays in `extra` so nothing the leader said is lost."""
    if not isinstance(value, list):
        return _text(value)
    picked = _texts(value)
    if len(picked) > 1:
        extra["change_types"] = picked
    return next((kind for kind in _AMBITION if kind in picked), picked[0] if picked else None)


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
    """Levels from the two pick lists (core; minor from the strategy dive), else from the first
    form's one question per task. A task not picked as core is only `none` once the minor list
    was answered too: before that, whether it is minor or none is unknown, so it is left out."""
    core, minor = answers.get("tasks_core"), answers.get("tasks_minor")
    if isinstance(core, list):
        picked_core, picked_minor = set(_texts(core)), set(_texts(minor))
        if isinstance(minor, list):
            return {
                task: "core"
                if task in picked_core
                else "minor"
                if task in picked_minor
                else "none"
                for task in TASKS
            }
        return {task: "core" for task in TASKS if task in picked_core}
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
    """One row per category ('none' means nothing).

    The free-text detail is asked once, about the needs (or offers) as a whole: it goes on the
    row when there is one category, else it is kept once in `extra`, never copied onto every
    category (a convener's export showed one sentence as three needs' details).
    """
    categories = [c for c in _texts(answers.get(key)) if c != "none"]
    detail = _text(answers.get(f"{key}_detail"))
    if len(categories) == 1:
        return [NeedRecord(category=categories[0], detail=detail)]
    if detail is not None:
        extra[f"{key}_detail"] = detail
    return [NeedRecord(category=category) for category in categories]


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
    if leader is not None and leader.id is not None:
        consent_decides(session, leader.id)  # the newest digest answer wins over /digest
    write_initiative(
        session=session,
        initiative=initiative,
        record=record,
        leader_id=leader.id if leader else None,
    )
    return initiative
