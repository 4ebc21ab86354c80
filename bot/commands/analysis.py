"""`helix peers`, `helix issues`, `helix analyze` and `helix map`: the change systems, seen whole.

These are the operator's views of every initiative on this server (consent to be listed
limits what *leaders* see on Telegram and in the chat, not what the operator of the server
sees). JSON shapes are contracts for scripts:
- `helix peers --all --k N --json`: `{"<initiative name>": [{"name", "score", "reasons"}]}`;
  `helix peers NAME --json` prints the same object with one key. Two initiatives with the same
  name are told apart as `Name (id)`.
- `helix issues --json`: `[{"id", "name", "size", "members": [...], "bridges": [...]}]`, names.
- `helix analyze --json`: `[{"id", "name", "size", "metrics": {...}}]`, see docs/metrics.md.
Exit status: 0 done, 2 a usage error or an unknown name or issue id.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from analysis.atomic import write_text_atomic
from analysis.changesystems import ChangeSystems, survey
from analysis.clusters import Cluster
from analysis.maps import ColourBy, NotEnoughData, render_map
from analysis.matching import (
    VectorStoreMismatch,
    all_peers,
    find_profile,
    open_initiative_vectors,
    peer_json,
    peers,
)
from analysis.metrics import analyze_cluster, render_text
from analysis.network import kumu_json, write_graphml
from bot.services import CLUSTERS
from bot.startup import open_database
from knowledge.chroma import StoreUnavailable, close_client
from knowledge.embeddings import EmbeddingsUnavailable

DEFAULT_GRAPHML = Path("helix-network.graphml")


def register(app: typer.Typer, get_settings: Callable[[], Any]) -> None:
    """Add `helix peers`, `helix issues`, `helix analyze` and `helix map`."""
    out = Console(highlight=False, soft_wrap=True)
    err = Console(stderr=True, highlight=False, soft_wrap=True)

    def change_systems(*, clusters: bool = True) -> ChangeSystems:
        return load_change_systems(get_settings(), err, clusters=clusters)

    def fail(message: str) -> typer.Exit:
        err.print(f"[red]{escape(message)}[/red]")
        return typer.Exit(2)

    @app.command("peers")
    def peers_command(
        name_or_id: Annotated[
            str | None, typer.Argument(help="An initiative's name (loosely typed) or id.")
        ] = None,
        every: Annotated[bool, typer.Option("--all", help="Peers of every initiative.")] = False,
        k: Annotated[int, typer.Option("--k", min=1, max=50, help="Peers per initiative.")] = 5,
        as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
    ) -> None:
        """Who else works on the same issue, with the reasons, for one or all initiatives."""
        if every == (name_or_id is not None):
            raise fail("Name one initiative, or use --all (not both).")
        systems = change_systems(clusters=False)
        profiles = systems.profiles
        if every:
            found = all_peers(profiles, k=k, vectors=systems.vectors, listed_only=False)
            chosen = profiles
        else:
            target = find_profile(profiles, name_or_id or "")
            if target is None:
                raise fail(f"No initiative named or numbered {name_or_id!r}.")
            found = {
                target.key: peers(
                    profiles, target.key, k=k, vectors=systems.vectors, listed_only=False
                )
            }
            chosen = [target]
        labels = _unique_names([(p.key, p.name) for p in chosen])
        if as_json:
            data = {labels[p.key]: [peer_json(x) for x in found[p.key]] for p in chosen}
            _print_json(data)
            return
        for profile in chosen:
            out.print(f"[bold]{escape(labels[profile.key])}[/bold]")
            if not found[profile.key]:
                out.print("  (no other initiative yet)")
            for rank, peer in enumerate(found[profile.key], start=1):
                out.print(f"  {rank}. {escape(peer.name)}  [dim]{peer.score:.2f}[/dim]")
                for reason in peer.reasons:
                    out.print(f"     - {escape(reason)}")

    @app.command("issues")
    def issues_command(
        as_json: Annotated[bool, typer.Option("--json", help="A JSON list.")] = False,
    ) -> None:
        """The issue clusters: each one issue's change system, with a stable id."""
        systems = change_systems()
        rows = [_cluster_json(systems, c) for c in systems.assignment.clusters]
        if as_json:
            _print_json(rows)
            return
        if not rows:
            out.print("No initiatives yet: import some (helix import) or run an interview.")
        for row in rows:
            out.print(f"[bold]{row['id']}[/bold]  {escape(row['name'])}  ({row['size']})")
            out.print("   " + escape(", ".join(row["members"][:6])) + _more(row["members"], 6))
            if row["bridges"]:
                out.print("   [dim]bridges: " + escape(", ".join(row["bridges"])) + "[/dim]")

    @app.command("analyze")
    def analyze_command(
        issue: Annotated[str | None, typer.Option("--issue", help="One cluster id.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="A JSON list.")] = False,
    ) -> None:
        """The change system in numbers, per issue cluster (formulas: docs/metrics.md)."""
        systems = change_systems()
        clusters = _chosen(systems, issue, fail)
        graph = systems.graph()
        results = [(c, analyze_cluster(systems.profiles, c.members, graph)) for c in clusters]
        if as_json:
            rows = [
                {"id": c.id, "name": c.name, "size": c.size, "metrics": m.to_json()}
                for c, m in results
            ]
            _print_json(rows)
            return
        for cluster, metrics in results:
            out.print(f"\n[bold]{cluster.id} · {escape(cluster.name)}[/bold] ({cluster.size})")
            out.print(escape(render_text(metrics)))

    @app.command("map")
    def map_command(
        out_file: Annotated[Path, typer.Option("--out", help="The PNG file to write.")],
        issue: Annotated[str | None, typer.Option("--issue", help="One cluster id.")] = None,
        by: Annotated[str, typer.Option("--by", help="Colour by sector or task.")] = "sector",
    ) -> None:
        """Draw a change system (or all of them) as a PNG picture."""
        if by not in ("sector", "task"):
            raise fail(f"Colour by 'sector' or 'task', not {by!r}.")
        colour: ColourBy = "task" if by == "task" else "sector"
        systems = change_systems()
        cluster = _chosen(systems, issue, fail)[0] if issue else None
        title = cluster.name if cluster else "All change systems on this server"
        try:
            render_map(systems.graph(cluster), title=title, by=colour, out=out_file)
        except NotEnoughData as exc:
            raise fail(str(exc)) from None
        except OSError as exc:
            raise fail(f"Cannot write {out_file}: {exc.strerror or exc}") from None
        err.print(f"Map written to {out_file}.")


def load_change_systems(settings: Any, err: Console, *, clusters: bool = True) -> ChangeSystems:
    """Profiles, their vectors and (optionally) clusters, read at once; nothing is left open.

    Anything that stops the reading (a missing model, an unreachable Chroma server, vectors of
    another model) ends the command with one clear line and exit 2, never a traceback.
    """
    engine = open_database(settings)
    client = None
    try:
        client, vectors = open_initiative_vectors(settings.knowledge_config())
        return survey(engine, vectors, settings.data_dir / CLUSTERS, clusters=clusters)
    except (StoreUnavailable, EmbeddingsUnavailable, VectorStoreMismatch) as exc:
        err.print(f"[red]Cannot read the initiative vectors: {escape(str(exc))}[/red]")
        raise typer.Exit(2) from None
    finally:
        close_client(client)
        engine.dispose()


def export_network(settings: Any, fmt: str, out_path: Path | None, err: Console) -> None:
    """`helix export --format graphml|kumu`: every initiative, tie and bridge, with clusters."""
    target = out_path or (DEFAULT_GRAPHML if fmt == "graphml" else None)
    graph = load_change_systems(settings, err).graph()
    try:
        if fmt == "graphml":
            assert target is not None
            write_graphml(graph, target)
        else:
            text = json.dumps(kumu_json(graph), ensure_ascii=False, indent=2)
            if target is None:
                sys.stdout.write(text + "\n")
            else:
                write_text_atomic(target, text + "\n")
    except OSError as exc:
        err.print(f"[red]Cannot write {target}: {escape(exc.strerror or str(exc))}[/red]")
        raise typer.Exit(2) from None
    where = f"to {target}" if target is not None else "to stdout"
    err.print(
        f"Exported {graph.number_of_nodes()} nodes and {graph.number_of_edges()} ties {where} "
        f"({fmt})."
    )


def _print_json(data: Any) -> None:
    """JSON to stdout as is (no console markup or wrapping: scripts read it, and it can be big)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _chosen(
    systems: ChangeSystems, issue: str | None, fail: Callable[[str], typer.Exit]
) -> list[Cluster]:
    if issue is None:
        return list(systems.assignment.clusters)
    cluster = systems.cluster(issue)
    if cluster is None:
        known = ", ".join(c.id for c in systems.assignment.clusters) or "none yet"
        raise fail(f"No issue cluster {issue!r} (known: {known}); see helix issues.")
    return [cluster]


def _cluster_json(systems: ChangeSystems, cluster: Cluster) -> dict[str, Any]:
    names = {p.key: p.name for p in systems.profiles}
    return {
        "id": cluster.id,
        "name": cluster.name,
        "size": cluster.size,
        "members": [names[k] for k in cluster.members if k in names],
        "bridges": [names[k] for k in cluster.bridges if k in names],
    }


def _unique_names(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Key -> display name; a name shared by several initiatives gets its id added."""
    counts: dict[str, int] = {}
    for _, name in pairs:
        counts[name] = counts.get(name, 0) + 1
    return {key: name if counts[name] == 1 else f"{name} ({key})" for key, name in pairs}


def _more(items: list[str], shown: int) -> str:
    return f" … (+{len(items) - shown})" if len(items) > shown else ""
