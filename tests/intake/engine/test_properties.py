"""Property tests: any sequence of events, sensible or not, never breaks engine or state."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.form.definition import load_definition
from tests.intake.engine.invariants import drive
from tests.intake.forms import DIVES_FORM, MINI_FORM

MINI = load_definition(MINI_FORM)
DIVES = load_definition(DIVES_FORM)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_blind_events_never_break_the_engine(data: st.DataObject) -> None:
    drive(MINI, data, guided=False, steps=20)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_guided_walks_keep_every_invariant(data: st.DataObject) -> None:
    drive(MINI, data, guided=True, steps=40)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_guided_walks_through_deep_dives_keep_every_invariant(data: st.DataObject) -> None:
    drive(DIVES, data, guided=True, steps=50)
