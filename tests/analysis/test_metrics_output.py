"""The two renderings: stable JSON keys with rounded floats, and one terminal line a metric."""

from __future__ import annotations

import json
from dataclasses import fields
from importlib.resources import files

from analysis.metrics import SystemMetrics, analyze_cluster, render_text
from analysis.network.graph import build_graph
from analysis.profiles import Profile
from intake.records import InitiativeRecord
from tests.analysis.factory import profile

METRIC_KEYS = [f.name for f in fields(SystemMetrics) if f.name != "stage"]


def _demo() -> list[Profile]:
    text = files("analysis").joinpath("demo/initiatives.jsonl").read_text(encoding="utf-8")
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    return [
        Profile(key=row["id"], db_id=i, record=InitiativeRecord.model_validate(row))
        for i, row in enumerate(rows)
    ]


def test_json_shape_is_stable_and_rounded() -> None:
    profiles = _demo()
    members = [p.key for p in profiles if p.key.startswith("fw-")]
    data = analyze_cluster(profiles, members, build_graph(profiles)).to_json()
    assert list(data) == [*METRIC_KEYS, "stage"]
    for key in METRIC_KEYS:
        assert set(data[key]) == {
            "value",
            "enough_data",
            "n",
            "min_n",
            "unit",
            "basis",
            "meaning",
            "parts",
        }
        value = data[key]["value"]
        if isinstance(value, float):
            assert round(value, 3) == value
    assert data["stage"]["basis"] == "helix_proposal"
    assert json.loads(json.dumps(data)) == data


def test_demo_food_waste_system_reads_sensibly() -> None:
    profiles = _demo()
    members = [p.key for p in profiles if p.key.startswith("fw-")]
    result = analyze_cluster(profiles, members)
    assert result.size.value == 12
    # the demo's convening hub is the top broker and the steward
    top = result.brokers.parts["top"]
    assert isinstance(top, dict)
    assert next(iter(top)) == "Tri-City Food Waste Alliance"
    assert result.stewardship.parts["steward"] == "Tri-City Food Waste Alliance"


def test_terminal_text_one_line_per_metric() -> None:
    small = analyze_cluster([profile("a", "A", partners=["B"]), profile("b", "B")], ["a", "b"])
    text = render_text(small)
    lines = text.splitlines()
    assert lines[0].split() == ["Size", "2", *lines[0].split()[2:]]
    density = next(line for line in lines if line.startswith("Density"))
    assert "not enough data (n = 2 initiatives; needs 3)" in density
    assert "Development stage (Helix's own proposal, not Waddell's): not enough data" in text
    titles = [m.title for m in small.metrics()]
    assert all(any(line.startswith(t) for line in lines) for t in titles)


def test_empty_cluster_is_all_not_enough() -> None:
    result = analyze_cluster([], [])
    assert result.size.value == 0
    assert all(not m.enough for m in result.metrics() if m.key != "size")
    assert result.stage.stage is None
    assert "nan" not in render_text(result).lower()
