"""Evaluation code: set loaders, metrics, threshold calibration; and the committed-set gate."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.base import KnowledgeBase
from knowledge.eval.calibrate import Evidence, calibrate, choose_rule, choose_threshold, holdout
from knowledge.eval.dataset import OFFTOPIC, QUESTIONS, load_offtopic, load_questions
from knowledge.eval.harness import keyword_only
from knowledge.eval.metrics import evaluate, first_rank, percentile
from knowledge.guard import EVIDENCE_THRESHOLD


def test_loaders_read_the_fixture_sets(fixtures_dir: Path) -> None:
    questions = load_questions(fixtures_dir / "questions.yaml")
    assert questions[0].q == "What is a production system?"
    assert questions[0].expected == ("production-system",)
    assert questions[0].facts == ()  # facts are optional outside the committed set
    assert questions[-1].lang == "es"
    offtopic = load_offtopic(fixtures_dir / "offtopic.yaml")
    assert {o.kind for o in offtopic} == {"offtopic", "injection"}


@pytest.mark.parametrize(
    ("name", "text", "fragment"),
    [
        ("q.yaml", "questions: {a: 1}\n", "expected 'questions:'"),
        ("q.yaml", "questions:\n  - {q: hi}\n", "question 1 needs"),
        ("q.yaml", "questions:\n  - {q: '', expected: [a]}\n", "question 1 needs"),
        ("o.yaml", "offtopic:\n  - {q: hi, kind: rude}\n", "entry 1 needs"),
        ("q.yaml", "questions:\n  - {q: hi, expected: [a], lang: fr}\n", "question 1: 'lang'"),
        ("q.yaml", "questions:\n  - {q: hi, expected: [a], facts: x}\n", "must be a list"),
        ("q.yaml", "questions:\n  - {q: hi, expected: [a], facts: ['(x']}\n", "not a regex"),
    ],
)
def test_loaders_name_the_file_and_entry(
    tmp_path: Path, name: str, text: str, fragment: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    loader = load_questions if name == "q.yaml" else load_offtopic
    with pytest.raises(ValueError, match=fragment) as caught:
        loader(path)
    assert name in str(caught.value)


def test_first_rank_and_percentile() -> None:
    assert first_rank(["b", "x"], ["a", "b", "c"]) == 2
    assert first_rank(["z"], ["a"]) is None
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 50) == 3.0
    assert percentile(list(map(float, range(1, 101))), 95) == 95.0


def test_threshold_sits_in_the_widest_gap_when_separable() -> None:
    chosen = choose_threshold("x", keep=[0.5, 0.6, 0.7], drop=[0.1, 0.2, 0.3])
    assert chosen.value == pytest.approx(0.4)
    assert chosen.false_declines == 0
    assert chosen.answered_offtopic == 0
    assert chosen.margin_in_domain == pytest.approx(0.1)
    assert chosen.margin_offtopic == pytest.approx(0.1)


def test_threshold_prefers_declining_offtopic_when_they_overlap() -> None:
    chosen = choose_threshold("x", keep=[0.3, 0.5, 0.6], drop=[0.1, 0.35])
    # Answering the 0.35 off-topic costs 2, declining the 0.3 in-domain costs 1.
    assert 0.35 < chosen.value <= 0.5
    assert chosen.false_declines == 1
    assert chosen.answered_offtopic == 0
    assert chosen.margin_in_domain < 0


def _evidence(cosine: float, translated: float | None = None) -> Evidence:
    return Evidence(cosine, coverage=0.0, keyword_match=0.0, domain=False, translated=translated)


def test_the_translated_threshold_rescues_foreign_questions_the_chunks_decline() -> None:
    keep = [_evidence(0.6), _evidence(0.7), _evidence(0.2, 0.9), _evidence(0.65, 0.5)]
    drop = [_evidence(0.3), _evidence(0.25, 0.8), _evidence(0.1)]
    rule = choose_rule(keep, drop)
    assert rule.translated is not None
    # Only the Spanish question the chunk rule declines sets it, above every off-topic one.
    assert 0.8 < rule.translated.value <= 0.9
    assert all(rule.answers(e) for e in keep)
    assert not any(rule.answers(e) for e in drop)


def test_holdout_judges_samples_the_rule_was_not_chosen_on() -> None:
    keep = [_evidence(v) for v in (0.5, 0.6, 0.7, 0.34)]
    drop = [_evidence(v) for v in (0.2, 0.3, 0.1, 0.36)]
    # Chosen on 0.5/0.7 vs 0.2/0.1; the unseen 0.34 in-domain and 0.36 off-topic decide it.
    result = holdout(keep, drop)
    assert result["held_out_in_domain"] == result["held_out_offtopic"] == 2
    assert result["false_declines"] == 1
    assert result["answered_offtopic"] == 1


def test_calibration_and_evaluation_run_on_the_fixture_sets(
    kb: KnowledgeBase, fixtures_dir: Path
) -> None:
    result = calibrate(
        kb, fixtures_dir / "questions.yaml", fixtures_dir / "offtopic.yaml", split=True
    )
    assert result["questions"] == 8
    assert result["current"]["EVIDENCE_THRESHOLD"] == kb.thresholds.evidence
    assert result["holdout"]["held_out_in_domain"] == 4
    assert result["injections_caught_by_pattern"] == result["injections"] == 3
    dense = result["dense"]
    assert isinstance(dense, dict)
    assert dense["answered_offtopic"] == 0
    questions = load_questions(fixtures_dir / "questions.yaml")
    offtopic = load_offtopic(fixtures_dir / "offtopic.yaml")
    hybrid = evaluate(kb, questions, offtopic)
    baseline = evaluate(keyword_only(kb), questions, offtopic)
    assert hybrid.mode == "hybrid"
    assert baseline.mode == "keyword"
    assert hybrid.hit_at[5] == 1.0
    assert hybrid.mrr >= baseline.mrr
    assert hybrid.offtopic_declined == 1.0
    assert hybrid.injection_declined == 1.0


COMMITTED = QUESTIONS.exists() and OFFTOPIC.exists()
#: Answer accuracy the committed set must keep (a regression gate a little under the measured
#: value, so one changed page does not fail the build; the aim is .95).
ACCURACY_FLOOR = 0.92


@pytest.mark.slow
@pytest.mark.skipif(not COMMITTED, reason="the evaluation sets are not committed yet")
def test_committed_evaluation_set_meets_the_aims(packaged_kb: KnowledgeBase) -> None:
    """The gate: the packaged documents answer the committed questions and decline the rest."""
    questions = load_questions()
    offtopic = load_offtopic()
    assert packaged_kb.mode == "hybrid", packaged_kb.warning
    report = evaluate(packaged_kb, questions, offtopic)
    assert report.hit_at[5] >= 0.95, report.misses
    assert report.offtopic_declined == 1.0, report.answered_offtopic
    assert report.injection_declined == 1.0, report.answered_offtopic
    assert report.false_decline <= 0.05, (EVIDENCE_THRESHOLD, report.false_declines)
    # Answers, not only retrieval: .942 when this floor was set (benchmarks/README.md).
    assert report.accuracy >= ACCURACY_FLOOR, [f["q"] for f in report.failures]
