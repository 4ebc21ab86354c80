"""The review never loses a half-entered list entry, offers only what is on screen, and lists
each answer once (no entry name repeated inside its own lines, no yes/no gate questions)."""

from __future__ import annotations

from intake.engine import render, step
from intake.engine.events import Back, Done, Edit, RepeatAdd, Review, Submit, Text
from intake.engine.screens import review_lines
from intake.engine.state import InterviewState
from intake.form.definition import FormDefinition, load_definition
from tests.intake.engine.walks import TO_MENU, run

MID_ENTRY = [*TO_MENU, RepeatAdd(), Text(text="Council"), Review()]


def test_review_mid_entry_names_the_kept_draft_and_offers_continue(mini: FormDefinition) -> None:
    state, prompt = run(mini, MID_ENTRY)
    assert prompt.kind == "review"
    assert prompt.draft == "Council"
    assert prompt.can_continue
    assert prompt.can_back  # the notice names Back too: it must be on screen
    assert "Council" in (prompt.notice or "")
    state, prompt = step(mini, state, Done())
    assert prompt.path == "stakeholders[0].st_system"


def test_back_from_the_review_returns_to_the_draft(mini: FormDefinition) -> None:
    state, prompt = run(mini, [*MID_ENTRY, Back()])
    assert prompt.path == "stakeholders[0].st_system"
    assert state.pending["item"]["values"] == {"st_name": "Council"}


def test_submit_with_a_draft_asks_to_finish_it_first(mini: FormDefinition) -> None:
    state, prompt = run(mini, [*MID_ENTRY, Submit()])
    assert state.status != "submitted"
    assert prompt.path == "stakeholders[0].st_system"
    assert "Council" in (prompt.error or "")
    assert state.pending["item"]["values"] == {"st_name": "Council"}


def test_submit_during_an_edit_from_the_review_still_keeps_the_draft(
    mini: FormDefinition,
) -> None:
    steps = [*MID_ENTRY, Edit(path="initiative_name"), Review(), Submit()]
    state, prompt = run(mini, steps)
    assert state.status != "submitted"
    assert "Council" in (prompt.error or "")
    assert state.pending["item"]["values"] == {"st_name": "Council"}


def test_editing_another_answer_keeps_the_draft_and_comes_back_to_it(
    mini: FormDefinition,
) -> None:
    state, prompt = run(mini, [*MID_ENTRY, Edit(path="initiative_name")])
    assert prompt.path == "initiative_name"
    state, prompt = step(mini, state, Text(text="Acme Two"))
    assert state.answers["initiative_name"] == "Acme Two"
    assert prompt.path == "stakeholders[0].st_system"
    assert state.pending["item"]["values"] == {"st_name": "Council"}


def test_the_open_questions_notice_comes_with_a_continue(mini: FormDefinition) -> None:
    _, prompt = run(mini, [Done(), Review()])
    assert prompt.kind == "review"
    assert prompt.can_continue
    assert prompt.draft is None
    _, finished = run(mini, [*TO_MENU, Done()])
    assert finished.kind == "review"
    assert not finished.can_continue


def test_each_entry_name_shows_once(mini: FormDefinition) -> None:
    events = [*TO_MENU, RepeatAdd(), Text(text="Council"), Text(text="1"), Text(text="Big")]
    _, prompt = run(mini, [*events, Done(), Text(text="A story")])
    assert prompt.kind == "review"
    entry = [line for line in prompt.review if line.path.startswith("stakeholders[0]")]
    assert [line.label.count("Council") + line.value.count("Council") for line in entry] == [
        1,
        0,
        0,
    ]
    assert [line.level for line in entry] == [1, 2, 2]


def test_review_never_lists_deep_dive_gates() -> None:
    """A dive is taken from the screen after sending, never by editing its gate: the gates are
    not answers the leader gave, so the review leaves them out whether yes or no."""
    form = load_definition()
    state = InterviewState(
        form_id=form.form_id,
        form_version=form.version,
        answers={"dd_strategy": "yes", "theory_of_change": "Map and link.", "dd_profile": "no"},
    )
    paths = [line.path for line in review_lines(form, state)]
    assert "theory_of_change" in paths
    assert "dd_strategy" not in paths
    assert "dd_profile" not in paths
    assert render(form, state).kind == "question"
