"""Navigation: asking order, back, skip, edit, review, stale answers, resume and restart."""

from __future__ import annotations

from intake.engine import render, start, step
from intake.engine.events import (
    Back,
    Cancel,
    Choose,
    Done,
    Edit,
    RepeatAdd,
    Restart,
    Review,
    SetLanguage,
    Skip,
    Start,
    Text,
    Toggle,
)
from intake.form.definition import FormDefinition
from tests.intake.engine.walks import TO_MENU, TO_STAGE, TO_SYSTEMS, run

TO_REVIEW = [*TO_MENU, Done()]  # zero stakeholders: `story` is not relevant


def test_start_shows_the_first_question(mini: FormDefinition) -> None:
    state = start(mini, language="es")
    prompt = render(mini, state)
    assert state.form_version == "test.1"
    assert state.language == "es"
    assert prompt.kind == "question"
    assert prompt.path == "welcome"
    assert prompt.question_type == "note"
    assert prompt.text == "Bienvenida a la mini entrevista."
    assert not prompt.can_back
    assert not prompt.can_skip
    assert prompt.progress is not None
    assert prompt.progress.index == 1
    assert prompt.progress.section == "Acerca de"
    assert start(mini, language="xx").language == "en"


def test_note_needs_continue_not_text(mini: FormDefinition) -> None:
    state = start(mini)
    same, prompt = step(mini, state, Text(text="hello"))
    assert same is state
    assert prompt.error
    assert "Continue" in prompt.error
    _, prompt = step(mini, state, Done())
    assert prompt.path == "initiative_name"
    assert prompt.required
    assert not prompt.can_skip


def test_progress_counts_relevant_questions(mini: FormDefinition) -> None:
    _, prompt = run(mini, TO_SYSTEMS)
    assert prompt.path == "systems"
    assert [term.key for term in prompt.terms] == ["production system", "change system"]
    assert prompt.progress is not None
    # welcome .. coherence (10 without food_detail) + stakeholders = 11 relevant questions
    assert (prompt.progress.index, prompt.progress.total) == (3, 11)
    _, prompt = run(mini, TO_STAGE)
    assert prompt.progress is not None
    assert prompt.progress.total == 12


def test_typed_error_keeps_state_and_explains(mini: FormDefinition) -> None:
    state, _ = run(mini, [*TO_STAGE, Choose(value="idea"), Text(text="2019")])
    same, prompt = step(mini, state, Text(text="lots"))
    assert same is state
    assert prompt.path == "team_size"
    assert prompt.error
    assert "12" in prompt.error
    _, prompt = step(mini, state, Text(text="13"))
    assert prompt.error == "Pick any number but 13, e.g. 12."
    _, prompt = step(mini, state.model_copy(update={"language": "es"}), Text(text="13"))
    assert prompt.error == "Cualquier número menos 13, p. ej. 12."


def test_skip_only_optional_questions(mini: FormDefinition) -> None:
    state, _ = run(mini, TO_SYSTEMS[:1])
    same, prompt = step(mini, state, Skip())
    assert same is state
    assert prompt.error
    assert prompt.path == "initiative_name"
    state, prompt = run(mini, [*TO_STAGE, Skip()])
    assert prompt.path == "founded"
    assert prompt.notice
    assert "Skipped" in prompt.notice
    assert state.skipped == ("stage",)
    same, prompt = step(mini, state, Toggle(value="food"))  # not a multi-select
    assert same is state
    assert prompt.error


def test_back_keeps_the_answer_and_returns_forward(mini: FormDefinition) -> None:
    state, prompt = run(mini, [*TO_STAGE, Choose(value="idea"), Back()])
    assert prompt.path == "stage"
    assert state.cursor == "stage"
    assert prompt.current_value == "Idea"
    assert [c.value for c in prompt.choices if c.selected] == ["idea"]
    state, prompt = run(mini, [Back(), Back()], state)
    assert prompt.path == "systems"
    assert prompt.current_value == "Food, Energy"
    # Re-answering jumps back to the first open question; later answers are kept.
    state, prompt = run(mini, [Done()], state)
    assert prompt.path == "founded"
    assert state.answers["stage"] == "idea"


def test_done_keeps_the_shown_answer(mini: FormDefinition) -> None:
    _state, prompt = run(mini, [*TO_STAGE, Back(), Done()])
    assert prompt.path == "stage"
    assert prompt.notice == "Kept your earlier answer."
    _, prompt = run(mini, [Done()], start(mini).model_copy(update={"trail": ("welcome",)}))
    assert prompt.error
    assert "no earlier answer" in prompt.error


def test_back_at_the_first_question_is_refused(mini: FormDefinition) -> None:
    state = start(mini)
    same, prompt = step(mini, state, Back())
    assert same is state
    assert prompt.error
    assert prompt.path == "welcome"


def test_review_edit_and_return(mini: FormDefinition) -> None:
    state, prompt = run(mini, TO_REVIEW)
    assert state.status == "review"
    assert prompt.kind == "review"
    lines = {line.path: line.value for line in prompt.review}
    assert lines["initiative_name"] == "Acme"
    assert lines["goals"] == "soil; water"
    assert lines["coherence"] == "4 of 5"
    assert lines["stakeholders"] == "None"
    assert "welcome" not in lines
    assert prompt.can_back
    state, prompt = run(mini, [Edit(path="team_size")], state)
    assert prompt.path == "team_size"
    assert prompt.current_value == "12"
    state, prompt = run(mini, [Text(text="40")], state)
    assert prompt.kind == "review"
    assert state.answers["team_size"] == 40


def test_edit_that_hides_a_question_moves_its_answer_to_stale(mini: FormDefinition) -> None:
    state, _ = run(mini, TO_REVIEW)
    assert state.answers["food_detail"] == "seeds"
    state, prompt = run(mini, [Edit(path="systems"), Toggle(value="food"), Done()], state)
    assert prompt.kind == "review"
    assert "food_detail" not in state.answers
    assert state.stale["food_detail"] == "seeds"
    assert "food_detail" not in {line.path for line in prompt.review}
    # Relevant again: asked anew, the stale answer shown and kept with Done.
    state, prompt = run(mini, [Edit(path="systems"), Toggle(value="food"), Done()], state)
    assert prompt.path == "food_detail"
    assert prompt.current_value == "seeds"
    state, prompt = run(mini, [Done()], state)
    assert prompt.kind == "review"
    assert state.answers["food_detail"] == "seeds"


def test_choice_filtered_away_makes_answer_stale(mini: FormDefinition) -> None:
    events = [*TO_MENU, RepeatAdd(), Text(text="Council"), Choose(value="energy"), Skip(), Done()]
    state, prompt = run(mini, events)
    assert prompt.path == "story"
    state, prompt = run(mini, [Edit(path="systems"), Toggle(value="energy"), Done()], state)
    assert state.answers["stakeholders"] == [{"st_name": "Council"}]
    assert state.stale["stakeholders[0].st_system"] == "energy"


def test_review_before_the_end_lists_open_questions(mini: FormDefinition) -> None:
    state, prompt = run(mini, [*TO_STAGE, Review()])
    assert prompt.kind == "review"
    assert prompt.notice
    assert "Still open" in prompt.notice
    assert state.status == "in_progress"
    same, prompt = step(mini, state, Text(text="idea"))
    assert same is state
    assert prompt.error
    _, prompt = step(mini, state, Done())
    assert prompt.path == "stage"


def test_cancel_and_resume(mini: FormDefinition) -> None:
    state, prompt = run(mini, [*TO_STAGE, Cancel()])
    assert state.status == "cancelled"
    assert prompt.kind == "cancelled"
    assert state.answers["systems"] == ["food", "energy"]
    same, prompt = step(mini, state, Text(text="idea"))
    assert same is state
    assert prompt.kind == "cancelled"
    assert prompt.error
    state, prompt = step(mini, state, Start())
    assert state.status == "in_progress"
    assert prompt.path == "stage"
    assert prompt.notice


def test_cancel_from_review_resumes_to_review(mini: FormDefinition) -> None:
    state, _ = run(mini, [*TO_REVIEW, Cancel(), Start()])
    assert state.status == "review"
    assert render(mini, state).kind == "review"


def test_restart_keeps_old_answers_aside(mini: FormDefinition) -> None:
    state, prompt = run(mini, [*TO_STAGE, Restart()])
    assert state.answers == {}
    assert state.trail == ()
    assert state.status == "in_progress"
    assert state.stale["initiative_name"] == "Acme"
    assert prompt.path == "welcome"
    assert prompt.notice
    state, prompt = run(mini, [Done()], state)
    assert prompt.path == "initiative_name"
    assert prompt.current_value == "Acme"


def test_language_switch_rerenders(mini: FormDefinition) -> None:
    state, prompt = run(mini, [*TO_SYSTEMS, SetLanguage(language="es")])
    assert state.language == "es"
    assert prompt.text == "¿En qué sistemas de producción trabajas?"
    assert prompt.notice == "Idioma cambiado a español."
    assert [c.label for c in prompt.choices][:2] == ["Alimentación", "Energía"]
    same, prompt = step(mini, state, SetLanguage(language="fr"))
    assert same is state
    assert prompt.error
    assert "en, es" in prompt.error


def test_events_that_do_not_fit_are_refused(mini: FormDefinition) -> None:
    state, _ = run(mini, TO_STAGE)
    for event in (
        Choose(value="gone"),
        Toggle(value="food"),
        Edit(path="nope"),
        Edit(path="welcome"),
        Edit(path="stakeholders[5].st_name"),
        Edit(path="st_name"),
        RepeatAdd(),
    ):
        same, prompt = step(mini, state, event)
        assert same is state, event
        assert prompt.error, event
        assert prompt.path == "stage", event
