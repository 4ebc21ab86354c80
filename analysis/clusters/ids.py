"""Stable cluster ids: a new run's clusters inherit the previous run's ids by membership.

Community detection numbers its groups arbitrarily and differently on every run, while people
cite an issue cluster by id ("/map c3"). So each new cluster is matched to the previous cluster
whose members it shares most (Jaccard, greedy from the best pair down: with a few dozen clusters
the greedy pairing equals the optimal one in practice and stays explainable). Only clusters with
no good predecessor get a fresh id, numbered past every id ever issued so that a retired id never
comes back meaning something else.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

ID_PREFIX = "c"
_NUMBERED = re.compile(rf"^{ID_PREFIX}(\d+)$")

#: Below this membership overlap a new cluster is a different issue, not the old one renamed.
MIN_JACCARD = 0.2


def _jaccard(new: frozenset[str], old: set[str], new_keys: set[str], old_keys: set[str]) -> float:
    """Overlap counted only over keys both runs know: added or removed members are not change."""
    shared = new & old
    if not shared:
        return 0.0
    union = (new & old_keys) | (old & new_keys)
    return len(shared) / len(union)


def next_number(issued: Iterable[str]) -> int:
    """1 + the highest `cN` number ever issued (ids in another form never block a number)."""
    numbers = [int(m.group(1)) for i in issued if (m := _NUMBERED.match(i))]
    return max(numbers, default=0) + 1


def match_ids(
    groups: Sequence[frozenset[str]],
    previous: Mapping[str, str] | None,
    issued: Iterable[str] = (),
    *,
    min_jaccard: float = MIN_JACCARD,
) -> tuple[list[str], tuple[str, ...]]:
    """Ids for `groups` (in their order) and every id issued so far, sorted.

    `previous` maps member key -> previous cluster id; `issued` lists all ids ever minted
    (including retired ones) so none is reused.
    """
    old_groups: dict[str, set[str]] = defaultdict(set)
    for key, cluster_id in (previous or {}).items():
        old_groups[cluster_id].add(key)
    old_keys = set((previous or {}).keys())
    new_keys = set().union(*groups) if groups else set()
    pairs = []
    for index, group in enumerate(groups):
        for old_id, members in old_groups.items():
            score = _jaccard(group, members, new_keys, old_keys)
            if score >= min_jaccard:
                pairs.append((-score, -len(group & members), index, old_id))
    pairs.sort()
    ids: list[str | None] = [None] * len(groups)
    taken: set[str] = set()
    for _, _, index, old_id in pairs:
        if ids[index] is None and old_id not in taken:
            ids[index] = old_id
            taken.add(old_id)
    all_issued = set(issued) | set(old_groups)
    number = next_number(all_issued)
    final = []
    for matched in ids:
        if matched is None:
            matched = f"{ID_PREFIX}{number}"
            all_issued.add(matched)
            number += 1
        final.append(matched)
    return final, tuple(sorted(all_issued, key=_id_order))


def _id_order(cluster_id: str) -> tuple[int, str]:
    match = _NUMBERED.match(cluster_id)
    return (int(match.group(1)) if match else 1 << 30, cluster_id)
