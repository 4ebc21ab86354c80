"""Task coverage: which of the seven change-system tasks someone in the system performs.

The task list is Helix's taxonomy adapted from Waddell (only visioning and organizing are
confirmed as his wording), so the metric is labelled a Helix proposal.

Helix's eighth, operational task, delivering (running a service or product day to day), is
reported beside the coverage, never inside it: coverage asks whether the system as a whole gets
its seven change tasks done, and a system full of service providers with nobody financing or
advocating still has those gaps. Its shares count only initiatives that rated it, because
interviews from before it was asked say nothing about it (a missing rating is not "none").
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from analysis.metrics.context import ClusterView
from analysis.metrics.result import Metric, measure
from intake.records import SYSTEM_TASKS

MIN_RATED = 3
"""Initiatives that rated their tasks; with fewer, every task looks either covered or missing."""
MIN_PERFORMERS = 2
SHARE_THRESHOLD = 0.1


def coverage_threshold(rated: int) -> int:
    """A task is covered when at least 2 initiatives, and at least 10 %, perform it."""
    return max(MIN_PERFORMERS, math.ceil(SHARE_THRESHOLD * rated))


def task_coverage(view: ClusterView) -> Metric:
    all_rated = [p.record.tasks for p in view.profiles if p.record.tasks]
    rated = [levels for levels in all_rated if any(t in levels for t in SYSTEM_TASKS)]
    performed = {t: sum(levels.get(t, "none") != "none" for levels in rated) for t in SYSTEM_TASKS}
    core = {t: sum(levels.get(t) == "core" for levels in rated) for t in SYSTEM_TASKS}
    theta = coverage_threshold(len(rated))
    gaps = [t for t in SYSTEM_TASKS if performed[t] < theta]
    n = len(rated)
    return measure(
        "task_coverage",
        "Task coverage",
        "share of the seven tasks that enough initiatives perform",
        "helix_proposal",
        n=n,
        min_n=MIN_RATED,
        unit="initiatives with task ratings",
        value=(len(SYSTEM_TASKS) - len(gaps)) / len(SYSTEM_TASKS),
        parts={
            "gaps": gaps,
            "threshold": theta,
            "performed_share": {t: c / n for t, c in performed.items()} if n else {},
            "core_share": {t: c / n for t, c in core.items()} if n else {},
            "delivering": _delivering(all_rated),
        },
    )


def _delivering(rated: Sequence[Mapping[str, str]]) -> dict[str, float]:
    """How many rated delivering, and the shares doing it at all and as a core activity."""
    levels = [r["delivering"] for r in rated if "delivering" in r]
    if not levels:
        return {}
    return {
        "rated": len(levels),
        "performed": sum(level != "none" for level in levels) / len(levels),
        "core": sum(level == "core" for level in levels) / len(levels),
    }
