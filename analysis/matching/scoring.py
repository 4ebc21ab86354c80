"""Who else works on the same issue: the ranking core (pure: profiles and vectors in, peers out).

Issue meaning comes first: each initiative is one unit vector mixing its issue text (weighted
most) with its goals, centred per language (`neighbours.center_languages`). Candidates are the
nearest neighbours by that meaning, found blockwise so 10k initiatives never need a 10k x 10k
matrix. Candidates are then refined, each step measured on the labelled set (`evaluate.py`):

- organisations both work with (stakeholders, production-system actors), idf-weighted so a
  rare shared partner counts and a council everyone names does not;
- same production system, chain segment, a need one offers, region: small bonuses *scaled by
  meaning*, fading out as issue similarity falls, so "also food" cannot carry a farmworker-wages
  initiative above a food-waste one.

Shared nearest neighbours (cluster agreement) were tried and dropped: they lowered
precision@5 on the labelled set (0.905 -> 0.893 at weight 0.1, 0.888 at 0.25).
Reasons in plain words are written only for the final top k.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from analysis.matching.neighbours import PartnerOverlap, center_languages, top_neighbours
from analysis.matching.reasons import Peer, reasons_for
from analysis.matching.text import Attributes, attributes_of, language_of
from analysis.matching.vectors import VectorSet
from analysis.profiles import Profile


@dataclass(frozen=True)
class Weights:
    """The scoring knobs; the defaults are the values measured best on the labelled set."""

    issue_weight: float = 0.7
    pool: int = 30
    partners: float = 0.2
    production_system: float = 0.02
    segment: float = 0.02
    need_offer: float = 0.01
    region: float = 0.01
    gate_low: float = 0.1
    gate_high: float = 0.4


DEFAULT_WEIGHTS = Weights()


def peers(
    profiles: Sequence[Profile],
    target_key: str,
    *,
    k: int = 3,
    vectors: VectorSet,
    listed_only: bool = True,
    penalties: Mapping[str, float] | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
) -> list[Peer]:
    """The top `k` peers of one initiative, best first, each with its reasons.

    The target itself may be unlisted (a leader always sees their own peers); with
    `listed_only` no unlisted initiative is ever returned as a peer. `penalties` maps peer keys
    to a multiplier in 0..1 on their score ("not relevant" feedback); 0 hides that peer.
    """
    target = next((i for i, p in enumerate(profiles) if p.key == target_key), None)
    if target is None:
        raise KeyError(f"no initiative with key {target_key!r}")
    ranking = _Ranking(profiles, vectors, listed_only, penalties or {}, weights)
    return ranking.peers_of(target, k)


def all_peers(
    profiles: Sequence[Profile],
    *,
    k: int,
    vectors: VectorSet,
    listed_only: bool = True,
    penalties: Mapping[str, float] | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
) -> dict[str, list[Peer]]:
    """Peers of every initiative, keyed by profile key (blockwise; memory grows linearly)."""
    ranking = _Ranking(profiles, vectors, listed_only, penalties or {}, weights)
    return {profile.key: ranking.peers_of(i, k) for i, profile in enumerate(profiles)}


class _Ranking:
    def __init__(
        self,
        profiles: Sequence[Profile],
        vectors: VectorSet,
        listed_only: bool,
        penalties: Mapping[str, float],
        weights: Weights,
    ) -> None:
        self.profiles = profiles
        self.weights = weights
        self.penalty = np.ones(len(profiles), dtype=np.float32)
        for i, profile in enumerate(profiles):
            if profile.key in penalties:
                self.penalty[i] = min(1.0, max(0.0, float(penalties[profile.key])))
        keys = [p.key for p in profiles]
        languages = [language_of(p) for p in profiles]
        rows = vectors.rows(keys)
        self.issue = center_languages(vectors.issue[rows], languages)
        self.goals = center_languages(vectors.goals[rows], languages)
        mixed = weights.issue_weight * self.issue + (1.0 - weights.issue_weight) * self.goals
        norms = np.linalg.norm(mixed, axis=1, keepdims=True)
        self.matrix = np.asarray(mixed / np.clip(norms, 1e-12, None), dtype=np.float32)
        self.all_attributes = [attributes_of(p) for p in profiles]
        self.partners = PartnerOverlap([frozenset(a.partners) for a in self.all_attributes])
        allowed = [i for i, p in enumerate(profiles) if p.listed or not listed_only]
        self.candidates = np.asarray(allowed, dtype=np.int64)
        self.pool = min(weights.pool, len(allowed))
        self.neighbours, self.sims = top_neighbours(self.matrix, self.candidates, self.pool)

    def attributes(self, i: int) -> Attributes:
        return self.all_attributes[i]

    def peers_of(self, i: int, k: int) -> list[Peer]:
        if k <= 0 or self.pool == 0:
            return []
        w = self.weights
        scored: list[tuple[float, float, int]] = []
        for j, sim in zip(self.neighbours[i].tolist(), self.sims[i].tolist(), strict=True):
            if j == i or not np.isfinite(sim) or self.penalty[j] == 0.0:
                continue
            gate = min(1.0, max(0.0, (sim - w.gate_low) / (w.gate_high - w.gate_low)))
            bonus = gate * self._attribute_bonus(i, j)
            partners = w.partners * self.partners.cosine(i, j)
            score = max(0.0, sim + partners + bonus) * float(self.penalty[j])
            scored.append((score, sim, j))
        scored.sort(key=lambda item: (-item[0], self.profiles[item[2]].key))
        return [
            Peer(
                key=self.profiles[j].key,
                name=self.profiles[j].name,
                score=_display(score),
                reasons=reasons_for(
                    self.profiles[i],
                    self.profiles[j],
                    self.attributes(i),
                    self.attributes(j),
                    issue_similarity=float(self.issue[i] @ self.issue[j]),
                    goals_similarity=float(self.goals[i] @ self.goals[j]),
                ),
            )
            for score, _sim, j in scored[:k]
        ]

    def _attribute_bonus(self, i: int, j: int) -> float:
        a, b, w = self.attributes(i), self.attributes(j), self.weights
        bonus = 0.0
        if a.production_system and a.production_system == b.production_system:
            bonus += w.production_system
            if a.segments & b.segments:
                bonus += w.segment
        if (a.needs & b.offers) or (a.offers & b.needs):
            bonus += w.need_offer
        if (a.town and a.town == b.town) or (
            a.wider_region and a.wider_region in (b.town, b.wider_region)
        ):
            bonus += w.region
        return bonus


def _display(score: float) -> float:
    """0..1 for people: the raw score clipped (partner and attribute bonuses can pass 1)."""
    return round(min(1.0, max(0.0, score)), 2)
