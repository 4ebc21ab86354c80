"""The development-stage estimate (Helix's own proposal) from metrics set by hand."""

from __future__ import annotations

import pytest

from analysis.metrics.result import Metric, Part, measure
from analysis.metrics.stage import CONDITIONS, estimate_stage

KEYS = {c.metric for conditions in CONDITIONS.values() for c in conditions} | {"data_confidence"}


def _metrics(**values: float | tuple[float | None, dict[str, Part]]) -> dict[str, Metric]:
    """Every key the stage reads; unset ones lack data. A tuple gives (value, parts)."""
    out = {}
    for key in KEYS:
        given = values.get(key)
        value, parts = given if isinstance(given, tuple) else (given, {})
        n = 10 if value is not None else 0
        out[key] = measure(key, key, "", "helix_proposal", n=n, min_n=1, value=value, parts=parts)
    return out


def test_connecting_but_not_cohering() -> None:
    metrics = _metrics(
        largest_component_share=0.5,
        isolates=0.1,
        system_consciousness=(None, {"awareness": 0.15}),
        data_confidence=0.8,
    )
    stage = estimate_stage(metrics, size=6)
    # S1: 3 of 3 hold. S2: LCC > 0.6 no, awareness >= 0.2 no -> 0 of 2: stops at S1
    assert stage.stage == "S1"
    assert stage.conditions["S1"] == {
        "largest component share >= 0.3": True,
        "isolates <= 30 %": True,
        "awareness >= 0.1": True,
    }
    # 5 of 16 conditions could be evaluated: confidence = 0.8 * 5/16 = 0.25 -> low
    assert stage.confidence == pytest.approx(0.25)
    assert stage.confidence_level == "low"


def test_two_of_three_is_mostly() -> None:
    metrics = _metrics(
        largest_component_share=0.4,
        isolates=0.4,
        system_consciousness=(None, {"awareness": 0.3}),
        data_confidence=1.0,
    )
    assert estimate_stage(metrics, size=6).stage == "S1"


def test_ladder_a_steward_in_a_fragmented_field_is_still_s0() -> None:
    metrics = _metrics(
        largest_component_share=0.2,
        isolates=0.5,
        stewardship=1,
        task_coverage=1.0,
        ei_index=0.3,
        data_confidence=1.0,
    )
    stage = estimate_stage(metrics, size=9)
    assert stage.conditions["S3"] == {
        "a steward is present": True,
        "task coverage >= 6 of 7": True,
        "cross-sector E-I > 0": True,
    }
    assert stage.stage == "S0"
    assert stage.label == "Latent / fragmented"


def test_one_condition_is_not_evidence() -> None:
    assert estimate_stage(_metrics(largest_component_share=0.9), size=6).stage == "S0"


def test_small_cluster_gets_no_stage() -> None:
    stage = estimate_stage(_metrics(largest_component_share=0.9), size=4)
    assert stage.stage is None
    assert stage.label == "not enough data (n = 4 initiatives; needs 5)"
    assert "not Waddell" in stage.note
    assert stage.to_json()["basis"] == "helix_proposal"
