"""The change systems on one server: every initiative, its vectors, and the issue clusters.

This is the adapter every surface goes through (`helix peers`, `issues`, `analyze`, `map`,
`/peers`, `/map`): it reads the profiles, gets their vectors from the cache (embedding only
what changed), assigns issue clusters with ids carried over from the previous run, and saves
that assignment. Everything it hands on is computed by the pure cores, so the numbers a
convener sees on the terminal and the ones a leader sees on Telegram come from one place.

The cluster assignment is a JSON file next to the data (`clusters.json`), because stable ids
need the previous run; several servers sharing one PostgreSQL database each keep their own
file, which is fine while one of them answers conveners.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
from sqlalchemy import Engine

from analysis.clusters import (
    Cluster,
    ClusterAssignment,
    assign_clusters,
    load_assignment,
    save_assignment,
)
from analysis.matching import InitiativeVectors, Peer, VectorSet, peers
from analysis.matching.scoring import meaning_of
from analysis.network import build_graph
from analysis.profiles import Profile, load_profiles
from intake.storage import session_scope
from intake.storage.leaders import find_leader

TOP_PEERS = 3


@dataclass(frozen=True)
class ChangeSystems:
    """A consistent snapshot: the profiles, their vectors and their clusters, read together."""

    profiles: list[Profile]
    vectors: VectorSet
    assignment: ClusterAssignment

    def cluster(self, cluster_id: str) -> Cluster | None:
        return self.assignment.get(cluster_id)

    def members(self, cluster: Cluster) -> list[Profile]:
        by_key = {p.key: p for p in self.profiles}
        return [by_key[key] for key in cluster.members if key in by_key]

    def graph(self, cluster: Cluster | None = None) -> nx.Graph:
        """The network of one cluster (or of everything), with each node's cluster id."""
        chosen = self.profiles if cluster is None else self.members(cluster)
        return build_graph(chosen, cluster_of=self.assignment.cluster_of)


def cluster_profiles(
    profiles: Sequence[Profile], vectors: VectorSet, store: Path | None
) -> ClusterAssignment:
    """Issue clusters with ids carried over from the assignment saved at `store` (if any)."""
    stored = load_assignment(store) if store is not None else None
    assignment = assign_clusters(
        [p.key for p in profiles],
        meaning_of(profiles, vectors).mixed,
        [p.record.issue for p in profiles],  # names from the leaders' own short words
        previous=stored.previous if stored else None,
        issued=stored.issued if stored else (),
    )
    if store is not None:
        save_assignment(store, assignment)
    return assignment


def survey(
    engine: Engine, vectors: InitiativeVectors, store: Path | None, *, clusters: bool = True
) -> ChangeSystems:
    """Read everything and cluster it; `store` is where cluster ids persist between runs.

    `clusters=False` skips clustering (peers need only profiles and vectors; at 10k
    initiatives clustering costs more than ranking) and leaves the stored ids untouched.
    """
    profiles = load_profiles(engine)
    vector_set = vectors.vectors_for(profiles)
    assignment = (
        cluster_profiles(profiles, vector_set, store) if clusters else ClusterAssignment(())
    )
    return ChangeSystems(profiles, vector_set, assignment)


@dataclass(frozen=True)
class LeaderPeers:
    """A leader's initiative (None: they have submitted none yet) and its listed peers."""

    initiative: Profile | None
    peers: list[Peer]


def leader_peers(
    engine: Engine,
    vectors: InitiativeVectors,
    user_key: str,
    *,
    k: int = TOP_PEERS,
    language: str = "en",
    penalties: Mapping[str, float] | None = None,
) -> LeaderPeers:
    """Peers of the initiative this leader submitted most recently, for their own eyes.

    Only initiatives whose leaders agreed to be listed are candidates; the leader's own
    initiative is compared whether or not it is listed (it is theirs). `penalties` (peer key
    -> score factor) is the leader's "not relevant" feedback from their digests.
    """
    with session_scope(engine) as session:
        leader = find_leader(session, user_key)  # also an imported leader, by Telegram id
        leader_id = leader.id if leader else None
    if leader_id is None:
        return LeaderPeers(None, [])
    profiles = load_profiles(engine)
    own = [p for p in profiles if p.leader_id == leader_id]
    if not own:
        return LeaderPeers(None, [])
    mine = max(own, key=lambda p: (p.created_at is not None, p.created_at, p.db_id))
    vector_set = vectors.vectors_for(profiles)
    found = peers(
        profiles, mine.key, k=k, vectors=vector_set, language=language, penalties=penalties
    )
    return LeaderPeers(mine, found)
