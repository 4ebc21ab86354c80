"""Open a knowledge base for evaluation: the packaged docs, indexed into a scratch directory.

Evaluation must not touch a deployer's index (and a persistent Chroma directory admits one process
at a time), so calibration and benchmarks build their own in a temporary directory unless told
otherwise. The keyword-only baseline reuses the same chunks without the vector store.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from knowledge.base import KnowledgeBase
from knowledge.config import BUILTIN_EMBEDDINGS, DEFAULT_DOCS_DIR, KnowledgeConfig
from knowledge.indexer import index


@contextmanager
def eval_knowledge_base(
    docs_dir: Path = DEFAULT_DOCS_DIR,
    chroma_path: Path | None = None,
    embeddings: str = BUILTIN_EMBEDDINGS,
) -> Iterator[KnowledgeBase]:
    """A hybrid knowledge base over `docs_dir`, indexed into `chroma_path` or a temp dir."""
    with tempfile.TemporaryDirectory(prefix="helix-eval-") as scratch:
        config = KnowledgeConfig(
            docs_dir=docs_dir, chroma_path=chroma_path or Path(scratch), embeddings=embeddings
        )
        if chroma_path is not None:
            index(config, skip_invalid=True)  # bring a reused index up to date (incremental)
        kb = KnowledgeBase.open(config)
        try:
            yield kb
        finally:
            kb.close()


def keyword_only(kb: KnowledgeBase) -> KnowledgeBase:
    """The same chunks with BM25 only: the baseline hybrid retrieval has to beat."""
    return KnowledgeBase(kb.config, kb.chunks)
