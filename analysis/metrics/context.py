"""One cluster seen from the graph: its initiatives, its working network, shared helpers.

The working network (`work`) is what the structural metrics run on: the cluster's initiatives
plus the organisations they say they work with ("mentioned" partners), joined by `works_with`
ties only. Awareness (`knows_of`) is not collaboration, stakeholders take part in one initiative
rather than link efforts, and production-system actors are the other strand of the double helix;
each of those has its own metrics instead of blurring density and brokerage.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from functools import cached_property
from typing import Any

import networkx as nx

from analysis.network.graph import DEFAULT_SECTOR, normalise_sector
from analysis.profiles import Profile

SECTORS: tuple[str, ...] = (
    "government",
    "business",
    DEFAULT_SECTOR,
    "academia",
    "funders",
    "communities",
    "intergovernmental",
    "media",
)
"""The interview's sector choices (the digest's eight sector categories)."""
EXACT_BETWEENNESS_LIMIT = 500
"""Above this many nodes betweenness is estimated from sampled sources: exact betweenness in
pure Python took about 30 s for 1,000 nodes on the 2-core development machine."""
BETWEENNESS_PIVOTS = 200
NAMING_KINDS = ("works_with", "knows_of", "stakeholder")
"""Edge kinds by which one initiative names another (any of them shows awareness)."""


class ClusterView:
    """A cluster (set of profile keys) over the whole graph; computed parts are cached."""

    def __init__(
        self, profiles: Sequence[Profile], members: Collection[str], graph: nx.Graph
    ) -> None:
        keys = set(members)
        self.profiles: list[Profile] = [p for p in profiles if p.key in keys and p.key in graph]
        self.keys: frozenset[str] = frozenset(p.key for p in self.profiles)
        self.graph = graph

    @property
    def size(self) -> int:
        return len(self.profiles)

    def label(self, node: str) -> str:
        return str(self.graph.nodes[node].get("label") or node)

    def sector(self, node: str) -> str | None:
        return normalise_sector(self.graph.nodes[node].get("sector"))

    def ties(self, *kinds: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """Edges of these kinds with one end a cluster initiative (each edge once).

        The first element is always a cluster initiative. Ties to initiatives outside the
        cluster are left out: they belong to another issue's system.
        """
        seen: set[frozenset[str]] = set()
        for key in sorted(self.keys):
            for other, attrs in self.graph.adj[key].items():
                if attrs["kind"] not in kinds or self._elsewhere(other):
                    continue
                pair = frozenset((key, other))
                if pair not in seen:
                    seen.add(pair)
                    yield key, other, attrs

    def _elsewhere(self, node: str) -> bool:
        return self.graph.nodes[node]["kind"] == "initiative" and node not in self.keys

    def neighbours(self, *kinds: str) -> set[str]:
        """Non-initiative nodes tied to the cluster by edges of these kinds."""
        return {
            other
            for _, other, _ in self.ties(*kinds)
            if self.graph.nodes[other]["kind"] != "initiative"
        }

    @cached_property
    def work(self) -> nx.Graph:
        """The working network: cluster initiatives + mentioned partners, works_with ties."""
        work = nx.Graph()
        work.add_nodes_from(sorted(self.keys))
        for a, b, attrs in self.ties("works_with"):
            work.add_edge(a, b, **attrs)
        return work

    @property
    def betweenness_pivots(self) -> int | None:
        """How many sampled sources estimate betweenness; None when it is exact."""
        nodes = self.work.number_of_nodes()
        return BETWEENNESS_PIVOTS if nodes > EXACT_BETWEENNESS_LIMIT else None

    @cached_property
    def betweenness(self) -> dict[str, float]:
        """Normalised betweenness in the working network; sampled (fixed seed) when large."""
        pivots = self.betweenness_pivots
        if pivots is None:
            return dict(nx.betweenness_centrality(self.work, normalized=True))
        return dict(nx.betweenness_centrality(self.work, k=pivots, normalized=True, seed=0))

    @cached_property
    def lcc_share(self) -> float:
        work = self.work
        if work.number_of_nodes() == 0:
            return 0.0
        return max(len(c) for c in nx.connected_components(work)) / work.number_of_nodes()

    def answers(self, question: str) -> list[Any]:
        """The non-empty `extra` answers of cluster initiatives to one interview question."""
        values = (p.record.merged_extra().get(question) for p in self.profiles)
        return [v for v in values if v not in (None, "", [])]

    def yes_share(self, question: str) -> tuple[float | None, int]:
        """Share of "yes" among those who answered a yes/no/unsure question, and how many."""
        given = [str(v).strip().lower() for v in self.answers(question)]
        if not given:
            return None, 0
        return sum(v == "yes" for v in given) / len(given), len(given)


def blau(counts: Collection[int]) -> float:
    """Blau's diversity 1 - sum(p_k^2) over category counts; 0 for no data."""
    total = sum(counts)
    if total == 0:
        return 0.0
    return 1 - sum((c / total) ** 2 for c in counts)


def mean(values: Collection[float]) -> float | None:
    return sum(values) / len(values) if values else None
