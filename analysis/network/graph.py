"""The change system as one graph: initiatives, the organisations they name, and the PS actors.

This is the shared contract between the metrics and the maps/exports (docs/architecture.md,
"Analysis graph and metrics"); its node and edge attributes are the only vocabulary they share.

Why one undirected simple graph: every metric in issue 7 is defined on the symmetrised network,
and the maps draw one line per pair. A pair named several ways keeps its strongest kind
(works_with > stakeholder > knows_of); the direction that matters later (who named whom) survives
in two scalar edge attributes, `named_by` and `mutual`, so GraphML export stays possible.

Unmatched known initiatives (`knows_of`) also become "mentioned" nodes, like unmatched partners
and stakeholders: they are efforts of the system that Helix has no record of yet.

Edge attributes beyond the contract:
- `named_by`: key of the initiative that reported the tie, or "both" when each named the other.
- `mutual`: True when both ends reported it (only possible between two initiatives).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx

from analysis.network.names import NameIndex, fold
from analysis.profiles import Profile

DEFAULT_SECTOR = "civil_society"
"""Most initiatives are civil-society efforts; used when nothing says otherwise."""

_PRIORITY = {"works_with": 3, "ps_link": 3, "stakeholder": 2, "knows_of": 1}


def normalise_sector(value: object) -> str | None:
    """A sector as a choice name: "Civil society" -> "civil_society"; blank -> None."""
    if not isinstance(value, str):
        return None
    folded = fold(value)
    return folded.replace(" ", "_") or None


def core_tasks(profile: Profile) -> list[str]:
    return [task for task, level in profile.record.tasks.items() if level == "core"]


def mentioned_id(name: str) -> str:
    return f"m:{fold(name)}"


def ps_actor_id(name: str) -> str:
    return f"ps:{fold(name)}"


class _Builder:
    def __init__(self, profiles: Sequence[Profile], cluster_of: Mapping[str, str]) -> None:
        self.graph = nx.Graph()
        self.cluster_of = cluster_of
        self.index = NameIndex({p.key: p.name for p in profiles})
        self.sectors_given: dict[str, Counter[str]] = defaultdict(Counter)

    def add_initiative(self, profile: Profile) -> None:
        self._node(
            profile.key,
            "initiative",
            profile.name,
            sector=normalise_sector(profile.record.merged_extra().get("sector")),
            tasks=core_tasks(profile),
            production_system=profile.record.production_system,
        )

    def _node(self, node: str, kind: str, label: str, **attrs: Any) -> None:
        """A node with every contract attribute present (None / [] when unknown)."""
        self.graph.add_node(
            node,
            kind=kind,
            label=label.strip(),
            sector=attrs.get("sector"),
            tasks=attrs.get("tasks", []),
            cluster=self.cluster_of.get(node),
            production_system=attrs.get("production_system"),
            segment=attrs.get("segment"),
        )

    def named(self, name: str, sector: str | None) -> str | None:
        """The node a partner/stakeholder/known name stands for (created if new); None if empty."""
        key = self.index.match(name)
        node = key if key is not None else mentioned_id(name)
        if node == "m:":
            return None
        if node not in self.graph:
            self._node(node, "mentioned", name)
        given = normalise_sector(sector)
        if given:
            self.sectors_given[node][given] += 1
        return node

    def ps_actor(self, name: str, segment: str | None, system: str | None) -> str | None:
        node = ps_actor_id(name)
        if node == "ps:":
            return None
        if node not in self.graph:
            self._node(node, "ps_actor", name, production_system=system, segment=segment)
        attrs = self.graph.nodes[node]
        attrs["segment"] = attrs["segment"] or segment
        attrs["production_system"] = attrs["production_system"] or system
        return node

    def tie(self, namer: str, target: str | None, kind: str, **attrs: Any) -> None:
        if target is None or target == namer:
            return
        if not self.graph.has_edge(namer, target):
            self.graph.add_edge(
                namer,
                target,
                kind=kind,
                relation=attrs.get("relation"),
                depth=attrs.get("depth"),
                segment=attrs.get("segment"),
                named_by=namer,
                mutual=False,
            )
            return
        edge = self.graph.edges[namer, target]
        if edge["named_by"] not in (namer, "both"):
            edge["named_by"], edge["mutual"] = "both", True
        if _PRIORITY[kind] > _PRIORITY[edge["kind"]]:
            edge.update(kind=kind, relation=attrs.get("relation"), depth=attrs.get("depth"))
        elif kind == edge["kind"]:
            depths = [d for d in (edge["depth"], attrs.get("depth")) if d is not None]
            edge["depth"] = max(depths) if depths else None
            edge["relation"] = edge["relation"] or attrs.get("relation")

    def finish_sectors(self) -> None:
        """Own sector first, else the one most others gave it, else the initiatives' default."""
        for node, attrs in self.graph.nodes(data=True):
            if attrs["kind"] == "ps_actor" or attrs["sector"]:
                continue
            given = self.sectors_given.get(node)
            if given:
                attrs["sector"] = given.most_common(1)[0][0]
            elif attrs["kind"] == "initiative":
                attrs["sector"] = DEFAULT_SECTOR


def build_graph(
    profiles: Sequence[Profile], *, cluster_of: Mapping[str, str] | None = None
) -> nx.Graph:
    """Every profile as an initiative node, with the ties its record names.

    Partner, stakeholder and known-initiative names are matched to known initiatives
    (`analysis.network.names`); unmatched ones become "mentioned" nodes `m:<folded name>`.
    Production-system actors become "ps_actor" nodes `ps:<folded name>`.
    """
    builder = _Builder(profiles, cluster_of or {})
    for profile in profiles:
        builder.add_initiative(profile)
    for profile in profiles:
        record, key = profile.record, profile.key
        for partner in record.partners:
            target = builder.named(partner.name, partner.sector)
            builder.tie(key, target, "works_with", relation=partner.relation, depth=partner.depth)
        for stakeholder in record.stakeholders:
            target = builder.named(stakeholder.name, stakeholder.sector)
            builder.tie(key, target, "stakeholder", relation=stakeholder.role)
        for known in record.known_initiatives:
            builder.tie(key, builder.named(known, None), "knows_of")
        for link in record.ps_links:
            actor = builder.ps_actor(link.actor, link.segment, record.production_system)
            builder.tie(
                key,
                actor,
                "ps_link",
                relation=link.relation,
                depth=link.depth,
                segment=link.segment,
            )
    builder.finish_sectors()
    return builder.graph
