"""Import speed and memory: the real `helix import FILE` on generated files, timed from outside.

Run `.venv/bin/python benchmarks/import_speed.py` from the repository root (`--quick` for 10,000
records of each kind, `--skip-demo` for the small file only, `--postgres URL` to repeat the phases
on a fresh PostgreSQL database created through that admin URL and dropped afterwards).

Issue 12 asks for 100k small records in 30 s or less, an unchanged re-import in 20 s or less and
peak memory under 300 MB for a 138 MB file, so this measures what a convener sees: the CLI in its
own process, start-up and migrations check included. Each measured `helix` process is waited for
with `os.wait4`, which returns the rusage of that one child, so its peak RSS (`ru_maxrss`) is its
own and never the largest of several children. The database is migrated beforehand by an
unmeasured `helix db upgrade`, so the import phases time the import, not the schema creation.

Files (deterministic, seed 12, in a temporary directory):
- small: id, name, issue, a goal (two on one line in ten), a leader name on every fourth line
  (~110 bytes);
- demo-like: the 30 records of `analysis/demo/initiatives.jsonl` as templates, every copy with
  its own id, name, town, leader (half with a Telegram id), website, needs, offers and
  consent (~1.4 kB, every field a full record has).

Phases: a no-op `helix db upgrade` (the fixed cost of starting the CLI); the small file into an
empty database; the same file again (every line unchanged); the demo-like file into an empty
database. Speed is a reported number, never a test assertion.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "analysis" / "demo" / "initiatives.jsonl"
SEED = 12
TOWNS = ["Ash", "Bram", "Cold", "Dun", "East", "Fen", "Glen", "High", "Kings", "Oak", "Red"]
ENDS = ["bury", "by", "field", "ford", "gate", "ham", "ley", "mere", "ton", "well"]
FIRST = ["Ana", "Ben", "Chloe", "Dev", "Eli", "Femi", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lena"]
LAST = ["Abbott", "Brandt", "Cruz", "Dias", "Evans", "Falk", "Grant", "Haas", "Ito", "Jensen"]
ISSUES = ["Food waste", "Youth unemployment", "River pollution", "Energy poverty", "Loneliness"]
VERBS = ["Cut", "Halve", "Map", "Fund", "Train", "Open", "Reach"]
THINGS = ["waste", "sites", "homes", "people", "schools", "kitchens", "routes"]
NEEDS = ["funding", "data", "partners", "policy_access", "skills", "visibility", "volunteers"]
OFFERS = ["skills", "volunteers", "space", "partners", "data", "equipment"]
DIGESTS = ["weekly", "monthly", "never"]
COUNTS = re.compile(r"(imported \(new\)|updated|unchanged|rejected)\D+?(\d+)")


# --- generated files -----------------------------------------------------------------------


def town(rng: random.Random) -> str:
    return rng.choice(TOWNS) + rng.choice(ENDS)


def small_records(n: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    """Bare records as a convener's first spreadsheet has them: few fields, short text."""
    for i in range(n):
        record: dict[str, Any] = {
            "id": f"s{i}",
            "name": f"{town(rng)} {rng.choice(THINGS).title()} {i}",
            "issue": rng.choice(ISSUES),
            "goals": [
                f"{rng.choice(VERBS)} {rng.randint(2, 500)} {rng.choice(THINGS)}"
                for _ in range(2 if rng.random() < 0.1 else 1)
            ],
        }
        if i % 4 == 0:
            record["leader"] = f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}"
        yield record


def demo_records(n: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    """Copies of the demo records, each made distinct (id, name, region, leader, website)."""
    templates = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines()]
    for i in range(n):
        record = json.loads(json.dumps(templates[i % len(templates)]))
        place = town(rng)
        record["id"] = f"d{i:07d}"
        record["name"] = f"{record['name']} {place} {i}"
        record["region"] = f"{place}, {record.get('region', 'Northvale').split(', ')[-1]}"
        record["website"] = f"{place.lower()}{i}.org"
        telegram_id = 10**9 + i if i % 2 else None
        leader = f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}"
        record["leader"] = {"name": leader, "telegram_id": telegram_id}
        record["needs"] = rng.sample(NEEDS, rng.randint(1, 2))
        record["offers"] = rng.sample(OFFERS, rng.randint(1, 2))
        record["consent"] = {
            "listed": rng.random() < 0.9,
            "introductions": rng.random() < 0.7,
            "digest": rng.choice(DIGESTS),
        }
        yield record


def write_jsonl(path: Path, records: Iterator[dict[str, Any]]) -> dict[str, Any]:
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    size = path.stat().st_size
    return {
        "file": path.name,
        "records": count,
        "mb": size / 1e6,
        "bytes_per_record": size / count,
    }


# --- measured runs ------------------------------------------------------------------------


@dataclass
class Run:
    phase: str
    backend: str
    records: int
    wall_s: float
    peak_rss_mb: float
    cpu_s: float
    exit_code: int
    counts: dict[str, int] = field(default_factory=dict)
    load_1m: float = 0.0
    """The machine's 1-minute load average when the phase ended (other work slows it)."""

    @property
    def rows_per_s(self) -> float:
        return self.records / self.wall_s if self.records and self.wall_s else 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "phase": self.phase,
            "backend": self.backend,
            "records": self.records,
            "wall_s": round(self.wall_s, 2),
            "rows_per_s": round(self.rows_per_s, 1),
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            "cpu_s": round(self.cpu_s, 2),
            "exit_code": self.exit_code,
            "counts": self.counts,
            "load_1m": round(self.load_1m, 2),
        }


def helix_command() -> list[str]:
    """`.venv/bin/helix` when installed, else the same entry point through this interpreter."""
    script = ROOT / ".venv" / "bin" / "helix"
    if script.exists():
        return [sys.executable, str(script)]
    return [sys.executable, "-c", "from bot.cli import main; main()"]


def child_env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    """This checkout first on the path (the venv's editable install may point elsewhere)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TELEGRAM_BOT_TOKEN"}}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["HELIX_DATA_DIR"] = str(data_dir)
    env["COLUMNS"] = "200"  # the report table on one line per count, whatever the terminal
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def run_helix(args: list[str], env: dict[str, str], workdir: Path) -> tuple[float, Any, int, str]:
    """Run one `helix` process; wall time, its own rusage, exit code, and its output.

    The working directory is the temporary one, so no `.env` of the checkout changes settings.
    """
    out_path = workdir / f"helix-{uuid.uuid4().hex[:8]}.out"
    with out_path.open("wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(
            [*helix_command(), *args], env=env, cwd=workdir, stdout=out, stderr=subprocess.STDOUT
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # Popen must not wait for it again
    text = out_path.read_text(encoding="utf-8", errors="replace")
    out_path.unlink()
    return wall, usage, process.returncode, text


def peak_mb(usage: Any) -> float:
    """`ru_maxrss` is KiB on Linux, bytes on macOS."""
    scale = 1 if sys.platform == "darwin" else 1024
    return float(usage.ru_maxrss * scale / 2**20)


def measure(
    phase: str, backend: str, args: list[str], records: int, env: dict[str, str], workdir: Path
) -> Run:
    wall, usage, code, text = run_helix(args, env, workdir)
    if code not in (0, 1):
        raise SystemExit(f"{phase}: helix {' '.join(args)} exited {code}:\n{text[-2000:]}")
    counts = {name.split(" ")[0]: int(number) for name, number in COUNTS.findall(text)}
    cpu = usage.ru_utime + usage.ru_stime
    run = Run(phase, backend, records, wall, peak_mb(usage), cpu, code, counts, os.getloadavg()[0])
    rss = run.peak_rss_mb
    print(f"  {phase:<22} {backend:<8} {wall:7.1f} s {cpu:7.1f} s CPU {rss:6.0f} MiB {counts}")
    return run


# --- databases ----------------------------------------------------------------------------


class Backend:
    """A fresh, migrated database per `fresh()`: a SQLite directory or a PostgreSQL database."""

    def __init__(self, workdir: Path, admin_url: str | None) -> None:
        self.workdir = workdir
        self.admin_url = admin_url
        self.name = "postgres" if admin_url else "sqlite"
        self.created: list[str] = []
        self.count = 0

    def fresh(self) -> dict[str, str]:
        self.count += 1
        data_dir = self.workdir / f"data-{self.name}-{self.count}"
        data_dir.mkdir()
        url = self._create_database() if self.admin_url else None
        env = child_env(data_dir, url)
        _, _, code, text = run_helix(["db", "upgrade"], env, self.workdir)
        if code != 0:
            raise SystemExit(f"helix db upgrade exited {code}:\n{text[-2000:]}")
        return env

    def _create_database(self) -> str:
        from sqlalchemy import create_engine, make_url, text

        assert self.admin_url is not None
        name = f"helix_import_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        self.created.append(name)
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def close(self) -> None:
        if not self.created or self.admin_url is None:
            return
        from sqlalchemy import create_engine, text

        admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for name in self.created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run_phases(
    backend: Backend, small: Path, small_n: int, demo: Path | None, demo_n: int
) -> list[Run]:
    runs: list[Run] = []
    env = backend.fresh()
    workdir = backend.workdir
    runs.append(measure("startup (db upgrade)", backend.name, ["db", "upgrade"], 0, env, workdir))
    runs.append(
        measure("small, empty db", backend.name, ["import", str(small)], small_n, env, workdir)
    )
    runs.append(
        measure("small, unchanged", backend.name, ["import", str(small)], small_n, env, workdir)
    )
    if demo is not None:
        env = backend.fresh()
        runs.append(
            measure(
                "demo-like, empty db", backend.name, ["import", str(demo)], demo_n, env, workdir
            )
        )
    return runs


# --- report -------------------------------------------------------------------------------


def print_table(runs: list[Run]) -> None:
    header = (
        "phase",
        "db",
        "records",
        "wall s",
        "rows/s",
        "peak RSS MiB",
        "CPU s",
        "load",
        "counts",
    )
    rows = [
        (
            run.phase,
            run.backend,
            f"{run.records:,}",
            f"{run.wall_s:.1f}",
            f"{run.rows_per_s:,.0f}" if run.records else "-",
            f"{run.peak_rss_mb:.0f}",
            f"{run.cpu_s:.1f}",
            f"{run.load_1m:.1f}",
            " ".join(f"{k}={v}" for k, v in run.counts.items() if v),
        )
        for run in runs
    ]
    print("| " + " | ".join(header) + " |")
    print("|" + " --- |" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")


def git_commit() -> str:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
    except OSError:
        return "unknown"
    return result.stdout.strip() or "unknown"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=None, help="small records (default 100,000)")
    parser.add_argument("--demo-n", type=int, default=None, help="demo-like records (100,000)")
    parser.add_argument("--quick", action="store_true", help="10,000 of each unless given")
    parser.add_argument("--skip-demo", action="store_true", help="only the small file")
    parser.add_argument("--postgres", metavar="URL", help="also run on PostgreSQL (admin URL)")
    parser.add_argument("--keep", metavar="DIR", help="generate into DIR and keep it")
    args = parser.parse_args(argv)
    default = 10_000 if args.quick else 100_000
    args.n = args.n or default
    args.demo_n = args.demo_n or default
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    rng = random.Random(SEED)
    temp = None if args.keep else tempfile.TemporaryDirectory(prefix="helix-import-bench-")
    workdir = Path(args.keep or (temp.name if temp else "."))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        print(f"generating into {workdir} ...")
        files = [write_jsonl(workdir / "small.jsonl", small_records(args.n, rng))]
        demo = None
        if not args.skip_demo:
            demo = workdir / "demo.jsonl"
            files.append(write_jsonl(demo, demo_records(args.demo_n, rng)))
        for info in files:
            print(
                f"  {info['file']}: {info['records']:,} records, {info['mb']:.1f} MB, "
                f"{info['bytes_per_record']:.0f} bytes/record"
            )
        runs: list[Run] = []
        backends = [Backend(workdir, None)]
        if args.postgres:
            backends.append(Backend(workdir, args.postgres))
        for backend in backends:
            try:
                runs += run_phases(backend, workdir / "small.jsonl", args.n, demo, args.demo_n)
            finally:
                backend.close()
    finally:
        if temp is not None:
            temp.cleanup()
    print()
    print_table(runs)
    result = {
        "benchmark": "import_speed",
        "commit": git_commit(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_avg": [round(x, 2) for x in os.getloadavg()],
        "files": [{**info, "mb": round(info["mb"], 2)} for info in files],
        "runs": [run.as_json() for run in runs],
        "aims": {"small_s": 30, "unchanged_s": 20, "demo_peak_mb": 300},
    }
    print(json.dumps(result, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
