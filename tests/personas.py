"""Scripted people who walk the packaged interview the way a leader on a phone would.

The issue behind interview v2 was measured with one person: the leader of a community-fridge
initiative against food waste in Porto, with the city council, two supermarkets and a food bank
involved. `PORTO` is that leader. `walk` drives the engine as a phone user does: every choice is
a tap, a multi-select is its taps plus Done, the organisations are typed in one message, and the
review is one tap on Send. It counts every input, so the core path's promise ("about twenty
answers, under ten minutes") is checked by tests/intake/test_personas.py and reported by
benchmarks/interview_inputs.py from the same code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from intake.engine import Choose, Done, Event, Prompt, RepeatAdd, Skip, Submit, Text, Toggle
from intake.engine.state import InterviewState

Apply = Callable[[Event], tuple[InterviewState, Prompt]]

PORTO: dict[str, Any] = {
    "leader_name": "Inês Carvalho",
    "initiative_name": "Frigoríficos Solidários do Porto",
    "issue": "Good food is thrown away in Porto while families nearby go without meals.",
    "production_systems": ["food"],
    "region": "Porto, Portugal",
    "goals": ["Ten community fridges open every day", "Halve food waste in local shops"],
    "organisations": [
        {"org_name": "Câmara Municipal do Porto", "org_tie": "takes_part"},
        {"org_name": "Continente", "org_tie": "ps_actor"},
        {"org_name": "Pingo Doce", "org_tie": "ps_actor"},
        {"org_name": "Banco Alimentar do Porto", "org_tie": "works_with"},
    ],
    "tasks_core": ["organizing", "delivering"],
    "needs": ["volunteers", "space"],
    "offers": ["skills"],
    "consent_listed": "yes",
    "consent_introductions": "yes",
    "digest_frequency": "weekly",
}
"""The core answers of the Porto fridge leader (the issue's persona)."""

PORTO_DIVES: dict[str, Any] = {
    "dd_strategy": "yes",
    "change_type": ["incremental"],
    "theory_of_change": "Shops give surplus to fridges; neighbours take what they need.",
    "strategies": ["doing"],
    "tasks_minor": ["advocating"],
    "dd_orgs": "yes",
    "org_details": {
        "Câmara Municipal do Porto": {"org_sector": "government", "org_role": "lends space"},
        "Continente": {"org_segment": "retail", "org_mode": "partnership", "org_depth": 3},
        "Pingo Doce": {"org_segment": "retail", "org_mode": "partnership", "org_depth": 2},
        "Banco Alimentar do Porto": {
            "org_sector": "civil_society",
            "org_relation": "information",
            "org_depth": 2,
        },
    },
    "dd_system": "yes",
    "ps_segments": ["retail", "waste"],
    "consciousness": 3,
    "shared_agenda": "no",
    "steward": None,
    "shared_indicators": "no",
    "gaps": "Nobody counts what the shops throw away.",
    "dd_profile": "yes",
    "initiative_form": "project",
    "role": "Coordinator",
    "stage": "operating",
    "start_year": 2022,
    "staff_band": "up_to_5",
    "needs_detail": "A cold room two days a week",
}
"""What the same leader adds when taking every deep dive (None: skipped)."""


@dataclass
class Walk:
    """Inputs counted on a walk: `core` up to the first Send, `dives` after it."""

    core: int = 0
    dives: int = 0
    screens: list[str] = field(default_factory=list)  # what each input answered (for messages)

    @property
    def total(self) -> int:
        return self.core + self.dives


def walk(apply: Apply, prompt: Prompt, answers: Mapping[str, Any], *, dives: bool) -> Walk:
    """Answer until sent (and, with `dives`, through every dive offered); count the inputs."""
    counted = Walk()
    taken: set[str] = set()
    sent_once = False
    for _ in range(400):
        if prompt.kind == "submitted":
            sent_once = True
            offered = [o.value for o in prompt.offers if o.value not in taken]
            if not dives or not offered:
                return counted
            taken.add(offered[0])
            events: list[Event] = [Choose(value=offered[0])]
        else:
            events = _inputs(prompt, answers)
        for event in events:
            _, prompt = apply(event)
            if prompt.error and not isinstance(event, Skip):
                raise AssertionError(f"{event!r} refused at {prompt.path}: {prompt.error}")
            if sent_once:
                counted.dives += 1
            else:
                counted.core += 1
            counted.screens.append(f"{prompt.kind}:{prompt.path}")
    raise AssertionError(f"the walk did not end; stuck at {prompt.kind} {prompt.path}")


def _inputs(prompt: Prompt, answers: Mapping[str, Any]) -> list[Event]:
    """The taps and messages a phone user sends on this screen."""
    if prompt.kind == "review":
        return [Submit()]
    if prompt.kind == "repeat_menu":
        wanted = answers.get(prompt.path or "") or []
        if not prompt.items and wanted:
            return [Text(text="; ".join(entry["org_name"] for entry in wanted))]
        return [Done()] if len(prompt.items) >= len(wanted) else [RepeatAdd()]
    if prompt.kind != "question" or prompt.path is None:
        raise AssertionError(f"no input fits the {prompt.kind} screen")
    if prompt.question_type == "note":
        return [Done()]
    value = _value(prompt.path, answers)
    if value is None:
        return [Skip()]
    if prompt.question_type in {"select_one", "likert"}:
        return [Choose(value=str(value))]
    if prompt.question_type == "select_multiple":
        return [*(Toggle(value=v) for v in value), Done()]
    if isinstance(value, list):
        return [Text(text="; ".join(value))]
    return [Text(text=str(value))]


def _value(path: str, answers: Mapping[str, Any]) -> Any:
    """The answer for a path; an entry's details come from `org_details` by the entry's name."""
    if "[" not in path:
        return answers.get(path)
    group, rest = path.split("[", 1)
    index, name = int(rest.split("]", 1)[0]), path.rsplit(".", 1)[1]
    entries = answers.get(group) or []
    entry = entries[index] if index < len(entries) else {}
    if name in entry:
        return entry[name]
    details = (answers.get("org_details") or {}).get(entry.get("org_name"), {})
    return details.get(name)
