"""Pages split into quotable units: paragraphs, list items with their lead-ins, reading order."""

from __future__ import annotations

from pathlib import Path

from knowledge.answer import answer
from knowledge.base import KnowledgeBase
from knowledge.chunking import chunk_documents
from knowledge.config import DEFAULT_DOCS_DIR, KnowledgeConfig
from knowledge.documents import load_documents, parse_document
from knowledge.sentences import ITEM, LEAD, TEXT, quotable, split_document, split_documents

PAGE = """---
title: Example
level: proposal
---
# Example

## In short
A thing is **what** it is. It has two sides: the near one and the far one. See the other page.

The parts are listed here:

1. **First part.** It starts things.
2. Second part: it ends them.

## Notes
| a | table |
```
code that is never quoted
```
- a loose bullet without a lead-in
- another loose bullet here
See also: other topic, third topic.
Tips
"""


def _units() -> list[tuple[int, str, str, str]]:
    doc = parse_document(PAGE, slug="example", path="docs/example.md")
    return [(s.block, s.kind, s.marker, s.text) for s in split_document(doc)]


def test_sentences_keep_their_paragraph_and_lists_their_lead_in() -> None:
    units = _units()
    assert [(kind, text) for _, kind, _, text in units] == [
        (TEXT, "A thing is what it is."),
        (TEXT, "It has two sides: the near one and the far one."),
        (LEAD, "The parts are listed here:"),
        (ITEM, "First part: It starts things."),
        (ITEM, "Second part: it ends them."),
        (ITEM, "a loose bullet without a lead-in"),
        (ITEM, "another loose bullet here"),
    ]
    blocks = [block for block, *_ in units]
    assert blocks[0] == blocks[1]  # one paragraph
    assert blocks[2] == blocks[3] == blocks[4]  # the lead-in joins its list across a blank line
    assert blocks[2] != blocks[1]
    assert blocks[5] == blocks[6] != blocks[4]
    assert [marker for _, _, marker, _ in units][3:] == ["1.", "2.", "-", "-"]


def test_sentences_carry_the_page_level_and_language_and_number_in_reading_order() -> None:
    doc = parse_document(PAGE, slug="example", path="docs/es/example.md", lang="es")
    units = split_document(doc)
    assert [s.n for s in units] == list(range(len(units)))
    assert {s.level for s in units} == {"proposal"}
    assert {s.lang for s in units} == {"es"}
    assert units[0].id == "es/example#0"


def test_a_moved_sentence_keeps_its_vector_key_but_not_its_content_hash() -> None:
    doc = parse_document(PAGE, slug="example", path="docs/example.md")
    moved = parse_document(
        PAGE.replace("## In short\n", "## In short\nA new opening sentence.\n\n"),
        slug="example",
        path="docs/example.md",
    )
    before, after = split_document(doc), split_document(moved)
    assert before[0].text == after[1].text
    assert before[0].vector_key == after[1].vector_key
    assert before[0].content_hash != after[1].content_hash  # its block number moved


def test_no_text_sentence_of_the_packaged_pages_is_a_fragment() -> None:
    """Audit examples: "…on a 0-to-1 scale: See also: coherence." and a dangling "Signs your
    initiative does this task:" were quoted as answers; an orphan "S4 Co-evolving …" label."""
    loaded = load_documents(DEFAULT_DOCS_DIR)
    units = split_documents([*loaded.documents, *loaded.translations])
    broken = [
        s.text
        for s in units
        if s.kind == TEXT
        and (s.text.endswith(":") or "see also" in s.text.lower() or not quotable(s.text))
    ]
    assert broken == []
    assert not [s.text for s in units if s.text.startswith("S4 Co-evolving") and s.kind != ITEM]


def test_chunks_alone_still_give_sentences_to_quote(tmp_path: Path) -> None:
    """An index shipped without its documents (and from before sentences were stored)."""
    chunks = chunk_documents(load_documents(DEFAULT_DOCS_DIR).documents)
    kb = KnowledgeBase(KnowledgeConfig(docs_dir=tmp_path / "missing"), chunks)
    result = answer("what are the seven tasks", kb)
    assert result.grounded
    assert result.sources[0].path == "knowledge/docs/seven-tasks.md"
    assert "1. Visioning: a shared sense of direction (confirmed)." in result.text
