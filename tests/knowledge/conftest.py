"""Shared fixtures: the fixture documents, one real index per backend per session, the model.

Indexing with the real model costs ~50 ms per chunk, so the session builds one index from the
fixture documents into a temporary directory and every read-only test shares it; tests that
change documents or the index get their own copies. One `chroma run` server on loopback, stopped
by its PID, serves the whole session: skipped only when the `chroma` executable is missing and CI
is not "true" (on CI a missing server binary is a broken environment, not a reason to skip).
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from langchain_core.embeddings import Embeddings

from knowledge.base import KnowledgeBase
from knowledge.config import KnowledgeConfig
from knowledge.embeddings import MiniLMEmbeddings
from knowledge.indexer import index

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_DOCS = FIXTURES / "docs"
FIXTURE_QUESTIONS = FIXTURES / "questions.yaml"
FIXTURE_OFFTOPIC = FIXTURES / "offtopic.yaml"


class CountingEmbeddings(Embeddings):
    """Wraps real embeddings and records every text embedded (to prove what was re-embedded)."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner
        self.documents: list[str] = []
        self.queries: list[str] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.documents.extend(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        self.queries.append(text)
        return self.inner.embed_query(text)


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """tests/knowledge/fixtures: docs/, questions.yaml, offtopic.yaml."""
    return FIXTURES


@pytest.fixture(scope="session")
def minilm() -> MiniLMEmbeddings:
    """The real built-in model, loaded once (sha256-checked, ~0.7 s)."""
    return MiniLMEmbeddings()


STARTUP_WAIT_S = 60.0


def _chroma_executable() -> str | None:
    beside_python = Path(sys.executable).with_name("chroma")
    if beside_python.exists():
        return str(beside_python)
    return shutil.which("chroma")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _heartbeat(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1) as r:
            return bool(r.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def run_chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """Start `chroma run` on a free loopback port, wait for its heartbeat, stop it by PID."""
    executable = _chroma_executable()
    if executable is None:
        if os.environ.get("CI") == "true":
            pytest.fail("the chroma executable is missing on CI")
        pytest.skip("the chroma executable is not installed")
    data = tmp_path_factory.mktemp("chroma-server")
    port = _free_port()
    log = (data / "server.log").open("wb")
    process = subprocess.Popen(
        [
            executable,
            "run",
            "--path",
            str(data / "db"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    try:
        deadline = time.monotonic() + STARTUP_WAIT_S
        while not _heartbeat(port):
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                output = (data / "server.log").read_text(errors="replace")[-2000:]
                pytest.fail(f"chroma server did not come up (exit {process.poll()}):\n{output}")
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
        log.close()


@pytest.fixture(scope="session")
def chroma_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """One `chroma run` server on loopback for the whole session."""
    yield from run_chroma_server(tmp_path_factory)


@pytest.fixture(
    scope="session",
    params=["local", pytest.param("server", marks=pytest.mark.chroma_server)],
)
def kb_config(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    minilm: MiniLMEmbeddings,
) -> KnowledgeConfig:
    """A config whose index (real model, real Chroma) is built once per backend per session.

    `local` is a persistent directory, `server` a collection on the session's Chroma server:
    every retrieval and answer test runs against both, since a deployment may use either.
    """
    if request.param == "server":
        port = request.getfixturevalue("chroma_port")
        config = KnowledgeConfig(
            docs_dir=FIXTURE_DOCS,
            chroma_host="127.0.0.1",
            chroma_port=port,
            collection="kb_session",
        )
    else:
        path = tmp_path_factory.mktemp("chroma-session")
        config = KnowledgeConfig(docs_dir=FIXTURE_DOCS, chroma_path=path)
    index(config, embeddings=minilm)
    return config


@pytest.fixture(scope="session")
def kb(kb_config: KnowledgeConfig, minilm: MiniLMEmbeddings) -> Iterator[KnowledgeBase]:
    base = KnowledgeBase.open(kb_config, embeddings=minilm)
    yield base
    base.close()


@pytest.fixture
def counting(minilm: MiniLMEmbeddings) -> CountingEmbeddings:
    """The real model, recording what it is asked to embed."""
    return CountingEmbeddings(minilm)


@pytest.fixture
def docs_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture documents."""
    target = tmp_path / "docs"
    shutil.copytree(FIXTURE_DOCS, target)
    return target


@pytest.fixture
def own_config(tmp_path: Path, docs_copy: Path) -> KnowledgeConfig:
    """A config with its own documents and index directory, for tests that change them."""
    return KnowledgeConfig(docs_dir=docs_copy, chroma_path=tmp_path / "chroma")


@dataclass
class Stub:
    """Behaviour of the loopback OpenAI-compatible server, and what it received."""

    mode: str = "ok"  # ok | error | empty | slow
    reply: str = "It is everything organised to produce a good or service [1]."
    requests: list[dict[str, Any]] = field(default_factory=list)
    embedded: list[str] = field(default_factory=list)
    base_url: str = ""


def _completion(content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": 0,
        "model": "stub-model",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def hashed_vector(text: str, size: int = 64) -> list[float]:
    """A bag-of-words vector (hashed words, L2-normalised): crude but deterministic."""
    vector = [0.0] * size
    for word in re.findall(r"[a-z]+", text.lower()):
        vector[int(hashlib.sha256(word.encode()).hexdigest(), 16) % size] += 1.0
    norm = math.sqrt(sum(v * v for v in vector)) or 1.0
    return [v / norm for v in vector]


@pytest.fixture
def stub() -> Iterator[Stub]:
    """An aiohttp server on 127.0.0.1 speaking chat completions and embeddings."""
    state = Stub()

    async def completions(request: web.Request) -> web.Response:
        state.requests.append(await request.json())
        if state.mode == "error":
            return web.json_response({"error": {"message": "boom"}}, status=500)
        if state.mode == "slow":
            await asyncio.sleep(3)
        content = "" if state.mode == "empty" else state.reply
        return web.json_response(_completion(content))

    async def embeddings(request: web.Request) -> web.Response:
        body = await request.json()
        texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
        state.embedded.extend(texts)
        data = [
            {"object": "embedding", "index": i, "embedding": hashed_vector(t)}
            for i, t in enumerate(texts)
        ]
        usage = {"prompt_tokens": 1, "total_tokens": 1}
        return web.json_response(
            {"object": "list", "data": data, "model": body["model"], "usage": usage}
        )

    loop = asyncio.new_event_loop()
    app = web.Application()
    app.router.add_post("/v1/chat/completions", completions)
    app.router.add_post("/v1/embeddings", embeddings)
    runner = web.AppRunner(app)
    started = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        loop.run_until_complete(site.start())
        port = runner.addresses[0][1]
        state.base_url = f"http://127.0.0.1:{port}/v1"
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert started.wait(10)
    yield state
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()
