"""The cluster assignment file: round trip, atomic replace, honest failure on a bad file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from analysis.clusters.assign import Cluster, ClusterAssignment, assign_clusters
from analysis.clusters.store import load_assignment, save_assignment


def test_missing_file_is_an_empty_previous_run(tmp_path: Path) -> None:
    stored = load_assignment(tmp_path / "clusters.json")
    assert stored.previous == {}
    assert stored.issued == ()


def test_round_trip_feeds_the_next_run(tmp_path: Path) -> None:
    path = tmp_path / "state" / "clusters.json"
    assignment = ClusterAssignment(
        clusters=(
            Cluster(id="c3", name="Energy poverty", members=("ep-1", "ep-2")),
            Cluster(id="c1", name="Food waste", members=("fw-1",), bridges=("ep-2",)),
        ),
        issued=("c1", "c2", "c3"),
    )
    save_assignment(path, assignment)
    stored = load_assignment(path)
    assert stored.previous == {"ep-1": "c3", "ep-2": "c3", "fw-1": "c1"}
    assert stored.issued == ("c1", "c2", "c3")
    assert [p.name for p in path.parent.iterdir()] == ["clusters.json"]  # no temp file left

    vectors = np.eye(3)[[0, 0, 1]].astype(np.float32)
    again = assign_clusters(
        ["ep-1", "ep-2", "fw-1"],
        vectors,
        ["a", "b", "c"],
        previous=stored.previous,
        issued=stored.issued,
    )
    assert again.cluster_of == stored.previous


def test_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "clusters.json"
    old = ClusterAssignment(clusters=(Cluster(id="c1", name="x", members=("a",)),), issued=("c1",))
    save_assignment(path, old)
    before = path.read_text(encoding="utf-8")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("analysis.atomic.os.replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        save_assignment(path, ClusterAssignment(clusters=(), issued=("c1", "c2")))
    assert path.read_text(encoding="utf-8") == before
    assert [p.name for p in tmp_path.iterdir()] == ["clusters.json"]


@pytest.mark.parametrize(
    "content", ["{not json", '{"version": 99, "members": {}, "issued": []}', '{"version": 1}']
)
def test_unreadable_file_is_an_error_not_a_fresh_start(tmp_path: Path, content: str) -> None:
    path = tmp_path / "clusters.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match="cannot read the cluster assignment"):
        load_assignment(path)
