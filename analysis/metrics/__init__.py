"""The change system in numbers (issue 7): one call per cluster, typed result, two renderings.

    from analysis.metrics import analyze_cluster, render_text
    result = analyze_cluster(profiles, members={"fw-01", "fw-02", ...})
    print(render_text(result))        # terminal
    json.dumps(result.to_json())      # --json

Formulas, meanings and minimum data per metric: docs/metrics.md.
"""

from analysis.metrics.analyze import analyze_cluster
from analysis.metrics.render import render_text
from analysis.metrics.result import Metric, StageEstimate, SystemMetrics

__all__ = ["Metric", "StageEstimate", "SystemMetrics", "analyze_cluster", "render_text"]
