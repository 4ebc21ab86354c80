"""The second strand of the double helix: bridges from initiatives to production-system actors.

A bridge is a `ps_link` edge between a cluster initiative and a `ps_actor` node. These metrics
come from the research digest's SCS-specific set, so they are labelled Helix proposals.
"""

from __future__ import annotations

from collections import Counter

from analysis.metrics.chains import CHAINS, CROSS_CUTTING
from analysis.metrics.context import ClusterView, blau, mean
from analysis.metrics.result import Metric, measure

MIN_INITIATIVES = 3
MIN_BRIDGES = 3
"""Depth, segment and mode mixes on one or two bridges describe those links, not the system."""
DEEP = 3
"""Depth 3 = regular joint work, the interview's first level beyond contact and help."""
ENGAGEMENT_MODES = 8


def _bridges(view: ClusterView) -> list[tuple[str, str, dict[str, object]]]:
    return list(view.ties("ps_link"))


def ps_bridge_share(view: ClusterView) -> Metric:
    bridges = _bridges(view)
    bridged = {key for key, _, _ in bridges}
    actors = {actor for _, actor, _ in bridges}
    internal = sum(p.record.initiative_form == "internal_ps_project" for p in view.profiles)
    possible = view.size * len(actors)
    return measure(
        "ps_bridge_share",
        "Production-system bridge share",
        "share of initiatives that engage at least one production-system actor",
        "helix_proposal",
        n=view.size,
        min_n=MIN_INITIATIVES,
        value=len(bridged) / view.size if view.size else None,
        parts={
            "bridges": len(bridges),
            "ps_actors": len(actors),
            "bridge_density": len(bridges) / possible if possible else None,
            "internal_ps_projects": internal,
        },
    )


def ps_bridge_depth(view: ClusterView) -> Metric:
    depths = [int(d) for _, _, attrs in _bridges(view) if isinstance(d := attrs["depth"], int)]
    return measure(
        "ps_bridge_depth",
        "Bridge depth",
        "mean depth of engagement with PS actors, 1 = contact to 5 = changed practice",
        "helix_proposal",
        n=len(depths),
        min_n=MIN_BRIDGES,
        unit="bridges with a depth",
        value=mean(depths),
        parts={"deep_share": sum(d >= DEEP for d in depths) / len(depths) if depths else None},
    )


def _main_system(view: ClusterView) -> str | None:
    systems = Counter(
        p.record.production_system.strip().lower()
        for p in view.profiles
        if p.record.production_system
    )
    if not systems:
        return None
    return min(systems, key=lambda s: (-systems[s], s))


def ps_segment_coverage(view: ClusterView) -> Metric:
    """Chain segments touched by bridges / segments in the chain of the cluster's main system."""
    system = _main_system(view)
    chain = CHAINS.get(system or "", ())
    segments = [
        str(segment)
        for _, actor, attrs in _bridges(view)
        if (segment := attrs["segment"] or view.graph.nodes[actor].get("segment"))
    ]
    touched = [s for s in chain if s in segments]
    return measure(
        "ps_segment_coverage",
        "Chain segment coverage",
        "share of the production chain's segments that initiatives reach",
        "helix_proposal",
        n=len(segments) if chain else 0,
        min_n=MIN_BRIDGES,
        unit="bridges with a chain segment",
        value=len(touched) / len(chain) if chain else None,
        parts={
            "production_system": system,
            "touched": touched,
            "untouched": [s for s in chain if s not in segments],
            "cross_cutting": sorted({s for s in segments if s in CROSS_CUTTING}),
        },
    )


def engagement_modes(view: ClusterView) -> Metric:
    """Shares of bridges by engagement mode, and Blau diversity over the modes."""
    modes = Counter(str(attrs["relation"]) for _, _, attrs in _bridges(view) if attrs["relation"])
    total = sum(modes.values())
    value = blau(modes.values())
    return measure(
        "engagement_modes",
        "Engagement-mode mix",
        "how varied the ways of engaging the production system are (Blau)",
        "helix_proposal",
        n=total,
        min_n=MIN_BRIDGES,
        unit="bridges with a mode",
        value=value,
        parts={
            "shares": {m: c / total for m, c in sorted(modes.items())} if total else {},
            "normalised": value / (1 - 1 / max(ENGAGEMENT_MODES, len(modes))),
        },
    )
