"""The demo data set that seeds an empty database, checked against the packaged form.

The records must use only names the form defines and must really show what the demo is for:
overlaps, bridges to production-system actors, and gaps.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

import analysis
from intake.form.definition import FormDefinition, load_definition

DEMO = Path(analysis.__file__).parent / "demo" / "initiatives.jsonl"
TASKS = (
    "task_visioning",
    "task_organizing",
    "task_learning",
    "task_innovating",
    "task_financing",
    "task_measuring",
    "task_advocating",
    "task_delivering",
)


@pytest.fixture(scope="module")
def form() -> FormDefinition:
    return load_definition()


@pytest.fixture(scope="module")
def demo() -> list[dict[str, Any]]:
    lines = DEMO.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _choice_names(form: FormDefinition, list_name: str) -> set[str]:
    return {choice.name for choice in form.choices[list_name]}


# ---------------------------------------------------------------------------- demo data

REQUIRED_FIELDS: dict[str, type] = {
    "id": str,
    "name": str,
    "issue": str,
    "goals": list,
    "stakeholders": list,
    "production_system": str,
    "ps_links": list,
    "region": str,
    "leader": dict,
    "tasks": dict,
    "needs": list,
    "offers": list,
    "consent": dict,
}


def _task_question(key: str) -> str:
    return key if key.startswith("task_") else f"task_{key}"


def test_demo_records_have_the_import_fields(demo: list[dict[str, Any]]) -> None:
    assert len(demo) == 30
    assert len({r["id"] for r in demo}) == 30
    assert len({r["name"] for r in demo}) == 30
    for record in demo:
        for field, kind in REQUIRED_FIELDS.items():
            assert isinstance(record.get(field), kind), f"{record.get('id')}: {field}"
        assert record["name"].strip(), record["id"]
        assert record["issue"].strip(), record["id"]
        assert 1 <= len(record["goals"]) <= 3, record["id"]
        assert record["leader"]["name"].strip()
        assert record["leader"]["telegram_id"] is None, "demo leaders are not real accounts"
        assert all(set(s) == {"name", "sector"} for s in record["stakeholders"]), record["id"]
        assert all(set(link) == {"actor", "relation"} for link in record["ps_links"])
        assert isinstance(record["consent"]["listed"], bool)
        assert isinstance(record["consent"]["introductions"], bool)


def test_demo_uses_only_names_from_the_form(
    form: FormDefinition, demo: list[dict[str, Any]]
) -> None:
    levels = {"core", "minor", "none"}
    tasks_offered = _choice_names(form, "tasks")
    exchange = _choice_names(form, "exchange") - {"none"}
    sectors = _choice_names(form, "sectors")
    modes = _choice_names(form, "engagement_modes")
    for record in demo:
        rid = record["id"]
        # Keys are the form's task question names; a bare name ("visioning") means the same.
        tasks = {_task_question(key): level for key, level in record["tasks"].items()}
        assert set(tasks) == set(TASKS), rid
        for task in tasks:
            assert task.removeprefix("task_") in tasks_offered, task
        assert set(tasks.values()) <= levels, rid
        assert set(record["needs"]) <= exchange, rid
        assert set(record["offers"]) <= exchange, rid
        assert len(record["needs"]) <= 3, rid
        assert len(record["offers"]) <= 3, rid
        assert {s["sector"] for s in record["stakeholders"]} <= sectors, rid
        assert {link["relation"] for link in record["ps_links"]} <= modes, rid
        assert record["production_system"] in _choice_names(form, "ps_systems"), rid
        assert record["consent"]["digest"] in _choice_names(form, "frequencies"), rid
        for name, list_name in (
            ("initiative_form", "initiative_forms"),
            ("stage", "stages"),
            ("change_type", "change_types"),
        ):
            if name in record:
                assert record[name] in _choice_names(form, list_name), rid
        assert set(record.get("geo_levels", [])) <= _choice_names(form, "geo_levels"), rid


def test_demo_partner_ties_point_at_demo_initiatives(
    form: FormDefinition, demo: list[dict[str, Any]]
) -> None:
    names = {r["name"] for r in demo}
    relations = _choice_names(form, "relations")
    for record in demo:
        for tie in record.get("partners", []):
            assert tie["name"] in names - {record["name"]}, record["id"]
            assert tie["relation"] in relations, record["id"]
            assert 1 <= tie["depth"] <= 5, record["id"]
        assert set(record.get("known_initiatives", [])) <= names - {record["name"]}


def test_demo_is_a_living_change_system(demo: list[dict[str, Any]]) -> None:
    """The seed must give analysis something to find: overlaps, bridges and gaps."""
    by_issue: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in demo:
        by_issue[record["issue"]].append(record)
    assert Counter({k: len(v) for k, v in by_issue.items()}) == Counter(
        {"Food waste": 12, "Energy poverty": 10, "Youth mental health": 8}
    )
    issues_of: dict[str, set[str]] = defaultdict(set)
    for issue, records in by_issue.items():
        holders: Counter[str] = Counter()
        actors: Counter[str] = Counter()
        for r in records:
            holders.update({s["name"] for s in r["stakeholders"]})
            actors.update({link["actor"] for link in r["ps_links"]})
            for s in r["stakeholders"]:
                issues_of[s["name"]].add(issue)
        assert max(holders.values()) >= 3, f"{issue}: no widely shared stakeholder"
        assert max(actors.values()) >= 3, f"{issue}: no widely engaged production actor"
    assert any(len(issues) >= 2 for issues in issues_of.values()), "no cross-issue bridge"
    energy = by_issue["Energy poverty"]
    measuring = [
        level for r in energy for key, level in r["tasks"].items() if key.endswith("measuring")
    ]
    assert measuring == ["none"] * len(energy), "energy poverty should show a measuring gap"
    youth = by_issue["Youth mental health"]
    offered = {o for r in youth for o in r["offers"]}
    assert "policy_access" in {n for r in youth for n in r["needs"]} - offered
