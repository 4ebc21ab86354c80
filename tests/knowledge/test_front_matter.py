"""Front-matter rules for the shipped knowledge base (English and Spanish pages).

Every page says how far it is backed (`level`) and where it comes from (`sources`), so an answer
can mark Helix's own proposals as Helix's and a reader can check a claim. A Spanish page is the
Spanish version of its English page, never a separate document: same slug, same level, same
sources. These tests read the real `knowledge/docs`, so a page added without the rules fails CI.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.config import DEFAULT_DOCS_DIR
from knowledge.documents import LEVELS, Document, DocumentError, load_documents, parse_document

SPANISH_DIR = DEFAULT_DOCS_DIR / "es"


def _parse_all(files: list[Path]) -> dict[str, Document]:
    return {
        f.stem: parse_document(f.read_text(encoding="utf-8"), slug=f.stem, path=f.as_posix())
        for f in files
    }


ENGLISH = _parse_all(sorted(DEFAULT_DOCS_DIR.glob("*.md")))
SPANISH = _parse_all(sorted(SPANISH_DIR.glob("*.md")))


def test_the_knowledge_base_has_english_and_spanish_pages() -> None:
    assert len(ENGLISH) >= 70
    assert len(SPANISH) >= 25


@pytest.mark.parametrize(
    "doc", [*ENGLISH.values(), *SPANISH.values()], ids=lambda d: d.path.split("docs/")[-1]
)
def test_every_page_has_a_valid_level_and_sources(doc: Document) -> None:
    assert doc.level in LEVELS, f"{doc.path}: level {doc.level!r}"
    assert doc.sources, f"{doc.path}: no sources"
    assert all(source.strip() for source in doc.sources)


@pytest.mark.parametrize("slug", sorted(SPANISH))
def test_each_spanish_page_matches_its_english_page(slug: str) -> None:
    spanish = SPANISH[slug]
    english = ENGLISH.get(slug)
    assert english is not None, f"es/{slug}.md has no English page {slug}.md"
    assert spanish.level == english.level
    assert spanish.sources == english.sources
    assert spanish.body != english.body, f"es/{slug}.md is a copy of the English page"
    assert spanish.aliases, f"es/{slug}.md needs Spanish aliases"


def test_the_english_loader_exposes_level_and_leaves_translations_aside() -> None:
    result = load_documents(DEFAULT_DOCS_DIR)
    assert result.problems == []
    slugs = [d.slug for d in result.documents]
    assert sorted(slugs) == sorted(ENGLISH)  # es/ pages share slugs, so they are not loaded here
    assert {d.level for d in result.documents} <= set(LEVELS)


def test_an_unknown_level_is_refused_with_the_file_named() -> None:
    text = "---\ntitle: X\nsources: [S]\nlevel: established\n---\n# X\n\nBody.\n"
    with pytest.raises(DocumentError, match=r"docs/x\.md: 'level' must be one of grounded"):
        parse_document(text, slug="x", path="docs/x.md")
