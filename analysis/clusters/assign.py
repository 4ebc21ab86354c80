"""Issue clusters: the groups of initiatives that form one issue's change system.

Input is one L2-normalised meaning vector per initiative (`analysis.changesystems` mixes issue
and goals as matching does). Method, chosen by measurement (docs/clusters-maps-exports.md):
a k-nearest-neighbour similarity graph (each initiative linked to its k most similar others
above a floor) split by seeded Louvain. On the demo records Louvain recovered the three issues
exactly for every setting tried, while a thresholded average-linkage clustering swung between 2
and 4 groups with its threshold; the kNN graph also keeps memory linear in the initiatives.

Everything here is pure and deterministic: inputs are sorted by key first, so the same data in
any order gives the same clusters, names and ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from analysis.clusters.ids import match_ids
from analysis.clusters.naming import name_clusters

_BLOCK = 1024


@dataclass(frozen=True)
class ClusterSettings:
    """Tuning knobs; the defaults are the measured choice (docs/clusters.md)."""

    neighbours: int = 5
    min_similarity: float = 0.3
    resolution: float = 1.0
    seed: int = 7
    #: A member is a bridge of another cluster when its mean similarity to that cluster is at
    #: least this share of its mean similarity to its own cluster ...
    bridge_ratio: float = 0.85
    #: ... and at least this high in absolute terms.
    bridge_min_similarity: float = 0.3


@dataclass(frozen=True)
class Cluster:
    """One issue's change system: members most central first; bridges belong to other clusters."""

    id: str
    name: str
    members: tuple[str, ...]
    bridges: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class ClusterAssignment:
    """The clusters of one run, largest first, and every id ever issued (kept for the next run)."""

    clusters: tuple[Cluster, ...]
    issued: tuple[str, ...] = ()
    _by_id: dict[str, Cluster] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {c.id: c for c in self.clusters})

    @property
    def cluster_of(self) -> dict[str, str]:
        """Member key -> cluster id (the `previous` of the next run, and `build_graph` input)."""
        return {key: c.id for c in self.clusters for key in c.members}

    def get(self, cluster_id: str) -> Cluster | None:
        return self._by_id.get(cluster_id)


def assign_clusters(
    keys: Sequence[str],
    vectors: np.ndarray,
    texts: Sequence[str],
    *,
    previous: Mapping[str, str] | None = None,
    issued: Iterable[str] = (),
    settings: ClusterSettings | None = None,
) -> ClusterAssignment:
    """Cluster initiatives by issue; ids carried over from `previous` (key -> id) by membership.

    `texts` (one per key, e.g. the issue statement) only name the clusters. `issued` lists ids
    minted by earlier runs (see `cluster_store`), so retired ids are never handed out again.
    """
    settings = settings or ClusterSettings()
    if len(keys) != len(vectors) or len(keys) != len(texts):
        raise ValueError(
            f"keys, vectors and texts differ in length ({len(keys)}, {len(vectors)}, {len(texts)})"
        )
    if len(set(keys)) != len(keys):
        raise ValueError("keys must be unique")
    if not keys:
        _, all_issued = match_ids([], previous, issued)
        return ClusterAssignment(clusters=(), issued=all_issued)
    order = sorted(range(len(keys)), key=lambda i: keys[i])
    sorted_keys = [keys[i] for i in order]
    matrix = np.asarray(vectors, dtype=np.float32)[order]
    groups = _communities(matrix, settings)
    affinity = _affinity(matrix, groups)
    members = [_by_centrality(g, affinity[:, c], sorted_keys) for c, g in enumerate(groups)]
    ids, all_issued = match_ids(
        [frozenset(sorted_keys[i] for i in g) for g in groups], previous, issued
    )
    names = name_clusters([[texts[order[i]] for i in m] for m in members])
    bridges = _bridges(groups, affinity, settings)
    clusters = tuple(
        Cluster(
            id=ids[c],
            name=names[c],
            members=tuple(sorted_keys[i] for i in members[c]),
            bridges=tuple(sorted(sorted_keys[i] for i in bridges[c])),
        )
        for c in range(len(groups))
    )
    return ClusterAssignment(clusters=clusters, issued=all_issued)


def _neighbour_graph(matrix: np.ndarray, settings: ClusterSettings) -> nx.Graph:
    """Each row linked to its k most similar rows above the floor, weight = cosine similarity.

    Computed a block of rows at a time so 10k initiatives never need a 10k x 10k matrix.
    """
    n = len(matrix)
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    k = min(settings.neighbours, n - 1)
    if k <= 0:
        return graph
    for start in range(0, n, _BLOCK):
        block = matrix[start : start + _BLOCK] @ matrix.T
        for offset, row in enumerate(block):
            i = start + offset
            row[i] = -np.inf
            nearest = np.argpartition(-row, k - 1)[:k]
            for j in sorted(int(j) for j in nearest):
                if row[j] >= settings.min_similarity:
                    graph.add_edge(i, j, weight=float(row[j]))
    return graph


def _communities(matrix: np.ndarray, settings: ClusterSettings) -> list[list[int]]:
    """Louvain groups of row indices, largest first (ties: lowest index first)."""
    graph = _neighbour_graph(matrix, settings)
    found = nx.community.louvain_communities(
        graph, weight="weight", resolution=settings.resolution, seed=settings.seed
    )
    groups = [sorted(int(i) for i in group) for group in found]
    groups.sort(key=lambda g: (-len(g), g[0]))
    return groups


def _affinity(matrix: np.ndarray, groups: Sequence[Sequence[int]]) -> np.ndarray:
    """n x clusters: each row's mean cosine similarity to the other members of each cluster.

    Mean similarity to a set is the dot product with the set's vector sum, so this costs
    n x clusters x d rather than n x n. A member of a cluster of one gets 1 (it is its centre).
    """
    sums = np.stack([matrix[g].sum(axis=0) for g in groups], axis=1)
    dots = matrix @ sums
    sizes = np.array([len(g) for g in groups], dtype=np.float32)
    result = dots / sizes
    for c, group in enumerate(groups):
        for i in group:
            others = len(group) - 1
            result[i, c] = (dots[i, c] - float(matrix[i] @ matrix[i])) / others if others else 1.0
    return np.asarray(result, dtype=np.float64)


def _by_centrality(group: Sequence[int], affinity: np.ndarray, keys: Sequence[str]) -> list[int]:
    return sorted(group, key=lambda i: (-round(float(affinity[i]), 6), keys[i]))


def _bridges(
    groups: Sequence[Sequence[int]], affinity: np.ndarray, settings: ClusterSettings
) -> list[list[int]]:
    """For each cluster, the members of other clusters that sit almost as close to it."""
    bridges: list[list[int]] = [[] for _ in groups]
    for own, group in enumerate(groups):
        for i in group:
            home = float(affinity[i, own])
            for other in range(len(groups)):
                score = float(affinity[i, other])
                if (
                    other != own
                    and score >= settings.bridge_min_similarity
                    and score >= settings.bridge_ratio * home
                ):
                    bridges[other].append(i)
    return bridges
