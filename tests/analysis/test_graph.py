from __future__ import annotations

import networkx as nx

from analysis.network.graph import build_graph
from analysis.profiles import Profile
from tests.analysis.factory import profile

NODE_KEYS = {"kind", "label", "sector", "tasks", "cluster", "production_system", "segment"}
GOV = "government"
EDGE_KEYS = {"kind", "relation", "depth", "segment", "named_by", "mutual"}


def _profiles() -> list[Profile]:
    return [
        profile(
            "a",
            "Second Harvest Kitchen",
            production_system="food",
            tasks={"innovating": "core", "visioning": "minor"},
            partners=[
                {"name": "eastbrook comunity fridges", "relation": "joint_project", "depth": 3},
                {"name": "Port Calder Food Bank", "sector": "civil_society", "depth": 2},
            ],
            stakeholders=[{"name": "Eastbrook City Council", "sector": "government"}],
            known_initiatives=["Waste Watch"],
            ps_links=[
                {"actor": "FreshWay Supermarkets", "relation": "partnership", "segment": "retail"}
            ],
        ),
        profile(
            "b",
            "Eastbrook Community Fridges",
            partners=[{"name": "Second Harvest Kitchen", "depth": 4}],
            stakeholders=[{"name": "Eastbrook City Council", "sector": "Government"}],
            ps_links=[{"actor": "Freshway supermarkets", "relation": "pressure", "depth": 2}],
        ),
        profile("c", "Waste Watch", extra={"sector": "academia"}),
    ]


def test_contract_attributes_on_every_node_and_edge() -> None:
    graph = build_graph(_profiles(), cluster_of={"a": "k1", "b": "k1"})
    assert isinstance(graph, nx.Graph)
    assert not graph.is_directed()
    for _, attrs in graph.nodes(data=True):
        assert set(attrs) == NODE_KEYS
    for _, _, attrs in graph.edges(data=True):
        assert set(attrs) == EDGE_KEYS
    assert {n: k for n, k in graph.nodes(data="kind")} == {
        "a": "initiative",
        "b": "initiative",
        "c": "initiative",
        "m:port calder food bank": "mentioned",
        "m:eastbrook city council": "mentioned",
        "ps:freshway supermarkets": "ps_actor",
    }
    a = graph.nodes["a"]
    assert a == {
        "kind": "initiative",
        "label": "Second Harvest Kitchen",
        "sector": "civil_society",
        "tasks": ["innovating"],
        "cluster": "k1",
        "production_system": "food",
        "segment": None,
    }
    assert graph.nodes["c"]["sector"] == "academia"  # known otherwise
    assert graph.nodes["c"]["cluster"] is None


def test_partner_names_connect_real_initiatives() -> None:
    graph = build_graph(_profiles())
    # "eastbrook comunity fridges" (typo, lower case) reached initiative b, and b named a back.
    edge = graph.edges["a", "b"]
    assert edge["kind"] == "works_with"
    assert edge["mutual"] is True
    assert edge["named_by"] == "both"
    assert edge["depth"] == 4  # the closer of the two reports
    assert edge["relation"] == "joint_project"
    # the unmatched partner stays a mentioned node, with the sector the leader gave
    assert graph.edges["a", "m:port calder food bank"]["kind"] == "works_with"
    assert graph.nodes["m:port calder food bank"]["sector"] == "civil_society"


def test_known_initiatives_stakeholders_and_ps_links() -> None:
    graph = build_graph(_profiles())
    assert graph.edges["a", "c"] == {
        "kind": "knows_of",
        "relation": None,
        "depth": None,
        "segment": None,
        "named_by": "a",
        "mutual": False,
    }
    council = "m:eastbrook city council"
    assert graph.nodes[council]["sector"] == "government"  # "Government" folded
    assert graph.edges["a", council]["kind"] == "stakeholder"
    assert graph.degree(council) == 2
    actor = "ps:freshway supermarkets"
    assert graph.nodes[actor]["segment"] == "retail"
    assert graph.nodes[actor]["production_system"] == "food"
    assert graph.nodes[actor]["sector"] is None
    assert graph.edges["a", actor]["segment"] == "retail"
    assert graph.edges["b", actor]["relation"] == "pressure"
    assert graph.edges["b", actor]["depth"] == 2


def test_strongest_kind_wins_for_a_pair() -> None:
    profiles = [
        profile("a", "Alpha Network", known_initiatives=["Beta Lab"]),
        profile("b", "Beta Lab", partners=["Alpha Network"], stakeholders=["alpha network"]),
    ]
    edge = build_graph(profiles).edges["a", "b"]
    assert edge["kind"] == "works_with"
    assert edge["mutual"] is True


def test_sector_from_how_others_describe_it_and_no_self_loops() -> None:
    profiles = [
        profile("g", "Northvale Energy Office", partners=["Northvale Energy Office"]),
        profile("x", "X", stakeholders=[{"name": "Northvale Energy Office", "sector": GOV}]),
        profile("y", "Y", partners=[{"name": "Northvale energy office", "sector": GOV}]),
    ]
    graph = build_graph(profiles)
    assert nx.number_of_selfloops(graph) == 0
    assert graph.nodes["g"]["sector"] == "government"
    assert graph.number_of_nodes() == 3
