"""Tuning sweep for knowledge retrieval: chunk size, what gets embedded, and retrieval depth.

Run `python benchmarks/knowledge_tuning.py`. For each chunk size it embeds the packaged documents'
chunks once per text variant and scores retrieval on the committed questions with exact numpy
cosine (on a few hundred chunks identical in ranking to Chroma's HNSW) plus the production BM25
and RRF code. Variants of the indexed text:

- `title+aliases`: title and aliases prefixed for dense and BM25 (the production layout)
- `title-dense`:   dense sees the title only, BM25 sees title and aliases
- `body-dense`:    dense sees the bare chunk, BM25 sees title and aliases
- `no-prefix`:     neither sees title or aliases

Besides hit@k and MRR it reports how well the best dense cosine separates in-domain questions from
off-topic ones (the decline threshold depends on that gap), so a variant cannot win retrieval by
making declines impossible. Numbers only; nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from knowledge.chunking import Chunk, chunk_documents  # noqa: E402
from knowledge.config import DEFAULT_DOCS_DIR  # noqa: E402
from knowledge.documents import load_documents  # noqa: E402
from knowledge.embeddings import MiniLMEmbeddings  # noqa: E402
from knowledge.eval.dataset import OFFTOPIC, QUESTIONS, load_offtopic, load_questions  # noqa: E402
from knowledge.eval.metrics import first_rank  # noqa: E402
from knowledge.lexical import KeywordIndex  # noqa: E402
from knowledge.retrieval import rrf  # noqa: E402

VARIANTS = ("title+aliases", "title-dense", "body-dense", "no-prefix")
SIZES = (500, 800, 1100)
DEPTHS = (10, 20)


@dataclass
class Scores:
    hit1: float
    hit3: float
    hit5: float
    mrr: float


def _texts(chunks: list[Chunk], variant: str) -> tuple[list[str], list[str]]:
    """(dense texts, BM25 texts) for a variant."""
    full = [c.text for c in chunks]
    title = [f"{c.title}\n{c.body}" for c in chunks]
    body = [c.body for c in chunks]
    if variant == "title+aliases":
        return full, full
    if variant == "title-dense":
        return title, full
    if variant == "body-dense":
        return body, full
    return body, body


def _doc_ranking(fused: list[str], chunks: list[Chunk]) -> list[str]:
    seen: dict[str, None] = {}
    for i in fused:
        seen.setdefault(chunks[int(i)].slug, None)
    return list(seen)


def _score(rankings: list[list[str]], gold: list[tuple[str, ...]]) -> Scores:
    ranks = [first_rank(g, r) for g, r in zip(gold, rankings, strict=True)]
    n = len(ranks)
    return Scores(
        hit1=sum(1 for r in ranks if r is not None and r <= 1) / n,
        hit3=sum(1 for r in ranks if r is not None and r <= 3) / n,
        hit5=sum(1 for r in ranks if r is not None and r <= 5) / n,
        mrr=sum(1 / r for r in ranks if r is not None) / n,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--docs", type=Path, default=DEFAULT_DOCS_DIR)
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--offtopic", type=Path, default=OFFTOPIC)
    args = parser.parse_args(argv)
    documents = load_documents(args.docs).documents
    questions = load_questions(args.questions)
    offtopic = [o for o in load_offtopic(args.offtopic) if o.kind == "offtopic"]
    model = MiniLMEmbeddings()
    cache: dict[str, np.ndarray] = {}

    def embed(texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in cache]
        for text, vector in zip(missing, model.embed_documents(missing), strict=True):
            cache[text] = np.asarray(vector, dtype=np.float32)
        return np.stack([cache[t] for t in texts])

    gold = [q.expected for q in questions]
    q_vectors = embed([q.q for q in questions])
    o_vectors = embed([o.q for o in offtopic]) if offtopic else np.zeros((0, 384))
    rows = []
    started = time.perf_counter()
    for size in SIZES:
        chunks = chunk_documents(documents, size=size, overlap=min(100, size // 8))
        for variant in VARIANTS:
            dense_texts, keyword_texts = _texts(chunks, variant)
            matrix = embed(dense_texts)
            keywords = KeywordIndex(keyword_texts)
            q_cos = q_vectors @ matrix.T
            o_cos = o_vectors @ matrix.T if len(o_vectors) else np.zeros((0, len(chunks)))
            in_min = float(q_cos.max(axis=1).min())
            off_max = float(o_cos.max(axis=1).max()) if len(o_cos) else float("nan")
            for depth in DEPTHS:
                dense_r, keyword_r, hybrid_r = [], [], []
                for qi, question in enumerate(questions):
                    dense_ids = [str(i) for i in np.argsort(-q_cos[qi])[:depth]]
                    keyword_ids = [str(h.index) for h in keywords.search(question.q, depth)]
                    fused = [i for i, _ in rrf([dense_ids, keyword_ids])]
                    dense_r.append(_doc_ranking(dense_ids, chunks))
                    keyword_r.append(_doc_ranking(keyword_ids, chunks))
                    hybrid_r.append(_doc_ranking(fused, chunks))
                for name, ranking in (
                    ("dense", dense_r),
                    ("bm25", keyword_r),
                    ("hybrid", hybrid_r),
                ):
                    s = _score(ranking, gold)
                    rows.append(
                        {
                            "size": size,
                            "chunks": len(chunks),
                            "variant": variant,
                            "k": depth,
                            "retriever": name,
                            "hit@1": round(s.hit1, 3),
                            "hit@3": round(s.hit3, 3),
                            "hit@5": round(s.hit5, 3),
                            "mrr": round(s.mrr, 3),
                            "in_domain_min_cos": round(in_min, 3),
                            "offtopic_max_cos": round(off_max, 3),
                        }
                    )
    print(
        f"{len(documents)} documents, {len(questions)} questions, {len(offtopic)} off-topic; "
        f"{len(cache)} texts embedded in {time.perf_counter() - started:.0f} s"
    )
    head = "size chunks variant        k  retriever hit@1 hit@3 hit@5   MRR  in-min off-max"
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r['size']:>4} {r['chunks']:>6} {r['variant']:<14} {r['k']:>2} {r['retriever']:<9} "
            f"{r['hit@1']:>5.3f} {r['hit@3']:>5.3f} {r['hit@5']:>5.3f} {r['mrr']:>5.3f} "
            f"{r['in_domain_min_cos']:>7.3f} {r['offtopic_max_cos']:>7.3f}"
        )
    print(json.dumps(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
