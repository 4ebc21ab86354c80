"""Property test: arbitrary typed text through the packaged interview, the store, the domain
tables and `helix export` (issue 12).

A typed question gets a drawn answer (any code point, lone surrogates, escapes, NUL,
zero-width characters, formula prefixes); a refusal must leave the interview where it was, and
an accepted answer must already be clean when it is stored. The leader then sends the interview,
and the export of what was projected must be valid UTF-8, standard JSON and a parsable CSV.
One database per test (SQLite and PostgreSQL, which refuses NUL in text outright) and one
leader: the first example sends a plain interview, every example then edits a few typed answers
and sends a new revision (a walk per example would take seconds each).
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from intake.engine import Done, Edit, Event, Prompt, RepeatAdd, Review, Submit, Text
from intake.form.definition import load_definition
from intake.storage.interviews import InterviewStore
from intake.text import has_surrogate
from tests.intake.records.hostile import check_exports, mixed, shown_safely, texts

PACKAGED = load_definition()
TYPED = {
    "text": "Rescuing surplus food",
    "long_text": "Food waste in Eastbrook",
    "list": "Halve food waste; Feed families",
    "url": "example.org",
    "integer": "12",
    "decimal": "3,5",
    "year": "2019",
}
answers = st.one_of(texts, mixed, mixed.map("Ana {} Ruiz".format))


def strings(value: Any) -> list[str]:
    """Every string inside a stored answer (lists and repeat items included)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [text for item in value for text in strings(item)]
    if isinstance(value, dict):
        return [text for item in value.values() for text in strings(item)]
    return []


def next_event(prompt: Prompt, added: set[str]) -> Event:
    """A patient leader: adds one item to each list, picks the first option, sends at the end."""
    if prompt.kind == "repeat_menu":
        if prompt.path not in added and prompt.can_add:
            added.add(str(prompt.path))
            return RepeatAdd()
        return Done()
    if prompt.kind == "review":
        return Submit()
    if prompt.question_type in ("note", None):
        return Done()
    if prompt.question_type == "likert":
        return Text(text="4")
    return Text(text=TYPED.get(str(prompt.question_type), "1"))


def submitted(store: InterviewStore, user: str) -> None:
    """The leader's interview, answered plainly and sent once (the first example does this)."""
    state = store.current(user)
    if state is not None and state.status == "submitted":
        return
    _, prompt, _ = store.open(user)
    added: set[str] = set()
    for _ in range(200):
        if prompt.kind == "submitted":
            return
        _, prompt = store.apply(user, next_event(prompt, added))
    raise AssertionError(f"the interview never finished: {prompt}")


TYPED_PATHS = [q.name for q in PACKAGED.questions if q.type in TYPED] + [
    f"{group.name}[0].{inner.name}"
    for group in PACKAGED.questions
    if group.type == "repeat"
    for inner in group.questions
    if inner.type in TYPED
]


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_typed_text_is_cleaned_or_refused_and_exports_cleanly(
    engine: Engine, data: st.DataObject
) -> None:
    """Each example edits a few typed answers of one sent interview and sends it again."""
    store = InterviewStore(engine, PACKAGED)
    user = "term:props"
    submitted(store, user)
    for path in data.draw(st.lists(st.sampled_from(TYPED_PATHS), min_size=1, max_size=3)):
        before, prompt = store.apply(user, Edit(path=path))
        if prompt.kind != "question":  # not relevant with the answers given
            continue
        typed = data.draw(answers, label=path)
        state, prompt = store.apply(user, Text(text=typed))
        if prompt.error is not None:
            assert state == before, (typed, prompt.error)
            assert shown_safely(prompt.error)
        for text in strings(state.answers):
            assert shown_safely(text), (typed, state.answers)
    _, prompt = store.apply(user, Review())
    assert all(shown_safely(line.value) for line in prompt.review)
    _, prompt = store.apply(user, Submit())
    assert prompt.kind == "submitted", prompt
    json.dumps(store.personal_data(user), default=str).encode("utf-8")
    exported = check_exports(engine)
    assert not any(has_surrogate(text) for record in exported for text in strings(record))
