"""System consciousness and coherence on three initiatives.

A works with B (depth 4); B knows of A and of C; C names no one.
Deep dive: consciousness A 4, B 5, C 3; shared agenda A yes, B no, C yes;
shared indicators A yes, B unsure; strategy deep dive A (tension named) and B ("none").
"""

from __future__ import annotations

import pytest

from analysis.metrics import SystemMetrics, analyze_cluster
from analysis.profiles import Profile
from tests.analysis.factory import profile


def _three() -> list[Profile]:
    return [
        profile(
            "a",
            "Alpha",
            partners=[{"name": "Beta", "depth": 4}],
            extra={
                "consciousness": 4,
                "shared_agenda": "yes",
                "shared_indicators": "yes",
                "dd_strategy": "yes",
                "tensions": "Two networks compete for the same city grant.",
            },
        ),
        profile(
            "b",
            "Beta",
            known_initiatives=["Alpha", "Gamma"],
            extra={
                "consciousness": "5",
                "shared_agenda": "no",
                "shared_indicators": "unsure",
                "dd_strategy": "yes",
                "tensions": "None",
            },
        ),
        profile("c", "Gamma", extra={"consciousness": 3, "shared_agenda": "yes"}),
    ]


@pytest.fixture
def result() -> SystemMetrics:
    return analyze_cluster(_three(), ["a", "b", "c"])


def test_system_consciousness(result: SystemMetrics) -> None:
    # named: A -> {B}, B -> {A, C}, C -> {} : 3 names / (N (N-1) = 6) -> awareness 0.5
    # self-identification mean (4 + 5 + 3) / 3 = 4 -> (4 - 1) / 4 = 0.75
    # SCI = 0.5 * 0.75 = 0.375
    sci = result.system_consciousness
    assert sci.parts["awareness"] == pytest.approx(0.5)
    assert sci.parts["self_identification"] == pytest.approx(4.0)
    assert sci.value == pytest.approx(0.375)
    assert sci.n == 3


def test_coherence(result: SystemMetrics) -> None:
    # shared agenda 2/3; LCC share: {A, B}, {C} -> 2/3; coordination ties: 1 tie with a
    # depth (< 2 data points: left out); shared indicators 1/2; no open conflict 1 - 1/2
    # coherence = (2/3 + 2/3 + 1/2 + 1/2) / 4 = 0.5833
    coherence = result.coherence
    assert coherence.parts == {
        "shared_agenda": pytest.approx(2 / 3),
        "largest_component_share": pytest.approx(2 / 3),
        "coordination_ties": None,
        "shared_indicators": pytest.approx(0.5),
        "no_open_conflict": pytest.approx(0.5),
    }
    assert coherence.n == 4
    assert coherence.value == pytest.approx(7 / 12)


def test_without_deep_dive_only_awareness_is_known() -> None:
    plain = [profile(p.key, p.name, partners=p.record.partners) for p in _three()]
    result = analyze_cluster(plain, ["a", "b", "c"])
    sci = result.system_consciousness
    assert not sci.enough
    assert sci.n == 0
    assert sci.parts["awareness"] == pytest.approx(1 / 6)  # only A -> B is named
    assert not result.coherence.enough  # only LCC share is left
    assert result.coherence.n == 1
