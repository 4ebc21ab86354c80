"""Progress a user can trust: "section 2 of 6 · 3 questions left".

A running "question 25 of about 38" sat still for twenty inputs inside a list and grew as
answers opened follow-ups, so people stopped believing it. Sections are a count that holds:
the sections this walk covers are the core ones (no `deep_dive`) plus each dive taken, leaving
out any with nothing to ask. Within the section, `left` counts what is really still to come,
the screen on show included: the section's open questions, the questions left in the list
entry being filled in, the required answers other entries still miss, and during a dive's list
walk the details of the entries still queued.

`index`/`total` keep their old meaning (position among relevant questions) until the surfaces
have moved to the new fields.
"""

from __future__ import annotations

from typing import Any

from intake.engine.dives import dive_for, entry_details, list_entries, walk_of, walking
from intake.engine.nav import (
    gates,
    is_done,
    is_relevant,
    pending_index,
    pending_item,
    relevant_questions,
)
from intake.engine.prompt import Progress
from intake.engine.state import InterviewState
from intake.form.definition import FormDefinition, Question


def build_progress(definition: FormDefinition, state: InterviewState, top: Question) -> Progress:
    relevant = relevant_questions(definition, state.answers)
    hidden = gates(definition)
    names = [q.name for q in relevant if q.name not in hidden]
    index = names.index(top.name) + 1 if top.name in names else len(names)
    section = top.section
    walk = walk_of(state) if walking(state) else None
    if walk is not None:  # a dive's walk belongs to the dive, not to the list's own section
        dive = dive_for(definition, str(walk.get("gate")))
        section = dive.name if dive is not None else section
    covered = covered_sections(definition, state, relevant, section)
    found = definition.section(section)
    return Progress(
        index=index,
        total=len(names),
        section=definition.text(found.title, state.language) if found else "",
        section_index=covered.index(section) + 1 if section in covered else 1,
        section_total=max(1, len(covered)),
        left=max(1, _left(definition, state, relevant, top, section, walk)),
    )


def covered_sections(
    definition: FormDefinition,
    state: InterviewState,
    relevant: list[Question],
    here: str | None,
) -> list[str | None]:
    """Core sections and taken dives that have something to ask (and the one on screen)."""
    hidden = gates(definition)
    asking = {q.section for q in relevant if q.name not in hidden}
    covered: list[str | None] = []
    for section in definition.sections:
        dive = section.deep_dive
        if dive is not None and state.answers.get(dive.gate) != "yes":
            continue
        # a walk dive's section has no questions of its own: it counts while its walk is on
        walk = state.pending.get("walk")
        walked = (
            dive is not None
            and dive.walk is not None
            and isinstance(walk, dict)
            and walk.get("gate") == dive.gate
        )
        if section.name in asking or walked or section.name == here:
            covered.append(section.name)
    return covered


def _left(
    definition: FormDefinition,
    state: InterviewState,
    relevant: list[Question],
    top: Question,
    section: str | None,
    walk: dict[str, Any] | None,
) -> int:
    hidden = gates(definition)
    count = 0
    for question in relevant:
        if question.section != section or question.name in hidden:
            continue
        if question.name == top.name or not is_done(definition, question, state):
            count += 1
        if question.type == "repeat":
            count += _list_left(definition, state, question)
    if walk is not None:
        count += _walk_left(definition, state, walk)
    return count


def _item_left(definition: FormDefinition, state: InterviewState, group: Question) -> int:
    """Inner questions still to ask in the entry being filled in (this one included)."""
    item = pending_item(state)
    if item is None or item.get("group") != group.name:
        return 0
    values = item.get("values", {})
    only = item.get("only")
    asked = item.get("asked", [])
    return sum(
        1
        for inner in group.questions
        if inner.type != "note"
        and (only is None or inner.name in only)
        and inner.name not in asked
        and is_relevant(definition, inner, state.answers, values)
    )


def _list_left(definition: FormDefinition, state: InterviewState, group: Question) -> int:
    """The open entry's questions left, plus the required answers other entries miss."""
    item = pending_item(state)
    open_index = (
        pending_index(item, state.answers)
        if item is not None and item.get("group") == group.name
        else None
    )
    missing = sum(
        1
        for index, entry in enumerate(list_entries(state, group))
        if index != open_index
        for inner in group.questions
        if inner.required
        and inner.type != "note"
        and inner.name not in entry
        and is_relevant(definition, inner, state.answers, entry)
    )
    return _item_left(definition, state, group) + missing


def _walk_left(definition: FormDefinition, state: InterviewState, walk: dict[str, Any]) -> int:
    group = definition.question(str(walk.get("group")))
    if group is None:
        return 0
    entries = list_entries(state, group)
    queued = sum(
        len(entry_details(definition, group, str(walk.get("gate")), entries[i], state.answers))
        for i in walk.get("queue", [])
        if isinstance(i, int) and 0 <= i < len(entries)
    )
    return _item_left(definition, state, group) + queued
