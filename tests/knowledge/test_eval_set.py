"""The committed evaluation set (issue 10) and the answer-accuracy metric.

The set is data the lead improves answers against, so it is checked like code: its size and mix
(English, Spanish, about Helix), that every expected page exists, and that every fact a right
answer must contain is something an expected page actually says (in English or in its Spanish
version); a fact no page states could never be met by a grounded answer. The metric is checked on
a hand-made case where the right numbers are known.
"""

from __future__ import annotations

import pytest

from knowledge.config import DEFAULT_DOCS_DIR
from knowledge.eval.dataset import Question, load_questions
from knowledge.eval.metrics import (
    Outcome,
    answer_accuracy,
    answer_language,
    failure,
    groups,
    missing_facts,
)

#: Examples named in issue 10: each must stay in the set, so the fix is measured on them.
ISSUE_EXAMPLES = (
    "What role do governments play with respect to production systems?",
    "Why do people compare the change system and the production system to DNA?",
    "What are the seven tasks of a change system?",
    "What's a backbone organisation?",
    "How do I find others working on food waste in Porto?",
    "<b>bold</b> *star* _under_ [link](x) `code` 1. 2. 3! what is a change system?",
    "¿Qué es un sistema de cambio social?",
)


def page_text(slug: str) -> str:
    """A page's body (English and, when present, Spanish) as an answer would quote it: without
    front matter, emphasis markers or line breaks."""
    out = []
    for path in (DEFAULT_DOCS_DIR / f"{slug}.md", DEFAULT_DOCS_DIR / "es" / f"{slug}.md"):
        if path.exists():
            body = path.read_text(encoding="utf-8").split("---", 2)[-1]
            body = body.replace("**", "").replace("__", "").replace("`", "")
            out.append(" ".join(body.split()))
    return "\n".join(out)


@pytest.fixture(scope="module")
def committed() -> list[Question]:
    return load_questions()


def test_the_set_has_the_size_and_mix_issue_10_asks_for(committed: list[Question]) -> None:
    assert len(committed) >= 150
    assert sum(1 for q in committed if q.lang == "es") >= 30
    assert sum(1 for q in committed if q.about_helix) >= 20
    assert [q.q for q in committed if not q.facts] == []
    assert len({q.q for q in committed}) == len(committed), "a question is listed twice"
    texts = {q.q for q in committed}
    assert [e for e in ISSUE_EXAMPLES if e not in texts] == []


def test_every_expected_page_exists(committed: list[Question]) -> None:
    slugs = {path.stem for path in DEFAULT_DOCS_DIR.glob("*.md")}
    unknown = sorted({(q.q, s) for q in committed for s in q.expected if s not in slugs})
    assert unknown == []


def test_every_fact_is_stated_by_an_expected_page(committed: list[Question]) -> None:
    unstated = []
    for question in committed:
        text = "\n".join(page_text(slug) for slug in question.expected)
        unstated += [(question.q, fact) for fact in missing_facts(text, question.facts)]
    assert unstated == []


def outcome(
    q: str,
    facts: tuple[str, ...],
    text: str,
    *,
    grounded: bool = True,
    lang: str = "en",
    slug: str = "production-system",
) -> Outcome:
    """A hand-made outcome: the answer `text` scored against `facts` as `evaluate` does."""
    question = Question(q, (slug,), facts, lang)
    missing = tuple(missing_facts(text, facts))
    return Outcome(question, rank=1, grounded=grounded, text=text, missing=missing, latency_ms=1.0)


def test_missing_facts_ignore_case_and_accents() -> None:
    facts = ("double helix", "two (distinct )?strands", "producci[oó]n|production")
    assert missing_facts("The Double Helix has two distinct strands: PRODUCTION", facts) == []
    assert missing_facts("la doble hélice y la producción", ("produccion", "helice")) == []
    assert missing_facts("one strand", facts) == list(facts)


def test_answer_accuracy_on_a_hand_made_case() -> None:
    facts = ("government", "rules|regulat")
    outcomes = [
        outcome("all facts", facts, "Government sets the rules they operate in."),
        outcome("one missing", facts, "Government is part of it."),
        outcome("declined", facts, "No grounded answer on government rules.", grounded=False),
        outcome("no facts needed", (), "Anything answered."),
        outcome("es", ("gobierno", "reglas"), "El gobierno fija las reglas.", lang="es"),
        outcome("es wrong", ("gobierno",), "The government.", lang="es"),
        outcome("helix", ("/peers",), "Type /peers.", slug="using-helix"),
        outcome("helix wrong", ("/deleteme",), "Ask an admin.", slug="helix-privacy"),
    ]
    assert [o.correct for o in outcomes] == [True, False, False, True, True, False, True, False]
    assert outcomes[1].missing == ("rules|regulat",)
    assert answer_accuracy(outcomes) == pytest.approx(4 / 8)
    assert answer_accuracy([]) == 0.0
    by_group = groups(outcomes)
    assert by_group["all"]["accuracy"] == pytest.approx(0.5)
    assert by_group["en"]["accuracy"] == pytest.approx(3 / 6)
    assert by_group["es"]["accuracy"] == pytest.approx(0.5)
    assert by_group["helix"]["accuracy"] == pytest.approx(0.5)
    assert by_group["all"]["false_decline"] == pytest.approx(1 / 8)
    assert by_group["es"]["questions"] == 2
    # Answered es questions: one in Spanish, one in English; every answered en one is English.
    assert by_group["es"]["in_question_language"] == pytest.approx(0.5)
    assert by_group["en"]["in_question_language"] == 1.0


def test_answer_language_tells_spanish_from_english() -> None:
    assert answer_language("El sistema de producción es lo que se quiere cambiar.") == "es"
    assert answer_language("A production system is what a change system wants to change.") == "en"
    note = "No Spanish text yet. A production system is everything organised to deliver a good."
    assert answer_language(note) == "en"


def test_a_failure_shows_what_is_missing_and_how_the_answer_starts() -> None:
    wrong = outcome("q?", ("government", "rules"), "x" * 300)
    shown = failure(wrong)
    assert shown["missing"] == ["government", "rules"]
    assert shown["answer"] == "x" * 200
    assert shown["declined"] is False
