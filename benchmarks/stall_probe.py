"""Where a stall comes from: event-loop lag, GC pauses and slow SQLite statements, timestamped.

A measurement aid for the benchmarks (`digest_delivery.py --probe`), not product code. Start it
in the process under test; `report()` summarises what it saw since `start()`.
"""

from __future__ import annotations

import asyncio
import gc
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class StallProbe:
    #: Loop lag, GC pauses and SQL statements at or above this many seconds are kept one by one.
    threshold: float = 0.1
    tick: float = 0.02
    started: float = field(default_factory=time.perf_counter)
    lags: list[tuple[float, float]] = field(default_factory=list)
    gc_pauses: list[tuple[float, float, int]] = field(default_factory=list)
    sql: list[tuple[float, float, str]] = field(default_factory=list)
    commits: list[float] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None
    _gc_start: float = 0.0
    objects_at_start: int = 0

    def start(self, engine: Any | None = None) -> None:
        self.started = time.perf_counter()
        self.objects_at_start = len(gc.get_objects())
        self._task = asyncio.get_running_loop().create_task(self._watch_loop())
        gc.callbacks.append(self._on_gc)
        if engine is not None:
            self._watch_sql(engine)

    async def stop(self) -> None:
        if self._on_gc in gc.callbacks:
            gc.callbacks.remove(self._on_gc)
        if self._task is not None:
            self._task.cancel()

    async def _watch_loop(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(self.tick)
            lag = time.perf_counter() - before - self.tick
            if lag >= self.threshold:
                self.lags.append((before - self.started, lag))

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_start = time.perf_counter()
        else:
            took = time.perf_counter() - self._gc_start
            if took >= self.threshold / 10:
                self.gc_pauses.append((self._gc_start - self.started, took, info["generation"]))

    def _watch_sql(self, engine: Any) -> None:
        from sqlalchemy import event

        @event.listens_for(engine, "before_cursor_execute")
        def _before(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
            conn.info["probe_t"] = time.perf_counter()

        @event.listens_for(engine, "after_cursor_execute")
        def _after(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
            began = conn.info.pop("probe_t", None)
            if began is not None and time.perf_counter() - began >= self.threshold:
                took = time.perf_counter() - began
                self.sql.append((began - self.started, took, statement.split()[0][:20]))

        dialect = engine.dialect
        commit = dialect.do_commit

        def timed_commit(dbapi_connection: Any) -> None:
            began = time.perf_counter()
            commit(dbapi_connection)
            took = time.perf_counter() - began
            self.commits.append(took)
            if took >= self.threshold:
                self.sql.append((began - self.started, took, "COMMIT"))

        dialect.do_commit = timed_commit

    def report(self) -> dict[str, Any]:
        commits = sorted(self.commits)

        def pick(share: float) -> float:
            return 1000 * commits[int(share * (len(commits) - 1))] if commits else float("nan")

        return {
            "loop_lags_over_threshold": len(self.lags),
            "loop_lag_total_s": sum(lag for _, lag in self.lags),
            "loop_lag_max_ms": 1000 * max((lag for _, lag in self.lags), default=0.0),
            "worst_loop_lags": [
                (round(t, 2), round(1000 * lag))
                for t, lag in sorted(self.lags, key=lambda x: -x[1])[:10]
            ],
            "tracked_objects_start_end": [self.objects_at_start, len(gc.get_objects())],
            "gc_pauses_over_10ms": len(self.gc_pauses),
            "worst_gc_pauses": [
                (round(t, 2), round(1000 * p), g)
                for t, p, g in sorted(self.gc_pauses, key=lambda x: -x[1])[:10]
            ],
            "gc_pause_max_ms": 1000 * max((p for _, p, _ in self.gc_pauses), default=0.0),
            "gc_total_s": sum(p for _, p, _ in self.gc_pauses),
            "commits": len(commits),
            "commit_p50_ms": pick(0.5),
            "commit_p99_ms": pick(0.99),
            "commit_max_ms": 1000 * commits[-1] if commits else float("nan"),
            "slow_sql": [
                (round(t, 2), round(1000 * d), s)
                for t, d, s in sorted(self.sql, key=lambda x: -x[1])[:10]
            ],
        }
