"""Multi-select with toggles: min/max at Done, exclusive choices, typed numbers, stale buttons."""

from __future__ import annotations

from intake.engine import step
from intake.engine.events import Choose, Done, Skip, Text, Toggle
from intake.form.definition import FormDefinition
from tests.intake.engine.walks import TO_SYSTEMS, run


def _ticked(prompt: object) -> list[str]:
    return [c.value for c in prompt.choices if c.selected]  # type: ignore[attr-defined]


def test_toggles_are_pending_until_done(mini: FormDefinition) -> None:
    state, prompt = run(mini, [*TO_SYSTEMS, Toggle(value="energy"), Toggle(value="food")])
    assert _ticked(prompt) == ["food", "energy"]
    assert "systems" not in state.answers
    assert prompt.min_select == 1
    assert prompt.max_select == 2
    state, prompt = run(mini, [Toggle(value="energy")], state)
    assert _ticked(prompt) == ["food"]
    state, prompt = run(mini, [Done()], state)
    assert state.answers["systems"] == ["food"]
    assert prompt.path == "food_detail"
    assert "toggles" not in state.pending


def test_done_enforces_min_and_max(mini: FormDefinition) -> None:
    state, _ = run(mini, TO_SYSTEMS)
    same, prompt = step(mini, state, Done())
    assert same is state
    assert prompt.error
    assert "at least 1" in prompt.error
    state, prompt = run(
        mini, [Toggle(value="food"), Toggle(value="energy"), Toggle(value="health")], state
    )
    assert _ticked(prompt) == ["food", "energy", "health"]  # max is checked at Done
    same, prompt = step(mini, state, Done())
    assert same is state
    assert prompt.error
    assert "at most 2" in prompt.error


def test_exclusive_choice_clears_others_and_back(mini: FormDefinition) -> None:
    state, prompt = run(mini, [*TO_SYSTEMS, Toggle(value="food"), Toggle(value="none")])
    assert _ticked(prompt) == ["none"]
    state, prompt = run(mini, [Toggle(value="health")], state)
    assert _ticked(prompt) == ["health"]
    state, prompt = run(mini, [Choose(value="none"), Done()], state)  # Choose toggles here too
    assert state.answers["systems"] == ["none"]


def test_typed_selection(mini: FormDefinition) -> None:
    state, prompt = run(mini, [*TO_SYSTEMS, Text(text="1, 2")])
    assert state.answers["systems"] == ["food", "energy"]
    state, _ = run(mini, TO_SYSTEMS)
    same, prompt = step(mini, state, Text(text="1, 4"))
    assert same is state
    assert prompt.error
    assert "None" in prompt.error


def test_a_superscript_digit_is_refused_not_a_crash(mini: FormDefinition) -> None:
    """'¹'.isdigit() is true but int('¹') raises: found by the property test."""
    state, _ = run(mini, TO_SYSTEMS)
    for typed in ("¹", "1, ²", "³"):
        same, prompt = step(mini, state, Text(text=typed))
        assert same is state
        assert prompt.error


def test_unknown_values_are_refused(mini: FormDefinition) -> None:
    state, _ = run(mini, TO_SYSTEMS)
    for event in (Toggle(value="oil"), Choose(value=""), Toggle(value="x" * 500)):
        same, prompt = step(mini, state, event)
        assert same is state
        assert prompt.error
        assert prompt.path == "systems"


def test_select_one_and_likert_buttons(mini: FormDefinition) -> None:
    state, prompt = run(mini, [*TO_SYSTEMS, Text(text="food"), Text(text="seeds")])
    assert prompt.path == "stage"
    same, prompt = step(mini, state, Choose(value="gone"))
    assert same is state
    assert prompt.error
    assert "earlier screen" in prompt.error
    same, prompt = step(mini, state, Toggle(value="idea"))
    assert same is state
    assert prompt.error
    state, prompt = run(
        mini, [Text(text="2"), Text(text="2019"), Skip(), Skip(), Skip(), Skip()], state
    )
    assert prompt.path == "coherence"
    assert [c.value for c in prompt.choices] == [
        "1",
        "2",
        "3",
        "4",
        "5",
    ]
    same, prompt = step(mini, state, Choose(value="9"))
    assert same is state
    assert prompt.error
    state, _ = step(mini, state, Choose(value="5"))
    assert state.answers["coherence"] == 5
    assert state.answers["stage"] == "running"
