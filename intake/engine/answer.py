"""Answering the question on screen: typed text, picks, toggles, keep (Done), skip.

Every path ends in one of two places: a refusal (state unchanged, localized reason) or a commit
(the value goes to `answers`, or into the repeat item being filled in). Keeping these few commit
functions in one module is what guarantees that trail, skips and pending UI state stay in step.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from intake.engine.dives import next_entry, walking
from intake.engine.events import Choose, Done, Event, Skip, Text, Toggle
from intake.engine.matching import resolve_params
from intake.engine.nav import Location, available_choices, next_inner, pending_item
from intake.engine.parsing import LIKERT, Refusal, check_answer, fits_type, parse_answer
from intake.engine.screens import existing_value, selection
from intake.engine.state import InterviewState
from intake.form.definition import FormDefinition, Question
from intake.i18n import t


@dataclass(frozen=True)
class Outcome:
    """The result of one event before rendering: a state plus an optional error or notice."""

    state: InterviewState
    error: str | None = None
    notice: str | None = None


def refuse(definition: FormDefinition, state: InterviewState, refusal: Refusal) -> Outcome:
    """Same state, with the reason in the user's language (the form's own message first)."""
    lang = state.language
    text = definition.text(refusal.message, lang) if refusal.message else ""
    params = resolve_params(refusal.params, definition, lang)
    return Outcome(state, error=text or t(refusal.key, lang, **params))


def without(pending: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: value for key, value in pending.items() if key not in keys}


def _add(trail: tuple[str, ...], path: str) -> tuple[str, ...]:
    """Trail keeps first-answer order: re-answering keeps a question's place for Back."""
    return trail if path in trail else (*trail, path)


def _item_values(state: InterviewState, location: Location) -> dict[str, Any] | None:
    if location.group is None:
        return None
    values = (pending_item(state) or {}).get("values")
    return values if isinstance(values, dict) else {}


def answer_event(
    definition: FormDefinition, state: InterviewState, location: Location, event: Event
) -> Outcome:
    """Dispatch an answering event (Text, Choose, Toggle, Done, Skip) for a question screen."""
    question = location.question
    if isinstance(event, Skip):
        return skip(definition, state, location)
    if question.type == "note":
        if isinstance(event, Done):
            return _acknowledge(definition, state, location)
        return refuse(definition, state, Refusal("engine.error.note"))
    if isinstance(event, Text):
        item = _item_values(state, location)
        choices = available_choices(definition, question, state.answers, item)
        parsed = parse_answer(definition, question, event.text, choices)
        if isinstance(parsed, Refusal):
            return refuse(definition, state, parsed)
        return accept(definition, state, location, parsed)
    if isinstance(event, Toggle) or (
        isinstance(event, Choose) and question.type == "select_multiple"
    ):
        return _toggle(definition, state, location, event.value)
    if isinstance(event, Choose):
        if question.type == "select_one":
            return accept(definition, state, location, event.value)
        if question.type == "likert":
            if event.value not in LIKERT:
                return refuse(definition, state, Refusal("engine.error.choice_unknown"))
            return accept(definition, state, location, int(event.value))
        return refuse(definition, state, Refusal("engine.error.not_here"))
    if isinstance(event, Done):
        return _done(definition, state, location)
    return refuse(definition, state, Refusal("engine.error.not_here"))


def accept(
    definition: FormDefinition,
    state: InterviewState,
    location: Location,
    value: Any,
    *,
    notice: str | None = None,
) -> Outcome:
    """Check a typed value against the question and store it, or refuse with the reason."""
    question = location.question
    item = _item_values(state, location)
    if not fits_type(question, value):
        return refuse(definition, state, Refusal("engine.error.not_here"))
    if question.type in {"select_one", "select_multiple"}:
        names = {c.name for c in available_choices(definition, question, state.answers, item)}
        picked = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str) and v in names for v in picked):
            return refuse(definition, state, Refusal("engine.error.choice_unknown"))
    refusal = check_answer(definition, question, value, state.answers, item)
    if refusal is None and location.group is not None:
        refusal = _duplicate_key(location, value, state)
    if refusal is not None:
        return refuse(definition, state, refusal)
    if location.group is not None:
        return _commit_inner(definition, state, question.name, value, notice)
    return Outcome(commit_top(state, question.name, value), notice=notice)


def commit_top(state: InterviewState, name: str, value: Any) -> InterviewState:
    return state.model_copy(
        update={
            "answers": {**state.answers, name: value},
            "skipped": tuple(path for path in state.skipped if path != name),
            "trail": _add(state.trail, name),
            "cursor": None,
            "pending": without(state.pending, "toggles", "reviewing"),
        }
    )


def _duplicate_key(location: Location, value: Any, state: InterviewState) -> Refusal | None:
    group = location.group
    if group is None or group.repeat is None or group.repeat.key != location.question.name:
        return None
    items = state.answers.get(group.name, [])
    wanted = str(value).strip().casefold()
    for index, item in enumerate(items if isinstance(items, list) else []):
        if (
            index != location.index
            and str(item.get(group.repeat.key, "")).strip().casefold() == wanted
        ):
            return Refusal("engine.error.repeat_duplicate", {"value": str(value).strip()})
    return None


def _commit_inner(
    definition: FormDefinition, state: InterviewState, name: str, value: Any, notice: str | None
) -> Outcome:
    pending = copy.deepcopy(without(state.pending, "toggles"))
    item = pending["item"]
    item.setdefault("values", {})[name] = value
    item.setdefault("asked", []).append(name)
    outcome = finish_item(definition, state.model_copy(update={"pending": pending}))
    return Outcome(outcome.state, notice=outcome.notice or notice)


def finish_item(definition: FormDefinition, state: InterviewState) -> Outcome:
    """Commit the item in progress once no inner question is left to ask."""
    item = pending_item(state)
    group = definition.question(str(item.get("group"))) if item else None
    if item is None or group is None:
        return Outcome(state)
    if next_inner(definition, group, item, state.answers) is not None:
        return Outcome(state)
    raw = state.answers.get(group.name, [])
    items = list(raw) if isinstance(raw, list) else []
    index = item.get("index")
    values = dict(item.get("values", {}))
    if isinstance(index, int) and 0 <= index < len(items):
        items[index] = values
    else:
        items.append(values)
    updated = state.model_copy(
        update={
            "answers": {**state.answers, group.name: items},
            "pending": without(state.pending, "item", "toggles"),
            "cursor": group.name if item.get("to_menu") else None,
            "trail": _add(state.trail, group.name),
        }
    )
    if walking(state):  # a deep dive visiting the list's entries: on to the next one
        updated = next_entry(definition, updated)
    return Outcome(updated, notice=t("engine.notice.item_saved", state.language))


def skip(definition: FormDefinition, state: InterviewState, location: Location) -> Outcome:
    """Skip an optional question; an answer it had moves to `stale` rather than vanishing."""
    question = location.question
    if question.type == "note":
        return _acknowledge(definition, state, location)
    if question.required:
        return refuse(definition, state, Refusal("engine.error.required"))
    notice = t("engine.notice.skipped", state.language)
    if location.group is not None and location.index is not None:
        pending = copy.deepcopy(without(state.pending, "toggles"))
        item = pending["item"]
        stale = dict(state.stale)
        if question.name in item.get("values", {}):
            stale[location.path] = item["values"].pop(question.name)
        item.setdefault("asked", []).append(question.name)
        outcome = finish_item(
            definition, state.model_copy(update={"pending": pending, "stale": stale})
        )
        return Outcome(outcome.state, notice=notice)
    return Outcome(skip_top(state, question.name), notice=notice)


def skip_top(state: InterviewState, name: str) -> InterviewState:
    answers = dict(state.answers)
    stale = dict(state.stale)
    if name in answers:
        stale[name] = answers.pop(name)
    return state.model_copy(
        update={
            "answers": answers,
            "stale": stale,
            "skipped": state.skipped if name in state.skipped else (*state.skipped, name),
            "trail": _add(state.trail, name),
            "cursor": None,
            "pending": without(state.pending, "toggles", "reviewing"),
        }
    )


def _acknowledge(definition: FormDefinition, state: InterviewState, location: Location) -> Outcome:
    """A note is "answered" by reading it: it joins the trail (top level) or the asked list."""
    if location.group is not None:
        pending = copy.deepcopy(state.pending)
        pending["item"].setdefault("asked", []).append(location.question.name)
        return finish_item(definition, state.model_copy(update={"pending": pending}))
    return Outcome(
        state.model_copy(
            update={
                "trail": _add(state.trail, location.question.name),
                "cursor": None,
                "pending": without(state.pending, "toggles", "reviewing"),
            }
        )
    )


def _ordered(definition: FormDefinition, question: Question, names: list[str]) -> list[str]:
    order = [choice.name for choice in definition.choices_for(question)]
    return sorted(set(names), key=lambda name: order.index(name) if name in order else len(order))


def _toggle(
    definition: FormDefinition, state: InterviewState, location: Location, value: str
) -> Outcome:
    question = location.question
    if question.type != "select_multiple":
        return refuse(definition, state, Refusal("engine.error.not_here"))
    item = _item_values(state, location)
    names = [c.name for c in available_choices(definition, question, state.answers, item)]
    if value not in names:
        return refuse(definition, state, Refusal("engine.error.choice_unknown"))
    ticked = [name for name in selection(definition, state, location) if name in names]
    if value in ticked:
        ticked.remove(value)
    elif value in question.exclusive:
        ticked = [value]
    else:
        ticked = [name for name in ticked if name not in question.exclusive] + [value]
    pending = {**state.pending, "toggles": {"path": location.path, "values": ticked}}
    pending["toggles"]["values"] = _ordered(definition, question, ticked)
    return Outcome(state.model_copy(update={"pending": pending}))


def _done(definition: FormDefinition, state: InterviewState, location: Location) -> Outcome:
    """Done confirms the ticks of a multi-select, or keeps the answer shown (current or stale)."""
    question = location.question
    if question.type == "select_multiple":
        item = _item_values(state, location)
        names = {c.name for c in available_choices(definition, question, state.answers, item)}
        ticked = [name for name in selection(definition, state, location) if name in names]
        return accept(definition, state, location, ticked)
    value = existing_value(state, location)
    if value is None:
        return refuse(definition, state, Refusal("engine.error.nothing_to_keep"))
    return accept(
        definition, state, location, value, notice=t("engine.notice.kept", state.language)
    )
