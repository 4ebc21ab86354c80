"""Stewardship presence: is someone looking after the whole system, and placed to do it?

A steward needs both a mandate and a position. Mandate: other initiatives name it when asked who
convenes the whole effort (deep-dive question `steward`), or it declares itself a convener
(organizing is a core task and it is a network or collaboration). Position: its betweenness is
in the top decile of the working network. The digest's collective-impact condition score is not
computed: the interview does not ask for it.
"""

from __future__ import annotations

import math
from collections import Counter

import networkx as nx

from analysis.metrics.context import ClusterView
from analysis.metrics.result import Metric, measure
from analysis.network.graph import mentioned_id
from analysis.network.names import NameIndex

MIN_INITIATIVES = 5
"""A "top decile" of fewer than five initiatives is just the busiest one."""
REACH_STEPS = 2
_CONVENING_FORMS = frozenset({"network", "collaboration"})


def _named_stewards(view: ClusterView) -> Counter[str]:
    """Working-network nodes named as steward, with how many answers named each."""
    index = NameIndex({key: view.label(key) for key in view.keys})
    named: Counter[str] = Counter()
    for text in view.answers("steward"):
        node = index.match(str(text)) or mentioned_id(str(text))
        if node in view.work:
            named[node] += 1
    return named


def _self_declared(view: ClusterView) -> set[str]:
    return {
        p.key
        for p in view.profiles
        if p.record.tasks.get("organizing") == "core"
        and p.record.initiative_form in _CONVENING_FORMS
    }


def top_decile(scores: dict[str, float]) -> set[str]:
    """Nodes whose betweenness ranks in the top 10 % (at least one node), ignoring zeros."""
    if not scores:
        return set()
    k = max(1, math.ceil(0.1 * len(scores)))
    cutoff = sorted(scores.values(), reverse=True)[k - 1]
    return {node for node, c in scores.items() if c >= cutoff and c > 0}


def stewardship(view: ClusterView) -> Metric:
    named = _named_stewards(view)
    candidates = set(named) | _self_declared(view)
    placed = candidates & top_decile(view.betweenness)
    steward = (
        max(sorted(placed), key=lambda node: (named[node], view.betweenness[node]))
        if placed
        else None
    )
    reach = None
    if steward is not None and view.size > 1:
        near = nx.single_source_shortest_path_length(view.work, steward, cutoff=REACH_STEPS)
        reach = sum(1 for key in view.keys if key in near and key != steward) / (
            view.size - (steward in view.keys)
        )
    return measure(
        "stewardship",
        "Stewardship presence",
        "1 = a convener with a mandate also sits at the centre of the network",
        "helix_proposal",
        n=view.size,
        min_n=MIN_INITIATIVES,
        value=int(steward is not None),
        parts={
            "steward": view.label(steward) if steward is not None else None,
            "reach": reach,
            "candidates": sorted(view.label(node) for node in candidates),
            "named_as_steward": {view.label(node): c for node, c in sorted(named.items())},
        },
    )
