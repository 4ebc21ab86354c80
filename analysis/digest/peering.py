"""Peers for many leaders at once, each with their own "not relevant" penalties.

`analysis.matching.peers` ranks one initiative per call and rebuilds the whole ranking (meaning
vectors, attributes, partner weights) every time: about as costly as ranking everybody, so a
1,000-leader digest run would pay for it 1,000 times. `all_peers` ranks everybody once but knows
only one set of penalties. This module takes `all_peers`' top `k + SPARE` per initiative and
applies each leader's penalties afterwards.

That is exact: a penalty only lowers a score, so each of the true top `k` is within the
unpenalised top `k + P` (P = how many peers that leader penalised). Leaders with more than
`SPARE` penalised peers, and runs with only a few leaders (a preview, `--leader ID`), go through
`peers` one by one instead. The one difference from `peers` is that scores are re-ranked after
rounding to two decimals, which can swap two peers whose scores differ by less than 0.01.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from analysis.matching import Peer, VectorSet, all_peers, peers
from analysis.profiles import Profile

SPARE = 5
"""Extra candidates ranked per initiative to make room for penalised peers."""
FEW = 20
"""Below this many leaders in one language, ranking each alone is cheaper than everybody."""


@dataclass(frozen=True)
class PeerQuery:
    """One leader's initiative, the language of its reasons, and the leader's penalties.

    `penalties` maps peer keys to a score factor in 0..1; 0 hides (the leader's own other
    initiatives are passed as 0, so they are never their peers).
    """

    key: str
    language: str = "en"
    penalties: Mapping[str, float] = field(default_factory=dict)


def ranked_peers(
    profiles: Sequence[Profile], vectors: VectorSet, queries: Sequence[PeerQuery], k: int
) -> list[list[Peer]]:
    """The top `k` listed peers for each query, in query order."""
    out: list[list[Peer]] = [[] for _ in queries]
    by_language: dict[str, list[int]] = defaultdict(list)
    for n, query in enumerate(queries):
        if len(query.penalties) > SPARE:
            out[n] = _alone(profiles, vectors, query, k)
        else:
            by_language[query.language].append(n)
    for language, members in by_language.items():
        if len(members) < FEW:
            for n in members:
                out[n] = _alone(profiles, vectors, queries[n], k)
            continue
        found = all_peers(profiles, k=k + SPARE, vectors=vectors, language=language)
        for n in members:
            out[n] = _penalised(found.get(queries[n].key, []), queries[n].penalties, k)
    return out


def _alone(
    profiles: Sequence[Profile], vectors: VectorSet, query: PeerQuery, k: int
) -> list[Peer]:
    return peers(
        profiles,
        query.key,
        k=k,
        vectors=vectors,
        penalties=query.penalties,
        language=query.language,
    )


def _penalised(candidates: list[Peer], penalties: Mapping[str, float], k: int) -> list[Peer]:
    """Candidates re-ranked with penalties applied (0 removes), best first, top `k`."""
    if not penalties:
        return candidates[:k]
    scored = []
    for rank, peer in enumerate(candidates):
        factor = min(1.0, max(0.0, float(penalties.get(peer.key, 1.0))))
        if factor > 0.0:
            scored.append((-peer.score * factor, rank, peer, factor))
    scored.sort(key=lambda item: (item[0], item[1]))
    return [
        peer if factor == 1.0 else replace(peer, score=round(peer.score * factor, 2))
        for _, _, peer, factor in scored[:k]
    ]
