"""Event sequences that walk the fixture form to well-known places."""

from __future__ import annotations

from intake.events import Choose, Done, Event, Text, Toggle

TO_SYSTEMS: list[Event] = [Done(), Text(text="Acme")]
TO_STAGE: list[Event] = [
    *TO_SYSTEMS,
    Toggle(value="food"),
    Toggle(value="energy"),
    Done(),
    Text(text="seeds"),
]
TO_MENU: list[Event] = [
    *TO_STAGE,
    Choose(value="running"),
    Text(text="2019"),
    Text(text="12"),
    Text(text="1.5"),
    Text(text="acme.org"),
    Text(text="soil; water"),
    Choose(value="4"),
]
