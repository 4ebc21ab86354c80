"""The one call behind `helix analyze`: every metric for one cluster, plus the stage estimate."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import fields

import networkx as nx

from analysis.metrics import awareness, diversity, production, stewardship, structure
from analysis.metrics.confidence import data_confidence
from analysis.metrics.context import ClusterView
from analysis.metrics.exchange import needs_offers_match
from analysis.metrics.result import Metric, SystemMetrics
from analysis.metrics.stage import estimate_stage
from analysis.metrics.tasks import task_coverage
from analysis.network import build_graph
from analysis.profiles import Profile


def analyze_cluster(
    profiles: Sequence[Profile], members: Collection[str], graph: nx.Graph | None = None
) -> SystemMetrics:
    """Metrics of the change system formed by the profiles whose keys are in `members`.

    `profiles` may be all profiles (partner names are matched against all of them when the
    graph is built here); pass `graph` from `build_graph(profiles)` to share one build across
    clusters. Keys in `members` without a profile are ignored. Pure: no I/O, no clock.
    """
    view = ClusterView(profiles, members, graph if graph is not None else build_graph(profiles))
    coverage = structure.coverage(view)
    found: list[Metric] = [
        structure.size(view),
        coverage,
        structure.density(view),
        structure.components(view),
        structure.largest_component_share(view),
        structure.isolates(view),
        structure.degree_centralization(view),
        structure.brokers(view),
        diversity.ei_index(view),
        diversity.sector_diversity(view),
        diversity.missing_sectors(view),
        task_coverage(view),
        production.ps_bridge_share(view),
        production.ps_bridge_depth(view),
        production.ps_segment_coverage(view),
        production.engagement_modes(view),
        awareness.system_consciousness(view),
        awareness.coherence(view),
        stewardship.stewardship(view),
        needs_offers_match(view),
        data_confidence(view, coverage.value if coverage.enough else None),
    ]
    by_key = {metric.key: metric for metric in found}
    names = [f.name for f in fields(SystemMetrics) if f.name != "stage"]
    stage = estimate_stage(by_key, size=view.size)
    return SystemMetrics(**{name: by_key[name] for name in names}, stage=stage)
