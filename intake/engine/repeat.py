"""Repeat groups: the list menu (add, edit, remove, done, skip, typed names) and Back inside an
item (typed text at the menu is read in `intake.engine.names`).

Committed items live in `answers[group]` right away, so nothing typed is lost if the user leaves
mid-list; the cursor stays on the group until Done, which is what keeps the menu on screen. A
group counts as finished once it has at least `min` complete items, so zero items is a valid,
first-class answer when `min` is 0.
"""

from __future__ import annotations

import copy
from typing import Any

from intake.engine.answer import Outcome, finish_item, refuse, skip_top, without
from intake.engine.events import Done, Event, RepeatAdd, RepeatEdit, RepeatRemove, Skip, Text
from intake.engine.names import add_named, list_items, menu_word
from intake.engine.nav import is_relevant, item_complete, pending_item
from intake.engine.parsing import Refusal
from intake.engine.state import InterviewState
from intake.form.definition import FormDefinition, Question
from intake.i18n import t


def menu_event(
    definition: FormDefinition, state: InterviewState, group: Question, event: Event
) -> Outcome:
    """Handle an event while the repeat menu of `group` is on screen."""
    spec = group.repeat
    low, high = (spec.min, spec.max) if spec else (0, 10)
    items = list_items(state, group)
    if isinstance(event, Text):  # a menu word, or the names of new entries
        word = menu_word(definition, event.text)
        if word is None:
            return add_named(definition, state, group, event.text)
        event = Done() if word == "done" else Skip()
    if isinstance(event, Skip) and items:  # "skip" with entries means "no more", never
        event = Done()  # "throw these away": the entries are the leader's answer
    if isinstance(event, RepeatAdd):
        if len(items) >= high:
            return refuse(definition, state, Refusal("engine.error.repeat_full", {"max": high}))
        return _open_item(definition, state, group, None, {})
    if isinstance(event, RepeatEdit | RepeatRemove):
        if not 0 <= event.index < len(items):
            return refuse(definition, state, Refusal("engine.error.repeat_index"))
        if isinstance(event, RepeatEdit):
            return _open_item(definition, state, group, event.index, items[event.index])
        items.pop(event.index)
        updated = state.model_copy(
            update={
                "answers": {**state.answers, group.name: items},
                "cursor": group.name,
                "pending": without(state.pending, "toggles", "reviewing"),
            }
        )
        return Outcome(updated, notice=t("engine.notice.item_removed", state.language))
    if isinstance(event, Done):
        if len(items) < low:
            return refuse(definition, state, Refusal("engine.error.repeat_min", {"min": low}))
        for index, item in enumerate(items):
            if not item_complete(definition, group, item, state.answers):
                return refuse(
                    definition,
                    state,
                    Refusal("engine.error.repeat_incomplete", {"number": index + 1}),
                )
        trail = state.trail if group.name in state.trail else (*state.trail, group.name)
        updated = state.model_copy(
            update={
                "answers": {**state.answers, group.name: items},
                "skipped": tuple(path for path in state.skipped if path != group.name),
                "trail": trail,
                "cursor": None,
                "pending": without(state.pending, "toggles", "reviewing"),
            }
        )
        return Outcome(updated)
    if isinstance(event, Skip):
        if group.required:
            return refuse(definition, state, Refusal("engine.error.required"))
        return Outcome(
            skip_top(state, group.name), notice=t("engine.notice.skipped", state.language)
        )
    return refuse(definition, state, Refusal("engine.error.on_menu"))


def _open_item(
    definition: FormDefinition,
    state: InterviewState,
    group: Question,
    index: int | None,
    values: dict[str, Any],
) -> Outcome:
    """Start filling an item (new when `index` is None); every inner question is asked."""
    item: dict[str, Any] = {
        "group": group.name,
        "index": index,
        "values": copy.deepcopy(values),
        "asked": [],
        "only": None,
        "to_menu": True,
    }
    pending = {**without(state.pending, "toggles", "reviewing", "menu"), "item": item}
    opened = state.model_copy(update={"pending": pending, "cursor": group.name})
    return finish_item(definition, opened)


def open_inner_edit(
    definition: FormDefinition, state: InterviewState, group: Question, index: int, name: str
) -> Outcome | None:
    """Re-open one inner answer from the review (`stakeholders[0].st_sector`); None if invalid."""
    items = list_items(state, group)
    inner = definition.question(name)
    parent = definition.parent_of(name)
    if (
        inner is None
        or parent is None
        or parent.name != group.name
        or inner.type == "note"
        or not 0 <= index < len(items)
        or not is_relevant(definition, group, state.answers)
        or not is_relevant(definition, inner, state.answers, items[index])
    ):
        return None
    item: dict[str, Any] = {
        "group": group.name,
        "index": index,
        "values": copy.deepcopy(items[index]),
        "asked": [],
        "only": [name],
        "to_menu": False,
    }
    pending = {**without(state.pending, "toggles", "reviewing"), "item": item}
    return Outcome(state.model_copy(update={"pending": pending, "cursor": None}))


def item_back(definition: FormDefinition, state: InterviewState) -> Outcome:
    """Back inside an item: re-ask the previous inner question, or leave the item unchanged."""
    item = copy.deepcopy(pending_item(state) or {})
    group = definition.question(str(item.get("group")))
    asked: list[str] = item.get("asked", [])
    while asked and group is not None:
        name = asked.pop()
        inner = definition.question(name)
        if inner is not None and is_relevant(definition, inner, state.answers, item.get("values")):
            pending = {**without(state.pending, "toggles"), "item": item}
            return Outcome(state.model_copy(update={"pending": pending}))
    # Out of the entry: a deep dive's walk ends here (its earlier entries are saved), and a
    # list entry leaves its menu on screen as it is, even if an entry still misses answers.
    to_menu = group is not None and bool(item.get("to_menu"))
    pending = without(state.pending, "item", "toggles", "walk", "menu")
    if to_menu and group is not None:
        pending["menu"] = group.name
    left = state.model_copy(
        update={"pending": pending, "cursor": group.name if to_menu and group else None}
    )
    return Outcome(left, notice=t("engine.notice.item_discarded", state.language))
