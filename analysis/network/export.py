"""`helix export --format graphml|kumu`: the change-system graph for Gephi and for Kumu.

GraphML (Gephi, yEd, Cytoscape) has typed attribute columns and no null, so values are made
safe first: a missing value is left out for that node or edge (Gephi shows an empty cell), a
list becomes one "a; b" text, and an attribute whose values mix types becomes text throughout,
since one GraphML key has exactly one type.

Kumu imports a JSON "blueprint": elements identified by their label and connections naming the
labels they join; every other key becomes a field. Labels must therefore be unique; two nodes
that share a display name get the node kind and then a number appended, in node-id order so
the same graph always gives the same labels.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx

from analysis import standard_json
from analysis.atomic import atomic_path, write_text_atomic

LIST_SEPARATOR = "; "
KIND_NAMES: dict[str, str] = {
    "initiative": "Initiative",
    "mentioned": "Named organisation",
    "ps_actor": "Production-system actor",
}
TIE_NAMES: dict[str, str] = {
    "works_with": "works with",
    "knows_of": "knows of",
    "ps_link": "production-system link",
    "stakeholder": "stakeholder",
}
_SCALARS = (bool, int, float, str)


def graphml_safe(graph: nx.Graph) -> nx.Graph:
    """A copy of `graph` whose graph, node and edge attributes GraphML can hold."""
    safe = graph.__class__()
    safe.graph.update(_safe_attrs([graph.graph])[0])
    nodes = list(graph.nodes(data=True))
    for (node, _), attrs in zip(nodes, _safe_attrs(d for _, d in nodes), strict=True):
        safe.add_node(str(node), **attrs)
    edges = list(graph.edges(data=True))
    for (u, v, _), attrs in zip(edges, _safe_attrs(d for _, _, d in edges), strict=True):
        safe.add_edge(str(u), str(v), **attrs)
    return safe


def _safe_attrs(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    converted = [
        {str(k): _scalar(v) for k, v in row.items() if v is not None and v != []} for row in rows
    ]
    types: dict[str, set[type]] = defaultdict(set)
    for row in converted:
        for key, value in row.items():
            types[key].add(type(value))
    mixed = {key for key, seen in types.items() if len(seen) > 1}
    return [{k: (str(v) if k in mixed else v) for k, v in row.items()} for row in converted]


def _scalar(value: Any) -> bool | int | float | str:
    """`value` as one GraphML attribute; text goes through `clean_text` (a lone surrogate would
    be written as a character reference XML forbids, and the file would not open)."""
    if isinstance(value, str):
        return standard_json.clean_text(value)
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return standard_json.clean_text(
            LIST_SEPARATOR.join(str(v) for v in items if v is not None)
        )
    return standard_json.clean_text(str(value))


def write_graphml(graph: nx.Graph, path: Path) -> Path:
    """Write `graph` as GraphML (atomically) and return `path`."""
    path = Path(path)
    with atomic_path(path) as tmp:
        nx.write_graphml(graphml_safe(graph), tmp, encoding="utf-8")
    return path


def kumu_labels(graph: nx.Graph) -> dict[str, str]:
    """Node id -> a label unique in the graph (display name, then kind, then a number)."""
    wanted: dict[str, str] = {}
    for node in sorted(graph.nodes, key=str):
        data = graph.nodes[node]
        wanted[node] = str(data.get("label") or node)
    count: dict[str, int] = defaultdict(int)
    for label in wanted.values():
        count[label.casefold()] += 1
    labels: dict[str, str] = {}
    taken: set[str] = set()
    for node, label in wanted.items():
        if count[label.casefold()] > 1:
            kind = KIND_NAMES.get(graph.nodes[node].get("kind") or "", "node")
            label = f"{label} ({kind.lower()})"
        unique, number = label, 2
        while unique.casefold() in taken:
            unique, number = f"{label} {number}", number + 1
        taken.add(unique.casefold())
        labels[node] = unique
    return labels


def kumu_json(graph: nx.Graph) -> dict[str, list[dict[str, Any]]]:
    """The Kumu blueprint: `{"elements": [...], "connections": [...]}`, in node-id order."""
    labels = kumu_labels(graph)
    elements = []
    for node in sorted(graph.nodes, key=str):
        data = dict(graph.nodes[node])
        kind = data.pop("kind", None)
        data.pop("label", None)
        element: dict[str, Any] = {
            "label": labels[node],
            "type": KIND_NAMES.get(kind or "", kind or "node"),
            "helix id": str(node),
        }
        element.update(_kumu_fields(data))
        elements.append(element)
    direction = "directed" if graph.is_directed() else "undirected"
    connections = []
    for u, v, data in sorted(graph.edges(data=True), key=lambda e: (str(e[0]), str(e[1]))):
        fields = dict(data)
        kind = fields.pop("kind", None)
        connection: dict[str, Any] = {
            "from": labels[u],
            "to": labels[v],
            "type": TIE_NAMES.get(kind or "", kind or "tie"),
            "direction": direction,
        }
        connection.update(_kumu_fields(fields))
        connections.append(connection)
    return {"elements": elements, "connections": connections}


def _kumu_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    """Extra fields with readable names; lists stay lists (Kumu's multi-value fields)."""
    fields: dict[str, Any] = {}
    for key, value in data.items():
        if value is None or value == []:
            continue
        name = str(key).replace("_", " ")
        if isinstance(value, set | frozenset):
            fields[name] = sorted(str(v) for v in value)
        elif isinstance(value, list | tuple):
            fields[name] = [str(v) for v in value]
        else:
            fields[name] = value if isinstance(value, _SCALARS) else str(value)
    return fields


def write_kumu(graph: nx.Graph, path: Path) -> Path:
    """Write the Kumu blueprint of `graph` as JSON (atomically) and return `path`."""
    path = Path(path)
    text = standard_json.dumps(kumu_json(graph), indent=1)
    write_text_atomic(path, text + "\n")
    return path
