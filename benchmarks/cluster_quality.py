"""Issue clusters: which method recovers the issues, and how stable ids are as data grows.

Run `python benchmarks/cluster_quality.py`. It embeds two sets with the real offline MiniLM
model: the 30 demo records (issue statement + detail, plus half-weighted goals, as matching
combines them; three issues) and 37 bare one-line issue statements across 8 issues, a quarter
in Spanish (`cluster_texts.py`). For each it reports the adjusted Rand index (1 = the true
issues exactly, 0 = chance) and the number of clusters for kNN-graph + seeded Louvain at several
settings beside thresholded average-linkage agglomerative clustering. Then, on the demo set,
20 random "20 % more initiatives arrive" trials: the share of earlier members whose cluster id
did not change. Numbers are reported, never asserted; the tests hold the pass/fail floors.
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from itertools import combinations
from math import comb
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # runnable as a plain script from a checkout
    sys.path.insert(0, str(ROOT))

from analysis.clusters.assign import ClusterSettings, assign_clusters  # noqa: E402
from benchmarks.cluster_texts import ISSUE_TEXTS  # noqa: E402
from knowledge.embeddings import MiniLMEmbeddings  # noqa: E402

DEMO = ROOT / "analysis" / "demo" / "initiatives.jsonl"


def adjusted_rand(truth: list[str], found: list[str]) -> float:
    pairs = Counter(zip(truth, found, strict=True))
    both = sum(comb(v, 2) for v in pairs.values())
    a = sum(comb(v, 2) for v in Counter(truth).values())
    b = sum(comb(v, 2) for v in Counter(found).values())
    expected = a * b / comb(len(truth), 2)
    best = (a + b) / 2
    return 1.0 if best == expected else (both - expected) / (best - expected)


def agglomerative(vectors: np.ndarray, threshold: float) -> list[str]:
    """Average linkage, merging while the closest pair of groups is above `threshold`."""
    sims = vectors @ vectors.T
    groups = [[i] for i in range(len(vectors))]
    while len(groups) > 1:
        score, a, b = max(
            (float(sims[np.ix_(groups[a], groups[b])].mean()), a, b)
            for a, b in combinations(range(len(groups)), 2)
        )
        if score < threshold:
            break
        groups[a] += groups.pop(b)
    label = {i: str(g) for g, members in enumerate(groups) for i in members}
    return [label[i] for i in range(len(vectors))]


def _sets(model: MiniLMEmbeddings) -> dict[str, tuple[np.ndarray, list[str], list[str]]]:
    rows = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines() if line]
    demo = []
    for row in rows:
        issue = np.array(model.embed_query(f"{row['issue']}. {row.get('issue_detail', '')}"))
        goals = np.array(model.embed_query(". ".join(row.get("goals", []))))
        demo.append((issue + 0.5 * goals) / np.linalg.norm(issue + 0.5 * goals))
    texts = [t for group in ISSUE_TEXTS.values() for t in group]
    labels = [name for name, group in ISSUE_TEXTS.items() for _ in group]
    short = [np.array(model.embed_query(t)) for t in texts]
    return {
        "demo records (issue+detail+goals)": (
            np.array(demo, dtype=np.float32),
            [r["issue"] for r in rows],
            [f"{r['issue']}. {r.get('issue_detail', '')}" for r in rows],
        ),
        "bare issue lines (25% Spanish)": (np.array(short, dtype=np.float32), labels, texts),
    }


def _stability(vectors: np.ndarray, texts: list[str], trials: int = 20) -> float:
    keys = [f"k{i:03d}" for i in range(len(vectors))]
    kept = total = 0
    for trial in range(trials):
        late = set(random.Random(trial).sample(range(len(keys)), len(keys) // 6))
        early = [i for i in range(len(keys)) if i not in late]
        before = assign_clusters(
            [keys[i] for i in early], vectors[early], [texts[i] for i in early]
        )
        after = assign_clusters(keys, vectors, texts, previous=before.cluster_of)
        kept += sum(after.cluster_of[k] == c for k, c in before.cluster_of.items())
        total += len(before.cluster_of)
    return kept / total


def main() -> None:
    model = MiniLMEmbeddings()
    summary: dict[str, float] = {}
    sets = _sets(model)
    for name, (vectors, truth, texts) in sets.items():
        print(f"\n{name}: n = {len(truth)}, issues = {len(set(truth))}")
        keys = [f"k{i:03d}" for i in range(len(truth))]
        for k in (3, 5, 8):
            for resolution in (0.8, 1.0, 1.2):
                for floor in (0.2, 0.3, 0.4):
                    settings = ClusterSettings(
                        neighbours=k, resolution=resolution, min_similarity=floor
                    )
                    result = assign_clusters(keys, vectors, texts, settings=settings)
                    found = [result.cluster_of[key] for key in keys]
                    if settings == ClusterSettings():
                        summary[f"ari_default {name}"] = round(adjusted_rand(truth, found), 3)
                    print(
                        f"  louvain k={k} res={resolution} floor={floor}: "
                        f"ARI {adjusted_rand(truth, found):.3f}, {len(result.clusters)} clusters"
                    )
        for threshold in (0.2, 0.25, 0.3, 0.35, 0.4):
            found = agglomerative(vectors, threshold)
            print(
                f"  agglomerative threshold={threshold}: "
                f"ARI {adjusted_rand(truth, found):.3f}, {len(set(found))} clusters"
            )
    vectors, _, texts = sets["demo records (issue+detail+goals)"]
    summary["stability_demo"] = round(_stability(vectors, texts), 3)
    print(
        f"\nstability (demo, 20 trials of +20 %): {summary['stability_demo']:.3f} "
        "of earlier members kept their cluster id"
    )
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
