"""Storage step benchmark: CPU time of one interview step, engine plus durable write.

Run `python -m benchmarks.storage_step` (or `python benchmarks/storage_step.py`; add
`--json-only` for machine output, `--steps N` for more). It migrates a fresh SQLite file in a
temporary directory and runs scripted interviews of the packaged form through
`InterviewStore.apply` (load with lock, `engine.step`, save state, append the answer log, and on
Submit the submission and projection) until at least N steps have been measured.

Reported per step, median and p95 in milliseconds:
- `store_cpu`: `time.process_time()` around `apply` — the number the issue asks for;
- `engine_cpu`: the same events through the pure `engine.step` alone, for the split;
- `store_wall`: wall-clock time of `apply`, which adds the fsync of each durable commit
  (SQLite `synchronous=FULL`) and so depends on the disk more than on the code.
Speed is a reported number here, never a test assertion.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # runnable as a plain script from a checkout
    sys.path.insert(0, str(ROOT))

from intake.engine import (  # noqa: E402
    Event,
    InterviewState,
    Prompt,
    render,
    start,
    step,
)
from intake.form import FormDefinition, load_definition  # noqa: E402
from intake.storage import (  # noqa: E402
    InterviewStore,
    create_db_engine,
    upgrade_database,
)
from tests.intake.storage.scripted import PACKAGED_SCRIPT, run_script  # noqa: E402


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (no interpolation: a reported step really took that long)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def summary(samples: list[float]) -> dict[str, float]:
    millis = [s * 1000 for s in samples]
    return {
        "median_ms": round(statistics.median(millis), 3),
        "p95_ms": round(percentile(millis, 0.95), 3),
        "mean_ms": round(statistics.fmean(millis), 3),
    }


def measure_store(definition: FormDefinition, directory: Path, steps: int) -> dict[str, Any]:
    url = f"sqlite:///{directory / 'bench.db'}"
    upgrade_database(url)
    engine = create_db_engine(url)
    store = InterviewStore(engine, definition)
    cpu: list[float] = []
    wall: list[float] = []
    interviews = 0
    try:
        while len(cpu) < steps:
            user_key = f"term:bench-{interviews}"
            interviews += 1
            _, prompt, _ = store.open(user_key)

            def timed(event: Event, user_key: str = user_key) -> tuple[InterviewState, Prompt]:
                wall_start, cpu_start = time.perf_counter(), time.process_time()
                result = store.apply(user_key, event)
                cpu.append(time.process_time() - cpu_start)
                wall.append(time.perf_counter() - wall_start)
                return result

            run_script(timed, prompt, PACKAGED_SCRIPT)
    finally:
        engine.dispose()
    return {"cpu": cpu, "wall": wall, "interviews": interviews}


def measure_engine(definition: FormDefinition, steps: int) -> list[float]:
    cpu: list[float] = []
    while len(cpu) < steps:
        state = start(definition)

        def timed(event: Event) -> tuple[InterviewState, Prompt]:
            nonlocal state
            cpu_start = time.process_time()
            state, prompt = step(definition, state, event)
            cpu.append(time.process_time() - cpu_start)
            return state, prompt

        run_script(timed, render(definition, state), PACKAGED_SCRIPT)
    return cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=500, help="minimum steps to measure")
    parser.add_argument("--json-only", action="store_true", help="print only the JSON result")
    args = parser.parse_args(argv)
    definition = load_definition()
    with tempfile.TemporaryDirectory(prefix="helix-bench-") as directory:
        store = measure_store(definition, Path(directory), args.steps)
    engine_cpu = measure_engine(definition, args.steps)
    result = {
        "benchmark": "storage_step",
        "form": f"{definition.form_id} {definition.version}",
        "database": "sqlite (WAL, synchronous=FULL)",
        "steps": len(store["cpu"]),
        "interviews": store["interviews"],
        "store_cpu": summary(store["cpu"]),
        "engine_cpu": summary(engine_cpu),
        "store_wall": summary(store["wall"]),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    if not args.json_only:
        print(f"{'measure':<12} {'median ms':>10} {'p95 ms':>10} {'mean ms':>10}")
        for key in ("store_cpu", "engine_cpu", "store_wall"):
            row = result[key]
            print(f"{key:<12} {row['median_ms']:>10} {row['p95_ms']:>10} {row['mean_ms']:>10}")
        print(
            f"({result['steps']} steps over {result['interviews']} interviews of {result['form']})"
        )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
