"""Peers for many leaders at once equal `peers` asked one leader at a time, penalties and all."""

from __future__ import annotations

from analysis.digest.peering import FEW, SPARE, PeerQuery, ranked_peers
from analysis.matching import VectorSet, all_peers, peers
from analysis.profiles import Profile


def _queries(labelled: list[Profile], vectors: VectorSet) -> list[PeerQuery]:
    """Every labelled initiative as a leader; some mark their best peers "not relevant"."""
    top = all_peers(labelled, k=3, vectors=vectors)
    queries = []
    for n, p in enumerate(labelled):
        found = [peer.key for peer in top[p.key]]
        marked: dict[str, float] = {}
        if n % 3 == 1:
            marked = {found[0]: 0.3}  # "not relevant"
        elif n % 3 == 2:
            marked = {found[0]: 0.0, found[1]: 0.3}  # their own other initiative, and one more
        elif n % 9 == 0:
            marked = {key: 0.3 for key in list(top)[: SPARE + 2] if key != p.key}  # many
        queries.append(PeerQuery(p.key, "es" if n % 4 == 0 else "en", marked))
    return queries


def test_batched_peers_equal_one_by_one_peers(
    labelled: list[Profile], labelled_vectors: VectorSet
) -> None:
    queries = _queries(labelled, labelled_vectors)
    assert len([q for q in queries if q.language == "en"]) >= FEW
    assert any(len(q.penalties) > SPARE for q in queries)
    batched = ranked_peers(labelled, labelled_vectors, queries, 3)
    for query, found in zip(queries, batched, strict=True):
        alone = peers(
            labelled,
            query.key,
            k=3,
            vectors=labelled_vectors,
            penalties=query.penalties,
            language=query.language,
        )
        assert [p.key for p in found] == [p.key for p in alone], query.key
        assert [p.reasons for p in found] == [p.reasons for p in alone]
        assert all(abs(a.score - b.score) <= 0.011 for a, b in zip(found, alone, strict=True))
        assert not {p.key for p in found} & {k for k, v in query.penalties.items() if v == 0}


def test_a_few_leaders_are_ranked_one_by_one(
    labelled: list[Profile], labelled_vectors: VectorSet
) -> None:
    query = PeerQuery(labelled[0].key, "en", {})
    (found,) = ranked_peers(labelled, labelled_vectors, [query], 3)
    alone = peers(labelled, query.key, k=3, vectors=labelled_vectors)
    assert found == alone
