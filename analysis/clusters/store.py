"""Where the previous run's cluster assignment lives between runs: one JSON file.

Stable ids need the last assignment (member key -> cluster id) and every id ever issued. The
caller chooses the path (next to the database, usually). The file is written to a temporary
name in the same directory and renamed over the old one, so a crash mid-write leaves the old
assignment intact rather than a truncated file that would silently re-number every cluster.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from analysis.atomic import write_text_atomic
from analysis.clusters.assign import ClusterAssignment

FORMAT_VERSION = 1


@dataclass(frozen=True)
class StoredAssignment:
    """What `assign_clusters` needs from the last run: its `previous` and `issued` arguments."""

    previous: dict[str, str]
    issued: tuple[str, ...] = ()


def load_assignment(path: Path) -> StoredAssignment:
    """The stored assignment, or an empty one when the file does not exist yet.

    A file that exists but cannot be read raises ValueError: guessing would re-number clusters.
    """
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return StoredAssignment(previous={})
    try:
        data = json.loads(raw)
        if data.get("version") != FORMAT_VERSION:
            raise ValueError(f"unknown version {data.get('version')!r}")
        members = data["members"]
        issued = data["issued"]
        if not isinstance(members, dict) or not isinstance(issued, list):
            raise ValueError("members must be an object and issued a list")
        previous = {str(k): str(v) for k, v in members.items()}
        return StoredAssignment(previous=previous, issued=tuple(str(i) for i in issued))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"cannot read the cluster assignment in {path}: {exc}") from exc


def save_assignment(path: Path, assignment: ClusterAssignment) -> None:
    """Write `assignment` atomically (temporary file + rename in the same directory)."""
    data = {
        "version": FORMAT_VERSION,
        "members": dict(sorted(assignment.cluster_of.items())),
        "issued": list(assignment.issued),
    }
    write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
