"""Deep dives: sections offered only after the core interview is sent, each with its cost.

A busy leader finishes the core first; the sent screen then offers each dive with an honest
count ("Strategy: 5 questions, about 3 minutes"), and taking one answers its gate yes, which
makes the dive's questions relevant so the ordinary walk (`first_open`) asks them. The offer is
computed from what the dive would ask *now*, so a dive that has nothing left to ask is never
offered, and one taken before comes back only when there is something new (a list walk over
entries added since).

A walk dive (`deep_dive.walk`) has its questions inside a list's entries (the organisations'
details): taking it visits each entry that has details left, one pending item at a time, with
the queue in `pending["walk"]`. The details of an entry are the inner questions whose condition
names the gate; skipping one moves on, and leaving (Back out of an entry's first question,
/review, an edit) ends the walk with every answer kept.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from intake.engine.nav import (
    is_done,
    is_relevant,
    pending_item,
    relevant_questions,
)
from intake.engine.prompt import OfferView
from intake.engine.state import InterviewState
from intake.form.definition import FormDefinition, Question, Section
from intake.form.expressions import ExpressionError, parse
from intake.i18n import t

QUESTIONS_PER_MINUTE = 3
"""Fallback estimate for a dive that declares no minutes (about 20 seconds a question)."""


def dive_sections(definition: FormDefinition) -> list[Section]:
    return [section for section in definition.sections if section.deep_dive is not None]


def dive_for(definition: FormDefinition, gate: str) -> Section | None:
    for section in dive_sections(definition):
        if section.deep_dive is not None and section.deep_dive.gate == gate:
            return section
    return None


@lru_cache(maxsize=512)
def _names_in(source: str) -> frozenset[str]:
    try:
        return parse(source).names
    except ExpressionError:
        return frozenset()


def detail_names(group: Question, gate: str) -> list[str]:
    """The inner questions a gate opens: those whose condition names it."""
    return [
        inner.name
        for inner in group.questions
        if inner.type != "note" and inner.relevant and gate in _names_in(inner.relevant)
    ]


def walk_group(definition: FormDefinition, section: Section) -> Question | None:
    walk = section.deep_dive.walk if section.deep_dive else None
    group = definition.question(walk) if walk else None
    if group is None or group.type != "repeat" or definition.parent_of(group.name) is not None:
        return None
    return group


def list_entries(state: InterviewState, group: Question) -> list[dict[str, Any]]:
    """A list's entries as stored (malformed ones left out)."""
    raw = state.answers.get(group.name, [])
    return [item for item in raw if isinstance(item, dict)] if isinstance(raw, list) else []


def entry_details(
    definition: FormDefinition,
    group: Question,
    gate: str,
    item: Mapping[str, Any],
    answers: Mapping[str, Any],
) -> list[str]:
    """The details still unanswered in one entry that apply now (with the gate open)."""
    opened = {**answers, gate: "yes"}
    return [
        name
        for name in detail_names(group, gate)
        if name not in item and is_relevant(definition, definition.question(name), opened, item)  # type: ignore[arg-type]
    ]


def walk_queue(
    definition: FormDefinition, state: InterviewState, group: Question, gate: str
) -> list[int]:
    """Indexes of the entries a walk would visit: those with details left."""
    return [
        index
        for index, item in enumerate(list_entries(state, group))
        if entry_details(definition, group, gate, item, state.answers)
    ]


def _open_top(definition: FormDefinition, state: InterviewState, section: Section) -> int:
    """Top-level questions of the dive's own section the walk would ask with the gate yes
    (a question left open elsewhere, e.g. in a carried-over interview, is not its cost)."""
    assert section.deep_dive is not None
    answers = {**state.answers, section.deep_dive.gate: "yes"}
    probe = state.model_copy(update={"answers": answers})
    return sum(
        1
        for question in relevant_questions(definition, answers)
        if question.section == section.name
        and question.type != "note"
        and not is_done(definition, question, probe)
    )


def offer(definition: FormDefinition, state: InterviewState, section: Section) -> OfferView | None:
    """The offer for one dive, or None when it has nothing to ask (or is already taken)."""
    dive = section.deep_dive
    if dive is None or definition.question(dive.gate) is None:
        return None
    group = walk_group(definition, section) if dive.walk else None
    queue = walk_queue(definition, state, group, dive.gate) if group is not None else []
    taken = state.answers.get(dive.gate) == "yes"
    if dive.walk and (group is None or not list_entries(state, group)):
        return None  # never a walk over an empty list
    if taken and not queue:
        return None
    questions = _open_top(definition, state, section)
    if group is not None:
        entries = list_entries(state, group)
        questions += sum(
            len(entry_details(definition, group, dive.gate, entries[i], state.answers))
            for i in queue
        )
    if questions < 1:
        return None
    if dive.minutes is not None:
        minutes = dive.minutes
    elif dive.minutes_each is not None and group is not None:
        minutes = dive.minutes_each * len(queue)
    else:
        minutes = math.ceil(questions / QUESTIONS_PER_MINUTE)
    minutes = max(1, minutes)
    lang = state.language
    label = definition.text(section.title, lang)
    counted = (
        t("engine.offer.question_one", lang)
        if questions == 1
        else t("engine.offer.questions", lang, count=questions)
    )
    timed = (
        t("engine.offer.minute_one", lang)
        if minutes == 1
        else t("engine.offer.minutes", lang, count=minutes)
    )
    return OfferView(
        value=dive.gate,
        label=label,
        questions=questions,
        minutes=minutes,
        text=t("engine.offer.line", lang, label=label, questions=counted, minutes=timed),
    )


def offers(definition: FormDefinition, state: InterviewState) -> list[OfferView]:
    """Every dive open to take after sending, in form order."""
    found = (offer(definition, state, section) for section in dive_sections(definition))
    return [view for view in found if view is not None]


def take(definition: FormDefinition, state: InterviewState, gate: str) -> InterviewState | None:
    """Take an offered dive: its gate becomes yes and the interview is open again; a walk dive
    opens its first entry. None when the dive is not on offer (a stale button)."""
    section = dive_for(definition, gate)
    if section is None or section.deep_dive is None or offer(definition, state, section) is None:
        return None
    taken = state.model_copy(
        update={
            "answers": {**state.answers, gate: "yes"},
            "status": "in_progress",
            "pending": {},
            "cursor": None,
        }
    )
    group = walk_group(definition, section)
    if group is None:
        return taken
    queue = walk_queue(definition, taken, group, gate)
    walk = {"gate": gate, "group": group.name, "queue": queue}
    return next_entry(definition, taken.model_copy(update={"pending": {"walk": walk}}))


def walk_of(state: InterviewState) -> dict[str, Any] | None:
    walk = state.pending.get("walk")
    return walk if isinstance(walk, dict) else None


def walking(state: InterviewState) -> bool:
    """A walk is under way: its entry is open in `pending.item`."""
    walk = walk_of(state)
    item = pending_item(state)
    return walk is not None and item is not None and item.get("group") == walk.get("group")


def next_entry(definition: FormDefinition, state: InterviewState) -> InterviewState:
    """Open the next entry of the walk that still has details; end the walk when none is left."""
    walk = walk_of(state)
    if walk is None:
        return state
    group = definition.question(str(walk.get("group")))
    gate = str(walk.get("gate"))
    rest = {key: value for key, value in state.pending.items() if key not in ("walk", "item")}
    queue = [i for i in walk.get("queue", []) if isinstance(i, int)]
    entries = list_entries(state, group) if group is not None else []
    while group is not None and queue:
        index = queue.pop(0)
        if not 0 <= index < len(entries):
            continue
        details = entry_details(definition, group, gate, entries[index], state.answers)
        if not details:
            continue
        item = {
            "group": group.name,
            "index": index,
            "values": copy.deepcopy(entries[index]),
            "asked": [],
            "only": [name for name in detail_names(group, gate) if name not in entries[index]],
            "to_menu": False,
        }
        pending = {**rest, "item": item, "walk": {**walk, "queue": queue}}
        return state.model_copy(update={"pending": pending, "cursor": None})
    return state.model_copy(update={"pending": rest})


def end_walk(state: InterviewState) -> InterviewState:
    """Stop the walk, keeping what was answered in the open entry (skipped details excepted)."""
    walk = walk_of(state)
    if walk is None:
        return state
    item = pending_item(state)
    pending = {key: value for key, value in state.pending.items() if key != "walk"}
    answers = state.answers
    if walking(state) and item is not None:
        pending.pop("item", None)
        group = str(item.get("group"))
        raw = answers.get(group, [])
        index = item.get("index")
        if isinstance(raw, list) and isinstance(index, int) and 0 <= index < len(raw):
            entries = list(raw)
            entries[index] = dict(item.get("values", {}))
            answers = {**answers, group: entries}
    return state.model_copy(update={"pending": pending, "answers": answers})
