"""Issue clusters on the demo records embedded with the real offline MiniLM model."""

from __future__ import annotations

from typing import Any

import numpy as np

from analysis.clusters.assign import assign_clusters


def _texts(rows: list[dict[str, Any]]) -> list[str]:
    return [f"{r['issue']}. {r.get('issue_detail', '')}" for r in rows]


def test_demo_issues_become_named_clusters(
    demo_rows: list[dict[str, Any]], demo_vectors: np.ndarray
) -> None:
    keys = [r["id"] for r in demo_rows]
    result = assign_clusters(keys, demo_vectors, _texts(demo_rows))
    issue_of = {r["id"]: r["issue"] for r in demo_rows}
    found = {c.name: {issue_of[k] for k in c.members} for c in result.clusters}
    assert [c.size for c in result.clusters] == [12, 10, 8]
    assert all(len(issues) == 1 for issues in found.values())
    names = " | ".join(found).lower()
    assert "food waste" in names
    assert "energy poverty" in names
    assert "mental health" in names


def test_existing_ids_hold_when_twenty_percent_more_arrive(
    demo_rows: list[dict[str, Any]], demo_vectors: np.ndarray
) -> None:
    keys = [r["id"] for r in demo_rows]
    texts = _texts(demo_rows)
    late = set(range(0, len(keys), 6))  # 5 of 30 arrive later: 25 -> 30 is 20 % more
    first = sorted(set(range(len(keys))) - late)
    before = assign_clusters(
        [keys[i] for i in first], demo_vectors[first], [texts[i] for i in first]
    )
    after = assign_clusters(
        keys, demo_vectors, texts, previous=before.cluster_of, issued=before.issued
    )
    assert {c.id for c in after.clusters} == {c.id for c in before.clusters}
    assert all(after.cluster_of[k] == cid for k, cid in before.cluster_of.items())
    assert after.issued == before.issued
