"""Split documents into retrievable chunks with stable ids and content hashes.

Sections first (Markdown headers), then ~800 characters with 100 overlap: an 800-character chunk
is about 225 word pieces, under the embedding model's 256-token window, so nothing is truncated
silently. Each chunk's id is `<slug>#<n>`, so re-indexing the same documents is an upsert, and its
hash covers everything stored with it, so the indexer re-embeds exactly the chunks that changed.

The text that gets embedded and BM25-indexed starts with the title and the aliases: aliases are
the words users actually type ("value chain" for "production system"), and a chunk deep in a
section otherwise carries no trace of the concept it explains.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from langchain_text_splitters import (
    Language,
    MarkdownHeaderTextSplitter,
    RecursiveCharacterTextSplitter,
)

from knowledge.documents import Document

#: Bump when the chunking or the embedded-text layout changes: stored chunks are then rebuilt.
CHUNKER_VERSION = "md-h3-800-100-v1"
CHUNK_SIZE = 800
CHUNK_OVERLAP = 100
HEADERS = [("#", "h1"), ("##", "h2"), ("###", "h3")]
TRAILING_SPACE = re.compile(r"[ \t]+\n")
#: The first prefix line `_prefix` writes: "Title (also: alias, alias)".
NAMES_LINE = re.compile(r"^(?P<title>.*?)(?: \(also: (?P<aliases>.*)\))?$")


@dataclass(frozen=True)
class Chunk:
    """One piece of a document. `text` is what is embedded and stored; `body` is for reading."""

    id: str
    slug: str
    n: int
    title: str
    path: str
    section: str
    text: str
    prefix_len: int
    content_hash: str

    @property
    def body(self) -> str:
        """The chunk without the title/alias prefix: what answers quote."""
        return self.text[self.prefix_len :]

    @property
    def vector_key(self) -> str:
        """Chunks reuse a stored vector only for identical content (their hash covers it)."""
        return self.content_hash

    @property
    def names(self) -> tuple[str, ...]:
        """The document's title and aliases, read back from the prefix (stored chunks carry no
        alias metadata). An alias containing ", " comes back as its parts, which are still
        names a user may type."""
        head = self.text[: self.prefix_len].split("\n", 1)[0]
        match = NAMES_LINE.match(head)
        if match is None or not head:
            return (self.title,) if self.title else ()
        aliases = match["aliases"].split(", ") if match["aliases"] else []
        return tuple(n for n in [match["title"], *aliases] if n)

    def metadata(self) -> dict[str, Any]:
        """Chroma metadata (scalars only); enough to rebuild the chunk from the store."""
        return {
            "slug": self.slug,
            "n": self.n,
            "title": self.title,
            "path": self.path,
            "section": self.section,
            "prefix_len": self.prefix_len,
            "hash": self.content_hash,
            "chunker": CHUNKER_VERSION,
        }

    @classmethod
    def from_stored(cls, chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
        """Rebuild a chunk from what `metadata()` stored next to its text."""
        return cls(
            id=chunk_id,
            slug=str(meta.get("slug", chunk_id.split("#")[0])),
            n=int(meta.get("n", 0)),
            title=str(meta.get("title", "")),
            path=str(meta.get("path", "")),
            section=str(meta.get("section", "")),
            text=text,
            prefix_len=min(int(meta.get("prefix_len", 0)), len(text)),
            content_hash=str(meta.get("hash", "")),
        )


def _prefix(doc: Document, section: str, body: str) -> str:
    head = doc.title
    if doc.aliases:
        head += " (also: " + ", ".join(doc.aliases) + ")"
    lines = [head]
    # A continuation chunk of a long section lost its "## Section" line: put it back.
    if section and not body.lstrip().startswith("#"):
        lines.append(section)
    return "\n".join(lines) + "\n"


def _hash(text: str, doc: Document, section: str) -> str:
    # The id is left out on purpose: when an edit shifts later chunks to new ids, their hash
    # still matches a stored vector, which the indexer reuses instead of re-embedding.
    payload = "\x1f".join((CHUNKER_VERSION, doc.title, doc.path, section, text))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def chunk_document(
    doc: Document, *, size: int = CHUNK_SIZE, overlap: int = CHUNK_OVERLAP
) -> list[Chunk]:
    """Chunks of one document, numbered from 0 in reading order.

    `size`/`overlap` exist for the tuning benchmark; the index always uses the defaults, which
    `CHUNKER_VERSION` names.
    """
    sections = MarkdownHeaderTextSplitter(HEADERS, strip_headers=False).split_text(doc.body)
    splitter = RecursiveCharacterTextSplitter.from_language(
        Language.MARKDOWN, chunk_size=size, chunk_overlap=overlap
    )
    chunks: list[Chunk] = []
    for piece in splitter.split_documents(sections):
        # The header splitter joins lines with "  \n" (Markdown hard breaks); plain newlines
        # keep the embedded text and the quoted answer clean.
        body = TRAILING_SPACE.sub("\n", piece.page_content).strip()
        if not any(line and not line.startswith("#") for line in body.splitlines()):
            continue  # a heading with no text under it explains nothing
        meta = piece.metadata
        section = str(meta.get("h3") or meta.get("h2") or "")
        prefix = _prefix(doc, section, body)
        text = prefix + body
        chunk_id = f"{doc.slug}#{len(chunks)}"
        chunks.append(
            Chunk(
                id=chunk_id,
                slug=doc.slug,
                n=len(chunks),
                title=doc.title,
                path=doc.path,
                section=section,
                text=text,
                prefix_len=len(prefix),
                content_hash=_hash(text, doc, section),
            )
        )
    return chunks


def chunk_documents(
    docs: list[Document], *, size: int = CHUNK_SIZE, overlap: int = CHUNK_OVERLAP
) -> list[Chunk]:
    """All chunks of all documents, in document order."""
    return [chunk for doc in docs for chunk in chunk_document(doc, size=size, overlap=overlap)]
