"""Digest composition benchmark: `build_digests` for 1,000 leaders over a demo-like data set.

Run `python benchmarks/digest_compose.py` from the repository root. It builds (once, cached in
`--cache`) a SQLite database of 1,200 initiatives grown from the 30 demo records (three issues,
each copy in a made-up town, needs and consent varied, 1,000 leaders of whom 200 lead two
initiatives, a third reading Spanish, about 10 % unlisted), with their vectors embedded into a
Chroma directory by the real MiniLM model. Half the leaders got a digest three days ago (so
some are quiet), one in ten marked a peer "not relevant", and 5 % of the initiatives joined
this week.

It then times `build_digests` for all 1,000 leaders (warm: vectors read from Chroma, as in a
running bot), three runs, and the main parts of one run separately: reading profiles, reading
vectors, clustering, the network graph, every cluster's metrics, and ranking peers (what is
left is per-leader filtering and composing). Aim: under 10 s on two cores.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # runnable as a plain script from a checkout
    sys.path.insert(0, str(ROOT))

import chromadb  # noqa: E402
from sqlalchemy import Engine, update  # noqa: E402
from sqlmodel import col, select  # noqa: E402

from analysis.changesystems import cluster_profiles  # noqa: E402
from analysis.digest import build_digests  # noqa: E402
from analysis.digest.peering import PeerQuery, ranked_peers  # noqa: E402
from analysis.matching import InitiativeVectors, initiative_collection  # noqa: E402
from analysis.metrics import analyze_cluster  # noqa: E402
from analysis.network import build_graph  # noqa: E402
from analysis.profiles import load_profiles  # noqa: E402
from intake.records.importer import import_file  # noqa: E402
from intake.storage import session_scope  # noqa: E402
from intake.storage.db import create_db_engine, upgrade_database  # noqa: E402
from intake.storage.deliveries import claim, finish  # noqa: E402
from intake.storage.digests import DigestSettings, mark_not_relevant, settings_of  # noqa: E402
from intake.storage.tables import Initiative, Leader  # noqa: E402
from knowledge.chroma import client_settings, close_client  # noqa: E402
from knowledge.embeddings import MINILM_MODEL_ID, MiniLMEmbeddings  # noqa: E402

DEMO = ROOT / "analysis" / "demo" / "initiatives.jsonl"
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
TOWNS = ["Ash", "Bram", "Cold", "Dun", "East", "Fen", "Glen", "High", "Kings", "Oak", "Red"]
ENDS = ["bury", "by", "field", "ford", "gate", "ham", "ley", "mere", "ton", "well"]
NEEDS = ["funding", "data", "partners", "policy_access", "skills", "visibility", "volunteers"]


def synthetic_rows(initiatives: int, leaders: int, seed: int = 11) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    demo = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines() if line]
    rows = []
    for i in range(initiatives):
        base = rng.choice(demo)
        town = rng.choice(TOWNS) + rng.choice(ENDS)
        needs = rng.sample(NEEDS, 2)
        leader = i if i < leaders else rng.randrange(leaders)  # some lead two
        rows.append(
            base
            | {
                "id": f"bench-{i}",
                "name": f"{base['name']} {town} {i}",
                "issue_detail": f"{base.get('issue_detail', '')} In {town}.",
                "goals": rng.sample(base["goals"], max(1, len(base["goals"]) - 1)),
                "region": f"{town}, {rng.choice(['Northvale', 'Southmere', 'Westreach'])}",
                "leader": {"name": f"Leader {leader}", "telegram_id": 5_000_000 + leader},
                "needs": needs,
                "offers": [rng.choice([n for n in NEEDS if n not in needs])],
                "consent": {
                    "listed": rng.random() < 0.9,
                    "introductions": rng.random() < 0.8,
                    "digest": rng.choice(["weekly", "monthly"]),
                },
            }
        )
    return rows


def prepare(cache: Path, initiatives: int, leaders: int) -> tuple[Engine, Any, InitiativeVectors]:
    """The database and vector cache, built on the first run and reused after."""
    cache.mkdir(parents=True, exist_ok=True)
    db = cache / f"digest-{initiatives}-{leaders}.db"
    fresh = not db.exists()
    url = f"sqlite:///{db}"
    upgrade_database(url)
    engine = create_db_engine(url)
    client = chromadb.PersistentClient(path=str(cache / "chroma"), settings=client_settings())
    vectors = InitiativeVectors(
        initiative_collection(client, MINILM_MODEL_ID), MiniLMEmbeddings(), MINILM_MODEL_ID
    )
    if fresh:
        data = cache / "initiatives.jsonl"
        rows = synthetic_rows(initiatives, leaders)
        data.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
        assert import_file(engine, data).exit_code == 0
        _history(engine)
    started = time.perf_counter()
    embedded = vectors.vectors_for(load_profiles(engine)).embedded
    print(f"vectors ready ({embedded} embedded) in {time.perf_counter() - started:.1f} s")
    return engine, client, vectors


def _history(engine: Engine) -> None:
    """Join times, earlier digests, a third in Spanish, and some "not relevant" marks."""
    rng = random.Random(5)
    with session_scope(engine, write=True) as session:
        initiatives = session.exec(select(Initiative)).all()
        for initiative in initiatives:
            recent = rng.random() < 0.05
            days = rng.uniform(0, 6) if recent else rng.uniform(30, 300)
            initiative.created_at = NOW - timedelta(days=days)
            session.add(initiative)
        leader_ids = [i for i in session.exec(select(Leader.id)).all() if i is not None]
        spanish = [i for i in leader_ids if rng.random() < 0.33]
        session.execute(update(Leader).where(col(Leader.id).in_(spanish)).values(language="es"))
        keys = [i.external_id or "" for i in initiatives]
        for leader_id in leader_ids:
            if rng.random() < 0.1:
                mark_not_relevant(session, leader_id, rng.choice(keys))
    for leader_id in leader_ids[::2]:
        delivery = claim(engine, leader_id, "2026-W48", NOW - timedelta(days=3))
        if delivery is not None:
            finish(engine, delivery, "sent", NOW - timedelta(days=3))


def recipients(engine: Engine, count: int) -> list[DigestSettings]:
    with session_scope(engine) as session:
        found = settings_of(session)
    weekly = [
        replace(s, frequency=s.frequency if s.frequency != "off" else "weekly") for s in found
    ]
    return weekly[:count]


def parts(
    engine: Engine, vectors: InitiativeVectors, chosen: list[DigestSettings]
) -> dict[str, float]:
    """The main steps of one run, timed one by one (their sum is close to the whole)."""
    times: dict[str, float] = {}
    clock = time.perf_counter()
    profiles = load_profiles(engine)
    times["profiles"], clock = time.perf_counter() - clock, time.perf_counter()
    vector_set = vectors.vectors_for(profiles)
    times["vectors"], clock = time.perf_counter() - clock, time.perf_counter()
    cluster_of = cluster_profiles(profiles, vector_set, None).cluster_of
    times["clusters"], clock = time.perf_counter() - clock, time.perf_counter()
    graph = build_graph(profiles, cluster_of=cluster_of)
    times["graph"], clock = time.perf_counter() - clock, time.perf_counter()
    members: dict[str, list[str]] = {}
    for key, cluster in cluster_of.items():
        members.setdefault(cluster, []).append(key)
    for keys in members.values():
        analyze_cluster(profiles, keys, graph)
    times["metrics"], clock = time.perf_counter() - clock, time.perf_counter()
    newest: dict[int, str] = {}
    for p in profiles:
        if p.leader_id is not None:
            newest[p.leader_id] = p.key
    by_leader = {s.leader_id: s.language for s in chosen}
    queries = [PeerQuery(key, by_leader.get(lid, "en")) for lid, key in newest.items()]
    ranked_peers(profiles, vector_set, queries, 3)
    times["peers"] = time.perf_counter() - clock
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--initiatives", type=int, default=1200)
    parser.add_argument("--leaders", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/helix-digest-bench"))
    args = parser.parse_args()
    engine, client, vectors = prepare(args.cache, args.initiatives, args.leaders)
    chosen = recipients(engine, args.leaders)
    runs, result = [], {}
    for _ in range(args.runs):
        started = time.perf_counter()
        result = build_digests(engine, vectors, chosen, NOW)
        runs.append(time.perf_counter() - started)
    digests = [d for d in result.values() if d is not None]
    quiet = sum(d.quiet for d in digests)
    longest = max((len(d.text) for d in digests), default=0)
    steps = parts(engine, vectors, chosen)
    print(
        f"{len(chosen)} recipients, {args.initiatives} initiatives: {len(digests)} digests "
        f"({quiet} quiet notes, {len(result) - len(digests)} nothing to send), "
        f"longest {longest} chars"
    )
    print("build_digests runs (s): " + ", ".join(f"{r:.2f}" for r in runs))
    print("parts of one run (s): " + ", ".join(f"{k} {v:.2f}" for k, v in steps.items()))
    print(
        json.dumps(
            {
                "recipients": len(chosen),
                "initiatives": args.initiatives,
                "median_s": round(statistics.median(runs), 2),
                "runs_s": [round(r, 2) for r in runs],
                "parts_s": {k: round(v, 2) for k, v in steps.items()},
                "digests": len(digests),
                "quiet": quiet,
            }
        )
    )
    close_client(client)
    engine.dispose()


if __name__ == "__main__":
    main()
