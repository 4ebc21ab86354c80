"""Keyword side of retrieval: tokenizer and BM25 over the chunk texts.

Tokens are lowercase `[a-z0-9]+` runs with accents folded (so "participación" matches
"participacion") minus a small stoplist. Measured on a 615-chunk corpus, the stoplist and regex
lift BM25 hit@5 from .625 (`str.split`) to .833; question words are in the stoplist because
"what is" appears in every question and in no useful answer. Contraction leftovers ("what's" →
"s") and chat spellings ("whats", "u") are stopwords for the same reason.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rank_bm25 import BM25Okapi

TOKEN = re.compile(r"[a-z0-9]+")
_STOPWORDS = """
    a an and are as at be been but by can could do does did for from had has have how i if in
    into is it its me my of on or our so than that the their them then there these they this
    those to was we were what when where which who whom why will with would you your yours
    about also any explain tell mean means meaning please define describe
    el la los las un una unos unas de del y o en que es son por para con como cual cuales
    se su sus al lo le les mi
    s t d ll re ve m whats wats wat hows whos whys im ive dont doesnt isnt cant u ur pls
"""
STOPWORDS = frozenset(_STOPWORDS.split())
#: Lone surrogates (undecodable bytes read with `surrogateescape`) and NULs: the embedding
#: tokenizer rejects the former outright ("TextEncodeInput must be ..."), which silently turned
#: a hybrid question into a keyword-only one.
UNENCODABLE = re.compile("[\ud800-\udfff\x00]")


def clean(text: str) -> str:
    """`text` with anything the tokenizers cannot take replaced by U+FFFD."""
    return UNENCODABLE.sub("\ufffd", text)


def fold(text: str) -> str:
    """Lowercase with accents removed (NFKD, drop combining marks)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokenize(text: str) -> list[str]:
    """BM25 tokens: folded `[a-z0-9]+` runs that are not stopwords."""
    return [tok for tok in TOKEN.findall(fold(text)) if tok not in STOPWORDS]


@dataclass(frozen=True)
class KeywordHit:
    index: int
    score: float


class KeywordIndex:
    """BM25Okapi over a fixed list of texts; positions refer to that list."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._tokens = [tokenize(t) for t in texts]
        self.vocabulary = frozenset(tok for toks in self._tokens for tok in toks)
        # BM25Okapi divides by the corpus size; an empty corpus gets no model at all.
        self._bm25 = BM25Okapi(self._tokens) if any(self._tokens) else None
        idfs = self._bm25.idf.values() if self._bm25 is not None else ()
        self._max_idf = max((max(0.0, float(v)) for v in idfs), default=1.0) or 1.0

    @property
    def max_idf(self) -> float:
        """The largest idf in the corpus (1.0 when empty): the scale other idfs are judged on."""
        return self._max_idf

    def __len__(self) -> int:
        return len(self._tokens)

    def terms_of(self, index: int) -> frozenset[str]:
        """The tokens of one indexed text."""
        return frozenset(self._tokens[index])

    def search(self, query: str, k: int) -> list[KeywordHit]:
        """Top `k` texts with a positive BM25 score, best first."""
        terms = tokenize(query)
        if self._bm25 is None or not terms or k <= 0:
            return []
        scores = np.asarray(self._bm25.get_scores(terms), dtype=np.float64)
        top = np.argsort(-scores, kind="stable")[:k]
        return [KeywordHit(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def idf(self, token: str) -> float:
        """BM25 inverse document frequency of a token (0 when unknown): rarer words weigh more."""
        if self._bm25 is None:
            return 0.0
        return max(0.0, float(self._bm25.idf.get(token, 0.0)))

    def _weights(self, terms: list[str]) -> list[float]:
        # An unknown word weighs as much as the rarest known one: it is the strongest sign of
        # a topic this corpus does not cover.
        return [self.idf(t) if t in self.vocabulary else self._max_idf for t in terms]

    def match(self, query: str, indices: Sequence[int]) -> float:
        """Largest share of the question's word weight found together in one of `indices`.

        Scale-free keyword evidence (0..1) for the model-less mode: unlike raw BM25 scores it
        does not drift with corpus size, so a threshold calibrated on one corpus stays sensible.
        """
        terms = tokenize(query)
        if not terms or self._bm25 is None:
            return 0.0
        weights = self._weights(terms)
        total = sum(weights)
        best = 0.0
        for i in indices:
            present = set(self._tokens[i])
            share = sum(w for t, w in zip(terms, weights, strict=True) if t in present)
            best = max(best, share / total if total > 0 else 0.0)
        return best

    def coverage(self, query: str) -> float:
        """Share of the question's word weight that the knowledge base knows (0..1).

        Each content word weighs its BM25 idf; a word the corpus has never seen weighs as much
        as its rarest word, because an unknown word is the strongest sign of a foreign topic.
        Cheap evidence, independent of the embedding model, that a question is about this
        knowledge base at all ("bitcoin price" scores 0, "blau index meaning" 1).
        """
        terms = tokenize(query)
        if not terms or self._bm25 is None:
            return 0.0
        weights = self._weights(terms)
        total = sum(weights)
        known = sum(w for t, w in zip(terms, weights, strict=True) if t in self.vocabulary)
        return known / total if total > 0 else 0.0
