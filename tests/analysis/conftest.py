"""Shared fixtures for analysis tests: the demo records and their real MiniLM issue vectors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

DEMO = Path(__file__).resolve().parents[2] / "analysis" / "demo" / "initiatives.jsonl"


@pytest.fixture(scope="session")
def demo_rows() -> list[dict[str, Any]]:
    with DEMO.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@pytest.fixture(scope="session")
def demo_vectors(demo_rows: list[dict[str, Any]]) -> np.ndarray:
    """Issue statement plus half-weighted goals, like the matching helper combines them."""
    from knowledge.embeddings import MiniLMEmbeddings

    model = MiniLMEmbeddings()
    rows = []
    for row in demo_rows:
        issue = np.array(model.embed_query(f"{row['issue']}. {row.get('issue_detail', '')}"))
        goals = np.array(model.embed_query(". ".join(row.get("goals", []))))
        combined = issue + 0.5 * goals
        rows.append(combined / np.linalg.norm(combined))
    return np.array(rows, dtype=np.float32)
