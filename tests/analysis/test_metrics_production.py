"""Bridges to the production system, on four initiatives.

i1 (food): FreshWay (partnership, retail, depth 3), GrainCo (market, inputs, depth 1)
i2 (food): FreshWay (pressure, retail, depth 2)
i3 (food): Hill Farm (co_leadership, farming, depth 5), Food Regulator (policy, regulation)
i4 (energy): no links; a change project run inside a producer
"""

from __future__ import annotations

from typing import Any

import pytest

from analysis.metrics import SystemMetrics, analyze_cluster
from tests.analysis.factory import profile


def _link(actor: str, relation: str, segment: str, depth: int | None = None) -> dict[str, Any]:
    return {"actor": actor, "relation": relation, "segment": segment, "depth": depth}


@pytest.fixture
def result() -> SystemMetrics:
    profiles = [
        profile(
            "i1",
            production_system="food",
            ps_links=[
                _link("FreshWay", "partnership", "retail", 3),
                _link("GrainCo", "market", "inputs", 1),
            ],
        ),
        profile(
            "i2", production_system="food", ps_links=[_link("FreshWay", "pressure", "retail", 2)]
        ),
        profile(
            "i3",
            production_system="food",
            ps_links=[
                _link("Hill Farm", "co_leadership", "farming", 5),
                _link("Food Regulator", "policy", "regulation"),
            ],
        ),
        profile("i4", production_system="energy", initiative_form="internal_ps_project"),
    ]
    return analyze_cluster(profiles, ["i1", "i2", "i3", "i4"])


def test_bridge_share(result: SystemMetrics) -> None:
    # 3 of 4 initiatives have a bridge; 5 bridges, 4 PS actors
    # bridge density = 5 / (4 initiatives * 4 actors) = 0.3125
    metric = result.ps_bridge_share
    assert metric.value == pytest.approx(0.75)
    assert metric.parts == {
        "bridges": 5,
        "ps_actors": 4,
        "bridge_density": pytest.approx(0.3125),
        "internal_ps_projects": 1,
    }


def test_bridge_depth(result: SystemMetrics) -> None:
    # depths 3, 1, 2, 5 (one bridge has none): mean 11/4 = 2.75; deep (>= 3): 2 of 4
    assert result.ps_bridge_depth.n == 4
    assert result.ps_bridge_depth.value == pytest.approx(2.75)
    assert result.ps_bridge_depth.parts["deep_share"] == pytest.approx(0.5)


def test_segment_coverage(result: SystemMetrics) -> None:
    # main system food (3 of 4); chain of 7 segments; touched inputs, farming, retail -> 3/7
    metric = result.ps_segment_coverage
    assert metric.n == 5
    assert metric.value == pytest.approx(3 / 7)
    assert metric.parts["production_system"] == "food"
    assert metric.parts["touched"] == ["inputs", "farming", "retail"]
    assert metric.parts["untouched"] == ["processing", "logistics", "consumption", "waste"]
    assert metric.parts["cross_cutting"] == ["regulation"]


def test_engagement_modes(result: SystemMetrics) -> None:
    # five bridges, five different modes: Blau = 1 - 5 * (1/5)^2 = 0.8; normalised 0.8 / (7/8)
    metric = result.engagement_modes
    assert metric.value == pytest.approx(0.8)
    assert metric.parts["normalised"] == pytest.approx(0.8 / (7 / 8))
    assert metric.parts["shares"] == {
        "co_leadership": 0.2,
        "market": 0.2,
        "partnership": 0.2,
        "policy": 0.2,
        "pressure": 0.2,
    }


def test_unknown_chain_and_too_few_bridges() -> None:
    profiles = [
        profile(
            "a", production_system="space travel", ps_links=[_link("Rocket Co", "market", "x", 2)]
        ),
        profile("b", production_system="space travel"),
    ]
    result = analyze_cluster(profiles, ["a", "b"])
    assert not result.ps_segment_coverage.enough
    assert result.ps_segment_coverage.n == 0  # no known chain for "space travel"
    assert not result.ps_bridge_depth.enough
    assert (result.ps_bridge_depth.n, result.ps_bridge_depth.min_n) == (1, 3)
    assert not result.ps_bridge_share.enough  # 2 initiatives < 3
