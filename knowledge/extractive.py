"""Extractive answers: the most relevant sentences of the top chunks, in document order.

Without an LLM (the default, offline) the answer is quoted, never generated, so it cannot say
anything the documents do not. Sentences are scored by the BM25 weight of the question words they
contain, with a prior for the best-ranked chunks and for early sentences (concept documents open
with the definition); embedding every sentence would cost ~6 ms each and break the latency
budget. The chosen sentences are then put back into reading order so the answer reads like the
document, capped at ~900 characters to fit a chat message comfortably.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from knowledge.lexical import KeywordIndex, fold, tokenize
from knowledge.retrieval import DocumentHit, Retrieval

MAX_CHARS = 900
TOP_CHUNKS = 5
MAX_DOCUMENTS = 2
#: Sentences of the second document count less: the first is usually the concept asked about.
SECOND_DOCUMENT_WEIGHT = 0.6
#: Sentences scoring below this share of the best one are left out even when there is room.
RELATIVE_FLOOR = 0.3
SENTENCE_BREAK = re.compile(r"(?<=[.!?…])\s+(?=[\"“‘(¿¡A-Z0-9ÁÉÍÓÚÑ])")
SEE_ALSO = re.compile(r"^(see also|related|ver tambi[eé]n)\b", re.IGNORECASE)
#: A cross-reference sentence at the end of a paragraph ("… front and centre. See also: x, y.").
SEE_ALSO_SENTENCE = re.compile(r"^(see also|ver tambi[eé]n)\s*:", re.IGNORECASE)
BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
#: A bold lead-in label ("**S4 Co-evolving with the production system.** There are …"): quoted
#: alone it is an orphan heading, so it is joined to the sentence it introduces.
BOLD_LABEL = re.compile(r"^(?:\*\*|__)(?P<label>[^*_]+?)[.:](?:\*\*|__)\s+(?P<rest>\S.*)$")
#: Fragments shorter than this with no closing punctuation are labels, not sentences.
MIN_FRAGMENT_WORDS = 5
CLOSING = tuple('.!?…"”)')


@dataclass(frozen=True)
class Sentence:
    text: str
    doc_rank: int
    chunk_rank: int
    chunk_n: int
    position: int
    score: float


def split_sentences(body: str) -> list[str]:
    """Sentences of a chunk body; headings, lead-ins and cross-references dropped, list items
    kept as sentences, bold labels joined to the sentence they introduce."""
    out: list[str] = []
    for raw in body.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or line.startswith("|") or line.startswith("```"):
            continue
        line = BULLET.sub("", line)
        label = BOLD_LABEL.match(line)
        if label:
            line = f"{label['label']}: {label['rest']}"
        line = line.replace("**", "").replace("__", "")
        if SEE_ALSO.match(line):
            continue  # cross-references are navigation, not an answer
        out.extend(s for s in (p.strip() for p in SENTENCE_BREAK.split(line)) if quotable(s))
    return out


def quotable(sentence: str) -> bool:
    """Whether a sentence can stand alone in an answer.

    Not a lead-in ("Signs your initiative does this task:" promises a list the answer does not
    carry), not a cross-reference, not a bare label ("Tips", "Questions to ask") — each read as
    a broken fragment in an extractive answer.
    """
    if len(sentence) <= 2 or sentence.endswith(":") or SEE_ALSO_SENTENCE.match(sentence):
        return False
    return len(sentence.split()) >= MIN_FRAGMENT_WORDS or sentence.endswith(CLOSING)


def _candidates(retrieval: Retrieval, keywords: KeywordIndex) -> list[Sentence]:
    docs = retrieval.documents[:MAX_DOCUMENTS]
    doc_rank = {d.slug: i for i, d in enumerate(docs)}
    query = set(tokenize(retrieval.question))
    weights = {t: keywords.idf(t) for t in query}
    seen: set[str] = set()
    found: list[Sentence] = []
    for chunk_rank, hit in enumerate(retrieval.hits[:TOP_CHUNKS]):
        rank = doc_rank.get(hit.chunk.slug)
        if rank is None:
            continue
        for position, text in enumerate(split_sentences(hit.chunk.body)):
            key = fold(text)
            if key in seen:  # chunk overlap repeats sentences
                continue
            seen.add(key)
            terms = set(tokenize(text))
            lexical = sum(weights[t] for t in query & terms) / (1.0 + math.log1p(len(terms)))
            prior = (
                0.5 / (1 + chunk_rank) + 0.3 / (1 + position) + (0.3 if hit.chunk.n == 0 else 0)
            )
            if rank > 0 and lexical == 0:
                continue  # the second document only contributes sentences on the question's words
            weight = 1.0 if rank == 0 else SECOND_DOCUMENT_WEIGHT
            found.append(
                Sentence(text, rank, chunk_rank, hit.chunk.n, position, weight * (lexical + prior))
            )
    return found


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def extract(
    retrieval: Retrieval, keywords: KeywordIndex, *, max_chars: int = MAX_CHARS
) -> tuple[str, list[DocumentHit]]:
    """The answer text (≤ `max_chars`) and the documents it quotes, best first."""
    candidates = _candidates(retrieval, keywords)
    if not candidates:
        return "", []
    chosen: list[Sentence] = []
    used = 0
    floor = RELATIVE_FLOOR * max(s.score for s in candidates)
    for sentence in sorted(candidates, key=lambda s: -s.score):
        if sentence.score < floor:
            break  # filling the budget with weak sentences only dilutes the answer
        cost = len(sentence.text) + (1 if chosen else 0) + 1  # separator, possible paragraph
        if used + cost <= max_chars:
            chosen.append(sentence)
            used += cost
    if not chosen:  # even the best sentence is too long: quote its beginning
        best = max(candidates, key=lambda s: s.score)
        chosen = [replace(best, text=_clip(best.text, max_chars))]
    chosen.sort(key=_order)
    paragraphs: dict[int, list[str]] = {}
    for sentence in chosen:
        paragraphs.setdefault(sentence.doc_rank, []).append(sentence.text)
    text = "\n\n".join(" ".join(parts) for _, parts in sorted(paragraphs.items()))
    docs = retrieval.documents[:MAX_DOCUMENTS]
    return _clip(text, max_chars), [docs[rank] for rank in sorted(paragraphs)]


def _order(s: Sentence) -> tuple[int, int, int]:
    """Reading order: document, then chunk number within it, then sentence position."""
    return (s.doc_rank, s.chunk_n, s.position)
