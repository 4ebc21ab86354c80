"""Task coverage: which of the seven change-system tasks someone in the system performs.

The task list is Helix's taxonomy adapted from Waddell (only visioning and organizing are
confirmed as his wording), so the metric is labelled a Helix proposal.
"""

from __future__ import annotations

import math

from analysis.metrics.context import ClusterView
from analysis.metrics.result import Metric, measure
from intake.records import TASKS

MIN_RATED = 3
"""Initiatives that rated their tasks; with fewer, every task looks either covered or missing."""
MIN_PERFORMERS = 2
SHARE_THRESHOLD = 0.1


def coverage_threshold(rated: int) -> int:
    """A task is covered when at least 2 initiatives, and at least 10 %, perform it."""
    return max(MIN_PERFORMERS, math.ceil(SHARE_THRESHOLD * rated))


def task_coverage(view: ClusterView) -> Metric:
    rated = [p.record.tasks for p in view.profiles if p.record.tasks]
    performed = {t: sum(levels.get(t, "none") != "none" for levels in rated) for t in TASKS}
    core = {t: sum(levels.get(t) == "core" for levels in rated) for t in TASKS}
    theta = coverage_threshold(len(rated))
    gaps = [t for t in TASKS if performed[t] < theta]
    n = len(rated)
    return measure(
        "task_coverage",
        "Task coverage",
        "share of the seven tasks that enough initiatives perform",
        "helix_proposal",
        n=n,
        min_n=MIN_RATED,
        unit="initiatives with task ratings",
        value=(len(TASKS) - len(gaps)) / len(TASKS),
        parts={
            "gaps": gaps,
            "threshold": theta,
            "performed_share": {t: c / n for t, c in performed.items()} if n else {},
            "core_share": {t: c / n for t, c in core.items()} if n else {},
        },
    )
