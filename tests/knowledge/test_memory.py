"""What keeps `helix run` small: the int8 word table, freed heap returned, lazy imports.

The sizes themselves are measured by benchmarks/memory.py; these tests hold the behaviour that
produces them: the rewritten model gives exactly the original vectors, `release_free_memory`
really returns freed pages, and answering never imports the modules only indexing or an LLM
need.
"""

from __future__ import annotations

import ctypes
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from knowledge.embeddings import MiniLMEmbeddings, builtin_model_path, session_options
from knowledge.heap import _libc, release_free_memory
from knowledge.minilm_graph import gather_before_dequantize

ROOT = Path(__file__).resolve().parents[2]
TEXTS = [
    "What is a production system?",
    "¿Qué es un sistema de producción?",
    "leverage point",
    " ".join(["Collective impact needs a common agenda and shared measurement."] * 40),
]


def test_rewritten_model_gives_bit_identical_vectors(minilm: MiniLMEmbeddings) -> None:
    rewritten = np.array(minilm.embed_documents(TEXTS))
    original = MiniLMEmbeddings()
    original._session = ort.InferenceSession(
        str(builtin_model_path()), session_options(), providers=["CPUExecutionProvider"]
    )
    assert np.array_equal(rewritten, np.array(original.embed_documents(TEXTS)))


def test_rewrite_moves_the_lookup_once_and_only_once() -> None:
    model = builtin_model_path().read_bytes()
    rewritten = gather_before_dequantize(model)
    assert rewritten != model
    # The int8 rows and their scales are gathered, each by one new node.
    assert rewritten.count(b"_gather_q") == 1
    assert rewritten.count(b"_gather_scale") == 1
    assert gather_before_dequantize(rewritten) == rewritten  # nothing left to move
    assert gather_before_dequantize(b"") == b""  # not a model: returned as it is


def _rss_anon_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no RssAnon in /proc/self/status")


@pytest.mark.skipif(_libc() is None, reason="malloc_trim is glibc's")
def test_release_free_memory_returns_freed_heap_pages() -> None:
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    size, count = 64 * 1024, 640  # 40 MiB in blocks malloc serves from its heap, not mmap
    blocks = [libc.malloc(size) for _ in range(count)]
    for block in blocks:
        ctypes.memset(block, 1, size)  # touch every page
    pin = libc.malloc(size)  # a live block above them: free() alone cannot shrink the heap
    before = _rss_anon_mib()
    for block in blocks:
        libc.free(block)
    held = _rss_anon_mib()
    assert release_free_memory()
    after = _rss_anon_mib()
    libc.free(pin)
    assert held > before - 10  # freed, but still resident
    assert held - after > 30  # given back


def test_answering_imports_neither_the_index_writer_nor_the_llm_stack() -> None:
    code = (
        "import sys; import knowledge.base, knowledge.answer, knowledge.indexer; "
        "print(sorted(m for m in ('langchain_chroma', 'langsmith') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
