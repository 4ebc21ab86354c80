"""Build the `Prompt` for the current screen from a state: questions, repeat menus, review.

Rendering is separate from event handling so that `render()` (resume, language switch, error
re-prompts) and `step()` always show exactly the same screen for the same state.
"""

from __future__ import annotations

import re
from typing import Any

from intake.engine.dives import offers
from intake.engine.glossary import term_views
from intake.engine.nav import (
    Location,
    available_choices,
    back_target,
    current,
    draft_item,
    first_open,
    gates,
    is_done,
    is_relevant,
    item_complete,
    item_path,
    pending_item,
    relevant_questions,
)
from intake.engine.parsing import LIKERT
from intake.engine.progress import build_progress
from intake.engine.prompt import ChoiceView, Prompt, RepeatItemView, ReviewLine
from intake.engine.state import InterviewState
from intake.form.definition import FormDefinition, Question
from intake.i18n import t

REVIEW_VALUE_MAX = 300
_FIELD = re.compile(r"\{([a-z][a-z0-9_]*)\}")


def render_value(definition: FormDefinition, question: Question, value: Any, lang: str) -> str:
    """A human-readable, localized rendering of a stored answer."""
    if question.type == "select_one" and isinstance(value, str):
        return definition.choice_label(question, value, lang)
    if question.type == "select_multiple" and isinstance(value, list):
        return ", ".join(definition.choice_label(question, str(v), lang) for v in value)
    if question.type == "likert" and isinstance(value, int):
        worded = definition.choice_label(question, str(value), lang)
        if worded != str(value):
            return t("engine.value.likert_worded", lang, value=value, label=worded)
        return t("engine.value.likert", lang, value=value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def item_label(
    definition: FormDefinition, group: Question, index: int, item: dict[str, Any], lang: str
) -> str:
    """Fill the repeat's label template from the item; fall back to "Entry n"."""
    template = definition.text(group.repeat.label if group.repeat else "", lang)
    label = re.sub(r"\(\s*\)", "", filled(definition, template, item, lang)).strip(" -·,")
    return label or t("engine.repeat.item", lang, number=index + 1)


def filled(definition: FormDefinition, template: str, item: dict[str, Any], lang: str) -> str:
    """`{name}` fields replaced by the entry's answers, so the four questions after a typed
    list ("How is {org_name} linked to you?") say which organisation each one is about."""

    def fill(match: re.Match[str]) -> str:
        inner = definition.question(match[1])
        value = item.get(match[1])
        if inner is None or value is None:
            return ""
        return render_value(definition, inner, value, lang)

    return _FIELD.sub(fill, template)


def build_prompt(
    definition: FormDefinition,
    state: InterviewState,
    *,
    error: str | None = None,
    notice: str | None = None,
) -> Prompt:
    lang = state.language
    if state.status == "cancelled":
        return Prompt(
            kind="cancelled", text=t("engine.cancelled", lang), error=error, notice=notice
        )
    if state.status == "submitted":
        return Prompt(
            kind="submitted",
            text=t("engine.submitted", lang, revision=state.revision),
            review=tuple(review_lines(definition, state)),
            error=error,
            notice=notice,
            offers=tuple(offers(definition, state)),
        )
    location = current(definition, state)
    if location is None:
        return _review(definition, state, error, notice)
    if location.group is None and location.question.type == "repeat":
        return _menu(definition, state, location.question, error, notice)
    return _question(definition, state, location, error, notice)


def existing_value(state: InterviewState, location: Location) -> Any:
    """The answer shown when a question is asked again: current, else stale (kept aside)."""
    if location.group is not None:
        pending = pending_item(state) or {}
        values = pending.get("values", {})
        if location.question.name in values:
            return values[location.question.name]
        if pending.get("index") is None:
            return None
        return state.stale.get(location.path)
    if location.question.name in state.answers:
        return state.answers[location.question.name]
    return state.stale.get(location.question.name)


def selection(definition: FormDefinition, state: InterviewState, location: Location) -> list[str]:
    """Ticked options of a multi-select: the toggles in progress, else the existing answer."""
    toggles = state.pending.get("toggles")
    if isinstance(toggles, dict) and toggles.get("path") == location.path:
        return [str(v) for v in toggles.get("values", [])]
    value = existing_value(state, location)
    if isinstance(value, list):
        return [str(v) for v in value]
    return []


def _question(
    definition: FormDefinition,
    state: InterviewState,
    location: Location,
    error: str | None,
    notice: str | None,
) -> Prompt:
    lang = state.language
    question = location.question
    item = (pending_item(state) or {}).get("values") if location.group else None
    value = existing_value(state, location)
    choices: tuple[ChoiceView, ...] = ()
    if question.type in {"select_one", "select_multiple"}:
        ticked = selection(definition, state, location)
        choices = tuple(
            ChoiceView(
                value=choice.name,
                label=definition.text(choice.label, lang),
                meaning=definition.text(choice.meaning, lang) or None,
                selected=choice.name in ticked
                if question.type == "select_multiple"
                else choice.name == value,
            )
            for choice in available_choices(definition, question, state.answers, item)
        )
    elif question.type == "likert":
        choices = tuple(
            ChoiceView(
                value=v,
                label=definition.choice_label(question, v, lang),  # the digit unless worded
                selected=str(value) == v,
            )
            for v in LIKERT
        )
    hint = definition.text(question.hint, lang) or _default_hint(question, lang)
    if value is not None and question.type != "note":
        hint = f"{hint}\n{t('engine.hint.keep', lang)}" if hint else t("engine.hint.keep", lang)
    top = location.group or question
    multi = question.type == "select_multiple"
    return Prompt(
        kind="question",
        text=filled(definition, definition.label(question, lang), item or {}, lang)
        if location.group
        else definition.label(question, lang),
        path=location.path,
        question_type=question.type if question.type != "repeat" else None,
        hint=hint or None,
        error=error,
        notice=notice,
        choices=choices,
        min_select=(question.min_select if question.min_select is not None else 1)
        if multi
        else None,
        max_select=question.max_select if multi else None,
        required=question.required,
        can_back=location.group is not None or back_target(definition, state) is not None,
        can_skip=not question.required and question.type != "note",
        current_value=render_value(definition, question, value, lang)
        if value is not None
        else None,
        progress=build_progress(definition, state, top),
        terms=term_views(definition, question.terms, lang),
    )


def _default_hint(question: Question, lang: str) -> str:
    if question.type in {"list", "select_multiple", "likert", "note"}:
        return t(f"engine.hint.{question.type}", lang)
    return ""


def _menu(
    definition: FormDefinition,
    state: InterviewState,
    group: Question,
    error: str | None,
    notice: str | None,
) -> Prompt:
    lang = state.language
    raw = state.answers.get(group.name, [])
    items = raw if isinstance(raw, list) else []
    spec = group.repeat
    low, high = (spec.min, spec.max) if spec else (0, 10)
    complete = all(item_complete(definition, group, item, state.answers) for item in items)
    hint = definition.text(group.hint, lang) or t(
        "engine.repeat.hint_some" if items else "engine.repeat.hint_empty", lang
    )
    return Prompt(
        kind="repeat_menu",
        text=definition.label(group, lang),
        path=group.name,
        hint=hint,
        error=error,
        notice=notice,
        required=group.required,
        can_back=back_target(definition, state) is not None,
        can_skip=not group.required and not items,
        items=tuple(
            RepeatItemView(index=i, label=item_label(definition, group, i, item, lang))
            for i, item in enumerate(items)
        ),
        can_add=len(items) < high,
        can_finish=len(items) >= low and complete,
        progress=build_progress(definition, state, group),
        terms=term_views(definition, group.terms, lang),
    )


def draft_label(definition: FormDefinition, state: InterviewState) -> str | None:
    """The label of the list entry being filled in (kept as a draft while reviewing)."""
    item = draft_item(state)
    group = definition.question(str(item.get("group"))) if item else None
    if item is None or group is None:
        return None
    values = item.get("values")
    index = item.get("index")
    number = index if isinstance(index, int) else len(state.answers.get(group.name) or [])
    return item_label(
        definition, group, number, values if isinstance(values, dict) else {}, lang=state.language
    )


_GATE = re.compile(r"^\s*([a-z][a-z0-9_]*)\s*==\s*'yes'\s*$")


def is_open_gate(definition: FormDefinition, question: Question, value: Any) -> bool:
    """A yes/no question answered yes that alone opens other questions (a deep dive): the
    questions it opened speak for it on the review, so it is not listed as an answer. On a form
    with deep dives the declared gates are never listed, whatever their answer."""
    declared = gates(definition)
    if declared:
        return question.name in declared
    if question.type != "select_one" or value != "yes":
        return False
    if {choice.name for choice in definition.choices_for(question)} != {"yes", "no"}:
        return False
    return any(
        (match := _GATE.match(other.relevant or "")) is not None and match[1] == question.name
        for other in definition.questions
    )


def review_lines(definition: FormDefinition, state: InterviewState) -> list[ReviewLine]:
    """Every relevant answered or skipped question, once: an open gate is left out, and each
    list entry is one line named by its key answer with its other answers as details below."""
    lang = state.language
    lines: list[ReviewLine] = []
    for question in relevant_questions(definition, state.answers):
        if question.type == "note":
            continue
        if is_open_gate(definition, question, state.answers.get(question.name)):
            continue
        label = definition.short_label(question, lang)
        if question.name in state.skipped:
            lines.append(
                ReviewLine(path=question.name, label=label, value=t("engine.skipped", lang))
            )
            continue
        if question.name not in state.answers:
            continue
        value = state.answers[question.name]
        if question.type != "repeat":
            text = render_value(definition, question, value, lang)
            lines.append(ReviewLine(path=question.name, label=label, value=_clip(text)))
            continue
        items = value if isinstance(value, list) else []
        summary = (
            t("engine.repeat.count", lang, count=len(items))
            if items
            else t("engine.repeat.none", lang)
        )
        lines.append(ReviewLine(path=question.name, label=label, value=summary))
        for index, item in enumerate(items):
            lines += _entry_lines(definition, state, question, index, item)
    return lines


def _entry_lines(
    definition: FormDefinition,
    state: InterviewState,
    group: Question,
    index: int,
    item: dict[str, Any],
) -> list[ReviewLine]:
    """One entry: its key answer as the entry's line ("Stakeholders 1: Council"), then the
    other answers as details, so the entry's name is shown once and never in its own labels."""
    lang = state.language
    inner = [
        q
        for q in group.questions
        if q.type != "note" and is_relevant(definition, q, state.answers, item)
    ]
    key = group.repeat.key if group.repeat and group.repeat.key else None
    inner.sort(key=lambda q: q.name != key)  # stable: the key first, the rest in form order
    lines: list[ReviewLine] = []
    for position, question in enumerate(inner):
        shown = (
            render_value(definition, question, item[question.name], lang)
            if question.name in item
            else t("engine.skipped", lang)
        )
        label = (
            t(
                "engine.review.entry",
                lang,
                group=definition.short_label(group, lang),
                number=index + 1,
            )
            if position == 0
            else definition.short_label(question, lang)
        )
        lines.append(
            ReviewLine(
                path=item_path(group.name, index, question.name),
                label=label,
                value=_clip(shown),
                level=1 if position == 0 else 2,
            )
        )
    return lines


def _clip(text: str) -> str:
    return text if len(text) <= REVIEW_VALUE_MAX else text[: REVIEW_VALUE_MAX - 1] + "…"


def _review(
    definition: FormDefinition, state: InterviewState, error: str | None, notice: str | None
) -> Prompt:
    lang = state.language
    open_count = sum(
        1
        for question in relevant_questions(definition, state.answers)
        if not is_done(definition, question, state)
    )
    draft = draft_label(definition, state)
    can_continue = draft is not None or bool(open_count and first_open(definition, state))
    if draft is not None:
        extra = t("engine.review.draft", lang, entry=draft)
        notice = f"{notice}\n{extra}" if notice else extra
    elif can_continue:
        extra = t("engine.review.open", lang, count=open_count)
        notice = f"{notice}\n{extra}" if notice else extra
    return Prompt(
        can_continue=can_continue,
        draft=draft,
        kind="review",
        text=t("engine.review.heading", lang),
        error=error,
        notice=notice,
        review=tuple(review_lines(definition, state)),
        can_back=draft is not None or back_target(definition, state) is not None,
    )
