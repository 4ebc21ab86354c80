"""Who else works on the same issue: ranked peers with reasons, and how well that works.

`peers` / `all_peers` are pure (profiles and a `VectorSet` in, `Peer`s out); `InitiativeVectors`
is the adapter that embeds initiatives once per content and keeps the vectors in Chroma.
"""

from analysis.matching.lookup import find_profile
from analysis.matching.reasons import Peer, peer_json
from analysis.matching.scoring import DEFAULT_WEIGHTS, Weights, all_peers, peers
from analysis.matching.vectors import (
    COLLECTION,
    InitiativeVectors,
    VectorSet,
    VectorStoreMismatch,
    initiative_collection,
    open_initiative_vectors,
    vector_set,
)

__all__ = [
    "COLLECTION",
    "DEFAULT_WEIGHTS",
    "InitiativeVectors",
    "Peer",
    "VectorSet",
    "VectorStoreMismatch",
    "Weights",
    "all_peers",
    "find_profile",
    "initiative_collection",
    "open_initiative_vectors",
    "peer_json",
    "peers",
    "vector_set",
]
