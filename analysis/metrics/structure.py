"""Network structure of the working network: size, density, fragmentation, hubs and brokers.

All run on `ClusterView.work` (initiatives + the partners they work with, `works_with` ties).
Freeman centralization is written out by hand so its arithmetic is visible and testable.
"""

from __future__ import annotations

import networkx as nx

from analysis.metrics.context import ClusterView
from analysis.metrics.result import Metric, measure

MIN_SIZE = 1
MIN_STRUCTURE = 3
"""Below three initiatives, density and centralization describe a pair, not a system."""
TOP_BROKERS = 3


def size(view: ClusterView) -> Metric:
    work = view.work
    other_issue = sum(
        1
        for key in view.keys
        for other, attrs in view.graph.adj[key].items()
        if attrs["kind"] == "works_with"
        and view.graph.nodes[other]["kind"] == "initiative"
        and other not in view.keys
    )
    return measure(
        "size",
        "Size",
        "initiatives interviewed or imported in this change system",
        "standard",
        n=view.size,
        min_n=0,
        value=view.size,
        parts={
            "network_nodes": work.number_of_nodes(),
            "mentioned_partners": work.number_of_nodes() - view.size,
            "ties_to_other_issues": other_issue,
        },
    )


def coverage(view: ClusterView) -> Metric:
    """interviewed / (interviewed + mentioned-only partners and known initiatives)."""
    mentioned = len(view.neighbours("works_with", "knows_of"))
    total = view.size + mentioned
    return measure(
        "coverage",
        "Data coverage",
        "share of named efforts that Helix has data on",
        "standard",
        n=total,
        min_n=MIN_SIZE,
        unit="named efforts",
        value=view.size / total if total else None,
        parts={"interviewed": view.size, "mentioned_only": mentioned},
    )


def density(view: ClusterView) -> Metric:
    work = view.work
    return measure(
        "density",
        "Density",
        "share of possible working ties that exist",
        "standard",
        n=view.size,
        min_n=MIN_STRUCTURE,
        value=nx.density(work) if work.number_of_nodes() > 1 else None,
        parts={"nodes": work.number_of_nodes(), "ties": work.number_of_edges()},
    )


def components(view: ClusterView) -> Metric:
    return measure(
        "components",
        "Components",
        "separate pieces the working network falls into",
        "standard",
        n=view.size,
        min_n=MIN_STRUCTURE,
        value=nx.number_connected_components(view.work) if view.size else None,
    )


def largest_component_share(view: ClusterView) -> Metric:
    return measure(
        "largest_component_share",
        "Largest component share",
        "share of the network reachable within its biggest piece",
        "standard",
        n=view.size,
        min_n=MIN_STRUCTURE,
        value=view.lcc_share,
    )


def isolates(view: ClusterView) -> Metric:
    work = view.work
    alone = sorted(view.label(node) for node in nx.isolates(work))
    nodes = work.number_of_nodes()
    return measure(
        "isolates",
        "Isolates",
        "share of initiatives that work with no one named here",
        "standard",
        n=view.size,
        min_n=MIN_STRUCTURE,
        value=len(alone) / nodes if nodes else None,
        parts={"count": len(alone), "names": alone},
    )


def freeman_degree_centralization(graph: nx.Graph) -> float:
    """C_D = sum_i (d_max - d_i) / ((n - 1)(n - 2)): 1 for a star, 0 when all degrees are equal."""
    n = graph.number_of_nodes()
    if n < 3:
        raise ValueError("degree centralization needs at least 3 nodes")
    degrees = [d for _, d in graph.degree()]
    top = max(degrees)
    return sum(top - d for d in degrees) / ((n - 1) * (n - 2))


def degree_centralization(view: ClusterView) -> Metric:
    work = view.work
    enough = work.number_of_nodes() >= MIN_STRUCTURE
    degrees = dict(work.degree())
    hub = max(sorted(degrees), key=lambda node: degrees[node]) if degrees else None
    return measure(
        "degree_centralization",
        "Degree centralization",
        "1 = one hub holds every tie, 0 = ties spread evenly",
        "published",
        n=view.size,
        min_n=MIN_STRUCTURE,
        value=freeman_degree_centralization(work) if enough else None,
        parts={
            "mean_degree": 2 * work.number_of_edges() / len(degrees) if degrees else None,
            "hub": view.label(hub) if hub is not None else None,
        },
    )


def brokers(view: ClusterView) -> Metric:
    """Betweenness centralization, sum(max - c_i) / (n - 1), and the top brokers by name."""
    scores = view.betweenness
    n = len(scores)
    ranked = sorted(scores, key=lambda node: (-scores[node], view.label(node)))
    top = {view.label(node): scores[node] for node in ranked[:TOP_BROKERS] if scores[node] > 0}
    value = None
    if n >= MIN_STRUCTURE:
        best = scores[ranked[0]]
        value = sum(best - c for c in scores.values()) / (n - 1)
    return measure(
        "brokers",
        "Brokers (betweenness)",
        "who links otherwise separate efforts; value = how concentrated that is",
        "standard",
        n=view.size,
        min_n=MIN_STRUCTURE,
        value=value,
        parts={"top": top, "sampled_sources": view.betweenness_pivots},
    )
