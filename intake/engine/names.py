"""Typed text at a list menu: the menu's own words, or the names of new entries.

At "Which organisations are involved?" people type the names ("City council; Food bank"), not
a command to add one. So text at a menu is read as the menu would be: one of its own words
("done", "that's all", "ninguno", "saltar"; folded like choice matching) acts as Done or Skip,
anything else is one or more names, split at ';' or new lines (a name may hold a comma). Every
name is checked like the list's key question (its constraint, no duplicate against the list or
the batch, the list's `max`), and all are committed at once as entries holding just the name,
so nothing typed is lost; the engine then opens the entries that still miss required answers,
one after another (`open_incomplete`). A single name opens its entry at once, as before.
"""

from __future__ import annotations

import copy
import re
from typing import Any, Literal

from intake.engine.answer import Outcome, finish_item, refuse, without
from intake.engine.matching import fold
from intake.engine.nav import (
    available_choices,
    current,
    item_complete,
    pending_item,
)
from intake.engine.parsing import Refusal, check_answer, clean_typed, parse_answer
from intake.engine.state import InterviewState
from intake.form.definition import FormDefinition, Question
from intake.i18n import t

_NAME_SPLIT = re.compile(r"[;\n]+")


def menu_word(definition: FormDefinition, text: str) -> Literal["done", "skip"] | None:
    """ "done"/"skip" when the text is one of the menu's own words in any of the form's
    languages (a Spanish speaker typing "done" means it too), else None."""
    wanted = fold(text)
    for kind in ("done", "skip"):
        for lang in definition.languages:
            words = t(f"engine.menu.{kind}_words", lang).split(";")
            if wanted in {fold(word) for word in words if word.strip()}:
                return "done" if kind == "done" else "skip"
    return None


def list_items(state: InterviewState, group: Question) -> list[dict[str, Any]]:
    """Copies of a list's entries (for building an updated list)."""
    raw = state.answers.get(group.name, [])
    return [dict(item) for item in raw] if isinstance(raw, list) else []


def add_named(
    definition: FormDefinition, state: InterviewState, group: Question, text: str
) -> Outcome:
    """Commit every typed name as a new entry, or refuse them all with the first reason."""
    spec = group.repeat
    key = definition.question(spec.key) if spec and spec.key else None
    if spec is None or key is None:
        return refuse(definition, state, Refusal("engine.error.on_menu"))
    cleaned = clean_typed(text)
    if isinstance(cleaned, Refusal):
        return refuse(definition, state, cleaned)
    names = [name.strip() for name in _NAME_SPLIT.split(cleaned) if name.strip()]
    if not names:
        return refuse(definition, state, Refusal("engine.error.empty"))
    items = list_items(state, group)
    if len(items) + len(names) > spec.max:
        return refuse(definition, state, Refusal("engine.error.repeat_full", {"max": spec.max}))
    seen = {str(item.get(key.name, "")).strip().casefold() for item in items}
    values: list[Any] = []
    for name in names:
        value = parse_answer(
            definition, key, name, available_choices(definition, key, state.answers, {})
        )
        if isinstance(value, Refusal):
            return refuse(definition, state, value)
        refusal = check_answer(definition, key, value, state.answers, {})
        if refusal is not None:
            return refuse(definition, state, refusal)
        folded = str(value).strip().casefold()
        if folded in seen:
            return refuse(
                definition,
                state,
                Refusal("engine.error.repeat_duplicate", {"value": str(value).strip()}),
            )
        seen.add(folded)
        values.append(value)
    trail = state.trail if group.name in state.trail else (*state.trail, group.name)
    added = state.model_copy(
        update={
            "answers": {**state.answers, group.name: [*items, *({key.name: v} for v in values)]},
            "skipped": tuple(path for path in state.skipped if path != group.name),
            "trail": trail,
            "cursor": group.name,
            "pending": without(state.pending, "toggles", "reviewing", "menu"),
        }
    )
    if len(values) > 1:  # the entries missing answers are opened one by one (`open_incomplete`)
        return Outcome(
            added, notice=t("engine.notice.items_added", state.language, count=len(values))
        )
    # One name: the entry asks all of its questions after the name, Back re-asks the name.
    item = {**_entry(group, len(items), {key.name: values[0]}, asked=[key.name]), "only": None}
    return finish_item(definition, _with_item(added, item))


def _entry(
    group: Question, index: int, values: dict[str, Any], *, asked: list[str]
) -> dict[str, Any]:
    """A pending item for an entry already on the list, written from its menu."""
    return {
        "group": group.name,
        "index": index,
        "values": copy.deepcopy(values),
        "asked": asked,
        "only": [inner.name for inner in group.questions if inner.name not in values] or None,
        "to_menu": True,
    }


def _with_item(state: InterviewState, item: dict[str, Any]) -> InterviewState:
    pending = {**without(state.pending, "toggles", "menu"), "item": item}
    return state.model_copy(update={"pending": pending, "cursor": item["group"]})


def open_incomplete(definition: FormDefinition, state: InterviewState) -> InterviewState:
    """Whenever a list menu would show while an entry misses a required answer, open that entry
    instead (asking what it has not answered), unless the user just stepped out of one to the
    menu (`pending.menu`); a hold is let go once the menu is no longer on screen."""
    if state.status not in ("in_progress", "review") or pending_item(state) is not None:
        return state
    location = current(definition, state)
    on_menu = (
        location is not None and location.group is None and location.question.type == "repeat"
    )
    held = state.pending.get("menu")
    if held is not None and (not on_menu or location is None or location.question.name != held):
        state = state.model_copy(update={"pending": without(state.pending, "menu")})
        held = None
    if not on_menu or location is None or held is not None:
        return state
    group = location.question
    for index, item in enumerate(list_items(state, group)):
        if not item_complete(definition, group, item, state.answers):
            return _with_item(state, _entry(group, index, item, asked=[]))
    return state
