"""The typed result of a change-system analysis, and its JSON shape.

One `Metric` type for all 20-odd numbers keeps the terminal and JSON renderings uniform; the
named fields of `SystemMetrics` keep callers typed (`result.density.value`). A metric with too
little data has `value = None` and says so (`enough` is False): "not enough data (n = 2)" is
more honest than a density of 1.0 computed on two initiatives.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Literal

Basis = Literal["standard", "published", "helix_proposal"]
"""How well a formula is sourced: a textbook network measure, a named published index, or
Helix's own proposal (thresholds and combinations to calibrate; not Waddell's)."""

Part = float | int | str | bool | None | list[str] | dict[str, float] | dict[str, int]

_DIGITS = 3


def rounded(value: Any) -> Any:
    """Floats to 3 decimals, recursively; JSON stays readable and stable across platforms."""
    if isinstance(value, float):
        return round(value, _DIGITS)
    if isinstance(value, dict):
        return {key: rounded(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [rounded(item) for item in value]
    return value


@dataclass(frozen=True)
class Metric:
    """One number about the change system, with what it rests on."""

    key: str
    title: str
    meaning: str
    basis: Basis
    n: int
    """How many data points it rests on (initiatives, ties, answers: see docs/metrics.md)."""
    min_n: int
    unit: str = "initiatives"
    """What n counts, for "not enough data (n = 2 initiatives; needs 3)"."""
    value: float | int | None = None
    parts: dict[str, Part] = field(default_factory=dict)

    @property
    def enough(self) -> bool:
        return self.n >= self.min_n and self.value is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "value": rounded(self.value) if self.enough else None,
            "enough_data": self.enough,
            "n": self.n,
            "min_n": self.min_n,
            "unit": self.unit,
            "basis": self.basis,
            "meaning": self.meaning,
            "parts": rounded(self.parts),
        }


def measure(
    key: str,
    title: str,
    meaning: str,
    basis: Basis,
    *,
    n: int,
    min_n: int,
    value: float | int | None,
    unit: str = "initiatives",
    parts: dict[str, Part] | None = None,
) -> Metric:
    """A Metric whose value is dropped when n is below the minimum (parts are kept)."""
    return Metric(
        key=key,
        title=title,
        meaning=meaning,
        basis=basis,
        n=n,
        min_n=min_n,
        unit=unit,
        value=value if n >= min_n else None,
        parts=parts or {},
    )


@dataclass(frozen=True)
class StageEstimate:
    """Helix's own proposal of a development stage (S0-S4); not Waddell's stages."""

    stage: str | None
    label: str
    confidence: float
    confidence_level: str
    conditions: dict[str, dict[str, bool]]
    """Per stage, each condition that could be evaluated and whether it held."""
    n: int
    min_n: int
    note: str = (
        "Helix's own proposal, built from published network-stage ideas; "
        "not Waddell's list of stages. Thresholds are starting values."
    )

    def to_json(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "label": self.label,
            "confidence": rounded(self.confidence),
            "confidence_level": self.confidence_level,
            "conditions": self.conditions,
            "n": self.n,
            "min_n": self.min_n,
            "basis": "helix_proposal",
            "note": self.note,
        }


@dataclass(frozen=True)
class SystemMetrics:
    """Every issue-7 metric for one cluster (one issue's change system)."""

    size: Metric
    coverage: Metric
    density: Metric
    components: Metric
    largest_component_share: Metric
    isolates: Metric
    degree_centralization: Metric
    brokers: Metric
    ei_index: Metric
    sector_diversity: Metric
    missing_sectors: Metric
    task_coverage: Metric
    ps_bridge_share: Metric
    ps_bridge_depth: Metric
    ps_segment_coverage: Metric
    engagement_modes: Metric
    system_consciousness: Metric
    coherence: Metric
    stewardship: Metric
    needs_offers_match: Metric
    data_confidence: Metric
    stage: StageEstimate

    def metrics(self) -> list[Metric]:
        """The metrics in reporting order (the stage estimate is separate)."""
        return [value for f in fields(self) if isinstance(value := getattr(self, f.name), Metric)]

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-able dict; metric keys are stable (they are the field names)."""
        data: dict[str, Any] = {metric.key: metric.to_json() for metric in self.metrics()}
        data["stage"] = self.stage.to_json()
        return data
