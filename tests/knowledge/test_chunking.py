"""Chunking: stable `<slug>#<n>` ids, title and aliases in the indexed text, honest hashes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.chunking import CHUNK_SIZE, Chunk, chunk_document, chunk_documents
from knowledge.documents import Document, load_documents


def _doc(body: str, *, slug: str = "topic", aliases: tuple[str, ...] = ("alias one",)) -> Document:
    return Document(
        slug=slug,
        title="Topic",
        aliases=aliases,
        sources=(),
        confidence="",
        body=body,
        path=f"docs/{slug}.md",
    )


LONG = "# Topic\n\n## Intro\n" + " ".join(
    f"Sentence number {i} explains a part." for i in range(80)
)


def test_ids_are_slug_and_position_and_stable_across_runs(fixtures_dir: Path) -> None:
    docs = load_documents(fixtures_dir / "docs").documents
    first = chunk_documents(docs)
    second = chunk_documents(load_documents(fixtures_dir / "docs").documents)
    assert [c.id for c in first] == [c.id for c in second]
    assert [c.content_hash for c in first] == [c.content_hash for c in second]
    for doc in docs:
        ids = [c.id for c in first if c.slug == doc.slug]
        assert ids == [f"{doc.slug}#{n}" for n in range(len(ids))]


def test_indexed_text_starts_with_title_and_aliases() -> None:
    chunks = chunk_document(_doc(LONG, aliases=("value chain", "PS")))
    assert len(chunks) > 2  # long section split by size
    for chunk in chunks:
        assert chunk.text.startswith("Topic (also: value chain, PS)\n")
        assert chunk.text[chunk.prefix_len :] == chunk.body
        assert len(chunk.body) <= CHUNK_SIZE
    # continuation chunks get their section name back
    assert chunks[1].text.splitlines()[1] == "Intro"


def test_hash_changes_with_content_but_not_with_position() -> None:
    base = chunk_document(_doc("# Topic\n## A\nFirst text.\n## B\nSecond text.\n"))
    edited = chunk_document(_doc("# Topic\n## A\nFirst text, edited.\n## B\nSecond text.\n"))
    assert base[0].content_hash != edited[0].content_hash
    assert base[1].content_hash == edited[1].content_hash
    shifted = chunk_document(
        _doc("# Topic\n## New\nA new first section.\n## A\nFirst text.\n## B\nSecond text.\n")
    )
    assert shifted[2].id == "topic#2"
    assert shifted[2].content_hash == base[1].content_hash


def test_alias_change_changes_every_hash() -> None:
    body = "# Topic\n## A\nText here.\n## B\nMore text.\n"
    before = chunk_document(_doc(body))
    after = chunk_document(_doc(body, aliases=("another name",)))
    assert all(a.content_hash != b.content_hash for a, b in zip(before, after, strict=True))


def test_heading_without_text_makes_no_chunk() -> None:
    chunks = chunk_document(_doc("# Topic\n## Empty\n## Full\nSome words.\n"))
    assert [c.section for c in chunks] == ["Full"]


def test_chunk_round_trips_through_stored_metadata() -> None:
    chunk = chunk_document(_doc("# Topic\n## A\nText.\n"))[0]
    restored = Chunk.from_stored(chunk.id, chunk.text, chunk.metadata())
    assert restored == chunk
    assert replace(restored, n=3).n == 3


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(alphabet="abcdefgh ", min_size=1, max_size=20).map(str.strip).filter(bool),
            st.lists(
                st.text(alphabet="abcdefghij ", min_size=5, max_size=300), min_size=1, max_size=8
            ),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_any_markdown_gives_unique_sequential_ids_within_size(
    sections: list[tuple[str, list[str]]],
) -> None:
    body = "# Topic\n" + "".join(
        f"## {name}\n" + "\n\n".join(p + "." for p in paragraphs) + "\n"
        for name, paragraphs in sections
    )
    chunks = chunk_document(_doc(body))
    assert [c.id for c in chunks] == [f"topic#{n}" for n in range(len(chunks))]
    assert all(len(c.body) <= CHUNK_SIZE for c in chunks)
    assert chunk_document(_doc(body)) == chunks
