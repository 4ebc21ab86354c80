"""Navigation derived from answers: where the interview stands, never stored as jumps.

The current screen is a pure function of the state: the re-opened `cursor`, else a repeat item
in progress, else the first relevant question that is neither answered nor skipped, else the
review. Because nothing else is stored, resume, back, edit and re-routing after an edit all
follow from the same few functions here, and no stored jump can ever point at the wrong place.

`pending` (uncommitted UI state in `InterviewState`) uses these keys:
`toggles` {path, values} for a multi-select being ticked; `item` {group, index, values, asked,
only, to_menu} for a repeat item being filled in; `paused_from` (status before Cancel);
`reviewing` (the user asked for the review before finishing; an `item` stays as a draft);
`draft` (an `item` set aside by an edit from the review, restored once the edit is answered);
`walk` {gate, group, queue} while a deep dive revisits a list's entries one by one (`queue` holds
the 0-based indexes still to visit after the entry open in `item`; see `intake.engine.dives`);
`menu` (a group's name: the user stepped back out of an entry, so its menu shows as it is and no
incomplete entry is opened for them until they add, edit or leave the list).

Deep-dive gates (`Section.deep_dive.gate`) count as done here: they are answered from the screen
after sending, never asked in the walk, so `first_open` and Back pass over them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from intake.engine.state import InterviewState
from intake.form.definition import SELECT_TYPES, Choice, FormDefinition, Question
from intake.form.expressions import Scope, holds

_ITEM_PATH = re.compile(r"^([a-z][a-z0-9_]*)\[(\d{1,4})\]\.([a-z][a-z0-9_]*)$")


@dataclass(frozen=True)
class Location:
    """The question on screen; `group`/`index` are set for a question inside a repeat item."""

    question: Question
    path: str
    group: Question | None = None
    index: int | None = None


def item_path(group: str, index: int, name: str) -> str:
    """Paths of inner answers: `stakeholders[0].st_name` (0-based item index)."""
    return f"{group}[{index}].{name}"


def split_item_path(path: str) -> tuple[str, int, str] | None:
    match = _ITEM_PATH.match(path)
    return (match[1], int(match[2]), match[3]) if match else None


def available_choices(
    definition: FormDefinition,
    question: Question,
    answers: Mapping[str, Any],
    item: Mapping[str, Any] | None = None,
) -> list[Choice]:
    """The question's choices after its `choice_filter` (with `choice` and `tags` bound)."""
    choices = definition.choices_for(question)
    if not question.choice_filter:
        return list(choices)
    return [
        choice
        for choice in choices
        if holds(
            question.choice_filter,
            Scope(answers, item, {"choice": choice.name, "tags": choice.tags}),
            default=True,
        )
    ]


def is_relevant(
    definition: FormDefinition,
    question: Question,
    answers: Mapping[str, Any],
    item: Mapping[str, Any] | None = None,
) -> bool:
    """Relevant = its condition holds, and (for a select) at least one choice is left to pick:
    a select whose filter removed every option could never be answered, so it is not asked."""
    if question.relevant and not holds(question.relevant, Scope(answers, item), default=True):
        return False
    if question.type in SELECT_TYPES:
        return _any_choice(definition, question, answers, item)
    return True


def _any_choice(
    definition: FormDefinition,
    question: Question,
    answers: Mapping[str, Any],
    item: Mapping[str, Any] | None,
) -> bool:
    """Like `bool(available_choices(...))` but stops at the first surviving choice."""
    choices = definition.choices_for(question)
    if not question.choice_filter:
        return bool(choices)
    return any(
        holds(
            question.choice_filter,
            Scope(answers, item, {"choice": choice.name, "tags": choice.tags}),
            default=True,
        )
        for choice in choices
    )


def choices_still_valid(
    definition: FormDefinition,
    question: Question,
    value: Any,
    answers: Mapping[str, Any],
    item: Mapping[str, Any] | None = None,
) -> bool:
    """False when an earlier edit filtered out an option this answer had picked."""
    if question.type not in SELECT_TYPES:
        return True
    names = {choice.name for choice in available_choices(definition, question, answers, item)}
    picked = value if isinstance(value, list) else [value]
    return all(name in names for name in picked)


def item_complete(
    definition: FormDefinition,
    group: Question,
    item: Mapping[str, Any],
    answers: Mapping[str, Any],
) -> bool:
    """Every relevant required inner question of the item has an answer."""
    return all(
        inner.name in item
        for inner in group.questions
        if inner.required
        and inner.type != "note"
        and is_relevant(definition, inner, answers, item)
    )


def gates(definition: FormDefinition) -> frozenset[str]:
    """The deep-dive gate questions of the form (none for a form without deep dives)."""
    return frozenset(
        section.deep_dive.gate for section in definition.sections if section.deep_dive
    )


def is_done(definition: FormDefinition, question: Question, state: InterviewState) -> bool:
    """Answered or skipped; a repeat is done with enough complete items (zero when min is 0).
    A deep-dive gate is always done: the walk never asks it."""
    if question.name in state.skipped or question.name in gates(definition):
        return True
    if question.type == "note":
        return question.name in state.trail
    if question.name not in state.answers:
        return False
    if question.type == "repeat":
        items = state.answers[question.name]
        spec_min = question.repeat.min if question.repeat else 0
        return (
            isinstance(items, list)
            and len(items) >= spec_min
            and all(item_complete(definition, question, item, state.answers) for item in items)
        )
    return True


_RELEVANT_MEMO: dict[tuple[int, str], tuple[FormDefinition, tuple[str, ...]]] = {}
_MEMO_SIZE = 256


def relevant_questions(definition: FormDefinition, answers: Mapping[str, Any]) -> list[Question]:
    """Top-level questions whose conditions hold. Rendering one screen asks this several times
    for the same answers, and choice filters make it costly on big forms, so results are
    memoized by the answers' JSON text (answers are JSON by contract): a pure cache."""
    try:
        key = (id(definition), json.dumps(answers, sort_keys=True))
    except (TypeError, ValueError):
        return [q for q in definition.questions if is_relevant(definition, q, answers)]
    hit = _RELEVANT_MEMO.get(key)
    if hit is not None and hit[0] is definition:
        return [q for q in definition.questions if q.name in hit[1]]
    found = [q for q in definition.questions if is_relevant(definition, q, answers)]
    if len(_RELEVANT_MEMO) >= _MEMO_SIZE:
        _RELEVANT_MEMO.clear()
    _RELEVANT_MEMO[key] = (definition, tuple(q.name for q in found))
    return found


def first_open(definition: FormDefinition, state: InterviewState) -> Question | None:
    for question in relevant_questions(definition, state.answers):
        if not is_done(definition, question, state):
            return question
    return None


def pending_item(state: InterviewState) -> dict[str, Any] | None:
    item = state.pending.get("item")
    return item if isinstance(item, dict) else None


def draft_item(state: InterviewState) -> dict[str, Any] | None:
    """The pending item when it is a list entry being written from the menu (a draft worth
    keeping); a one-answer edit opened from the review holds nothing new and is not one."""
    item = pending_item(state)
    return item if item is not None and item.get("to_menu") else None


def next_inner(
    definition: FormDefinition,
    group: Question,
    pending: Mapping[str, Any],
    answers: Mapping[str, Any],
) -> Question | None:
    """The next inner question of an item in progress, or None when the item is complete."""
    values = pending.get("values", {})
    only = pending.get("only")
    for inner in group.questions:
        if only is not None and inner.name not in only:
            continue
        if inner.name in pending.get("asked", []):
            continue
        if is_relevant(definition, inner, answers, values):
            return inner
    return None


def pending_index(pending: Mapping[str, Any], answers: Mapping[str, Any]) -> int:
    index = pending.get("index")
    if isinstance(index, int):
        return index
    items = answers.get(str(pending.get("group")), [])
    return len(items) if isinstance(items, list) else 0


def current(definition: FormDefinition, state: InterviewState) -> Location | None:
    """The screen the user is on; None means the review (or submitted/cancelled) screen."""
    if state.pending.get("reviewing"):
        return None
    pending = pending_item(state)
    if pending is not None:
        group = definition.question(str(pending.get("group")))
        if group is not None and group.type == "repeat":
            inner = next_inner(definition, group, pending, state.answers)
            if inner is not None:
                index = pending_index(pending, state.answers)
                return Location(inner, item_path(group.name, index, inner.name), group, index)
    if state.cursor:
        question = definition.question(state.cursor)
        if question is not None and definition.parent_of(question.name) is None:
            return Location(question, question.name)
    question = first_open(definition, state)
    return Location(question, question.name) if question is not None else None


def top_level(definition: FormDefinition, location: Location | None) -> Question | None:
    if location is None:
        return None
    return location.group or location.question


def back_target(definition: FormDefinition, state: InterviewState) -> str | None:
    """The latest answered/skipped path before the current one that is still relevant."""
    here = top_level(definition, current(definition, state))
    trail = list(state.trail)
    if here is not None and here.name in trail:
        trail = trail[: trail.index(here.name)]
    for path in reversed(trail):
        question = definition.question(path)
        if question is None or (here is not None and path == here.name):
            continue
        if question.name in gates(definition):
            continue
        if not is_relevant(definition, question, state.answers):
            continue
        if is_done(definition, question, state) or question.name in state.answers:
            return path
    return None
