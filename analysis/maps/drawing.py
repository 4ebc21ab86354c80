"""`helix map`: one issue's change system as a PNG picture, the same picture on every run.

Initiatives are coloured by sector (or by their core task), the organisations they name are
small unlabelled dots in the sector colours, and production-system actors form a second strand
of squares in a band underneath; edges between an initiative and a production-system actor
(SCS-PS bridges, the ties through which an issue's change system changes the production system)
are drawn thick and orange. matplotlib is driven through its object API on the Agg canvas, so
nothing needs a display and no global pyplot state leaks between calls.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import networkx as nx
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from analysis.atomic import atomic_path
from analysis.maps.layout import PS_ROWS, SCS_BAND, Position, layout
from intake.records import TASKS

ColourBy = Literal["sector", "task"]

SECTOR_COLOURS: dict[str, str] = {
    "civil_society": "#1b9e77",
    "government": "#7570b3",
    "business": "#e6ab02",
    "academia": "#66a61e",
    "funders": "#e7298a",
    "communities": "#a6761d",
    "intergovernmental": "#1f78b4",
    "media": "#17becf",
}
TASK_COLOURS: dict[str, str] = dict(
    zip(
        TASKS,
        ["#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#e377c2", "#8c564b", "#d62728", "#17becf"],
        strict=True,
    )
)
UNKNOWN_COLOUR = "#b0b0b0"
PS_COLOUR = "#4d5a6a"
MENTIONED_COLOUR = "#d0d0d0"
BRIDGE_COLOUR = "#e8590c"
_EXTRA = ["#bcbd22", "#aec7e8", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94"]
_EDGE_STYLE: dict[str, dict[str, Any]] = {
    "works_with": {"color": "#555555", "width": 1.4, "style": "solid", "alpha": 0.8},
    "knows_of": {"color": "#999999", "width": 0.8, "style": "dashed", "alpha": 0.7},
    "stakeholder": {"color": "#c8c8c8", "width": 0.7, "style": "solid", "alpha": 0.8},
    "ps_link": {"color": "#999999", "width": 0.8, "style": "solid", "alpha": 0.6},
}
_BRIDGE_STYLE = {"color": BRIDGE_COLOUR, "width": 1.8, "style": "solid", "alpha": 0.7}
LABEL_CHARS = 18
LABEL_LINES = 2
MIN_INITIATIVES = 2
_SIZE = (16.0, 10.0)
_DPI = 110


class NotEnoughData(ValueError):
    """Too little to draw; the message is meant for the person who asked for the map."""


def render_map(graph: nx.Graph, *, title: str, by: ColourBy = "sector", out: Path) -> Path:
    """Draw `graph` (the shared graph contract) to the PNG file `out` and return `out`.

    Raises NotEnoughData when there are fewer than two initiatives: a picture of one dot says
    nothing, and the caller can show the message instead.
    """
    if by not in ("sector", "task"):
        raise ValueError(f"colour by 'sector' or 'task', not {by!r}")
    kinds = {node: data.get("kind") for node, data in graph.nodes(data=True)}
    initiatives = sum(1 for kind in kinds.values() if kind == "initiative")
    if initiatives < MIN_INITIATIVES:
        raise NotEnoughData(
            f"not enough data to draw a map (n = {initiatives} initiative"
            f"{'' if initiatives == 1 else 's'}; at least {MIN_INITIATIVES} are needed)"
        )
    labelled = {n for n, kind in kinds.items() if kind in ("initiative", "ps_actor")}
    positions = layout(graph, labelled=labelled)
    colours = _colours(graph, by)
    fills = _fills(graph, colours, by)
    figure = Figure(figsize=_SIZE, dpi=_DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.01, 0.02, 0.80, 0.88))
    axes.set_xlim(-0.02, 1.02)
    axes.set_ylim(-0.07, 1.06)
    axes.set_axis_off()
    _draw_bands(axes, has_ps=any(kind == "ps_actor" for kind in kinds.values()))
    _draw_edges(axes, graph, positions, kinds)
    _draw_nodes(axes, positions, kinds, fills)
    _draw_labels(axes, graph, positions, labelled)
    figure.suptitle(title, x=0.41, y=0.975, fontsize=17, fontweight="bold")
    figure.text(0.41, 0.925, _subtitle(graph, kinds), ha="center", fontsize=10, color="#444")
    _draw_legend(figure, kinds, colours, by, fills)
    out = Path(out)
    with atomic_path(out) as tmp:
        figure.savefig(tmp, format="png", dpi=_DPI, metadata={"Software": None})
    return out


def is_bridge(graph: nx.Graph, u: str, v: str) -> bool:
    """An edge between an initiative and a production-system actor (the shared contract)."""
    kinds = {graph.nodes[u].get("kind"), graph.nodes[v].get("kind")}
    return kinds == {"initiative", "ps_actor"}


def short_label(text: str) -> str:
    """At most two lines of LABEL_CHARS, cut with an ellipsis, so labels stay compact."""
    lines = textwrap.wrap(text, LABEL_CHARS, break_long_words=True) or [""]
    if len(lines) > LABEL_LINES:
        last = lines[LABEL_LINES - 1]
        lines = [*lines[: LABEL_LINES - 1], last[: LABEL_CHARS - 1].rstrip() + "…"]
    return "\n".join(lines)


def _colour_key(data: Mapping[str, Any], by: ColourBy) -> str | None:
    if by == "sector":
        return data.get("sector") or None
    tasks = [t for t in TASKS if t in (data.get("tasks") or [])]
    extra = sorted(t for t in (data.get("tasks") or []) if t not in TASKS)
    ordered = tasks + extra
    return ordered[0] if ordered else None


def _colours(graph: nx.Graph, by: ColourBy) -> dict[str, str]:
    """Colour per category present; unknown categories get spare colours in sorted order."""
    palette = SECTOR_COLOURS if by == "sector" else TASK_COLOURS
    keys = sorted(
        {
            key
            for _, data in graph.nodes(data=True)
            if data.get("kind") != "ps_actor" and (key := _colour_key(data, by)) is not None
        }
    )
    spare = iter(_EXTRA * (1 + len(keys) // len(_EXTRA)))
    return {key: palette.get(key) or next(spare) for key in keys}


def _draw_bands(axes: Any, *, has_ps: bool) -> None:
    axes.text(0.0, 1.04, "Societal change system", fontsize=10, color="#666", style="italic")
    if has_ps:
        middle = (SCS_BAND[0] + PS_ROWS[0]) / 2 + 0.03
        axes.axhline(middle, color="#dddddd", linewidth=1.0, linestyle=(0, (6, 4)), zorder=0)
        axes.text(
            0.0, middle - 0.035, "Production system", fontsize=10, color="#666", style="italic"
        )


def _draw_edges(
    axes: Any, graph: nx.Graph, positions: Mapping[str, Position], kinds: Mapping[str, Any]
) -> None:
    for u, v, data in sorted(graph.edges(data=True), key=lambda e: (str(e[0]), str(e[1]))):
        bridge = is_bridge(graph, u, v)
        style = (
            _BRIDGE_STYLE
            if bridge
            else _EDGE_STYLE.get(data.get("kind") or "", _EDGE_STYLE["stakeholder"])
        )
        (x1, y1), (x2, y2) = positions[u], positions[v]
        axes.plot(
            [x1, x2],
            [y1, y2],
            color=style["color"],
            linewidth=style["width"],
            linestyle=style["style"],
            alpha=style["alpha"],
            zorder=2 if bridge else 1,
            solid_capstyle="round",
        )


def _fills(graph: nx.Graph, colours: Mapping[str, str], by: ColourBy) -> dict[str, str]:
    result = {}
    for node, data in graph.nodes(data=True):
        if data.get("kind") == "ps_actor":
            result[node] = PS_COLOUR
        elif by == "task" and data.get("kind") != "initiative":
            result[node] = MENTIONED_COLOUR  # only initiatives have core tasks
        else:
            result[node] = colours.get(_colour_key(data, by) or "", UNKNOWN_COLOUR)
    return result


def _draw_nodes(
    axes: Any,
    positions: Mapping[str, Position],
    kinds: Mapping[str, Any],
    fills: Mapping[str, str],
) -> None:
    for kind, marker, size, edge, z in (
        ("mentioned", "o", 55, "#ffffff", 3),
        ("initiative", "o", 300, "#222222", 4),
        ("ps_actor", "s", 190, "#ffffff", 4),
    ):
        nodes = sorted((n for n, k in kinds.items() if (k or "mentioned") == kind), key=str)
        if nodes:
            axes.scatter(
                [positions[n][0] for n in nodes],
                [positions[n][1] for n in nodes],
                s=size,
                c=[fills[n] for n in nodes],
                marker=marker,
                edgecolors=edge,
                linewidths=1.2,
                zorder=z,
            )


def _draw_labels(
    axes: Any, graph: nx.Graph, positions: Mapping[str, Position], labelled: set[str]
) -> None:
    """Every name just below its marker, on a translucent box so crossing edges stay readable."""
    for node in sorted(labelled, key=str):
        data = graph.nodes[node]
        x, y = positions[node]
        text = short_label(str(data.get("label") or node))
        axes.annotate(
            text,
            (x, y),
            xytext=(0, -9),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=7.5,
            color="#222222" if data.get("kind") == "initiative" else "#333f4d",
            fontweight="bold" if data.get("kind") == "initiative" else "normal",
            zorder=6,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75},
        )


def _subtitle(graph: nx.Graph, kinds: Mapping[str, Any]) -> str:
    count = Counter(kinds.values())
    bridges = sum(1 for u, v in graph.edges if is_bridge(graph, u, v))
    parts = [
        f"{count['initiative']} initiatives",
        f"{count['mentioned']} other organisations named",
        f"{count['ps_actor']} production-system actors",
        f"{bridges} SCS–PS bridges",
    ]
    return " · ".join(parts)


def _draw_legend(
    figure: Figure,
    kinds: Mapping[str, Any],
    colours: Mapping[str, str],
    by: ColourBy,
    fills: Mapping[str, str],
) -> None:
    handles: list[Line2D] = []
    used = {fills[n] for n, kind in kinds.items() if kind != "ps_actor"}
    for key, colour in colours.items():
        handles.append(_dot(colour, key.replace("_", " ").capitalize()))
    if UNKNOWN_COLOUR in used:
        handles.append(_dot(UNKNOWN_COLOUR, "Unknown" if by == "sector" else "No core task"))
    present = set(kinds.values())
    shapes = [
        _dot("#ffffff", "Initiative", edge="#222222", size=12),
        _dot(MENTIONED_COLOUR if by == "task" else "#bbbbbb", "Organisation named", size=6),
    ]
    if "ps_actor" in present:
        shapes.append(_dot(PS_COLOUR, "Production-system actor", marker="s", size=10))
    lines = [
        Line2D([], [], color=_EDGE_STYLE["works_with"]["color"], lw=1.4, label="Works with"),
        Line2D([], [], color=_EDGE_STYLE["knows_of"]["color"], lw=0.8, ls="--", label="Knows of"),
        Line2D([], [], color=_EDGE_STYLE["stakeholder"]["color"], lw=1.0, label="Stakeholder"),
        Line2D([], [], color=BRIDGE_COLOUR, lw=2.2, label="SCS–PS bridge"),
    ]
    heading = "Sector" if by == "sector" else "Core task (first listed)"
    corners: list[tuple[list[Line2D], str, Literal["upper left", "lower left"], Position]] = [
        (handles, heading, "upper left", (0.82, 0.88)),
        (shapes + lines, "Nodes and ties", "lower left", (0.82, 0.06)),
    ]
    for entries, title, loc, anchor in corners:
        # figure.legend replaces the previous legend unless that one is kept as an artist.
        legend = figure.legend(
            handles=entries,
            title=title,
            loc=loc,
            bbox_to_anchor=anchor,
            frameon=False,
            fontsize=9,
            title_fontsize=10,
            alignment="left",
        )
        figure.add_artist(legend)


def _dot(
    colour: str, label: str, *, marker: str = "o", size: float = 9, edge: str = "#ffffff"
) -> Line2D:
    return Line2D(
        [],
        [],
        marker=marker,
        color="none",
        markerfacecolor=colour,
        markeredgecolor=edge,
        markersize=size,
        label=label,
    )
