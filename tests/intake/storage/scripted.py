"""Drive an interview from a plain answers script, whatever the form looks like.

The script maps question names to the answer wanted (repeat groups: a list of dicts of inner
answers); anything missing is skipped. The driver reads each prompt and sends the events a user
would (toggles then Done for multi-selects, Add for each repeat item, Submit on the review), so
the same script works through `engine.step` and `InterviewStore.apply` alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from intake.engine.events import Choose, Done, Event, RepeatAdd, Skip, Submit, Text, Toggle
from intake.engine.prompt import Prompt
from intake.engine.state import InterviewState

Apply = Callable[[Event], tuple[InterviewState, Prompt]]
_MISSING = object()
_ITEM = re.compile(r"^(\w+)\[(\d+)\]\.(\w+)$")


def lookup(script: Mapping[str, Any], path: str) -> Any:
    match = _ITEM.match(path)
    if match is None:
        return script.get(path, _MISSING)
    group, index, inner = match.group(1), int(match.group(2)), match.group(3)
    items = script.get(group) or []
    return items[index].get(inner, _MISSING) if index < len(items) else _MISSING


def events_for(prompt: Prompt, script: Mapping[str, Any]) -> list[Event]:
    """The events a user following `script` sends on this screen."""
    if prompt.kind == "review":
        return [Submit()]
    if prompt.kind == "repeat_menu":
        wanted = script.get(prompt.path or "") or []
        return [RepeatAdd()] if len(prompt.items) < len(wanted) else [Done()]
    if prompt.kind != "question" or prompt.path is None:
        return []
    if prompt.question_type == "note":
        return [Done()]
    value = lookup(script, prompt.path)
    if value is _MISSING:
        return [Skip()]
    if prompt.question_type == "select_one":
        return [Choose(value=str(value))]
    if prompt.question_type == "select_multiple":
        selected = {choice.value for choice in prompt.choices if choice.selected}
        flips = [v for v in value if v not in selected] + [v for v in selected if v not in value]
        return [*(Toggle(value=v) for v in flips), Done()]
    if isinstance(value, list):
        return [Text(text="; ".join(value))]
    return [Text(text=str(value))]


def run_script(apply: Apply, prompt: Prompt, script: Mapping[str, Any], limit: int = 500) -> int:
    """Answer until the interview is sent and every deep dive the script answers `yes` to
    (its gate) has been taken from the sent screen; returns the number of events sent."""
    sent = 0
    taken: set[str] = set()
    while True:
        if prompt.kind == "submitted":
            wanted = [o.value for o in prompt.offers if script.get(o.value) == "yes"]
            wanted = [gate for gate in wanted if gate not in taken]
            if not wanted:
                return sent
            taken.add(wanted[0])
            events: list[Event] = [Choose(value=wanted[0])]
        else:
            events = events_for(prompt, script)
        if not events:
            raise AssertionError(f"the script cannot go on from {prompt.kind} {prompt.path}")
        for event in events:
            _, prompt = apply(event)
            sent += 1
            if prompt.error and not isinstance(event, Skip | Done):
                raise AssertionError(f"{event!r} refused at {prompt.path}: {prompt.error}")
        if sent > limit:
            raise AssertionError(f"no submission after {limit} events; stuck at {prompt.path}")


FULL_SCRIPT: dict[str, Any] = {
    "leader_name": "Ana Ruiz",
    "initiative_name": "Cold Chain Commons",
    "issue": "Food loss between farms and markets",
    "production_systems": ["food", "other"],
    "production_system_other": "logistics",
    "goals": ["Halve post-harvest loss", "Shared cold rooms"],
    "theory_of_change": "Pool storage so small farmers can wait for fair prices.",
    "task_visioning": "core",
    "task_learning": "minor",
    "stakeholders": [
        {"st_name": "Farmers Union", "st_sector": "civil_society", "st_role": "members"},
        {"st_name": "City Council", "st_sector": "government"},
    ],
    "partners": [
        {
            "partner_name": "Seed Savers",
            "partner_sector": "civil_society",
            "partner_relation": "joint project",
            "partner_depth": 4,
        }
    ],
    "known_initiatives": ["Food Bank North", "Market Watch"],
    "ps_actors": [
        {
            "actor_name": "FreshMart",
            "actor_segment": "retail",
            "actor_mode": "partnership",
            "actor_depth": 3,
        }
    ],
    "consciousness": 4,
    "region": "Andes",
    "geo_levels": ["local", "national"],
    "stage": "pilot",
    "needs": ["funding", "data"],
    "needs_detail": "Cold room financing",
    "offers": ["none"],
    "consent_listed": "yes",
    "consent_introductions": "no",
    "digest_frequency": "monthly",
}

PACKAGED_SCRIPT: dict[str, Any] = {
    # Answers for the packaged form (intake/form/scs_intake.yaml), every deep dive taken.
    "leader_name": "Marta Quispe",
    "initiative_name": "Andes Cold Rooms",
    "issue": "Smallholders lose a third of their harvest before it reaches a market.",
    "production_systems": ["food", "energy"],
    "region": "Cusco",
    "goals": ["Cut post-harvest loss by half", "Solar cold rooms in 20 villages"],
    "organisations": [
        {
            "org_name": "Farmers Union",
            "org_tie": "takes_part",
            "org_sector": "civil_society",
            "org_role": "members",
        },
        {
            "org_name": "Sun Co-op",
            "org_tie": "works_with",
            "org_sector": "business",
            "org_relation": "joint_project",
            "org_depth": 4,
        },
        {"org_name": "Valley Food Bank", "org_tie": "knows_of"},
        {
            "org_name": "MegaMart",
            "org_tie": "ps_actor",
            "org_segment": "retail",
            "org_mode": "market",
            "org_depth": 2,
        },
    ],
    "tasks_core": ["visioning", "organizing", "learning", "delivering"],
    "needs": ["funding", "data"],
    "offers": ["skills"],
    "consent_listed": "yes",
    "consent_introductions": "yes",
    "digest_frequency": "monthly",
    # deep dives, taken after sending
    "dd_strategy": "yes",
    "change_type": ["reform", "transformation"],
    "theory_of_change": "Shared storage lets farmers wait for better prices.",
    "strategies": ["doing", "co_creating"],
    "tensions": "Traders see us as competition.",
    "tasks_minor": ["innovating", "financing"],
    "dd_orgs": "yes",
    "dd_system": "yes",
    "ps_segments": ["farming", "logistics"],
    "consciousness": 4,
    "shared_agenda": "yes",
    "shared_agenda_name": "Zero Loss 2030",
    "steward": "Regional food council",
    "shared_indicators": "unsure",
    "gaps": "Nobody measures losses at markets.",
    "dd_profile": "yes",
    "initiative_form": "network",
    "role": "Coordinator",
    "host_org": "Cooperativa Sur",
    "website": "https://coldrooms.example.org",
    "geo_levels": ["local", "subnational"],
    "stage": "pilot",
    "start_year": 2021,
    "staff_band": "up_to_5",
    "budget_band": "from_10k_to_100k",
    "needs_detail": "Solar panels",
    "offers_detail": "Cold-chain training",
}

FIRST_FORM_ANSWERS: dict[str, Any] = {
    # Answers as the first packaged form (2026.11 / 2026.12.1) stored them: four organisation
    # lists, one question per task. Used to test the carry-over to version 2 (intake.form.upgrade).
    "leader_name": "Marta Quispe",
    "initiative_name": "Andes Cold Rooms",
    "host_org": "Cooperativa Sur",
    "website": "https://coldrooms.example.org",
    "initiative_form": "network",
    "role": "Coordinator",
    "issue": "Smallholders lose a third of their harvest before it reaches a market.",
    "production_systems": ["food", "energy"],
    "ps_segments": ["farming", "logistics"],
    "goals": ["Cut post-harvest loss by half", "Solar cold rooms in 20 villages"],
    "change_type": "reform",
    "dd_strategy": "yes",
    "theory_of_change": "Shared storage lets farmers wait for better prices.",
    "strategies": ["doing", "co_creating"],
    "tensions": "Traders see us as competition.",
    **{f"task_{t}": "core" for t in ("visioning", "organizing", "learning")},
    **{f"task_{t}": "minor" for t in ("innovating", "financing")},
    **{f"task_{t}": "none" for t in ("measuring", "advocating")},
    "task_delivering": "core",  # they run the cold rooms themselves
    "stakeholders": [{"st_name": "Farmers Union", "st_sector": "civil_society"}],
    "partners": [
        {
            "partner_name": "Sun Co-op",
            "partner_sector": "business",
            "partner_relation": "joint_project",
            "partner_depth": 4,
        }
    ],
    "known_initiatives": ["Valley Food Bank"],
    "ps_actors": [
        {
            "actor_name": "MegaMart",
            "actor_segment": "retail",
            "actor_mode": "market",
            "actor_depth": 2,
        }
    ],
    "dd_system": "yes",
    "consciousness": 4,
    "shared_agenda": "yes",
    "shared_agenda_name": "Zero Loss 2030",
    "steward": "Regional food council",
    "shared_indicators": "unsure",
    "gaps": "Nobody measures losses at markets.",
    "region": "Cusco",
    "geo_levels": ["local", "subnational"],
    "stage": "pilot",
    "start_year": 2021,
    "dd_profile": "yes",
    "staff_band": "up_to_5",
    "budget_band": "from_10k_to_100k",
    "needs": ["funding", "data"],
    "needs_detail": "Solar panels",
    "offers": ["skills"],
    "offers_detail": "Cold-chain training",
    "consent_listed": "yes",
    "consent_introductions": "yes",
    "digest_frequency": "monthly",
}
