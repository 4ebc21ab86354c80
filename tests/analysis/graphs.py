"""Small graphs built by hand in the shared graph contract (docs/architecture.md).

Map and export tests build the contract's shape directly rather than through `build_graph`, so
a change in how profiles become a graph cannot hide a drawing or export bug (or the reverse).
"""

from __future__ import annotations

from typing import Any

import networkx as nx


def other(graph: nx.Graph, key: str, label: str, kind: str, **attrs: Any) -> None:
    """A node with every contract attribute present (None or [] when unknown)."""
    base: dict[str, Any] = {
        "kind": kind,
        "label": label,
        "sector": None,
        "tasks": [],
        "cluster": None,
        "production_system": None,
        "segment": None,
    }
    graph.add_node(key, **(base | attrs))


def initiative(graph: nx.Graph, key: str, label: str, **attrs: Any) -> None:
    other(graph, key, label, "initiative", **({"sector": "civil_society"} | attrs))


def tie(graph: nx.Graph, u: str, v: str, kind: str, **attrs: Any) -> None:
    base: dict[str, Any] = {"kind": kind, "relation": None, "depth": None, "segment": None}
    graph.add_edge(u, v, **(base | attrs))


def small_system() -> nx.Graph:
    """Three initiatives, a named organisation, two production-system actors, every tie kind.

    Two nodes share the display name "Harbour Kitchen" (an initiative and a named partner).
    """
    g = nx.Graph()
    initiative(
        g,
        "fw-1",
        "Harbour Kitchen",
        tasks=["innovating", "organizing"],
        cluster="c1",
        production_system="food",
    )
    initiative(
        g,
        "fw-2",
        "Community Fridges",
        tasks=["organizing"],
        cluster="c1",
        production_system="food",
    )
    initiative(g, "fw-3", "Waste Watch", sector="communities", tasks=["measuring"], cluster="c1")
    other(g, "m:harbour kitchen", "Harbour Kitchen", "mentioned", sector="business")
    other(g, "m:city council", "City Council", "mentioned", sector="government")
    other(
        g,
        "ps:freshway",
        "FreshWay Supermarkets",
        "ps_actor",
        sector="business",
        production_system="food",
        segment="retail",
    )
    other(g, "ps:bakers", "Bakers' Guild", "ps_actor", production_system="food")
    tie(g, "fw-1", "fw-2", "works_with", relation="joint_project", depth=3)
    tie(g, "fw-2", "fw-3", "knows_of")
    tie(g, "fw-1", "m:harbour kitchen", "works_with", relation="information", depth=1)
    tie(g, "fw-3", "m:city council", "stakeholder")
    tie(g, "fw-1", "ps:freshway", "ps_link", relation="partnership", segment="retail", depth=2)
    tie(g, "fw-3", "ps:freshway", "ps_link", relation="pressure")
    tie(g, "fw-2", "ps:bakers", "ps_link", relation="partnership")
    return g
