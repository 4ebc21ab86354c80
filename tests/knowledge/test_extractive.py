"""Extractive answers quote whole sentences: no lead-ins, cross-references or orphan labels.

Audit examples, on the packaged documents: "what is the coherence index" ended "…on a 0-to-1
scale: See also: coherence, development stages."; the advocating answer carried a dangling
"Signs your initiative does this task:"; the stages answer an orphan "S4 Co-evolving with the
production system.".
"""

from __future__ import annotations

import pytest

from knowledge.answer import answer
from knowledge.base import KnowledgeBase
from knowledge.chunking import chunk_documents
from knowledge.config import DEFAULT_DOCS_DIR, KnowledgeConfig
from knowledge.documents import load_documents
from knowledge.extractive import MIN_FRAGMENT_WORDS, split_sentences


@pytest.fixture(scope="module")
def packaged() -> KnowledgeBase:
    """The packaged documents (keyword retrieval is enough to exercise the extraction)."""
    chunks = chunk_documents(load_documents(DEFAULT_DOCS_DIR).documents)
    return KnowledgeBase(KnowledgeConfig(), chunks)


def _broken(sentence: str) -> bool:
    short_label = len(sentence.split()) < MIN_FRAGMENT_WORDS and sentence[-1] not in '.!?…"”)'
    return sentence.endswith(":") or "see also" in sentence.lower() or short_label


def test_no_sentence_of_the_packaged_documents_is_a_fragment(packaged: KnowledgeBase) -> None:
    broken = [s for c in packaged.chunks for s in split_sentences(c.body) if _broken(s)]
    assert broken == []


def test_bold_labels_are_joined_to_the_sentence_they_introduce() -> None:
    body = "- **S4 Co-evolving with the production system.** There are rich, deep bridges."
    assert split_sentences(body) == [
        "S4 Co-evolving with the production system: There are rich, deep bridges."
    ]


def test_lead_ins_labels_and_inline_see_also_are_dropped() -> None:
    body = (
        "Each is on a 0-to-1 scale: the rest follows. Coherence is not uniformity. "
        "See also: coherence, development stages.\nSigns your initiative does this task:\nTips"
    )
    assert split_sentences(body) == [
        "Each is on a 0-to-1 scale: the rest follows.",
        "Coherence is not uniformity.",
    ]


@pytest.mark.parametrize(
    ("question", "fragment"),
    [
        ("what is the coherence index", "See also"),
        ("what does advocating mean", "Signs your initiative does this task:"),
        ("what are the development stages S0 to S4", "S4 Co-evolving with the production system."),
    ],
)
def test_audited_answers_carry_no_fragment(
    packaged: KnowledgeBase, question: str, fragment: str
) -> None:
    result = answer(question, packaged)
    assert result.grounded
    assert fragment not in result.text
    assert not any(_broken(line.rstrip()) for line in result.text.split("\n") if line.strip())
