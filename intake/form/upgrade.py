"""Carry an interview of the first form (2026.11.x, 2026.12.1) over to form version 2 (2026.12.2).

Version 2 names each organisation once (`organisations`, tagged by how it relates) where the
first form had four lists, asks the tasks as two pick lists instead of one question per task,
and moves questions out of the core into deep dives. An interview started on the first form, in
progress or sent, must go on without losing an answer, so this is a pure function of the stored
state: `InterviewStore` applies it when it loads an old interview, and migration 0004 applies it
to every stored interview once. It is frozen with the versions it maps: never edit it to follow
a later form, write the next upgrade beside it.

What moves where:
- stakeholders / partners / ps_actors / known_initiatives -> `organisations`, one entry per name
  (folded case), the tag from the list it came from; a name in several lists keeps the tag that
  says most about the system: production-system actor, then partner, then taking part, then
  known. The four old lists stay in `stale` as they were, so a dropped duplicate is still kept.
- task_<name> levels -> `tasks_core` (the core ones) and, once the strategy dive is taken,
  `tasks_minor`; the old answers stay in `stale`.
- change_type (one kind) -> a list of one.
- A deep dive counts as taken (its gate `yes`) when the old interview holds an answer or a skip
  for one of its questions, so those answers stay relevant instead of being set aside; when the
  leader had not said yes to it, its other questions are marked skipped (editable on the
  review), so an old interview is never made to walk a dive it declined.
- Half-way through the old lists, the organisations menu comes back (cursor); half-way through
  the tasks, `tasks_core` is asked anew with the picks so far shown as the earlier answer. A
  name found in two lists keeps one tag, so on the next Send it lands in one table only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

FORM_ID = "scs_intake"
VERSION = "2026.12.2"
OLD_LISTS: dict[str, tuple[str, dict[str, str]]] = {
    "ps_actors": (
        "ps_actor",
        {
            "actor_name": "org_name",
            "actor_segment": "org_segment",
            "actor_mode": "org_mode",
            "actor_depth": "org_depth",
        },
    ),
    "partners": (
        "works_with",
        {
            "partner_name": "org_name",
            "partner_sector": "org_sector",
            "partner_relation": "org_relation",
            "partner_depth": "org_depth",
        },
    ),
    "stakeholders": (
        "takes_part",
        {"st_name": "org_name", "st_sector": "org_sector", "st_role": "org_role"},
    ),
}
"""Old repeat -> (tag, inner name map), in the order a name found twice is kept."""
TASKS = (
    "visioning",
    "organizing",
    "learning",
    "innovating",
    "financing",
    "measuring",
    "advocating",
    "delivering",
)
DIVES: dict[str, tuple[str, ...]] = {
    "dd_strategy": ("change_type", "theory_of_change", "strategies", "tensions"),
    "dd_system": (
        "ps_segments",
        "consciousness",
        "shared_agenda",
        "shared_agenda_name",
        "steward",
        "shared_indicators",
        "gaps",
    ),
    "dd_profile": (
        "initiative_form",
        "role",
        "host_org",
        "website",
        "geo_levels",
        "stage",
        "start_year",
        "staff_band",
        "budget_band",
        "needs_detail",
        "offers_detail",
    ),
}
MAX_ORGANISATIONS = 40
_ORG_LISTS = (*OLD_LISTS, "known_initiatives")
_TASK_NAMES = tuple(f"task_{task}" for task in TASKS)
_NOTES = ("welcome", "tasks_intro")
_DETAILS = ("org_sector", "org_role", "org_relation", "org_segment", "org_mode", "org_depth")


def is_old(state: Mapping[str, Any]) -> bool:
    """True for a stored state (JSON) of the packaged form's first version: only that form is
    carried over (a deployment's own form keeps its answers as they are)."""
    answers = state.get("answers")
    return (
        state.get("form_id") == FORM_ID
        and _version(state.get("form_version")) < _version(VERSION)
        and isinstance(answers, Mapping)
    )


def carries_over(definition: Any) -> bool:
    """Only a loaded packaged form of version 2 or later receives carried-over states (a
    deployment still running the first form keeps its interviews as they are)."""
    return bool(
        getattr(definition, "form_id", None) == FORM_ID
        and _version(getattr(definition, "version", None)) >= _version(VERSION)
    )


def _version(text: Any) -> tuple[int, ...]:
    """ "2026.12.1" -> (2026, 12, 1); anything unreadable sorts first (an old, odd state)."""
    try:
        return tuple(int(part) for part in str(text).split("."))
    except ValueError:
        return ()


def upgrade_state(state: Mapping[str, Any]) -> dict[str, Any]:
    """The same interview in version 2 terms (a new dict; the input is not changed)."""
    answers = dict(state.get("answers") or {})
    stale = dict(state.get("stale") or {})
    skipped = [str(path) for path in state.get("skipped") or ()]
    trail = [str(path) for path in state.get("trail") or ()]
    done = set(answers) | set(skipped)

    organisations = _organisations(answers)
    lists_done = all(name in done for name in _ORG_LISTS)
    for name in _ORG_LISTS:
        if name in answers:
            stale[name] = answers.pop(name)
    if organisations or (lists_done and "organisations" not in answers):
        answers["organisations"] = organisations
    if any(any(key in item for key in _DETAILS) for item in organisations):
        answers["dd_orgs"] = "yes"

    for gate, questions in DIVES.items():
        if not any(question in done for question in questions):
            continue
        said_yes = answers.get(gate) == "yes"
        answers[gate] = "yes"  # keeps the first form's core answers now in this dive relevant
        if not said_yes:  # declined (or not reached): the rest is skipped, never forced on
            skipped += [q for q in questions if q not in done and q not in skipped]
    if isinstance(answers.get("change_type"), str):
        answers["change_type"] = [answers["change_type"]]

    levels = {name: answers.pop(name) for name in _TASK_NAMES if name in answers}
    tasks_done = all(name in done for name in _TASK_NAMES)
    stale.update(levels)
    core = [t for t in TASKS if levels.get(f"task_{t}") == "core"]
    if levels and tasks_done:
        answers["tasks_core"] = core
        if answers.get("dd_strategy") == "yes":
            answers["tasks_minor"] = [t for t in TASKS if levels.get(f"task_{t}") == "minor"]
    elif levels:  # half-way through the tasks: asked anew, the picks so far shown as before
        stale["tasks_core"] = core

    pending = dict(state.get("pending") or {})
    for key in ("item", "draft"):  # a half-entered entry, in either place, is kept aside
        item = pending.pop(key, None)
        if isinstance(item, Mapping) and item.get("values"):
            stale[f"{item.get('group')}[{key}]"] = item.get("values")
    pending.pop("toggles", None)
    cursor = state.get("cursor")
    if organisations and not lists_done and state.get("status") != "submitted":
        cursor = "organisations"  # half-way through the old lists: the menu comes back
    return {
        **state,
        "form_version": VERSION,
        "answers": answers,
        "stale": stale,
        "skipped": [
            path for path in _renamed(skipped, lists_done, tasks_done) if path not in answers
        ],
        "trail": _renamed(trail, "organisations" in answers, tasks_done),
        "pending": pending,
        "cursor": cursor if cursor not in (*_ORG_LISTS, *_TASK_NAMES, *_NOTES) else None,
    }


def _organisations(answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One entry per name, in the order of the old lists' priority (see the module doc)."""
    found: dict[str, dict[str, Any]] = {}
    for group, (tie, names) in OLD_LISTS.items():
        for item in _items(answers.get(group)):
            entry = {new: item[old] for old, new in names.items() if old in item}
            _keep(found, entry, tie)
    for name in answers.get("known_initiatives") or []:
        _keep(found, {"org_name": name}, "knows_of")
    return list(found.values())[:MAX_ORGANISATIONS]


def _keep(found: dict[str, dict[str, Any]], entry: dict[str, Any], tie: str) -> None:
    name = entry.get("org_name")
    if not isinstance(name, str) or not name.strip():
        return
    key = name.strip().casefold()
    if key not in found:
        found[key] = {"org_name": name.strip(), "org_tie": tie, **_without_name(entry)}


def _without_name(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in entry.items() if key != "org_name"}


def _items(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _renamed(paths: list[str], organisations_done: bool, tasks_done: bool) -> list[str]:
    """Old paths in version 2 names: the lists become `organisations` (once, where the first
    of them stood, and only when it is done), task questions `tasks_core` (when all were)."""
    renamed: list[str] = []
    for path in paths:
        if path in _NOTES or "[" in path:
            continue
        if path in _ORG_LISTS:
            path = "organisations"
            if not organisations_done:
                continue
        elif path in _TASK_NAMES:
            path = "tasks_core"
            if not tasks_done:
                continue
        if path not in renamed:
            renamed.append(path)
    return renamed
