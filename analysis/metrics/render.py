"""A cluster's metrics as plain terminal text: one metric a line, value then meaning.

Lists that name things (gaps, missing sectors, brokers, isolates, unmatched needs) follow on an
indented line, because a leader acts on names, not on a share.
"""

from __future__ import annotations

from analysis.metrics.result import Metric, Part, StageEstimate, SystemMetrics

_TITLE_WIDTH = 32
_VALUE_WIDTH = 9
_NAMED_PARTS = {
    "isolates": ("names",),
    "degree_centralization": ("hub",),
    "brokers": ("top",),
    "missing_sectors": ("missing",),
    "task_coverage": ("gaps", "delivering"),
    "ps_segment_coverage": ("untouched",),
    "system_consciousness": ("awareness", "self_identification"),
    "stewardship": ("steward", "reach"),
    "needs_offers_match": ("unmatched",),
    "data_confidence": ("coverage", "completeness", "reciprocity"),
}
_SHOWN_WITHOUT_VALUE = {"system_consciousness"}
"""Its awareness part stands on its own (three initiatives) even without the Likert answers."""
_MAX_NAMES = 8
_PROPOSAL_MARK = "*"


def _number(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return str(value) if isinstance(value, int) else f"{value:.2f}"


def _part_text(value: Part) -> str | None:
    if value is None or value == [] or value == {}:
        return None
    if isinstance(value, list):
        shown = ", ".join(value[:_MAX_NAMES])
        more = len(value) - _MAX_NAMES
        return f"{shown}, and {more} more" if more > 0 else shown
    if isinstance(value, dict):
        return ", ".join(f"{k} ({_number(v)})" for k, v in list(value.items())[:_MAX_NAMES])
    return _number(value)


def metric_line(metric: Metric) -> str:
    title = metric.title + (_PROPOSAL_MARK if metric.basis == "helix_proposal" else "")
    if metric.enough:
        shown = _number(metric.value)
        return f"{title:<{_TITLE_WIDTH}} {shown:<{_VALUE_WIDTH}} {metric.meaning}"
    lack = f"not enough data (n = {metric.n} {metric.unit}; needs {metric.min_n})"
    return f"{title:<{_TITLE_WIDTH}} {lack}"


def _detail_lines(metric: Metric) -> list[str]:
    """Named parts; hidden when the metric lacks data, so gaps are not claimed from 2 records."""
    if not metric.enough and metric.key not in _SHOWN_WITHOUT_VALUE:
        return []
    lines = []
    for name in _NAMED_PARTS.get(metric.key, ()):
        text = _part_text(metric.parts.get(name))
        if text is not None:
            lines.append(f"{'':<4}{name.replace('_', ' ')}: {text}")
    return lines


def stage_line(stage: StageEstimate) -> str:
    head = "Development stage (Helix's own proposal, not Waddell's):"
    if stage.stage is None:
        return f"{head} {stage.label}"
    return (
        f"{head} {stage.stage} {stage.label}, "
        f"confidence {stage.confidence:.2f} ({stage.confidence_level})"
    )


def render_text(result: SystemMetrics) -> str:
    lines = []
    for metric in result.metrics():
        lines.append(metric_line(metric))
        lines.extend(_detail_lines(metric))
    lines.append("")
    lines.append(stage_line(result.stage))
    lines.append(
        f"{_PROPOSAL_MARK} Helix's own proposal built on the change-system literature; "
        "formulas and sources in docs/metrics.md."
    )
    return "\n".join(lines)
