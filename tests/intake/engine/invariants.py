"""Event generators and state invariants for the engine's property tests.

Two generators feed the same invariant checks: one draws events blindly (random texts, stale
choice values, wild indexes and paths), the other looks at the current prompt and mostly does
plausible things, so long runs reach repeat items, edits after review and re-submissions.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from intake.engine import render, start, step
from intake.engine.events import (
    Back,
    Cancel,
    Choose,
    Done,
    Edit,
    Event,
    RepeatAdd,
    RepeatEdit,
    RepeatRemove,
    Restart,
    Review,
    SetLanguage,
    Skip,
    Start,
    Submit,
    Text,
    Toggle,
)
from intake.engine.nav import current, is_relevant, pending_item
from intake.engine.parsing import fits_type
from intake.engine.prompt import Prompt
from intake.engine.state import InterviewState
from intake.form.definition import FormDefinition, Question

SAMPLE_TEXTS = [
    "Acme",
    "2019",
    "12",
    "1,5",
    "acme.org",
    "a; b, c",
    "1, 2",
    "4",
    "none",
    "Food",
    "13",
]
ALLOWED = {
    "in_progress": {"in_progress", "review", "cancelled"},
    "review": {"review", "in_progress", "submitted", "cancelled"},
    "submitted": {"submitted", "review", "in_progress"},
    "cancelled": {"cancelled", "in_progress", "review"},
}


_BLIND: dict[str, st.SearchStrategy[Event]] = {}


def blind_events(definition: FormDefinition) -> st.SearchStrategy[Event]:
    """Any event at all: real and made-up choice values, paths and indexes (one per form)."""
    if definition.form_id not in _BLIND:
        _BLIND[definition.form_id] = _blind(definition)
    return _BLIND[definition.form_id]


def _blind(definition: FormDefinition) -> st.SearchStrategy[Event]:
    choice_names = sorted({c.name for choices in definition.choices.values() for c in choices})
    paths = [q.name for q in definition.all_questions()]
    for group in (q for q in definition.questions if q.type == "repeat"):
        paths += [
            f"{group.name}[{i}].{inner.name}" for i in (0, 1, 9) for inner in group.questions
        ]
    paths += ["", "goals[0]", "x[0].y"]
    texts = st.one_of(st.sampled_from(SAMPLE_TEXTS), st.text(max_size=40))
    values = st.one_of(st.sampled_from([*choice_names, "1", "5", "9", ""]), st.text(max_size=12))
    indexes = st.integers(min_value=-2, max_value=5)
    return st.one_of(
        st.builds(Text, text=texts),
        st.builds(Choose, value=values),
        st.builds(Toggle, value=values),
        st.builds(Edit, path=st.one_of(st.sampled_from(paths), st.text(max_size=20))),
        st.builds(RepeatEdit, index=indexes),
        st.builds(RepeatRemove, index=indexes),
        st.builds(SetLanguage, language=st.sampled_from(["en", "es", "xx"])),
        st.sampled_from(
            [Start(), Done(), Back(), Skip(), Review(), RepeatAdd(), Submit(), Cancel(), Restart()]
        ),
    )


def _typed_sample(question: Question) -> str:
    return {
        "integer": "12",
        "decimal": "2,5",
        "year": "2001",
        "url": "example.org",
        "list": "one; two",
        "likert": "3",
        "select_one": "1",
        "select_multiple": "1",
    }.get(question.type, "Some answer")


def _guided(
    data: st.DataObject, definition: FormDefinition, state: InterviewState, prompt: Prompt
) -> Event:
    """A plausible next event for the screen on show, with a dose of noise."""
    if data.draw(st.integers(0, 9)) == 0:
        return data.draw(blind_events(definition))
    if prompt.kind == "repeat_menu":
        options: list[Event] = [RepeatAdd(), RepeatAdd(), Done(), Back()]
        options += [Text(text="Council; Bank"), Text(text="Farmers"), Text(text="done")]
        options += [RepeatEdit(index=i.index) for i in prompt.items]
        options += [RepeatRemove(index=i.index) for i in prompt.items]
        return data.draw(st.sampled_from(options))
    if prompt.kind in {"review", "submitted"}:
        edits: list[Event] = [Edit(path=line.path) for line in prompt.review]
        dives: list[Event] = [Choose(value=offer.value) for offer in prompt.offers] * 3
        return data.draw(st.sampled_from([Submit(), Submit(), Back(), *edits, *dives]))
    if prompt.kind == "cancelled":
        return Start()
    location = current(definition, state)
    if location is None:
        return Done()
    pick_button: bool = bool(prompt.choices) and data.draw(st.booleans())
    if pick_button:
        value = data.draw(st.sampled_from([c.value for c in prompt.choices]))
        if location.question.type == "select_multiple":
            multi: list[Event] = [Toggle(value=value), Done()]
            return data.draw(st.sampled_from(multi))
        return Choose(value=value)
    name = data.draw(st.sampled_from(["Council", "Farmers", "Bank"]))
    text = name if location.question.type == "text" else _typed_sample(location.question)
    typed: list[Event] = [Text(text=text), Text(text=text), Skip(), Back(), Done()]
    return data.draw(st.sampled_from(typed))


def _check_value(definition: FormDefinition, question: Question, value: Any) -> None:
    if question.type == "repeat":
        assert isinstance(value, list)
        assert question.repeat is not None
        assert len(value) <= question.repeat.max
        inner_names = {inner.name for inner in question.questions}
        for item in value:
            assert isinstance(item, dict)
            assert set(item) <= inner_names
            for name, inner_value in item.items():
                inner = definition.question(name)
                assert inner is not None
                assert fits_type(inner, inner_value), (name, inner_value)
        return
    assert fits_type(question, value), (question.name, value)
    if question.type in {"select_one", "select_multiple"}:
        names = {c.name for c in definition.choices_for(question)}
        assert set(value if isinstance(value, list) else [value]) <= names


def check_state(definition: FormDefinition, after: InterviewState, prompt: Prompt) -> None:
    """What must hold for any state the engine hands out, whatever happened before."""
    assert InterviewState.model_validate_json(after.model_dump_json()) == after
    top_names = {q.name for q in definition.questions}
    assert set(after.answers) <= top_names
    for name, value in after.answers.items():
        question = definition.question(name)
        assert question is not None
        assert question.type != "note"
        _check_value(definition, question, value)
    assert set(after.skipped) <= top_names
    assert not set(after.skipped) & set(after.answers)
    location = current(definition, after)
    if location is not None and after.status in {"in_progress", "review"}:
        top = location.group or location.question
        assert is_relevant(definition, top, after.answers)
        if location.group is not None:
            values = (pending_item(after) or {}).get("values", {})
            assert is_relevant(definition, location.question, after.answers, values)
        assert prompt.kind in {"question", "repeat_menu"}
        assert prompt.path == location.path
    quiet = {"error": None, "notice": None}
    assert render(definition, after).model_copy(update=quiet) == prompt.model_copy(update=quiet)


def _check(
    definition: FormDefinition,
    before: InterviewState,
    event: Event,
    after: InterviewState,
    prompt: Prompt,
) -> None:
    check_state(definition, after, prompt)
    assert after.status in ALLOWED[before.status], (before.status, event, after.status)
    expected_revision = before.revision + (
        1 if after.status == "submitted" != before.status else 0
    )
    assert after.revision == expected_revision
    if prompt.error is not None and event.kind != "submit":
        assert after is before  # refusals never change the state


def drive(definition: FormDefinition, data: st.DataObject, guided: bool, steps: int) -> None:
    state = start(definition, language=data.draw(st.sampled_from(["en", "es"])))
    prompt = render(definition, state)
    for _ in range(steps):
        event = (
            _guided(data, definition, state, prompt)
            if guided
            else data.draw(blind_events(definition))
        )
        new_state, prompt = step(definition, state, event)
        _check(definition, state, event, new_state, prompt)
        state = new_state
