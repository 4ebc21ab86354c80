"""Memory of `helix run`: resident set of the real process, sampled from outside, and its parts.

Run `python benchmarks/memory.py` from the repository root. It starts the real `helix run` in its
own process (terminal mode: no TELEGRAM_BOT_TOKEN), with a fresh data directory and this checkout
first on the path, and types into it as a user would: `/ask` questions from the committed
evaluation set (English and Spanish) and `/peers` (which loads the initiative vectors through the
same embedding model). After each step it reads the process's VmRSS, RssAnon and RssFile from
/proc/PID/status and its PSS from /proc/PID/smaps_rollup (PSS splits shared library pages among the
processes that map them; RSS counts them whole).

Two runs of the same data directory:

* `first start`: an empty directory, so the chat builds the knowledge index in the background
  (every chunk and sentence embedded) while the user waits for the first answer;
* `restart`: the index is there (the everyday case of a deployed bot): the steady state.

Samples: `start` (the first prompt is shown; the knowledge base is still loading in a background
thread), `1st answer`, `20 answers`, `peers` (after `/peers`, the terminal user being made the
leader of a demo initiative so peers are really computed) and `25 answers`. Answer latency is
measured from outside (line written -> prompt back), so it includes the terminal's own work.

`--breakdown` then repeats the start-up in one process step by step (imports, the ONNX session,
the first long and short embeddings, the Chroma client, opening the knowledge base, answers,
initiative vectors) with the RSS each step adds and the Python heap (tracemalloc) at the end,
grouped by package. `--latency ROUNDS` times `answer()` over the whole evaluation set with the
model as shipped beside the model as it was before issue 10's memory work (float32 word table,
CPU arena), interleaved in one process, and counts answers that differ (they must not). Memory
and speed are reported, never asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import select
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # runnable as a plain script from a checkout
    sys.path.insert(0, str(ROOT))

USER = "helixbench"
PROMPT = b"> "
ANSWERS = 25
SAMPLE_AFTER = {1: "1st answer", 20: "20 answers", 25: "25 answers"}


def memory_of(pid: int | str = "self") -> dict[str, float]:
    """VmRSS, RssAnon, RssFile, VmHWM and Pss of a process, in MiB."""
    out: dict[str, float] = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in {"VmRSS", "RssAnon", "RssFile", "VmHWM"}:
                out[key] = int(value.split()[0]) / 1024
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
        for line in rollup:
            if line.startswith("Pss:"):
                out["Pss"] = int(line.split()[1]) / 1024
    return out


def questions(n: int) -> list[str]:
    """`n` questions spread over the evaluation set (so both languages come up)."""
    from knowledge.eval.dataset import load_questions

    every = load_questions()
    step = max(1, len(every) // n)
    return [q.q for q in every[::step][:n]]


class Chat:
    """A `helix run` child whose stdin we type into; `say` waits for the prompt to come back."""

    def __init__(self, data_dir: Path, workdir: Path) -> None:
        drop = {"TELEGRAM_BOT_TOKEN", "DATABASE_URL"}
        env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("HELIX_")}
        env |= {
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
            "HELIX_DATA_DIR": str(data_dir),
            "PYTHONUNBUFFERED": "1",
            "COLUMNS": "200",
            "USER": USER,  # the terminal user is term:<login name>
            "LOGNAME": USER,
        }
        command = [sys.executable, "-c", "from bot.cli import main; main()", "run"]
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            command,
            cwd=workdir,  # no .env of the checkout changes the settings
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self.transcript = b""

    def wait_prompt(self, timeout: float = 900.0) -> bytes:
        assert self.process.stdout is not None
        out, deadline = b"", time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 1.0)
            if not ready:
                continue
            chunk = os.read(self.process.stdout.fileno(), 1 << 16)
            if not chunk:
                raise SystemExit(f"helix run exited:\n{(self.transcript + out).decode()[-3000:]}")
            out += chunk
            if out.endswith(PROMPT):  # the chat blocks on input right after printing it
                self.transcript += out
                return out
        raise SystemExit(f"no prompt within {timeout:.0f} s:\n{out.decode()[-3000:]}")

    def say(self, line: str) -> tuple[float, bytes]:
        assert self.process.stdin is not None
        started = time.perf_counter()
        self.process.stdin.write(line.encode() + b"\n")
        self.process.stdin.flush()
        out = self.wait_prompt()
        return time.perf_counter() - started, out

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()  # end of input: the chat says goodbye and exits
        self.process.wait(timeout=120)


def run_phase(name: str, data_dir: Path, workdir: Path, asked: list[str]) -> dict[str, Any]:
    chat = Chat(data_dir, workdir)
    pid = chat.process.pid
    chat.wait_prompt()
    samples = {"start": memory_of(pid)}
    start_s = time.perf_counter() - chat.started
    latencies: list[float] = []
    peers_out = b""
    for n, question in enumerate(asked, start=1):
        seconds, _ = chat.say(f"/ask {question}")
        latencies.append(seconds)
        if n in SAMPLE_AFTER:
            samples[SAMPLE_AFTER[n]] = memory_of(pid)
        if n == 20:
            _, peers_out = chat.say("/peers")
            samples["peers"] = memory_of(pid)
    chat.close()
    warm = sorted(latencies[1:])
    row = {
        "phase": name,
        "start_s": round(start_s, 1),
        "first_answer_s": round(latencies[0], 2),
        "answer_p50_ms": round(1000 * warm[len(warm) // 2], 1),
        "answer_p95_ms": round(1000 * warm[min(len(warm) - 1, int(0.95 * len(warm)))], 1),
        "peers_shown": b"1." in peers_out,
        "samples": {k: {m: round(v, 1) for m, v in s.items()} for k, s in samples.items()},
    }
    print(f"\n{name}: ready in {row['start_s']} s, first answer {row['first_answer_s']} s, "
          f"later answers p50 {row['answer_p50_ms']} ms / p95 {row['answer_p95_ms']} ms "
          f"(from outside), peers listed: {row['peers_shown']}")  # fmt: skip
    print(f"  {'sample':<12} {'RSS':>7} {'anon':>7} {'file':>7} {'PSS':>7} {'peak':>7}  (MiB)")
    for label, s in samples.items():
        print(f"  {label:<12} {s['VmRSS']:7.1f} {s['RssAnon']:7.1f} {s['RssFile']:7.1f} "
              f"{s['Pss']:7.1f} {s['VmHWM']:7.1f}")  # fmt: skip
    return row


def make_leader(data_dir: Path) -> None:
    """The terminal user becomes the leader of the first demo initiative, so `/peers` lists."""
    with sqlite3.connect(data_dir / "helix.db") as db:
        key = f"term:{USER}"  # the chat made this user a leader already: that row lets go
        db.execute("UPDATE leader SET user_key = NULL WHERE user_key = ?", (key,))
        db.execute("UPDATE leader SET user_key = ? WHERE id = 1", (key,))


# --- in-process breakdown ---------------------------------------------------------------


def breakdown(data_dir: Path, *, traced: bool) -> None:
    """Steps of start-up in this process (run as a child, so nothing before it counts).

    RSS per step untraced; `traced` runs the same steps under tracemalloc for the Python heap
    (tracing inflates RSS itself, so its steps are not printed)."""
    import tracemalloc

    if traced:
        tracemalloc.start(1)
    rows: list[tuple[str, float]] = []
    last = [memory_of()["VmRSS"]]

    def step(label: str) -> None:
        now = memory_of()["VmRSS"]
        rows.append((label, round(now - last[0], 1)))
        if not traced:
            print(f"  {label:<58} {now:7.1f} MiB {now - last[0]:+7.1f}", flush=True)
        last[0] = now

    step("python")
    for module in ("numpy", "sqlalchemy", "onnxruntime", "tokenizers", "chromadb"):
        __import__(module)
        step(f"import {module}")
    import bot.commands.chat  # noqa: F401  (everything `helix run` imports before the model)

    step("import the rest of `helix run` (bot, intake, analysis)")
    heavy = ("langchain_chroma", "langsmith", "networkx", "alembic", "matplotlib", "pandas")
    loaded = [m for m in heavy if m in sys.modules]
    from analysis.matching import open_initiative_vectors
    from analysis.profiles import load_profiles
    from bot.settings import Settings
    from bot.startup import open_database
    from knowledge.answer import answer
    from knowledge.base import KnowledgeBase
    from knowledge.chroma import close_client, open_client
    from knowledge.config import KnowledgeConfig
    from knowledge.embeddings import load_embeddings

    config = KnowledgeConfig(chroma_path=data_dir / "chroma")
    model = load_embeddings(config.embeddings)
    step("ONNX session (MiniLM int8, weights folded to fp32)")
    model.embed_query("a short question")
    step("first short embedding")
    model.embed_documents([" ".join(["the production system and its actors"] * 60)])
    step("first 256-token embedding (arena growth)")
    client = open_client(config)
    step("Chroma client (persistent directory)")
    base = KnowledgeBase.open(config, embeddings=model)
    step("KnowledgeBase.open (index check, chunks, BM25, sentences)")
    for question in questions(20):
        answer(question, base)
    step("20 answers")
    vectors_client, vectors = open_initiative_vectors(config, model)
    vectors.vectors_for(load_profiles(open_database(Settings(HELIX_DATA_DIR=data_dir))))
    step("initiative vectors of the demo data (peers)")
    from knowledge.heap import release_free_memory

    release_free_memory()
    step("malloc_trim(0): free heap pages returned")
    result: dict[str, Any] = {"steps": rows, "heavy_modules_loaded": loaded}
    if traced:
        snapshot = tracemalloc.take_snapshot()
        by_package: dict[str, int] = {}
        for stat in snapshot.statistics("filename"):
            parts = Path(stat.traceback[0].filename).parts
            key = next(
                (p for p in parts[::-1] if p in {"knowledge", "analysis", "bot", "intake"}), ""
            )
            if "site-packages" in parts:
                key = parts[parts.index("site-packages") + 1]
            key = key or ("(module code)" if "<frozen" in parts[-1] else parts[-1])
            by_package[key] = by_package.get(key, 0) + stat.size
        total = sum(by_package.values())
        print(f"  Python heap (tracemalloc) {total / 2**20:.1f} MiB, largest by package:")
        for key, size in sorted(by_package.items(), key=lambda kv: -kv[1])[:8]:
            print(f"    {key:<30} {size / 2**20:6.1f} MiB")
        result = {"python_heap_mib": round(total / 2**20, 1)}
    else:
        print(f"  heavy modules loaded: {', '.join(loaded) or 'none'}")
    print(json.dumps(result))
    base.close()
    close_client(vectors_client)
    close_client(client)


def latency(data_dir: Path, rounds: int) -> None:
    """Answer latency with the model as shipped beside the model as it was (float word table,
    CPU arena): two bases over one index in one process, each question asked of both in turn
    (alternating which goes first), so load on a shared machine hits both alike."""
    import statistics

    import onnxruntime as ort

    from knowledge.answer import answer
    from knowledge.base import KnowledgeBase
    from knowledge.config import KnowledgeConfig
    from knowledge.embeddings import MiniLMEmbeddings, builtin_model_path, session_options
    from knowledge.eval.dataset import load_offtopic, load_questions

    config = KnowledgeConfig(chroma_path=data_dir / "chroma")
    earlier = MiniLMEmbeddings()
    options = session_options()
    options.enable_cpu_mem_arena = True
    path = str(builtin_model_path())
    earlier._session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    bases = {
        "float table + arena": KnowledgeBase.open(config, embeddings=earlier, auto_index=False),
        "as shipped": KnowledgeBase.open(config, embeddings=MiniLMEmbeddings(), auto_index=False),
    }
    asked = [q.q for q in load_questions()] + [q.q for q in load_offtopic()]
    times: dict[str, list[float]] = {name: [] for name in bases}
    differ = 0
    for turn in range(rounds * len(asked)):
        order = list(bases.items())[:: 1 if turn % 2 else -1]
        texts = set()
        for name, base in order:
            started = time.perf_counter()
            texts.add(answer(asked[turn % len(asked)], base).text)
            times[name].append(1000 * (time.perf_counter() - started))
        differ += len(texts) > 1
    result = {}
    for name, values in times.items():
        values.sort()
        p50, p95 = values[len(values) // 2], values[int(0.95 * len(values))]
        result[name] = {"p50_ms": round(p50, 2), "p95_ms": round(p95, 2)}
        print(f"  {name:<20} n={len(values)} p50 {p50:.2f} ms, p95 {p95:.2f} ms, "
              f"mean {statistics.mean(values):.2f} ms")  # fmt: skip
    print(f"  answers that differ between the two: {differ}")
    print(json.dumps({"latency": result, "differing_answers": differ}))
    for base in bases.values():
        base.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--answers", type=int, default=ANSWERS)
    parser.add_argument(
        "--skip-first",
        action="store_true",
        help="report the restart only (the first start still builds the index)",
    )
    parser.add_argument("--breakdown", action="store_true", help="add the in-process breakdown")
    parser.add_argument("--breakdown-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--latency", type=int, default=0, metavar="ROUNDS",
        help="add the answer latency A/B: every eval question ROUNDS times",
    )  # fmt: skip
    parser.add_argument("--latency-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.breakdown_child:
        breakdown(args.breakdown_child, traced=args.traced)
        return
    if args.latency_child:
        latency(args.latency_child, args.latency)
        return
    asked = questions(args.answers)
    rows = []
    with tempfile.TemporaryDirectory(prefix="helix-memory-") as temp:
        workdir = Path(temp)
        data_dir = workdir / "data"
        data_dir.mkdir()
        first = run_phase("first start", data_dir, workdir, asked)
        if not args.skip_first:
            rows.append(first)
        make_leader(data_dir)
        rows.append(run_phase("restart", data_dir, workdir, asked))
        if args.breakdown:
            print("\nbreakdown (one process, index present):")
            env = dict(os.environ, PYTHONPATH=str(ROOT))
            command = [sys.executable, __file__, "--breakdown-child", str(data_dir)]
            subprocess.run(command, cwd=workdir, env=env, check=True)
            subprocess.run([*command, "--traced"], cwd=workdir, env=env, check=True)
        if args.latency:
            print("\nanswer latency, one process, interleaved:")
            env = dict(os.environ, PYTHONPATH=str(ROOT))
            command = [sys.executable, __file__, "--latency-child", str(data_dir)]
            command += ["--latency", str(args.latency)]
            subprocess.run(command, cwd=workdir, env=env, check=True)
    load = os.getloadavg()[0]
    print(json.dumps({"memory": rows, "load_1m": round(load, 2), "cpus": os.cpu_count()}))


if __name__ == "__main__":
    main()
