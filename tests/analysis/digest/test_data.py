"""The pure choices behind a digest: who is new, which needs are offered, which gaps to name."""

from __future__ import annotations

from datetime import timedelta

import pytest

from analysis.digest.data import (
    entry_of,
    fold_category,
    gaps_of,
    needs_offered,
    new_since,
    snapshot_of,
)
from analysis.metrics import analyze_cluster
from analysis.profiles import Profile
from tests.analysis.digest.helpers import NOW, entry
from tests.analysis.factory import profile


def test_new_since_keeps_arrivals_in_the_window_newest_first() -> None:
    since = NOW - timedelta(days=7)
    before = entry(1, joined=since - timedelta(seconds=1))
    edge = entry(2, joined=since)
    later = entry(3, joined=NOW - timedelta(days=1))
    future = entry(4, joined=NOW + timedelta(minutes=1))
    unknown = entry(5, joined=None)
    assert new_since([before, edge, later, future, unknown], since, NOW) == [later, edge]


def test_an_unlisted_initiative_cannot_become_an_entry() -> None:
    hidden = profile("h", "Hidden Pantry", consent={"listed": False})
    with pytest.raises(ValueError, match="not listed"):
        entry_of(hidden)
    shown = entry_of(profile("s", "Shown Pantry", consent={"listed": True}))
    assert (shown.key, shown.name, shown.issue) == ("s", "Shown Pantry", "Food waste")


def test_needs_are_matched_by_folded_category_with_at_most_three_names() -> None:
    assert fold_category(" Policy  Access") == fold_category("policy_access") == "policy_access"
    offering = [
        (entry(n), frozenset({"funding", "policy_access"} if n < 6 else {"data"}))
        for n in range(1, 8)
    ]
    found = needs_offered(["Funding", "funding", "Policy access", "space", "data"], offering)
    assert [(m.need, [e.initiative_id for e in m.offered_by]) for m in found] == [
        ("Funding", [1, 2, 3]),
        ("Policy access", [1, 2, 3]),
        ("data", [6, 7]),
    ]


def _system(n: int, **fields: object) -> list[Profile]:
    return [profile(f"p{i}", f"P{i}", **fields) for i in range(n)]


def test_gaps_name_one_missing_sector_and_one_missing_task_once_data_suffices() -> None:
    rated = _system(
        4,
        stakeholders=[{"name": "City Council", "sector": "government"}],
        tasks={"visioning": "core", "organizing": "core"},
    )
    metrics = analyze_cluster(rated, {p.key for p in rated})
    gaps = gaps_of(metrics)
    assert [g.kind for g in gaps] == ["sector", "task"]
    assert gaps[0].name in metrics.missing_sectors.parts["missing"]  # type: ignore[operator]
    assert gaps[0].name != "government"
    assert gaps[1].name == "learning"  # the first task nobody performs, in interview order
    unrated = _system(2)
    assert gaps_of(analyze_cluster(unrated, {p.key for p in unrated})) == []


def test_the_snapshot_counts_initiatives_bridges_and_covered_tasks() -> None:
    system = _system(3, ps_links=[{"actor": "FreshWay"}], tasks={"visioning": "core"})
    system.append(profile("extra", "Extra"))  # no bridge, no task ratings
    snap = snapshot_of(analyze_cluster(system, {p.key for p in system}))
    assert (snap.initiatives, snap.bridged, snap.tasks_covered) == (4, 0.75, 1)
    small = _system(1)
    alone = snapshot_of(analyze_cluster(small, {"p0"}))
    assert (alone.initiatives, alone.bridged, alone.tasks_covered) == (1, None, None)
