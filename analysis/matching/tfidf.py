"""A TF-IDF baseline over issue + goals, so every matching number has a floor beside it.

Written with numpy (no scikit-learn): smoothed idf, sublinear tf, L2-normalised rows, cosine.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from analysis.matching.text import goals_text, issue_text
from analysis.profiles import Profile
from knowledge.lexical import tokenize


def tfidf_matrix(texts: Sequence[str]) -> np.ndarray:
    """Rows are unit TF-IDF vectors of `texts` over their own vocabulary."""
    docs = [Counter(tokenize(text)) for text in texts]
    vocabulary = {term: i for i, term in enumerate(sorted({t for d in docs for t in d}))}
    frequency = Counter(term for doc in docs for term in doc)
    n = len(docs)
    matrix = np.zeros((n, len(vocabulary)), dtype=np.float32)
    for row, doc in enumerate(docs):
        for term, count in doc.items():
            idf = math.log((1 + n) / (1 + frequency[term])) + 1.0
            matrix[row, vocabulary[term]] = (1.0 + math.log(count)) * idf
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.asarray(matrix / np.clip(norms, 1e-12, None), dtype=np.float32)


def tfidf_rankings(profiles: Sequence[Profile], k: int) -> dict[str, list[str]]:
    """Each initiative's `k` nearest others by TF-IDF cosine of issue + goals, best first."""
    matrix = tfidf_matrix([f"{issue_text(p)} {goals_text(p)}" for p in profiles])
    sims = matrix @ matrix.T
    np.fill_diagonal(sims, -np.inf)
    keys = [p.key for p in profiles]
    return {
        keys[i]: [keys[j] for j in np.argsort(-sims[i], kind="stable")[:k]]
        for i in range(len(profiles))
    }
