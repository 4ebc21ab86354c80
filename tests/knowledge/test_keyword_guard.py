"""The keyword-only (degraded) decline rule on the packaged documents and evaluation set.

Keyword-only mode once answered "is it bad weather today" from the theory-of-change page: three
common words, two of them in one chunk, passed the word-weight threshold. The rule now also asks
for a domain term (a word of a title or short alias); these tests hold it to the committed sets.
"""

from __future__ import annotations

import pytest

from knowledge.answer import answer
from knowledge.base import KnowledgeBase
from knowledge.chunking import chunk_documents
from knowledge.config import DEFAULT_DOCS_DIR, KnowledgeConfig
from knowledge.documents import load_documents
from knowledge.eval.dataset import OFFTOPIC, QUESTIONS, load_offtopic, load_questions

#: The calibration (knowledge/guard.py) declined 12 of 101. Since issue 10 the set holds 172, with
#: 44 Spanish and 42 about Helix, which keyword search alone answers less often: 31 declined
#: (18 %; 14 of the first 105). Allow a little drift, not a collapse.
MAX_FALSE_DECLINE_RATE = 0.20


@pytest.fixture(scope="module")
def keyword_kb() -> KnowledgeBase:
    """The packaged documents with BM25 only, as a base without its model would open."""
    chunks = chunk_documents(load_documents(DEFAULT_DOCS_DIR).documents)
    return KnowledgeBase(KnowledgeConfig(), chunks, warning="keyword search only")


@pytest.mark.parametrize(
    "question",
    [
        "is it bad weather today",
        "how is it going",
        "what is the best pizza in town",
        "is the stock market going up",
    ],
)
def test_common_words_alone_are_declined(keyword_kb: KnowledgeBase, question: str) -> None:
    result = answer(question, keyword_kb)
    assert not result.grounded, result.text
    assert result.warning == "keyword search only"


#: Off-topic questions the keyword-only mode is known to answer (with its warning): they hold
#: "mis datos", a name of the privacy page, and words cannot tell them from "¿se puede deshacer
#: el borrado de mis datos?" (keyword match 0.41 and 0.32 against 0.32). The hybrid mode
#: declines them (tests/knowledge/test_eval.py); benchmarks/README.md reports both.
KEYWORD_MODE_ANSWERS = {"¿cómo borro mis datos de Instagram?", "¿dónde veo mis datos del banco?"}


def test_every_committed_offtopic_question_is_declined(keyword_kb: KnowledgeBase) -> None:
    """All but the known few; a new one answered, or a known one declined, fails here so the
    list and the benchmarks README stay true."""
    answered = {o.q for o in load_offtopic(OFFTOPIC) if answer(o.q, keyword_kb).grounded}
    assert answered == KEYWORD_MODE_ANSWERS


def test_most_in_domain_questions_are_still_answered(keyword_kb: KnowledgeBase) -> None:
    questions = load_questions(QUESTIONS)
    declined = [q.q for q in questions if not answer(q.q, keyword_kb).grounded]
    assert len(declined) <= MAX_FALSE_DECLINE_RATE * len(questions), declined


def test_a_named_concept_is_answered(keyword_kb: KnowledgeBase) -> None:
    result = answer("what is the coherence index", keyword_kb)
    assert result.grounded
    assert "coherence" in keyword_kb.retrieve("what is the coherence index").domain_terms
