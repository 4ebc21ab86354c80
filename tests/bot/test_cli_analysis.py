"""`helix peers`, `issues`, `analyze`, `map` and the network exports, on the demo data set.

The real Typer commands, a real SQLite file filled by a real import, the MiniLM embedder and a
Chroma directory: the same path an operator takes on a fresh server.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
import typer
from typer.testing import CliRunner, Result

from bot.commands import analysis, data
from bot.services import DEMO_DATA
from bot.settings import Settings, load_settings

DEMO = [json.loads(line) for line in DEMO_DATA.read_text(encoding="utf-8").splitlines() if line]
ISSUE_OF = {row["name"]: row["issue"] for row in DEMO}


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return load_settings(data_dir=tmp_path_factory.mktemp("helix"), demo_data=False)


@pytest.fixture(scope="module")
def helix(settings: Settings) -> typer.Typer:
    app = typer.Typer()
    for module in (analysis, data):
        module.register(app, lambda: settings)
    result = CliRunner().invoke(app, ["import", str(DEMO_DATA)])
    assert result.exit_code == 0, result.output
    return app


def run(app: typer.Typer, *args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def test_peers_all_prints_one_object_in_the_contract_shape(helix: typer.Typer) -> None:
    result = run(helix, "peers", "--all", "--k", "2", "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert set(found) == set(ISSUE_OF)  # the operator sees every initiative, listed or not
    for name, peers in found.items():
        assert 1 <= len(peers) <= 2, name
        for peer in peers:
            assert set(peer) == {"name", "score", "reasons"}
            assert 0.0 <= peer["score"] <= 1.0
            assert peer["reasons"]
    same_issue = sum(
        ISSUE_OF[p["name"]] == ISSUE_OF[name] for name, peers in found.items() for p in peers
    )
    assert same_issue / sum(len(p) for p in found.values()) >= 0.9


def test_peers_of_one_initiative_by_a_loosely_typed_name(helix: typer.Typer) -> None:
    result = run(helix, "peers", "SECOND harvest kitchen", "--k", "3", "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert list(found) == ["Second Harvest Kitchen"]
    assert [ISSUE_OF[p["name"]] for p in found["Second Harvest Kitchen"]] == ["Food waste"] * 3
    text = run(helix, "peers", "Second Harvest Kitchen", "--k", "1")
    assert text.exit_code == 0
    assert "works on a similar issue" in text.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("peers",), "Name one initiative, or use --all"),
        (("peers", "Nobody Here"), "No initiative named or numbered"),
        (("analyze", "--issue", "c404"), "No issue cluster 'c404'"),
        (("map", "--out", "x.png", "--issue", "c404"), "No issue cluster 'c404'"),
        (("map", "--out", "x.png", "--by", "colour"), "Colour by 'sector' or 'task'"),
    ],
)
def test_usage_errors_exit_2_with_one_clear_line(
    helix: typer.Typer, args: tuple[str, ...], message: str
) -> None:
    result = run(helix, *args)
    assert result.exit_code == 2
    assert message in result.output


def test_issue_clusters_are_the_demo_issues_and_keep_their_ids(helix: typer.Typer) -> None:
    first = json.loads(run(helix, "issues", "--json").stdout)
    assert sum(c["size"] for c in first) == len(DEMO)
    for cluster in first:
        assert set(cluster) == {"id", "name", "size", "members", "bridges"}
        assert len({ISSUE_OF[name] for name in cluster["members"]}) == 1, cluster
    again = json.loads(run(helix, "issues", "--json").stdout)
    assert [(c["id"], c["members"]) for c in again] == [(c["id"], c["members"]) for c in first]


def test_analyze_gives_numbers_per_cluster_and_labels_the_stage(helix: typer.Typer) -> None:
    clusters = json.loads(run(helix, "issues", "--json").stdout)
    one = clusters[0]["id"]
    result = run(helix, "analyze", "--issue", one, "--json")
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    assert row["id"] == one
    assert row["size"] == clusters[0]["size"]
    assert "density" in json.dumps(row["metrics"])
    text = run(helix, "analyze", "--issue", one).stdout
    assert "Helix's own proposal, not Waddell's" in text


def test_map_writes_a_png_coloured_either_way(helix: typer.Typer, tmp_path: Path) -> None:
    for by in ("sector", "task"):
        out = tmp_path / f"map-{by}.png"
        result = run(helix, "map", "--out", str(out), "--by", by)
        assert result.exit_code == 0, result.output
        assert out.read_bytes().startswith(b"\x89PNG")
        assert out.stat().st_size > 20_000


def test_network_exports_parse_back(helix: typer.Typer, tmp_path: Path) -> None:
    graphml = tmp_path / "net.graphml"
    assert run(helix, "export", "--format", "graphml", "--out", str(graphml)).exit_code == 0
    graph = nx.read_graphml(graphml)
    initiatives = [n for n, d in graph.nodes(data=True) if d.get("kind") == "initiative"]
    assert len(initiatives) == len(DEMO)
    assert all(graph.nodes[n].get("cluster") for n in initiatives)
    kumu = run(helix, "export", "--format", "kumu")
    assert kumu.exit_code == 0, kumu.output
    blueprint = json.loads(kumu.stdout)
    labels = {e["label"] for e in blueprint["elements"]}
    assert set(ISSUE_OF) <= labels
    assert {c["from"] for c in blueprint["connections"]} <= labels


def test_an_unusable_embedding_model_is_one_clear_line(tmp_path: Path) -> None:
    """The model loads only when a text needs embedding; its failure still ends cleanly."""
    broken = load_settings(data_dir=tmp_path, demo_data=False, embeddings="nosuch:model")
    app = typer.Typer()
    for module in (analysis, data):
        module.register(app, lambda: broken)
    assert run(app, "import", str(DEMO_DATA)).exit_code == 0
    result = run(app, "issues")
    assert result.exit_code == 2
    assert "Cannot read the initiative vectors" in result.output
    assert "Traceback" not in result.output
