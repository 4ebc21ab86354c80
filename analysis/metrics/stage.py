"""Development-stage estimate: HELIX'S OWN PROPOSAL, not Waddell's stages.

Waddell describes change systems moving from latent to stewarded but, as far as the research
digest found, names no stage list. The five stages below (S0 latent ... S4 co-evolving with the
production system) are the digest's synthesis of several network-development frameworks; every
threshold is a starting value to calibrate against real systems.

Rule: a stage holds when at least two of its conditions can be evaluated and at least two
thirds of those evaluated hold. Stages are a ladder: the estimate is the highest stage such
that it and every stage below it hold. Confidence = data confidence x share of all conditions
that could be evaluated, so a stage read from half the evidence says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from analysis.metrics.confidence import level
from analysis.metrics.result import Metric, StageEstimate

MIN_INITIATIVES = 5
LABELS = {
    "S0": "Latent / fragmented",
    "S1": "Connecting",
    "S2": "Cohering (self-aware)",
    "S3": "Stewarded / coordinated",
    "S4": "Co-evolving with the production system",
}
_MIN_EVALUATED = 2
_MOSTLY = 2 / 3


class Condition(NamedTuple):
    """`metric` value (or `part`; "a.b" reads key b of dict part a) compared with `threshold`."""

    text: str
    metric: str
    part: str | None
    op: str  # ">=", ">" or "<="
    threshold: float


CONDITIONS: dict[str, tuple[Condition, ...]] = {
    "S1": (
        Condition("largest component share >= 0.3", "largest_component_share", None, ">=", 0.3),
        Condition("isolates <= 30 %", "isolates", None, "<=", 0.3),
        Condition("awareness >= 0.1", "system_consciousness", "awareness", ">=", 0.1),
    ),
    "S2": (
        Condition("largest component share > 0.6", "largest_component_share", None, ">", 0.6),
        Condition("awareness >= 0.2", "system_consciousness", "awareness", ">=", 0.2),
        Condition("some coordination ties", "coherence", "coordination_ties", ">", 0),
        Condition(
            "self-identification >= 4 of 5",
            "system_consciousness",
            "self_identification",
            ">=",
            4,
        ),
        Condition("half align with a shared agenda", "coherence", "shared_agenda", ">=", 0.5),
    ),
    "S3": (
        Condition("a steward is present", "stewardship", None, ">=", 1),
        Condition("task coverage >= 6 of 7", "task_coverage", None, ">=", 6 / 7),
        Condition("cross-sector E-I > 0", "ei_index", None, ">", 0),
        Condition("half share indicators", "coherence", "shared_indicators", ">=", 0.5),
    ),
    "S4": (
        Condition("PS bridge share >= 0.5", "ps_bridge_share", None, ">=", 0.5),
        Condition("bridge depth >= 3", "ps_bridge_depth", None, ">=", 3),
        Condition(
            "a change project inside a producer",
            "ps_bridge_share",
            "internal_ps_projects",
            ">=",
            1,
        ),
        Condition("PS actors co-lead", "engagement_modes", "shares.co_leadership", ">", 0),
    ),
}


def _reading(metric: Metric, part: str | None) -> float | None:
    """The number a condition looks at; None when the metric lacks data."""
    if part is None:
        return float(metric.value) if metric.enough and metric.value is not None else None
    head, _, key = part.partition(".")
    value = metric.parts.get(head)
    if key:
        if not metric.enough or not isinstance(value, dict):
            return None
        value = value.get(key, 0.0)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def evaluate(condition: Condition, metrics: Mapping[str, Metric]) -> bool | None:
    value = _reading(metrics[condition.metric], condition.part)
    if value is None:
        return None
    if condition.op == ">=":
        return value >= condition.threshold
    if condition.op == ">":
        return value > condition.threshold
    return value <= condition.threshold


def _holds(results: dict[str, bool]) -> bool:
    return len(results) >= _MIN_EVALUATED and sum(results.values()) >= _MOSTLY * len(results)


def estimate_stage(metrics: Mapping[str, Metric], *, size: int) -> StageEstimate:
    """The ladder rule above over metrics by key; `size` = initiatives in the cluster."""
    if size < MIN_INITIATIVES:
        return StageEstimate(
            stage=None,
            label=f"not enough data (n = {size} initiatives; needs {MIN_INITIATIVES})",
            confidence=0.0,
            confidence_level="none",
            conditions={},
            n=size,
            min_n=MIN_INITIATIVES,
        )
    evaluated: dict[str, dict[str, bool]] = {}
    for stage, conditions in CONDITIONS.items():
        results = {c.text: evaluate(c, metrics) for c in conditions}
        evaluated[stage] = {text: ok for text, ok in results.items() if ok is not None}
    stage = "S0"
    for name in CONDITIONS:
        if not _holds(evaluated[name]):
            break
        stage = name
    total = sum(len(conditions) for conditions in CONDITIONS.values())
    seen = sum(len(results) for results in evaluated.values())
    data = _reading(metrics["data_confidence"], None) or 0.0
    confidence = data * seen / total
    return StageEstimate(
        stage=stage,
        label=LABELS[stage],
        confidence=confidence,
        confidence_level=level(confidence),
        conditions=evaluated,
        n=size,
        min_n=MIN_INITIATIVES,
    )
