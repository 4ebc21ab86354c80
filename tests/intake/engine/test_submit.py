"""Submission and revisions: Submit freezes a revision, Edit re-opens, the next Submit is rev 2."""

from __future__ import annotations

from intake.engine import step
from intake.engine.events import Back, Cancel, Done, Edit, Event, Review, Start, Submit, Text
from intake.form.definition import FormDefinition
from tests.intake.engine.walks import TO_MENU, TO_STAGE, run


def test_submit_then_edit_then_resubmit(mini: FormDefinition) -> None:
    state, prompt = run(mini, [*TO_MENU, Done(), Submit()])
    assert state.status == "submitted"
    assert state.revision == 1
    assert prompt.kind == "submitted"
    assert "version 1" in prompt.text
    assert {line.path for line in prompt.review} >= {"initiative_name", "goals"}
    refused: tuple[Event, ...] = (Text(text="x"), Submit(), Back(), Cancel(), Done())
    for event in refused:
        same, prompt = step(mini, state, event)
        assert same is state, event
        assert prompt.kind == "submitted", event
        assert prompt.error, event
    shown: tuple[Event, ...] = (Start(), Review())
    for viewing in shown:
        _, prompt = step(mini, state, viewing)
        assert prompt.kind == "submitted"
        assert prompt.error is None
    same, prompt = step(mini, state, Edit(path="missing"))
    assert same is state
    assert prompt.error
    state, prompt = step(mini, state, Edit(path="initiative_name"))
    assert state.status == "review"
    assert prompt.path == "initiative_name"
    state, prompt = run(mini, [Text(text="Acme 2")], state)
    assert prompt.kind == "review"
    assert state.revision == 1
    state, prompt = step(mini, state, Submit())
    assert state.revision == 2
    assert prompt.kind == "submitted"
    assert "version 2" in prompt.text


def test_submit_with_open_questions_goes_to_the_first(mini: FormDefinition) -> None:
    state, _ = run(mini, [*TO_STAGE, Review()])
    state, prompt = step(mini, state, Submit())
    assert state.status == "in_progress"
    assert state.revision == 0
    assert prompt.path == "stage"
    assert prompt.error
    assert "still open" in prompt.error
