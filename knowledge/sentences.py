"""Documents as sentences: the units answers are built from, split once at index time.

An answer quotes whole sentences, so the documents are split where a reader would split them,
keeping what a sentence needs to be quoted well: its paragraph or list (`block`), whether it is a
list item (quoted whole, with its marker) or a list's lead-in ("Questions to ask yourself:"),
and its place in reading order. Headings, tables, code and cross-references ("See also: ...")
are navigation, not answers, and are left out; a bold label ("**S4 Co-evolving.** There are
...") is joined to the text it introduces. Every unit is embedded when the index is built (the
indexer reuses a vector whenever the same text was embedded before), so ranking sentences by
meaning at question time costs one matrix product, not one model run per sentence.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from knowledge.documents import Document

#: Bump when splitting changes: stored sentences are then rewritten (vectors reused by text).
SENTENCER_VERSION = "s1"
SENTENCE_BREAK = re.compile(r"(?<=[.!?…])\s+(?=[\"“‘(¿¡A-Z0-9ÁÉÍÓÚÑ])")
SEE_ALSO = re.compile(r"^(see also|related|ver tambi[eé]n)\b", re.IGNORECASE)
#: A cross-reference sentence ("See also: x, y." or "See the delivering page.").
SEE_ALSO_SENTENCE = re.compile(
    r"^(see also\s*:|see the\b.*\bpages?\b|ver tambi[eé]n\s*:)", re.IGNORECASE
)
LIST_ITEM = re.compile(r"^\s*(?P<marker>[-*+]|\d+[.)])\s+(?P<text>.*)$")
#: A bold lead-in label ("**S4 Co-evolving with the production system.** There are …"): quoted
#: alone it is an orphan heading, so it is joined to the sentence it introduces.
BOLD_LABEL = re.compile(r"^(?:\*\*|__)(?P<label>[^*_]+?)[.:](?:\*\*|__)\s+(?P<rest>\S.*)$")
INLINE_CODE = re.compile(r"`([^`]*)`")
#: Fragments shorter than this with no closing punctuation are labels, not sentences.
MIN_FRAGMENT_WORDS = 5
CLOSING = tuple('.!?…"”)')

Kind = str
TEXT: Kind = "text"
ITEM: Kind = "item"
LEAD: Kind = "lead"


@dataclass(frozen=True)
class Sentence:
    """One quotable unit of a page (`lang` says which version: `en`, or a translation)."""

    id: str
    slug: str
    lang: str
    n: int
    block: int
    kind: Kind
    marker: str
    section: str
    title: str
    path: str
    level: str
    text: str

    @property
    def vector_key(self) -> str:
        """What the vector depends on: the text alone (a moved sentence keeps its vector)."""
        return _digest(self.text)

    @property
    def content_hash(self) -> str:
        """Everything stored with the unit: a change re-writes it (re-embedding only new text)."""
        return _digest(
            SENTENCER_VERSION,
            self.slug,
            self.lang,
            str(self.block),
            self.kind,
            self.marker,
            self.section,
            self.title,
            self.path,
            self.level,
            self.text,
        )

    def metadata(self) -> dict[str, Any]:
        """Chroma metadata (scalars only); enough to rebuild the unit from the store."""
        return {
            "slug": self.slug,
            "lang": self.lang,
            "n": self.n,
            "block": self.block,
            "kind": self.kind,
            "marker": self.marker,
            "section": self.section,
            "title": self.title,
            "path": self.path,
            "level": self.level,
            "hash": self.content_hash,
            "vkey": self.vector_key,
        }

    @classmethod
    def from_stored(cls, unit_id: str, text: str, meta: dict[str, Any]) -> Sentence:
        return cls(
            id=unit_id,
            slug=str(meta.get("slug", "")),
            lang=str(meta.get("lang", "en")),
            n=int(meta.get("n", 0)),
            block=int(meta.get("block", 0)),
            kind=str(meta.get("kind", TEXT)),
            marker=str(meta.get("marker", "")),
            section=str(meta.get("section", "")),
            title=str(meta.get("title", "")),
            path=str(meta.get("path", "")),
            level=str(meta.get("level", "")),
            text=text,
        )


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def plain(line: str) -> str:
    """A Markdown line as quotable text: bold labels joined, emphasis and code marks dropped."""
    label = BOLD_LABEL.match(line)
    if label:
        line = f"{label['label']}: {label['rest']}"
    return INLINE_CODE.sub(r"\1", line.replace("**", "").replace("__", "")).strip()


def quotable(sentence: str) -> bool:
    """Whether a sentence can stand alone: not a cross-reference, not a bare label ("Tips")."""
    if len(sentence) <= 2 or SEE_ALSO_SENTENCE.match(sentence):
        return False
    return len(sentence.split()) >= MIN_FRAGMENT_WORDS or sentence.endswith(CLOSING)


def split_units(body: str) -> list[tuple[int, Kind, str, str, str]]:
    """(block, kind, marker, section, text) of a page body, in reading order.

    A blank line or a heading ends a block; consecutive list items form one block together
    with the line that introduces them when it ends with a colon (the lead-in).
    """
    units: list[tuple[int, Kind, str, str, str]] = []
    block, section, in_list, fenced = 0, "", False, False
    for raw in body.splitlines():
        line = raw.strip()
        if line.startswith("```"):
            fenced = not fenced
            continue
        if fenced or line.startswith("|"):
            continue
        if not line or line.startswith("#"):
            if line.startswith("#"):
                section = line.lstrip("#").strip()
            block, in_list = block + 1, False
            continue
        item = LIST_ITEM.match(line)
        if item:
            if not in_list:
                lead = units[-1] if units and units[-1][1] == LEAD else None
                # The list joins the block of the line that introduces it (across a blank line).
                block = lead[0] if lead is not None and lead[3] == section else block + 1
            in_list = True
            text = plain(item["text"])
            if text and not SEE_ALSO.match(text):
                units.append((block, ITEM, item["marker"], section, text))
            continue
        if in_list:
            block, in_list = block + 1, False
        text = plain(line)
        if SEE_ALSO.match(text):
            continue
        for sentence in (p.strip() for p in SENTENCE_BREAK.split(text)):
            if sentence.endswith(":") and len(sentence) > 2:
                units.append((block, LEAD, "", section, sentence))
            elif quotable(sentence):
                units.append((block, TEXT, "", section, sentence))
    return units


def split_document(doc: Document) -> list[Sentence]:
    """The sentences of one page version, numbered from 0 in reading order."""
    return [
        Sentence(
            id=f"{doc.lang}/{doc.slug}#{n}",
            slug=doc.slug,
            lang=doc.lang,
            n=n,
            block=block,
            kind=kind,
            marker=marker,
            section=section,
            title=doc.title,
            path=doc.path,
            level=doc.level,
            text=text,
        )
        for n, (block, kind, marker, section, text) in enumerate(split_units(doc.body))
    ]


def split_documents(docs: list[Document]) -> list[Sentence]:
    """All sentences of all given page versions, in document order."""
    return [s for doc in docs for s in split_document(doc)]
