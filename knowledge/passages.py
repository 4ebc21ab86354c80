"""`SentenceIndex`: every page version's sentences and their vectors, in memory.

Read once when the knowledge base opens (about 1,500 sentences per language; 384 floats each is
~2.3 MB), so ranking the sentences of a page by meaning is one matrix product against the
question's vector, which retrieval has already computed. Word evidence uses a sentence-level idf
per language: a word that appears in every other sentence ("change") says little about which
sentence answers, and Spanish words need Spanish counts. Without vectors (keyword-only mode, or
an index built before sentences were stored) the same index ranks by words alone.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from knowledge.chunking import Chunk
from knowledge.documents import LoadResult
from knowledge.lexical import fold, tokenize
from knowledge.sentences import Sentence, split_documents, split_units


def stem(token: str) -> str:
    """A plural folded to its singular ("governments" finds "government", "tareas" "tarea")."""
    if len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
        return token[:-1]
    return token


def terms(text: str) -> frozenset[str]:
    """Stemmed word tokens of a text (stopwords dropped, accents folded)."""
    return frozenset(stem(t) for t in tokenize(text))


class SentenceIndex:
    """Sentences grouped per page version (language, slug) in reading order, with vectors."""

    def __init__(self, sentences: Sequence[Sentence], vectors: np.ndarray | None = None) -> None:
        order = sorted(range(len(sentences)), key=lambda i: _order(sentences[i]))
        self.sentences = [sentences[i] for i in order]
        self.vectors: np.ndarray | None = None
        if vectors is not None and len(vectors) == len(sentences) and len(sentences) > 0:
            matrix = np.asarray(vectors, dtype=np.float32)[order]
            norms = np.linalg.norm(matrix, axis=1, keepdims=True)
            self.vectors = matrix / np.clip(norms, 1e-12, None)
        self.pages: dict[tuple[str, str], range] = {}
        start = 0
        for row in range(1, len(self.sentences) + 1):
            if row == len(self.sentences) or _page(self.sentences[row]) != _page(
                self.sentences[start]
            ):
                self.pages[_page(self.sentences[start])] = range(start, row)
                start = row
        self.terms = [terms(s.text) for s in self.sentences]
        self._df: dict[str, Counter[str]] = {}
        self._count: Counter[str] = Counter()
        self._central: list[str] | None = None
        self._lang_rows: dict[str, np.ndarray] = {}  # rows of each language, read once
        for sentence, words in zip(self.sentences, self.terms, strict=True):
            self._df.setdefault(sentence.lang, Counter()).update(words)
            self._count[sentence.lang] += 1

    @classmethod
    def from_documents(cls, loaded: LoadResult) -> SentenceIndex:
        """Sentences split from the documents themselves, without vectors (keyword-only)."""
        return cls(split_documents([*loaded.documents, *loaded.translations]))

    @classmethod
    def from_chunks(cls, chunks: Sequence[Chunk]) -> SentenceIndex:
        """Sentences of the chunk bodies, page by page, each once (chunks overlap): the last
        resort when the index holds chunks only and the documents are not at hand."""
        bodies: dict[str, list[Chunk]] = {}
        for chunk in chunks:
            bodies.setdefault(chunk.slug, []).append(chunk)
        units: list[Sentence] = []
        for slug, parts in bodies.items():
            seen: set[str] = set()
            parts.sort(key=lambda c: c.n)
            for chunk in parts:
                for block, kind, marker, section, text in split_units(chunk.body):
                    if text in seen:
                        continue
                    seen.add(text)
                    n = len(seen) - 1
                    units.append(
                        Sentence(
                            f"en/{slug}#{n}", slug, "en", n, chunk.n * 1000 + block, kind,
                            marker, section, chunk.title, chunk.path, "", text,
                        )
                    )  # fmt: skip
        return cls(units)

    def __len__(self) -> int:
        return len(self.sentences)

    def has(self, lang: str, slug: str) -> bool:
        return (lang, slug) in self.pages

    def rows(self, lang: str, slug: str) -> range:
        """Rows of one page version in reading order (empty when it does not exist)."""
        return self.pages.get((lang, slug), range(0))

    def slugs(self, lang: str) -> list[str]:
        """Slugs of the pages that have a `lang` version."""
        return [slug for page_lang, slug in self.pages if page_lang == lang]

    def title(self, lang: str, slug: str) -> str | None:
        rows = self.rows(lang, slug)
        return self.sentences[rows[0]].title if rows else None

    def central_pages(self, k: int) -> list[str]:
        """Slugs of the `k` English pages the most other pages name by title: the concepts the
        rest builds on, which a question with no nearer topic can start from. Counted once."""
        if self._central is None:
            texts = {
                slug: fold(" ".join(self.sentences[r].text for r in rows))
                for (lang, slug), rows in self.pages.items()
                if lang == "en"
            }
            named: list[tuple[int, str]] = []
            for slug in texts:
                title = fold(self.title("en", slug) or slug)
                count = sum(1 for other, body in texts.items() if other != slug and title in body)
                named.append((-count, slug))
            self._central = [slug for _, slug in sorted(named)]
        return self._central[:k]

    def level(self, slug: str) -> str:
        """The page's level (front matter `level`; "" when unknown)."""
        rows = self.rows("en", slug)
        return self.sentences[rows[0]].level if rows else ""

    def idf(self, lang: str, token: str) -> float:
        """Sentence-level idf of a stemmed token in one language (BM25's smoothed form)."""
        n = self._count.get(lang, 0)
        df = self._df.get(lang, Counter()).get(token, 0)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def cosines(self, rows: Sequence[int], vector: np.ndarray | None) -> np.ndarray | None:
        """Cosine of each row with a unit query vector (None without vectors)."""
        if self.vectors is None or vector is None or not len(rows):
            return None
        return np.asarray(self.vectors[np.asarray(rows)] @ vector, dtype=np.float64)

    def evidence(self, question: str, vector: np.ndarray | None, lang: str) -> float | None:
        """How well the `lang` pages back a question: the best sentence cosine plus 0.2 x the
        share of the question's idf weight (stemmed words; an unknown word weighs the most) those
        pages use. The chunks the guard reads first are English only, so a Spanish question's
        own words count as unknown there; this is the same evidence read from its own language.
        None without vectors or without pages in `lang`."""
        rows = self._lang_rows.get(lang)
        if rows is None:
            found = [r for (page, _), pages in self.pages.items() if page == lang for r in pages]
            rows = self._lang_rows[lang] = np.asarray(found, dtype=np.int64)
        words = terms(question)
        if self.vectors is None or vector is None or not len(rows) or not words:
            return None
        df = self._df.get(lang, Counter())
        weights = {w: self.idf(lang, w) for w in words}
        total = sum(weights.values())
        known = sum(weight for w, weight in weights.items() if df.get(w, 0) > 0)
        cosine = float(np.max(self.vectors[rows] @ vector))
        return cosine + 0.2 * (known / total if total > 0 else 0.0)

    def nearest_pages(self, vector: np.ndarray | None, k: int, *, lang: str = "en") -> list[str]:
        """Slugs of the `k` pages nearest a query by meaning: each page scores the mean of its
        two best sentences (one stray sentence does not make a page related)."""
        if self.vectors is None or vector is None:
            return []
        scores = self.vectors @ vector
        ranked: list[tuple[float, str]] = []
        for (page_lang, slug), rows in self.pages.items():
            if page_lang != lang or not rows:
                continue
            best = np.sort(scores[rows.start : rows.stop])[-2:]
            ranked.append((float(best.mean()), slug))
        ranked.sort(key=lambda item: (-item[0], item[1]))
        return [slug for _, slug in ranked[:k]]


def _page(sentence: Sentence) -> tuple[str, str]:
    return (sentence.lang, sentence.slug)


def _order(sentence: Sentence) -> tuple[str, str, int]:
    return (sentence.lang, sentence.slug, sentence.n)
