"""Hand-made digest data for the pure composition tests: only what a test is about."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from analysis.digest import DigestData, Entry, Gap, NeedMatch, PeerItem, Snapshot

#: Thursday of ISO week 49, 2026, at 09:00 UTC (10:00 in Madrid).
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def entry(n: int, name: str | None = None, *, issue: str = "Food waste", **extra: Any) -> Entry:
    joined = extra.pop("joined", datetime(2026, 12, 1, tzinfo=UTC))
    return Entry(n, f"k{n}", name or f"Initiative {n}", issue, joined)


def data(**changes: Any) -> DigestData:
    """A full weekly digest for leader 1 (Ines, Second Harvest Kitchen) in English."""
    base: dict[str, Any] = {
        "leader_id": 1,
        "language": "en",
        "frequency": "weekly",
        "timezone": "Europe/Madrid",
        "quiet_choice": "note",
        "initiative_name": "Second Harvest Kitchen",
        "issue": "Food waste",
        "leader_name": "Ines Calloway",
        "new": [entry(2, "Port Calder Food Rescue")],
        "peers": [
            PeerItem(entry(3, "Eastbrook Community Fridges"), ["Both work with FreshWay"], True),
            PeerItem(entry(4, "Zero Waste Schools"), ["Similar issue: “food waste”"], False),
        ],
        "needs": [NeedMatch("funding", [entry(5, "Greenleaf Surplus Fund")])],
        "gaps": [Gap("sector", "business"), Gap("task", "financing")],
        "snapshot": Snapshot(initiatives=12, bridged=0.4, tasks_covered=5),
    }
    return DigestData(**(base | changes))
