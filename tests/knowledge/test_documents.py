"""Document loading: valid front matter is read, every malformed file is named and refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.documents import DocumentError, load_documents, parse_document

VALID = """---
title: Leverage point
aliases: [leverage, intervention point]
sources: ["Meadows (1999)", {title: "Thinking in systems", url: "https://example.org"}]
confidence: established
---
# Leverage point

## What it is
A place where a small shift changes a lot.
"""


def test_fixture_documents_load_with_their_front_matter(fixtures_dir: Path) -> None:
    result = load_documents(fixtures_dir / "docs")
    assert result.problems == []
    by_slug = {d.slug: d for d in result.documents}
    assert set(by_slug) == {
        "production-system",
        "societal-change-system",
        "leverage-point",
        "stakeholder-mapping",
        "theory-of-change",
        "systems-convening",
    }
    ps = by_slug["production-system"]
    assert ps.title == "Production system"
    assert "value chain" in ps.aliases
    assert ps.confidence == "established"
    assert ps.path == "fixtures/docs/core/production-system.md"  # nested dirs are found


def test_structured_sources_become_readable_strings() -> None:
    doc = parse_document(VALID, slug="leverage-point", path="docs/leverage-point.md")
    assert doc.sources == ("Meadows (1999)", "Thinking in systems — https://example.org")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("# No front matter\n\nJust text.", "missing YAML front matter"),
        ("---\ntitle: [unclosed\n---\n# T\n", "front matter is not valid YAML"),
        ("---\n- a\n- b\n---\n# T\n", "must be a mapping"),
        ("---\naliases: [a]\n---\n# T\n\n## S\ntext\n", "'title' is required"),
        ("---\ntitle: T\naliases: 5\n---\n# T\n## S\ntext\n", "'aliases' must be a list"),
        ('---\ntitle: T\nsources: [""]\n---\n# T\n## S\ntext\n', "'sources' must contain"),
        ("---\ntitle: T\nconfidence: 3\n---\n# T\n## S\ntext\n", "'confidence' must be a string"),
        ("---\ntitle: T\n---\n\n   \n", "the body is empty"),
        ("---\ntitle: T\n---\nno headings at all\n", "no '# Title'"),
        ("---\ntitle: T\n", "missing YAML front matter"),
        ("---\ntitle: T\nlevel: waddell\n---\n# T\n## S\ntext\n", "'level' must be one of"),
    ],
)
def test_malformed_document_is_refused_naming_the_file(text: str, fragment: str) -> None:
    with pytest.raises(DocumentError) as caught:
        parse_document(text, slug="bad", path="docs/bad.md")
    message = str(caught.value)
    assert "docs/bad.md" in message
    assert fragment in message


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "good.md").write_text(VALID, encoding="utf-8")
    (docs / "no-title.md").write_text("---\naliases: [x]\n---\n# X\n## S\nt\n", encoding="utf-8")
    (docs / "binary.md").write_bytes(b"\xff\xfe\x00garbage")
    (docs / "sub" / "good.md").write_text(VALID, encoding="utf-8")  # duplicate slug
    result = load_documents(docs)
    assert [d.slug for d in result.documents] == ["good"]
    joined = "\n".join(result.problems)
    assert "no-title.md" in joined
    assert "'title' is required" in joined
    assert "binary.md" in joined
    assert "UTF-8" in joined
    assert "slug 'good' is already used" in joined
    with pytest.raises(DocumentError, match=r"no-title\.md"):
        result.raise_for_problems()


def test_missing_directory_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    result = load_documents(tmp_path / "nope")
    assert result.documents == []
    assert "does not exist" in result.problems[0]


def test_level_is_read_and_a_missing_level_is_unknown() -> None:
    doc = parse_document(VALID, slug="leverage-point", path="docs/leverage-point.md")
    assert doc.level == ""
    marked = VALID.replace("confidence: established", "confidence: established\nlevel: proposal")
    assert parse_document(marked, slug="x", path="docs/x.md").level == "proposal"


def test_a_translation_needs_its_english_page(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "es").mkdir(parents=True)
    (docs / "leverage-point.md").write_text(VALID, encoding="utf-8")
    (docs / "es" / "leverage-point.md").write_text(VALID, encoding="utf-8")
    (docs / "es" / "orphan.md").write_text(VALID, encoding="utf-8")
    result = load_documents(docs)
    assert [d.slug for d in result.documents] == ["leverage-point"]
    assert [(d.slug, d.lang) for d in result.translations] == [("leverage-point", "es")]
    assert len(result.problems) == 1
    assert "docs/es/orphan.md: no English page orphan.md to translate" in result.problems[0]
