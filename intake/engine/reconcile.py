"""Keeping a state consistent with its form after every event: stale answers, tidy UI state.

When an edit makes other answers irrelevant (or filters away an option they picked), those
answers move to `stale`: kept, never deleted, and offered again if the question comes back.
The same pass sets aside anything the form cannot hold (a state from another form version, a
malformed value) and drops pending UI state that no longer points anywhere, so the navigation
functions in `intake.engine.nav` only ever see well-formed data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from intake.engine.nav import choices_still_valid, current, is_relevant, item_path
from intake.engine.parsing import fits_type
from intake.engine.state import InterviewState
from intake.form.definition import FormDefinition, Question


def reconcile(definition: FormDefinition, state: InterviewState) -> InterviewState:
    """Move answers that an edit made irrelevant (or invalid) to `stale`, and drop UI state
    that no longer points anywhere. Stale answers are kept, never deleted: when the question
    becomes relevant again it is asked anew with the stale value shown (Done keeps it)."""
    answers = dict(state.answers)
    stale = dict(state.stale)
    _set_aside_foreign(definition, answers, stale)
    for _ in range(len(definition.questions) + 1):  # fixpoint; one pass for lint-clean forms
        changed = False
        for question in definition.questions:
            if question.name not in answers:
                continue
            value = answers[question.name]
            if not is_relevant(definition, question, answers) or not choices_still_valid(
                definition, question, value, answers
            ):
                stale[question.name] = answers.pop(question.name)
                changed = True
            elif question.type == "repeat" and isinstance(value, list):
                items = [
                    _reconcile_item(definition, question, i, dict(item), answers, stale)
                    for i, item in enumerate(value)
                ]
                if items != value:
                    answers[question.name] = items
                    changed = True
        if not changed:
            break
    names = {q.name for q in definition.questions}
    skipped = tuple(
        path
        for path in state.skipped
        if path in names
        and path not in answers
        and is_relevant(definition, definition.question(path), answers)  # type: ignore[arg-type]
    )
    state = state.model_copy(update={"answers": answers, "stale": stale, "skipped": skipped})
    return _tidy_pending(definition, state)


def _set_aside_foreign(
    definition: FormDefinition, answers: dict[str, Any], stale: dict[str, Any]
) -> None:
    """Answers this form cannot hold (a state from another form version, an importer's odd
    value) go to `stale` instead of breaking navigation or an export."""
    for name, value in list(answers.items()):
        question = definition.question(name)
        if question is None or definition.parent_of(name) is not None:
            stale[name] = answers.pop(name)
        elif question.type == "repeat":
            if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
                stale[name] = answers.pop(name)
                continue
            items = [
                _clean_item(definition, question, i, item, stale) for i, item in enumerate(value)
            ]
            if items != value:
                answers[name] = items
        elif not fits_type(question, value):
            stale[name] = answers.pop(name)


def _clean_item(
    definition: FormDefinition,
    group: Question,
    index: int,
    item: dict[str, Any],
    stale: dict[str, Any],
) -> dict[str, Any]:
    inner_names = {inner.name for inner in group.questions}
    clean: dict[str, Any] = {}
    for key, value in item.items():
        inner = definition.question(key) if key in inner_names else None
        if inner is not None and fits_type(inner, value):
            clean[key] = value
        else:
            stale[item_path(group.name, index, str(key))] = value
    return clean


def _reconcile_item(
    definition: FormDefinition,
    group: Question,
    index: int,
    item: dict[str, Any],
    answers: Mapping[str, Any],
    stale: dict[str, Any],
) -> dict[str, Any]:
    for inner in group.questions:
        if inner.name in item and (
            not is_relevant(definition, inner, answers, item)
            or not choices_still_valid(definition, inner, item[inner.name], answers, item)
        ):
            stale[item_path(group.name, index, inner.name)] = item.pop(inner.name)
    return item


def _tidy_pending(definition: FormDefinition, state: InterviewState) -> InterviewState:
    pending = dict(state.pending)
    cursor = state.cursor
    if cursor is not None:
        question = definition.question(cursor)
        if (
            question is None
            or definition.parent_of(cursor) is not None
            or not is_relevant(definition, question, state.answers)
        ):
            cursor = None
    for key in ("item", "draft"):  # the entry being filled in, and one set aside by an edit
        if key in pending and not _item_fits(definition, state, pending[key]):
            pending.pop(key)
    toggles = pending.get("toggles")
    if toggles is not None and not _toggles_shape_ok(toggles):
        pending.pop("toggles")
    item = pending.get("item")
    walk = pending.get("walk")
    if walk is not None and not (
        _walk_shape_ok(walk) and isinstance(item, dict) and item.get("group") == walk["group"]
    ):
        pending.pop("walk")  # a walk lives only while one of its entries is open
    if not isinstance(pending.get("menu", ""), str):
        pending.pop("menu")
    state = state.model_copy(update={"pending": pending, "cursor": cursor})
    toggles = pending.get("toggles")
    if isinstance(toggles, dict):
        location = current(definition, state)
        if location is None or toggles.get("path") != location.path:
            pending.pop("toggles")
            state = state.model_copy(update={"pending": pending})
    return state


def _item_fits(definition: FormDefinition, state: InterviewState, item: Any) -> bool:
    """A pending entry still points at a relevant repeat group (and an existing index)."""
    if not _item_shape_ok(item):
        return False
    group = definition.question(str(item.get("group")))
    if group is None or group.type != "repeat":
        return False
    items = state.answers.get(group.name, [])
    index = item.get("index")
    return is_relevant(definition, group, state.answers) and (
        not isinstance(index, int) or (isinstance(items, list) and 0 <= index < len(items))
    )


def _item_shape_ok(item: Any) -> bool:
    return (
        isinstance(item, dict)
        and isinstance(item.get("group"), str)
        and isinstance(item.get("values"), dict)
        and isinstance(item.get("asked"), list)
        and all(isinstance(name, str) for name in item["asked"])
        and (item.get("index") is None or type(item.get("index")) is int)
        and (item.get("only") is None or isinstance(item.get("only"), list))
    )


def _toggles_shape_ok(toggles: Any) -> bool:
    return (
        isinstance(toggles, dict)
        and isinstance(toggles.get("path"), str)
        and isinstance(toggles.get("values"), list)
        and all(isinstance(value, str) for value in toggles["values"])
    )


def _walk_shape_ok(walk: Any) -> bool:
    return (
        isinstance(walk, dict)
        and isinstance(walk.get("gate"), str)
        and isinstance(walk.get("group"), str)
        and isinstance(walk.get("queue"), list)
        and all(type(index) is int for index in walk["queue"])
    )
