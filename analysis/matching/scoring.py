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

import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from analysis.matching.features import Features
from analysis.matching.neighbours import center_languages, top_neighbours
from analysis.matching.reasons import (
    MAY_PARTNERS,
    SIMILAR_GOALS,
    SIMILAR_GOALS_BIT,
    SIMILAR_ISSUE,
    SIMILAR_ISSUE_BIT,
    Peer,
    ReasonWriter,
)
from analysis.matching.text import attributes_of, language_of
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
    language: str = "en",
) -> list[Peer]:
    """The top `k` peers of one initiative, best first, each with its reasons.

    The target itself may be unlisted (a leader always sees their own peers); with
    `listed_only` no unlisted initiative is ever returned as a peer. `penalties` maps peer keys
    to a multiplier in 0..1 on their score ("not relevant" feedback); 0 hides that peer.
    Reasons are written in `language` (en, es).
    """
    target = next((i for i, p in enumerate(profiles) if p.key == target_key), None)
    if target is None:
        raise KeyError(f"no initiative with key {target_key!r}")
    ranking = _Ranking(
        profiles, vectors, listed_only, penalties or {}, weights, [target], language=language
    )
    return ranking.peers_of(target, k)


def all_peers(
    profiles: Sequence[Profile],
    *,
    k: int,
    vectors: VectorSet,
    listed_only: bool = True,
    penalties: Mapping[str, float] | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
    language: str = "en",
) -> dict[str, list[Peer]]:
    """Peers of every initiative, keyed by profile key (blockwise; memory grows linearly)."""
    with _gc_paused():
        ranking = _Ranking(
            profiles, vectors, listed_only, penalties or {}, weights, None, language=language
        )
        found = ranking.top(np.arange(len(profiles)), k)
        return {profile.key: found[i] for i, profile in enumerate(profiles)}


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while `all_peers` builds its many small objects.

    At 10k initiatives it allocates 10k attribute sets and 50k peers with their reason lists;
    with the profiles (and the caller's models) alive, the collector re-scanned the whole heap
    every few thousand allocations: ~1 s of a warm 10k run. Nothing built here forms a cycle,
    so pausing frees nothing later than it would be freed anyway; the previous state returns.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(frozen=True)
class Meaning:
    """Per-initiative unit vectors, language-centred: issue, goals, and their weighted mix."""

    issue: np.ndarray
    goals: np.ndarray
    mixed: np.ndarray


def meaning_of(
    profiles: Sequence[Profile], vectors: VectorSet, weights: Weights = DEFAULT_WEIGHTS
) -> Meaning:
    """What "working on the same issue" is measured on; clustering uses the same `mixed` rows."""
    languages = [language_of(p) for p in profiles]
    rows = vectors.rows([p.key for p in profiles])
    issue = center_languages(vectors.issue[rows], languages)
    goals = center_languages(vectors.goals[rows], languages)
    mixed = weights.issue_weight * issue + (1.0 - weights.issue_weight) * goals
    norms = np.linalg.norm(mixed, axis=1, keepdims=True)
    return Meaning(issue, goals, np.asarray(mixed / np.clip(norms, 1e-12, None), np.float32))


class _Ranking:
    def __init__(
        self,
        profiles: Sequence[Profile],
        vectors: VectorSet,
        listed_only: bool,
        penalties: Mapping[str, float],
        weights: Weights,
        targets: Sequence[int] | None,
        *,
        language: str = "en",
    ) -> None:
        """Neighbours are searched for `targets` only (all initiatives when None)."""
        self.profiles = profiles
        self.weights = weights
        self.penalty = np.ones(len(profiles), dtype=np.float32)
        for i, profile in enumerate(profiles):
            if profile.key in penalties:
                self.penalty[i] = min(1.0, max(0.0, float(penalties[profile.key])))
        meaning = meaning_of(profiles, vectors, weights)
        self.issue, self.goals, self.matrix = meaning.issue, meaning.goals, meaning.mixed
        self.all_attributes = [attributes_of(p) for p in profiles]
        self.writer = ReasonWriter(profiles, self.all_attributes, language)
        allowed = [i for i, p in enumerate(profiles) if p.listed or not listed_only]
        self.candidates = np.asarray(allowed, dtype=np.int64)
        self.pool = min(weights.pool, len(allowed))
        queries = np.arange(len(profiles)) if targets is None else np.asarray(targets, np.int64)
        self.queries = queries
        self.row_of = {int(r): n for n, r in enumerate(queries)}
        self.neighbours, self.sims = top_neighbours(
            self.matrix, queries, self.candidates, self.pool
        )
        self.features = Features(self.all_attributes)
        self.partners = np.zeros(self.neighbours.shape)
        self.scores = self._score(queries)

    def _score(self, queries: np.ndarray) -> np.ndarray:
        """Each candidate's final score (-inf: never show): meaning, partners, gated bonuses."""
        w, cands, sims = self.weights, self.neighbours, self.sims.astype(np.float64)
        if cands.size == 0:
            return np.zeros(cands.shape)
        gate = np.clip((sims - w.gate_low) / (w.gate_high - w.gate_low), 0.0, 1.0)
        bonus = self.features.bonus(
            queries, cands, (w.production_system, w.segment, w.need_offer, w.region)
        )
        self.partners = self.features.partner_cosine(queries, cands)
        penalty = self.penalty[cands]
        scores = np.maximum(0.0, sims + w.partners * self.partners + gate * bonus) * penalty
        hidden = ~np.isfinite(sims) | (cands == queries[:, None]) | (penalty == 0.0)
        scores[hidden] = -np.inf
        return scores

    def peers_of(self, i: int, k: int) -> list[Peer]:
        return self.top(np.asarray([self.row_of[i]]), k)[0]

    def top(self, rows: np.ndarray, k: int) -> list[list[Peer]]:
        """The top `k` peers of each of `rows` (positions in `queries`), best first, with reasons.

        Ranking, similarities and which reasons may apply are worked out for all pairs at once
        in numpy; Python only assembles each peer's sentences (see `ReasonWriter`).
        """
        if k <= 0 or self.pool == 0:
            return [[] for _ in rows]
        order = np.argsort(-self.scores[rows], axis=1, kind="stable")[:, :k]
        scores = np.take_along_axis(self.scores[rows], order, axis=1)
        peers = np.take_along_axis(self.neighbours[rows], order, axis=1)
        targets = self.queries[rows]
        flags = self.features.reason_flags(targets, peers)
        flags |= np.where(
            np.take_along_axis(self.partners[rows], order, axis=1) > 0, MAY_PARTNERS, 0
        )
        flags |= np.where(
            _pair_dots(self.issue, targets, peers) >= SIMILAR_ISSUE, SIMILAR_ISSUE_BIT, 0
        )
        flags |= np.where(
            _pair_dots(self.goals, targets, peers) >= SIMILAR_GOALS, SIMILAR_GOALS_BIT, 0
        )
        shown = (scores != -np.inf).tolist()
        display = np.clip(scores, 0.0, 1.0).tolist()
        profiles, reasons = self.profiles, self.writer.reasons
        out: list[list[Peer]] = []
        for n, i in enumerate(targets.tolist()):
            found: list[Peer] = []
            for j, score, flag, ok in zip(
                peers[n].tolist(), display[n], flags[n].tolist(), shown[n], strict=True
            ):
                if not ok:
                    break  # hidden candidates sort last
                peer = profiles[j]
                found.append(Peer(peer.key, peer.name, round(score, 2), reasons(i, j, flag)))
            out.append(found)
        return out


def _pair_dots(vectors: np.ndarray, rows: np.ndarray, peers: np.ndarray) -> np.ndarray:
    """`vectors[rows[a]] @ vectors[peers[a, b]]` as float64, a block of rows at a time.

    float64 so the thresholds compare as they would on Python floats (a float32 array would
    round 0.35 to float32 first).
    """
    out = np.empty(peers.shape, dtype=np.float64)
    step = max(1, 4096 // max(1, peers.shape[1]))
    for start in range(0, len(rows), step):
        left = vectors[rows[start : start + step]]
        right = vectors[peers[start : start + step]]
        out[start : start + step] = np.einsum("ad,abd->ab", left, right)
    return out
