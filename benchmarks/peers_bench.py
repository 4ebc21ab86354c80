"""Matching benchmark: quality beside TF-IDF, and `all_peers` time and memory at 1k-10k.

Run `python benchmarks/peers_bench.py` from the repository root (about 10 minutes on two busy
cores). It reports:

- precision@5 of Helix's matcher and of the TF-IDF baseline on the committed labelled set
  (`analysis/eval/peers_labelled.jsonl`), overall and per language, computed in the same run;
- `all_peers(k=5)` on synthetic initiatives (`peers_synthetic.py`, fixed seed): cold (every text
  embedded with the real MiniLM model into an empty Chroma directory) and warm (a new process,
  vectors read back from Chroma), with the growth ratio per 10x data and peak memory.

Each timed run is its own subprocess, so its peak RSS (VmHWM) belongs to that run alone; the
baseline is the RSS after imports, the model and the Chroma client are loaded.
Cold 10k would embed ~20k texts at 30-60 ms each on this machine (>10 minutes), so cold is
measured at 1k and 3k; the 10k cache is filled with the labelled texts' real vectors plus a
little noise (clearly not a cold run) so the warm 10k run reads 20k distinct vectors from Chroma
exactly as a real warm run does.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # runnable as a plain script from a checkout
    sys.path.insert(0, str(ROOT))

import chromadb  # noqa: E402
import numpy as np  # noqa: E402

from analysis.matching import (  # noqa: E402
    InitiativeVectors,
    all_peers,
    initiative_collection,
)
from analysis.matching.evaluate import evaluate, label_of, load_labelled, precision_at_5  # noqa: E402
from analysis.matching.text import goals_text, issue_text, language_of, text_hash  # noqa: E402
from analysis.matching.tfidf import tfidf_rankings  # noqa: E402
from analysis.profiles import Profile  # noqa: E402
from benchmarks.peers_synthetic import synthetic_profiles  # noqa: E402
from knowledge.chroma import client_settings, close_client  # noqa: E402
from knowledge.embeddings import MINILM_MODEL_ID, MiniLMEmbeddings  # noqa: E402

RESULTS = ROOT / "benchmarks" / "peers_results.md"


def _adapter(path: Path) -> tuple[Any, InitiativeVectors]:
    client = chromadb.PersistentClient(path=str(path), settings=client_settings())
    collection = initiative_collection(client, MINILM_MODEL_ID)
    return client, InitiativeVectors(collection, MiniLMEmbeddings(), MINILM_MODEL_ID)


def run_one(mode: str, n: int, path: Path) -> dict[str, Any]:
    """One timed run in this process: vectors (embed or read) then all_peers(k=5)."""
    profiles = synthetic_profiles(load_labelled(), n)
    client, adapter = _adapter(path)
    baseline_mb = _rss_mb("VmRSS")
    if mode == "seed":
        _seed(client, profiles)
    started = time.perf_counter()
    vectors = adapter.vectors_for(profiles)
    vectors_s = time.perf_counter() - started
    started = time.perf_counter()
    found = all_peers(profiles, k=5, vectors=vectors, listed_only=False)
    peers_s = time.perf_counter() - started
    close_client(client)
    ranked = {key: [p.key for p in top] for key, top in found.items()}
    texts = {issue_text(p) for p in profiles} | {goals_text(p) for p in profiles}
    return {
        "mode": mode,
        "n": n,
        "vectors_s": round(vectors_s, 2),
        "peers_s": round(peers_s, 2),
        "total_s": round(vectors_s + peers_s, 2),
        "embedded": vectors.embedded,
        "texts_embedded": vectors.texts_embedded,
        "distinct_texts": len(texts),
        "baseline_rss_mb": baseline_mb,
        "peak_rss_mb": _rss_mb("VmHWM"),
        "precision@5": round(precision_at_5(profiles, ranked), 3),
    }


def _rss_mb(field: str) -> float:
    """This process's resident memory now (VmRSS) or at its peak (VmHWM), from /proc.

    `ru_maxrss` would not do: Linux carries it over `exec`, so a child would inherit the
    parent's peak.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def _seed(client: Any, profiles: list[Profile]) -> None:
    """Fill the cache with each source text's real vector plus noise (see the module doc)."""
    labelled = {p.key: p for p in load_labelled()}
    model = MiniLMEmbeddings()
    base_texts = sorted({t for p in labelled.values() for t in (issue_text(p), goals_text(p))})
    base = dict(zip(base_texts, np.asarray(model.embed_documents(base_texts)), strict=True))
    rng = np.random.default_rng(7)
    collection = initiative_collection(client, MINILM_MODEL_ID)
    ids: dict[str, np.ndarray] = {}
    for profile in profiles:
        source = labelled[str(profile.record.merged_extra()["source"])]
        for text, origin in (
            (issue_text(profile), issue_text(source)),
            (goals_text(profile), goals_text(source)),
        ):
            noisy = base[origin] + rng.normal(0.0, 0.02, size=base[origin].shape)
            ids[text_hash(MINILM_MODEL_ID, text)] = noisy / np.linalg.norm(noisy)
    keys = list(ids)
    for start in range(0, len(keys), 2000):
        batch = keys[start : start + 2000]
        collection.upsert(ids=batch, embeddings=np.asarray([ids[k] for k in batch], np.float32))


def _subprocess(mode: str, n: int, path: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--one", mode, str(n), str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"  {mode:>5} n={n:<6} {json.dumps(result)}", flush=True)
    return result


def quality(workdir: Path) -> dict[str, float]:
    labelled = load_labelled()
    client, adapter = _adapter(workdir / "labelled")
    vectors = adapter.vectors_for(labelled)
    close_client(client)
    result = evaluate(labelled, vectors)
    helix = all_peers(labelled, k=5, vectors=vectors, listed_only=False)
    helix_keys = {k: [p.key for p in v] for k, v in helix.items()}
    tfidf = tfidf_rankings(labelled, 5)
    by_language: dict[str, float] = {}
    for lang in ("en", "es"):
        subset = [p for p in labelled if language_of(p) == lang]
        only = {p.key for p in subset}
        # Per-language rows score each language's initiatives against the whole set.
        by_language[f"helix_{lang}"] = _precision_of(labelled, helix_keys, only)
        by_language[f"tfidf_{lang}"] = _precision_of(labelled, tfidf, only)
    return {
        "helix": result.helix,
        "tfidf": result.tfidf,
        "n": result.initiatives,
        "issues": result.issues,
        **by_language,
    }


def _precision_of(profiles: list[Profile], ranked: dict[str, list[str]], only: set[str]) -> float:
    labels = {p.key: label_of(p) for p in profiles}
    sizes: dict[str, int] = {}
    for label in labels.values():
        sizes[label] = sizes.get(label, 0) + 1
    scores = []
    for key in only:
        k = min(5, sizes[labels[key]] - 1)
        scores.append(sum(labels[x] == labels[key] for x in ranked[key][:k]) / k)
    # fsum: `only` is a set, so a plain sum's last bit (0.8375 shown as 0.837 or 0.838) would
    # depend on string hashing, i.e. change from run to run.
    return math.fsum(scores) / len(scores)


def report(q: dict[str, float], runs: list[dict[str, Any]]) -> str:
    lines = [
        f"## Matching quality (labelled set: {q['n']:.0f} initiatives, {q['issues']:.0f} issues)",
        "",
        "| method | precision@5 | English initiatives | Spanish initiatives |",
        "| --- | --- | --- | --- |",
        f"| Helix (MiniLM issue+goals, language-centred, partners, attributes) | {q['helix']:.3f} "
        f"| {q['helix_en']:.3f} | {q['helix_es']:.3f} |",
        f"| TF-IDF over issue + goals | {q['tfidf']:.3f} | {q['tfidf_en']:.3f} "
        f"| {q['tfidf_es']:.3f} |",
        "",
        "## all_peers(k=5) on synthetic initiatives",
        "",
        "| n | run | vectors s | all_peers s | total s | texts embedded | baseline / peak RSS MB "
        "| precision@5 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in runs:
        lines.append(
            f"| {r['n']} | {r['mode']} | {r['vectors_s']} | {r['peers_s']} | {r['total_s']} "
            f"| {r['texts_embedded']} / {r['distinct_texts']} "
            f"| {r['baseline_rss_mb']} / {r['peak_rss_mb']} "
            f"| {r['precision@5']} |"
        )
    lines += ["", *_growth(runs)]
    return "\n".join(lines) + "\n"


def _growth(runs: list[dict[str, Any]]) -> list[str]:
    out = []
    by = {(r["mode"], r["n"]): r for r in runs}
    for mode, key in (
        ("warm", "total_s"),
        ("warm", "peers_s"),
        ("warm", "peak_rss_mb"),
        ("cold", "total_s"),
    ):
        sizes = sorted(n for m, n in by if m == mode)
        if len(sizes) >= 2:
            small, big = sizes[0], sizes[-1]
            ratio = by[(mode, big)][key] / max(by[(mode, small)][key], 1e-9)
            per10 = ratio ** (1 / math.log10(big / small))
            out.append(
                f"- {mode} {key}: x{ratio:.2f} from {small} to {big} "
                f"(x{per10:.2f} per 10x data; linear would be x10, quadratic x100)"
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", nargs=3, metavar=("MODE", "N", "DIR"), help=argparse.SUPPRESS)
    parser.add_argument("--cold", type=int, nargs="*", default=[1000, 3000])
    parser.add_argument("--warm-only", type=int, nargs="*", default=[10000])
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    if args.one:
        mode, n, path = args.one
        print(json.dumps(run_one(mode, int(n), Path(path))))
        return
    with tempfile.TemporaryDirectory(prefix="peers-bench-") as tmp:
        workdir = Path(tmp)
        q = quality(workdir)
        print(f"precision@5 Helix {q['helix']:.3f}  TF-IDF {q['tfidf']:.3f}", flush=True)
        runs = []
        for n in args.cold:
            runs.append(_subprocess("cold", n, workdir / f"c{n}"))
            runs.append(_subprocess("warm", n, workdir / f"c{n}"))
        for n in args.warm_only:
            _subprocess("seed", n, workdir / f"s{n}")
            runs.append(_subprocess("warm", n, workdir / f"s{n}"))
    text = report(q, runs)
    print(text)
    args.out.write_text(text, encoding="utf-8")
    print(json.dumps({"quality": q, "runs": runs}))


if __name__ == "__main__":
    main()
