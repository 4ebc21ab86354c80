from __future__ import annotations

import pytest

from analysis.metrics import analyze_cluster
from analysis.metrics.render import render_text
from analysis.metrics.tasks import coverage_threshold
from tests.analysis.factory import profile


def test_task_coverage_by_hand() -> None:
    profiles = [
        profile("t1", tasks={"visioning": "core", "organizing": "minor"}),
        profile("t2", tasks={"visioning": "minor", "learning": "core"}),
        profile("t3", tasks={"organizing": "core", "learning": "minor"}),
        profile("t4", tasks={"innovating": "core", "financing": "none"}),
        profile("t5"),  # no ratings: not counted
    ]
    metric = analyze_cluster(profiles, [p.key for p in profiles]).task_coverage
    # rated = 4; threshold = max(2, ceil(0.1 * 4)) = 2 performers
    # performed: visioning 2, organizing 2, learning 2, innovating 1, others 0
    # covered 3 of 7 = 0.4286
    assert metric.n == 4
    assert metric.parts["threshold"] == 2
    assert metric.value == pytest.approx(3 / 7)
    assert metric.parts["gaps"] == ["innovating", "financing", "measuring", "advocating"]
    performed = metric.parts["performed_share"]
    core = metric.parts["core_share"]
    assert isinstance(performed, dict)
    assert isinstance(core, dict)
    assert performed["visioning"] == pytest.approx(0.5)
    assert core["visioning"] == pytest.approx(0.25)
    assert core["organizing"] == pytest.approx(0.25)


@pytest.mark.parametrize(("rated", "theta"), [(3, 2), (20, 2), (21, 3), (25, 3), (100, 10)])
def test_threshold_is_two_or_ten_percent(rated: int, theta: int) -> None:
    assert coverage_threshold(rated) == theta


def test_two_rated_initiatives_are_not_enough() -> None:
    profiles = [profile("a", tasks=["visioning"]), profile("b", tasks=["learning"])]
    metric = analyze_cluster(profiles, ["a", "b"]).task_coverage
    assert not metric.enough
    assert (metric.n, metric.min_n) == (2, 3)


def test_delivering_is_reported_beside_the_seven_not_inside_them() -> None:
    """Four service providers and nothing else: coverage stays 0/7, delivering is shown apart."""
    profiles = [
        profile("d1", tasks={"visioning": "none", "delivering": "core"}),
        profile("d2", tasks={"visioning": "none", "delivering": "core"}),
        profile("d3", tasks={"visioning": "none", "delivering": "minor"}),
        profile("d4", tasks={"visioning": "none"}),  # interviewed before delivering was asked
        profile("d5", tasks={"delivering": "core"}),  # said nothing about the seven
    ]
    metric = analyze_cluster(profiles, [p.key for p in profiles]).task_coverage
    assert metric.n == 4  # d5 rated none of the seven tasks, so it is not in their coverage
    assert metric.value == 0
    assert "delivering" not in metric.parts["gaps"]  # type: ignore[operator]
    assert "delivering" not in metric.parts["performed_share"]  # type: ignore[operator]
    # delivering: d1, d2, d3 and d5 rated it (d4 did not); 4 of 4 do it, 3 of 4 as core
    assert metric.parts["delivering"] == {
        "rated": 4,
        "performed": pytest.approx(1.0),
        "core": pytest.approx(0.75),
    }
    shown = render_text(analyze_cluster(profiles, [p.key for p in profiles]))
    assert "delivering: rated (4), performed (1.00), core (0.75)" in shown


def test_no_delivering_ratings_show_no_delivering_line() -> None:
    profiles = [profile(k, tasks={"visioning": "core"}) for k in ("a", "b", "c")]
    metric = analyze_cluster(profiles, ["a", "b", "c"]).task_coverage
    assert metric.parts["delivering"] == {}
    assert "delivering" not in render_text(analyze_cluster(profiles, ["a", "b", "c"]))
