"""States the engine did not make (old form versions, hand edits, junk) are repaired, not fatal."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.engine import render, start, step
from intake.engine.events import Event, Skip, Start
from intake.engine.state import InterviewState
from intake.form.definition import load_definition
from tests.intake.engine.invariants import blind_events, check_state
from tests.intake.forms import MINI_FORM

MINI = load_definition(MINI_FORM)
NAMES = [q.name for q in MINI.all_questions()]


def _state(**fields: Any) -> InterviewState:
    return InterviewState(form_id="mini", form_version="old", **fields)


def test_foreign_and_malformed_answers_are_set_aside() -> None:
    state = _state(
        answers={
            "initiative_name": "Acme",
            "retired_question": "x",
            "team_size": "twelve",
            "welcome": "seen",
            "st_name": "inner at top level",
            "stakeholders": [{"st_name": "Council", "st_system": 3, "legacy": True}],
        }
    )
    repaired, prompt = step(MINI, state, Start())
    assert repaired.answers == {
        "initiative_name": "Acme",
        "stakeholders": [{"st_name": "Council"}],
    }
    assert repaired.stale["retired_question"] == "x"
    assert repaired.stale["team_size"] == "twelve"
    assert repaired.stale["stakeholders[0].st_system"] == 3
    assert repaired.stale["stakeholders[0].legacy"] is True
    assert prompt.path == "welcome"


def test_broken_pending_state_is_dropped() -> None:
    state = _state(
        answers={"initiative_name": "Acme"},
        trail=("welcome", "initiative_name"),
        cursor="no_such_question",
        pending={
            "item": {"group": "stakeholders", "values": "junk", "asked": 5},
            "toggles": {"path": 3},
        },
    )
    prompt = render(MINI, state)
    assert prompt.path == "systems"
    repaired, _ = step(MINI, state, Start())
    assert repaired.pending == {}
    assert repaired.cursor is None


def test_a_clean_state_is_returned_as_is() -> None:
    state = _state(answers={"initiative_name": "Acme"}, trail=("welcome", "initiative_name"))
    same, prompt = step(MINI, state, Skip())
    assert same is state  # a refusal on a clean state hands back the very same object
    assert prompt.path == "systems"
    assert prompt.error


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 3000)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
keys = st.one_of(st.sampled_from(NAMES), st.text(max_size=6))
pending = st.fixed_dictionaries(
    {},
    optional={
        "toggles": st.one_of(
            json_values,
            st.fixed_dictionaries(
                {
                    "path": st.sampled_from(NAMES),
                    "values": st.lists(st.sampled_from(["food", "x"])),
                }
            ),
        ),
        "item": st.one_of(
            json_values,
            st.fixed_dictionaries(
                {
                    "group": st.sampled_from(["stakeholders", "goals", "nope"]),
                    "index": st.one_of(st.none(), st.integers(-1, 3)),
                    "values": st.dictionaries(keys, json_values, max_size=3),
                    "asked": st.lists(st.sampled_from(NAMES), max_size=3),
                    "only": st.one_of(st.none(), st.lists(st.sampled_from(NAMES), max_size=2)),
                    "to_menu": st.booleans(),
                }
            ),
        ),
        "paused_from": json_values,
        "reviewing": json_values,
    },
)
states = st.builds(
    _state,
    language=st.sampled_from(["en", "es", "fr"]),
    status=st.sampled_from(["in_progress", "review", "submitted", "cancelled"]),
    answers=st.dictionaries(keys, json_values, max_size=6),
    stale=st.dictionaries(keys, json_values, max_size=3),
    skipped=st.lists(keys, max_size=3).map(tuple),
    pending=pending,
    cursor=st.one_of(st.none(), keys, st.sampled_from(["stakeholders[0].st_name"])),
    trail=st.lists(keys, max_size=5).map(tuple),
    revision=st.integers(0, 3),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(state=states, event=blind_events(MINI))
def test_any_stored_state_renders_and_steps(state: InterviewState, event: Event) -> None:
    render(MINI, state)
    after, prompt = step(MINI, state, event)
    check_state(MINI, after, prompt)


def test_a_paused_state_with_a_non_text_resume_point_resumes_in_progress() -> None:
    """Found by the property test above: `paused_from` holding a list raised TypeError."""
    state = start(MINI).model_copy(update={"status": "cancelled", "pending": {"paused_from": []}})
    resumed, _ = step(MINI, state, Start())
    assert resumed.status == "in_progress"
    assert "paused_from" not in resumed.pending
