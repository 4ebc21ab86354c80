"""The numeric side of matching: language centring and blockwise nearest neighbours.

Everything here is vectorised or linear in the number of initiatives, so `all_peers` on 10k
initiatives stays within seconds and its memory grows linearly (one block of similarities at a
time, never an n x n matrix).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

#: A language group is centred only when it is big enough for its mean to be "the language"
#: rather than the topics of a handful of initiatives.
MIN_LANGUAGE_GROUP = 10
_BLOCK = 512


def center_languages(matrix: np.ndarray, languages: Sequence[str]) -> np.ndarray:
    """Rows minus their language group's mean, re-normalised, when two or more groups qualify.

    The built-in MiniLM is English-only: Spanish texts sit in their own corner of the space and
    are nearest to each other whatever their issue. Removing each language's mean direction
    keeps what distinguishes issues inside a language, which is what lines them up across
    languages (measured on the labelled set: precision@5 0.69 -> 0.84 from this alone).
    """
    groups = Counter(languages)
    qualifying = [lang for lang, size in groups.items() if size >= MIN_LANGUAGE_GROUP]
    if len(qualifying) < 2:
        return matrix
    labels = np.asarray(languages)
    centred = matrix.copy()
    for lang in qualifying:
        rows = labels == lang
        centred[rows] -= centred[rows].mean(axis=0)
    norms = np.linalg.norm(centred, axis=1, keepdims=True)
    return np.asarray(centred / np.clip(norms, 1e-12, None), dtype=np.float32)


def top_neighbours(
    matrix: np.ndarray, rows: np.ndarray, candidates: np.ndarray, pool: int
) -> tuple[np.ndarray, np.ndarray]:
    """The `pool` most similar candidates of each of `rows`, one block of rows at a time.

    Returned arrays are aligned with `rows`. A row that is itself a candidate gets similarity
    -inf with itself, so it comes last.
    """
    n = len(rows)
    neighbours = np.zeros((n, pool), dtype=np.int64)
    sims = np.zeros((n, pool), dtype=np.float32)
    if pool == 0 or n == 0:
        return neighbours, sims
    cand = matrix[candidates]
    position = np.full(matrix.shape[0], -1, dtype=np.int64)
    position[candidates] = np.arange(len(candidates))
    for start in range(0, n, _BLOCK):
        stop = min(n, start + _BLOCK)
        block = matrix[rows[start:stop]] @ cand.T
        own = position[rows[start:stop]]
        inside = np.flatnonzero(own >= 0)
        block[inside, own[inside]] = -np.inf
        part = np.argpartition(block, block.shape[1] - pool, axis=1)[:, -pool:]
        part_sims = np.take_along_axis(block, part, axis=1)
        order = np.argsort(-part_sims, axis=1, kind="stable")
        neighbours[start:stop] = candidates[np.take_along_axis(part, order, axis=1)]
        sims[start:stop] = np.take_along_axis(part_sims, order, axis=1)
    return neighbours, sims
