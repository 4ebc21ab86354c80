"""The one adapter between the database and the digest composer: a whole run in one call.

A digest run serves up to thousands of leaders at once, so everything shared is read or
computed once: the profiles, their vectors, the issue clusters, the network graph, each
cluster's metrics, and the peers of all recipients together (`peering.ranked_peers`). Per
leader there is only list filtering and composing.

A leader's own initiative is the one they submitted most recently (as for /peers); their other
initiatives are never shown to them as peers or newcomers. Only listed initiatives are ever
turned into an `Entry`, the only shape the composer can name.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import networkx as nx
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from analysis.changesystems import TOP_PEERS, cluster_profiles
from analysis.digest.compose import compose
from analysis.digest.content import Digest
from analysis.digest.data import (
    DigestData,
    Entry,
    PeerItem,
    entry_of,
    fold_category,
    gaps_of,
    needs_offered,
    new_since,
    snapshot_of,
)
from analysis.digest.peering import PeerQuery, ranked_peers
from analysis.digest.periods import MONTHLY, WEEKLY, previous_period_start
from analysis.matching import InitiativeVectors, Peer, VectorSet
from analysis.metrics import SystemMetrics, analyze_cluster
from analysis.network import build_graph
from analysis.profiles import Profile, load_profiles
from intake.storage import session_scope
from intake.storage.digests import NOT_RELEVANT, DigestSettings, last_sent_at
from intake.storage.tables import Leader, PeerFeedback


def build_digests(
    engine: Engine,
    vectors: InitiativeVectors,
    recipients: Sequence[DigestSettings],
    now: datetime,
    *,
    clusters_store: Path | None = None,
) -> dict[int, Digest | None]:
    """Each recipient's digest for their current period (None: nothing to send them).

    None when the leader has no initiative, their frequency is off, or nothing is new and they
    chose to skip quiet periods. `clusters_store` keeps cluster ids stable between runs (as
    `survey` does); None clusters without reading or writing it.
    """
    out: dict[int, Digest | None] = {s.leader_id: None for s in recipients}
    wanted = [s for s in recipients if s.frequency in (WEEKLY, MONTHLY)]
    if not wanted:
        return out
    profiles = load_profiles(engine)
    own = _newest_by_leader(profiles, {s.leader_id for s in wanted})
    wanted = [s for s in wanted if s.leader_id in own]
    if not wanted:
        return out
    run = _Run(engine, profiles, vectors.vectors_for(profiles), clusters_store)
    ids = [s.leader_id for s in wanted]
    with session_scope(engine) as session:
        sent = last_sent_at(session, ids)
        marked = penalties_of(session, ids)
    queries = [
        PeerQuery(
            own[s.leader_id].key,
            s.language,
            {**marked[s.leader_id], **dict.fromkeys(run.keys_of(s.leader_id), 0.0)},
        )
        for s in wanted
    ]
    found = ranked_peers(profiles, run.vectors, queries, TOP_PEERS)
    for settings, peers in zip(wanted, found, strict=True):
        sent_at = sent.get(settings.leader_id)
        since = sent_at or previous_period_start(settings.frequency, now, settings.zone)
        mine = own[settings.leader_id]
        data = run.data_for(settings, mine, peers, since, now, first=sent_at is None)
        out[settings.leader_id] = compose(data, now)
    return out


def _newest_by_leader(profiles: Sequence[Profile], leader_ids: set[int]) -> dict[int, Profile]:
    """Each leader's most recently submitted initiative (as `changesystems.leader_peers`)."""
    newest: dict[int, Profile] = {}
    for p in profiles:
        if p.leader_id in leader_ids:
            best = newest.get(p.leader_id)
            if best is None or _recency(p) > _recency(best):
                newest[p.leader_id] = p
    return newest


def _recency(p: Profile) -> tuple[bool, datetime | None, int]:
    return (p.created_at is not None, p.created_at, p.db_id)


class _Run:
    """What every leader's digest in one run shares, computed once and cached per cluster."""

    def __init__(
        self, engine: Engine, profiles: list[Profile], vectors: VectorSet, store: Path | None
    ) -> None:
        self.profiles = profiles
        self.vectors = vectors
        self.by_key = {p.key: p for p in profiles}
        self.cluster_of = cluster_profiles(profiles, vectors, store).cluster_of
        self.members: dict[str, list[Profile]] = {}
        for p in profiles:
            cluster = self.cluster_of.get(p.key)
            if cluster is not None:
                self.members.setdefault(cluster, []).append(p)
        self.entries = {p.key: entry_of(p) for p in profiles if p.listed}
        self.offers = {
            p.key: frozenset(fold_category(o.category) for o in p.record.offers)
            for p in profiles
            if p.listed and p.record.offers
        }
        self.own_keys: dict[int, list[str]] = {}
        for p in profiles:
            if p.leader_id is not None:
                self.own_keys.setdefault(p.leader_id, []).append(p.key)
        self.reachable = _introducible(engine, profiles)
        self._graph: nx.Graph | None = None
        self._metrics: dict[str, SystemMetrics] = {}

    def keys_of(self, leader_id: int) -> list[str]:
        return self.own_keys.get(leader_id, [])

    def metrics(self, mine: Profile) -> SystemMetrics:
        cluster = self.cluster_of.get(mine.key, f"alone:{mine.key}")
        if cluster not in self._metrics:
            if self._graph is None:
                self._graph = build_graph(self.profiles, cluster_of=self.cluster_of)
            members = [p.key for p in self.members.get(cluster, [mine])]
            self._metrics[cluster] = analyze_cluster(self.profiles, members, self._graph)
        return self._metrics[cluster]

    def data_for(
        self,
        settings: DigestSettings,
        mine: Profile,
        ranked: list[Peer],
        since: datetime,
        now: datetime,
        *,
        first: bool,
    ) -> DigestData:
        """One leader's digest data: their issue cluster seen from their newest initiative."""
        theirs = set(self.keys_of(settings.leader_id))
        cluster = self.cluster_of.get(mine.key)
        members = self.members.get(cluster, []) if cluster is not None else []
        around = [
            self.entries[p.key] for p in members if p.key in self.entries and p.key not in theirs
        ]
        new = new_since(around, since, now)
        peers = [
            PeerItem(self.entries[p.key], list(p.reasons), p.key in self.reachable)
            for p in ranked
            if p.key in self.entries and p.key not in theirs
        ]
        others: dict[str, Entry] = {}
        for entry in [*(p.entry for p in peers), *new, *around]:
            others.setdefault(entry.key, entry)
        offering = [(e, self.offers.get(e.key, frozenset())) for e in others.values()]
        metrics = self.metrics(mine)
        return DigestData(
            leader_id=settings.leader_id,
            language=settings.language,
            frequency=settings.frequency,
            timezone=settings.timezone,
            quiet_choice=settings.quiet,
            initiative_name=mine.name,
            issue=mine.record.issue,
            leader_name=settings.name,
            first=first,
            new=new,
            peers=peers,
            needs=needs_offered([n.category for n in mine.record.needs], offering),
            gaps=gaps_of(metrics),
            snapshot=snapshot_of(metrics),
        )


def _introducible(engine: Engine, profiles: Sequence[Profile]) -> set[str]:
    """Keys of listed initiatives whose leader agreed to introductions and can be reached."""
    consenting = {p.key: p.leader_id for p in profiles if p.listed and p.introductions}
    leader_ids = {i for i in consenting.values() if i is not None}
    reachable: set[int] = set()
    with session_scope(engine) as session:
        ids = sorted(leader_ids)
        for start in range(0, len(ids), 500):
            rows = session.exec(
                select(Leader.id, Leader.telegram_id, Leader.active).where(
                    col(Leader.id).in_(ids[start : start + 500])
                )
            ).all()
            reachable.update(i for i, tg, active in rows if i is not None and tg and active)
    return {key for key, leader in consenting.items() if leader in reachable}


def penalties_of(session: Session, leader_ids: list[int]) -> dict[int, dict[str, float]]:
    """`intake.storage.digests.penalties` for many leaders in one query per 500 leaders.

    One query per leader cost about 1 ms each: a second of a 1,000-leader run.
    """
    found: dict[int, dict[str, float]] = {leader_id: {} for leader_id in leader_ids}
    for start in range(0, len(leader_ids), 500):
        rows = session.exec(
            select(PeerFeedback.leader_id, PeerFeedback.peer_key).where(
                col(PeerFeedback.leader_id).in_(leader_ids[start : start + 500])
            )
        ).all()
        for leader_id, peer_key in rows:
            found[leader_id][peer_key] = NOT_RELEVANT
    return found
