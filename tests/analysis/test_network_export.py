"""GraphML and Kumu exports parse back with the same nodes, ties and attributes."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from analysis.network.export import (
    graphml_safe,
    kumu_json,
    kumu_labels,
    write_graphml,
    write_kumu,
)
from tests.analysis.graphs import small_system


def test_graphml_round_trip_keeps_nodes_edges_and_attributes(tmp_path: Path) -> None:
    graph = small_system()
    path = write_graphml(graph, tmp_path / "system.graphml")
    back = nx.read_graphml(path)
    assert set(back.nodes) == set(graph.nodes)
    assert {frozenset(e) for e in back.edges} == {frozenset(e) for e in graph.edges}
    assert back.nodes["fw-1"] == {
        "kind": "initiative",
        "label": "Harbour Kitchen",
        "sector": "civil_society",
        "tasks": "innovating; organizing",
        "cluster": "c1",
        "production_system": "food",
    }
    assert back.nodes["ps:bakers"] == {
        "kind": "ps_actor",
        "label": "Bakers' Guild",
        "production_system": "food",
    }
    assert back.edges["fw-1", "ps:freshway"] == {
        "kind": "ps_link",
        "relation": "partnership",
        "segment": "retail",
        "depth": 2,
    }
    assert back.edges["fw-2", "fw-3"] == {"kind": "knows_of"}


def test_graphml_safe_has_no_none_lists_or_mixed_types() -> None:
    graph = small_system()
    graph.nodes["fw-2"]["size"] = 4
    graph.nodes["fw-3"]["size"] = "unknown"
    graph.graph["title"] = None
    safe = graphml_safe(graph)
    values = [v for _, d in safe.nodes(data=True) for v in d.values()]
    values += [v for _, _, d in safe.edges(data=True) for v in d.values()]
    assert all(isinstance(v, bool | int | float | str) for v in values)
    assert safe.nodes["fw-2"]["size"] == "4"
    assert "title" not in safe.graph
    assert graph.nodes["fw-1"]["tasks"] == ["innovating", "organizing"]  # input untouched


def test_kumu_blueprint_round_trip(tmp_path: Path) -> None:
    graph = small_system()
    path = write_kumu(graph, tmp_path / "system.json")
    blueprint = json.loads(path.read_text(encoding="utf-8"))
    assert blueprint == kumu_json(graph)
    elements = {e["helix id"]: e for e in blueprint["elements"]}
    assert set(elements) == set(graph.nodes)
    labels = [e["label"] for e in blueprint["elements"]]
    assert len(set(labels)) == len(labels)
    assert elements["fw-1"] == {
        "label": "Harbour Kitchen (initiative)",
        "type": "Initiative",
        "helix id": "fw-1",
        "sector": "civil_society",
        "tasks": ["innovating", "organizing"],
        "cluster": "c1",
        "production system": "food",
    }
    assert elements["m:harbour kitchen"]["label"] == "Harbour Kitchen (named organisation)"
    assert elements["ps:freshway"]["type"] == "Production-system actor"
    label_of = {e["label"]: node for node, e in elements.items()}
    ties = {
        frozenset((label_of[c["from"]], label_of[c["to"]])): c for c in blueprint["connections"]
    }
    assert set(ties) == {frozenset(e) for e in graph.edges}
    assert ties[frozenset(("fw-1", "fw-2"))] == {
        "from": "Harbour Kitchen (initiative)",
        "to": "Community Fridges",
        "type": "works with",
        "direction": "undirected",
        "relation": "joint_project",
        "depth": 3,
    }


def test_kumu_labels_stay_unique_even_when_kind_and_name_repeat() -> None:
    graph = nx.Graph()
    for node in ("m:a", "m:b", "m:c"):
        graph.add_node(node, kind="mentioned", label="Same Name")
    graph.add_node("x", kind="initiative", label="same name")
    labels = kumu_labels(graph)
    assert len({label.casefold() for label in labels.values()}) == 4
    assert labels == kumu_labels(graph.copy())


@pytest.mark.parametrize("writer", [write_graphml, write_kumu])
def test_empty_graph_exports_parse_back(tmp_path: Path, writer: object) -> None:
    path = tmp_path / "empty.out"
    assert callable(writer)
    writer(nx.Graph(), path)
    if writer is write_graphml:
        assert nx.read_graphml(path).number_of_nodes() == 0
    else:
        assert json.loads(path.read_text(encoding="utf-8")) == {
            "elements": [],
            "connections": [],
        }
