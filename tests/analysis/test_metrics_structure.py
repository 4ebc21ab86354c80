"""Structure metrics on a hand-drawn working network.

Cluster (7 initiatives): Hub works with A, B, C and the unmatched "Outside Org"; D works with E;
F works with no one. Hub also works with X Other, an initiative outside the cluster, and A
knows of an unmatched "Elsewhere Lab". The working network (works_with only) is

    A   B   C   Outside Org          D --- E        F
     \\  |  /   /
       Hub ---

8 nodes (7 initiatives + Outside Org), 5 ties.
"""

from __future__ import annotations

import networkx as nx
import pytest

from analysis.metrics import SystemMetrics, analyze_cluster
from analysis.metrics.context import ClusterView
from analysis.metrics.structure import freeman_degree_centralization
from analysis.network.graph import build_graph
from analysis.profiles import Profile
from tests.analysis.factory import profile

MEMBERS = ["hub", "a", "b", "c", "d", "e", "f"]


def _profiles() -> list[Profile]:
    return [
        profile("hub", "Hub", partners=["A", "B", "C", "Outside Org", "X Other"]),
        profile("a", "A", known_initiatives=["Elsewhere Lab"]),
        profile("b", "B"),
        profile("c", "C"),
        profile("d", "D", partners=["E"]),
        profile("e", "E"),
        profile("f", "F"),
        profile("x", "X Other"),
    ]


@pytest.fixture
def result() -> SystemMetrics:
    return analyze_cluster(_profiles(), MEMBERS)


def test_working_network_is_initiatives_plus_partners() -> None:
    profiles = _profiles()
    view = ClusterView(profiles, MEMBERS, build_graph(profiles))
    assert sorted(view.work.nodes) == sorted([*MEMBERS, "m:outside org"])
    assert view.work.number_of_edges() == 5


def test_size_and_coverage(result: SystemMetrics) -> None:
    assert result.size.value == 7
    assert result.size.parts == {
        "network_nodes": 8,
        "mentioned_partners": 1,
        "ties_to_other_issues": 1,  # Hub - X Other
    }
    # interviewed 7; mentioned only: Outside Org (works_with) + Elsewhere Lab (knows_of) = 2
    # coverage = 7 / (7 + 2) = 0.7778
    assert result.coverage.value == pytest.approx(7 / 9)


def test_density_components_lcc_isolates(result: SystemMetrics) -> None:
    # d = 2m / (n(n-1)) = 2*5 / (8*7) = 10/56 = 0.1786
    assert result.density.value == pytest.approx(10 / 56)
    # {Hub, A, B, C, Outside Org}, {D, E}, {F}
    assert result.components.value == 3
    # LCC share = 5 / 8
    assert result.largest_component_share.value == pytest.approx(0.625)
    # isolates = 1 / 8
    assert result.isolates.value == pytest.approx(0.125)
    assert result.isolates.parts["names"] == ["F"]


def test_degree_centralization(result: SystemMetrics) -> None:
    # degrees: Hub 4; A, B, C, Outside 1; D, E 1; F 0. d_max = 4
    # sum(d_max - d_i) = 0 + 4*3 + 2*3 + 4 = 22; (n-1)(n-2) = 7*6 = 42 -> 22/42 = 0.5238
    assert result.degree_centralization.value == pytest.approx(22 / 42)
    assert result.degree_centralization.parts["mean_degree"] == pytest.approx(10 / 8)
    assert result.degree_centralization.parts["hub"] == "Hub"


def test_brokers(result: SystemMetrics) -> None:
    # Hub sits on the 6 shortest paths among {A, B, C, Outside}: C(4,2) = 6.
    # normalised by (n-1)(n-2)/2 = 21 -> 6/21 = 0.2857; everyone else 0.
    # centralization = sum(max - c_i) / (n - 1) = 7 * (6/21) / 7 = 0.2857
    assert result.brokers.parts["top"] == {"Hub": pytest.approx(6 / 21)}
    assert result.brokers.value == pytest.approx(6 / 21)


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        (nx.star_graph(4), 1.0),  # 5 nodes, one hub: (4*3) / (4*3)
        (nx.complete_graph(4), 0.0),
        (nx.path_graph(3), 1.0),  # a 3-path is a star
        # path of 4: degrees 1,2,2,1 -> (1+0+0+1) / (3*2) = 1/3
        (nx.path_graph(4), 1 / 3),
    ],
)
def test_freeman_by_hand(graph: nx.Graph, expected: float) -> None:
    assert freeman_degree_centralization(graph) == pytest.approx(expected)


def test_freeman_refuses_two_nodes() -> None:
    with pytest.raises(ValueError, match="at least 3"):
        freeman_degree_centralization(nx.path_graph(2))


def test_two_initiatives_are_not_enough_for_structure() -> None:
    small = analyze_cluster(_profiles(), ["d", "e"])
    assert small.size.value == 2
    for metric in (
        small.density,
        small.components,
        small.largest_component_share,
        small.isolates,
        small.degree_centralization,
        small.brokers,
    ):
        assert not metric.enough
        assert metric.value is None
        assert (metric.n, metric.min_n) == (2, 3)
        assert metric.to_json()["value"] is None


def test_members_without_profiles_are_ignored() -> None:
    result = analyze_cluster(_profiles(), ["d", "e", "f", "ghost"])
    assert result.size.value == 3
    assert result.components.value == 2


def test_large_networks_sample_betweenness_reproducibly() -> None:
    # a chain of 501 initiatives: above the exact limit, so 200 sampled sources (fixed seed)
    chain = [profile(f"n{i}", f"Node {i}", partners=[f"Node {i + 1}"]) for i in range(500)]
    chain.append(profile("n500", "Node 500"))
    keys = [p.key for p in chain]
    first = analyze_cluster(chain, keys).brokers
    assert first.parts["sampled_sources"] == 200
    assert first.value is not None
    assert analyze_cluster(chain, keys).brokers.parts == first.parts
    assert analyze_cluster(_profiles(), MEMBERS).brokers.parts["sampled_sources"] is None
