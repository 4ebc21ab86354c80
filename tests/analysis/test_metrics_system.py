"""Stewardship, needs/offers matching and data confidence, each on a hand-made cluster."""

from __future__ import annotations

import pytest

from analysis.metrics import analyze_cluster
from analysis.metrics.stewardship import top_decile
from analysis.profiles import Profile
from tests.analysis.factory import profile

CONVENER = {"initiative_form": "network", "tasks": {"organizing": "core"}}


def _roundtable(*, convener_at: str, named: bool = True) -> list[Profile]:
    """Roundtable works with P1, P2, P3; P3 works with P4.

     P1   P2
       \\ /
    Roundtable --- P3 --- P4
    """
    extra = {"extra": {"steward": "The Roundtable"}} if named else {}
    return [
        profile(
            "r",
            "Roundtable",
            partners=["P1", "P2", "P3"],
            **(CONVENER if convener_at == "r" else {}),
        ),
        profile("p1", "P1", **extra),
        profile("p2", "P2", **extra),
        profile("p3", "P3", partners=["P4"]),
        profile("p4", "P4", **(CONVENER if convener_at == "p4" else {})),
    ]


def test_steward_with_mandate_and_position() -> None:
    metric = analyze_cluster(
        _roundtable(convener_at="r"), ["r", "p1", "p2", "p3", "p4"]
    ).stewardship
    # betweenness / ((n-1)(n-2)/2 = 6): Roundtable on P1-P2, P1-P3, P2-P3, P1-P4, P2-P4 -> 5/6;
    # P3 on P4-R, P4-P1, P4-P2 -> 3/6. Top decile of 5 nodes = the top 1: Roundtable.
    # reach: P1, P2, P3 at 1 step, P4 at 2 -> 4/4
    assert metric.value == 1
    assert metric.parts["steward"] == "Roundtable"
    assert metric.parts["reach"] == pytest.approx(1.0)
    assert metric.parts["named_as_steward"] == {"Roundtable": 2}
    assert metric.parts["candidates"] == ["Roundtable"]


def test_a_convener_at_the_edge_is_not_a_steward() -> None:
    profiles = _roundtable(convener_at="p4", named=False)
    metric = analyze_cluster(profiles, [p.key for p in profiles]).stewardship
    assert metric.parts["candidates"] == ["P4"]
    assert metric.value == 0
    assert metric.parts["steward"] is None


def test_stewardship_needs_five_initiatives() -> None:
    profiles = _roundtable(convener_at="r")[:4]
    metric = analyze_cluster(profiles, [p.key for p in profiles]).stewardship
    assert not metric.enough
    assert (metric.n, metric.min_n) == (4, 5)


def test_top_decile() -> None:
    scores = {f"n{i}": 0.0 for i in range(9)} | {"a": 0.5, "b": 0.2}
    assert top_decile(scores) == {"a", "b"}  # 11 nodes -> top ceil(1.1) = 2
    assert top_decile({"x": 0.0, "y": 0.0}) == set()  # nobody brokers anything


def test_needs_offers_match_rate() -> None:
    profiles = [
        profile("n1", needs=["funding", "data"], offers=["skills"]),
        profile("n2", needs=["skills", "Volunteers"], offers=["data"]),
        profile("n3", needs=["none"], offers=["volunteers", "other"]),
        profile("n4", needs=["space"], offers=["space"]),  # own offer does not count
    ]
    metric = analyze_cluster(profiles, ["n1", "n2", "n3", "n4"]).needs_offers_match
    # needs: funding x, data (n2) ok, skills (n1) ok, volunteers (n3) ok, space x -> 3/5
    assert metric.n == 5
    assert metric.value == pytest.approx(0.6)
    assert metric.parts == {"matched": 3, "unmatched": {"funding": 1, "space": 1}}


def test_data_confidence() -> None:
    profiles = [
        profile("a", "Alpha", partners=["Beta"]),
        profile("b", "Beta", known_initiatives=["Alpha", "Gamma"]),
        profile("c", "Gamma", goals=["Fewer bins"], tasks=["visioning"], needs=["data"]),
    ]
    metric = analyze_cluster(profiles, ["a", "b", "c"]).data_confidence
    # coverage: nobody named outside the data -> 1.0
    # completeness (6 blocks): A 1/6 (connections), B 1/6, C 3/6 (goals, tasks, needs) -> 5/18
    # reciprocity: A-B named by both, B-C by B only -> 1/2
    # score = (1 + 5/18 + 1/2) / 3 = 0.5926 -> medium
    assert metric.parts["coverage"] == pytest.approx(1.0)
    assert metric.parts["completeness"] == pytest.approx(5 / 18)
    assert metric.parts["reciprocity"] == pytest.approx(0.5)
    assert metric.parts["ties_between_interviewed"] == 2
    assert metric.value == pytest.approx((1 + 5 / 18 + 0.5) / 3)
    assert metric.parts["level"] == "medium"
