"""Walks through the dives fixture form (tests/intake/forms/dives.yaml) for the engine tests."""

from __future__ import annotations

from intake.engine.events import Choose, Done, Event, Submit, Text, Toggle
from intake.form.definition import FormDefinition, load_definition
from tests.intake.forms import DIVES_FORM

DIVES: FormDefinition = load_definition(DIVES_FORM)

TO_ORGS: list[Event] = [
    Text(text="Acme"),
    Toggle(value="food"),
    Toggle(value="energy"),
    Done(),
    Text(text="soil; water"),
]
"""From the start to the organisations menu."""
TWO_ORGS: list[Event] = [
    Text(text="Council; Food bank"),
    Choose(value="member"),
    Choose(value="partner"),
]
"""Two entries typed at once, then the one required answer each still misses."""
TO_SENT: list[Event] = [*TO_ORGS, *TWO_ORGS, Done(), Choose(value="yes"), Submit()]
"""The whole core, sent (revision 1)."""
