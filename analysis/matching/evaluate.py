"""Matching quality on the committed labelled set, Helix beside the TF-IDF baseline.

precision@5 per initiative = share of its top k peers carrying its own `extra.label_issue`, with
k = min(5, same-label count - 1) so small issues are not punished for having few peers; the
mean over all initiatives is reported. Both rankers run on the same profiles in the same call.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from analysis.matching.scoring import DEFAULT_WEIGHTS, Weights, all_peers
from analysis.matching.tfidf import tfidf_rankings
from analysis.matching.vectors import VectorSet
from analysis.profiles import Profile
from intake.records import InitiativeRecord

LABELLED_SET = Path(__file__).resolve().parent.parent / "eval" / "peers_labelled.jsonl"


@dataclass(frozen=True)
class Evaluation:
    helix: float
    tfidf: float
    initiatives: int
    issues: int


def load_labelled(path: Path = LABELLED_SET) -> list[Profile]:
    """The labelled initiatives as profiles (key = record id), in file order."""
    profiles = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            record = InitiativeRecord.model_validate(json.loads(line))
            profiles.append(
                Profile(key=record.id or f"line:{number}", db_id=number, record=record)
            )
    return profiles


def label_of(profile: Profile) -> str:
    return str(profile.record.merged_extra()["label_issue"])


def precision_at_5(profiles: Sequence[Profile], ranked: Mapping[str, Sequence[str]]) -> float:
    """Mean share of same-label keys among each initiative's first min(5, n_label - 1) peers."""
    labels = {p.key: label_of(p) for p in profiles}
    sizes = Counter(labels.values())
    scores = []
    for profile in profiles:
        k = min(5, sizes[labels[profile.key]] - 1)
        if k <= 0:
            continue
        top = list(ranked.get(profile.key, ()))[:k]
        scores.append(sum(labels.get(key) == labels[profile.key] for key in top) / k)
    return sum(scores) / len(scores) if scores else 0.0


def evaluate(
    profiles: Sequence[Profile], vectors: VectorSet, weights: Weights = DEFAULT_WEIGHTS
) -> Evaluation:
    """Helix's matcher and TF-IDF on the same profiles (all of them: the operator's view)."""
    helix = all_peers(profiles, k=5, vectors=vectors, listed_only=False, weights=weights)
    helix_keys = {key: [peer.key for peer in found] for key, found in helix.items()}
    return Evaluation(
        helix=precision_at_5(profiles, helix_keys),
        tfidf=precision_at_5(profiles, tfidf_rankings(profiles, 5)),
        initiatives=len(profiles),
        issues=len({label_of(p) for p in profiles}),
    )
