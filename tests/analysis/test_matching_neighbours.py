"""The clustered (approximate) neighbour search finds what the exact search finds."""

from __future__ import annotations

import numpy as np

from analysis.matching.neighbours import EXACT_LIMIT, clustered_neighbours, top_neighbours


def _clustered_points(n: int, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(40, 64))
    points = centers[rng.integers(0, 40, n)] + rng.normal(scale=1.0, size=(n, 64))
    return (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(np.float32)


def test_clustered_search_recalls_the_exact_top_5() -> None:
    n = EXACT_LIMIT + 1000
    points = _clustered_points(n)
    everyone = np.arange(n)
    approximate, _ = top_neighbours(points, everyone, everyone, 30)  # above the exact limit
    exact, _ = top_neighbours(
        points[:EXACT_LIMIT], everyone[:EXACT_LIMIT], everyone[:EXACT_LIMIT], 5
    )
    assert not (approximate == everyone[:, None]).any()  # never itself
    clustered_first, _ = clustered_neighbours(
        points[:EXACT_LIMIT], everyone[:EXACT_LIMIT], everyone[:EXACT_LIMIT], 5
    )
    recall = np.mean(
        [len(set(exact[i]) & set(clustered_first[i])) / 5 for i in range(EXACT_LIMIT)]
    )
    assert recall >= 0.95
