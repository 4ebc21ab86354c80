"""Where each node of a change-system map goes: two bands, no piled-up labels, same every run.

The societal change system (initiatives and the organisations they name) fills the upper band
with a seeded spring layout; production-system actors sit in a lower band, each under the
initiatives that engage it, so every SCS-PS bridge is an edge crossing the gap between the two
strands. Labelled nodes are then nudged apart until their label boxes no longer overlap, which
matters more for legibility than the exact spring positions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import networkx as nx
import numpy as np

Position = tuple[float, float]

SCS_BAND = (0.30, 1.0)
#: y of the production-system rows, top first; as many are used as the labels need.
PS_ROWS = (0.19, 0.095, 0.0)
#: Roughly one two-line label at the map's size, in axes units (x, y).
LABEL_BOX = (0.105, 0.08)
_SEED = 7


def layout(graph: nx.Graph, *, labelled: set[str]) -> dict[str, Position]:
    """Positions in [0, 1] x [0, 1] for every node of `graph` (deterministic)."""
    ps = sorted(n for n, d in graph.nodes(data=True) if d.get("kind") == "ps_actor")
    scs = sorted(n for n in graph.nodes if n not in set(ps))
    positions = _scs_positions(graph, scs)
    positions = _separate(positions, [n for n in scs if n in labelled])
    positions.update(_ps_positions(graph, ps, positions))
    return positions


def _scs_positions(graph: nx.Graph, nodes: list[str]) -> dict[str, Position]:
    sub = nx.Graph()
    sub.add_nodes_from(nodes)
    sub.add_edges_from(sorted((u, v) for u, v in graph.subgraph(nodes).edges if u != v))
    if not nodes:
        return {}
    if len(nodes) == 1:
        return {nodes[0]: (0.5, (SCS_BAND[0] + SCS_BAND[1]) / 2)}
    raw = nx.spring_layout(sub, seed=_SEED, k=1.6 / np.sqrt(len(nodes)), iterations=300)
    return _fit(raw, nodes, x_range=(0.04, 0.96), y_range=(SCS_BAND[0] + 0.04, SCS_BAND[1]))


def _fit(
    raw: Mapping[str, np.ndarray],
    nodes: list[str],
    *,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
) -> dict[str, Position]:
    xy = np.array([raw[n] for n in nodes], dtype=float)
    low, high = xy.min(axis=0), xy.max(axis=0)
    span = np.where(high - low > 1e-9, high - low, 1.0)
    unit = (xy - low) / span
    xs = x_range[0] + unit[:, 0] * (x_range[1] - x_range[0])
    ys = y_range[0] + unit[:, 1] * (y_range[1] - y_range[0])
    return {n: (float(x), float(y)) for n, x, y in zip(nodes, xs, ys, strict=True)}


def _separate(
    positions: dict[str, Position], labelled: list[str], rounds: int = 500
) -> dict[str, Position]:
    """Push labelled nodes apart until no two label boxes overlap (or rounds run out).

    Each overlapping pair moves apart along the axis needing the smaller move, half each way;
    positions stay inside the SCS band. Order is fixed, so the result is deterministic.
    """
    moved = dict(positions)
    width, height = LABEL_BOX
    for _ in range(rounds):
        clash = False
        for a_index, a in enumerate(labelled):
            for b in labelled[a_index + 1 :]:
                (ax, ay), (bx, by) = moved[a], moved[b]
                dx, dy = bx - ax, by - ay
                over_x, over_y = width - abs(dx), height - abs(dy)
                if over_x <= 0 or over_y <= 0:
                    continue
                clash = True
                if over_y * 1.5 < over_x:  # moving vertically costs less on a wide map
                    step = (over_y / 2 + 1e-3) * (1 if dy >= 0 else -1)
                    moved[a], moved[b] = (ax, _clamp_y(ay - step)), (bx, _clamp_y(by + step))
                else:
                    step = (over_x / 2 + 1e-3) * (1 if dx >= 0 else -1)
                    moved[a], moved[b] = (_clamp_x(ax - step), ay), (_clamp_x(bx + step), by)
        if not clash:
            break
    return moved


def _clamp_x(x: float) -> float:
    return min(0.97, max(0.03, x))


def _clamp_y(y: float) -> float:
    return min(SCS_BAND[1], max(SCS_BAND[0] + 0.04, y))


def _ps_positions(
    graph: nx.Graph, ps: list[str], scs_positions: Mapping[str, Position]
) -> dict[str, Position]:
    """Each actor under the mean x of the initiatives it links to, spread to a minimum gap.

    Consecutive actors go to successive rows (as many rows as the labels need, up to three), so
    neighbours in one row are a full label width apart.
    """
    if not ps:
        return {}
    wanted = []
    for node in ps:
        xs = [scs_positions[n][0] for n in graph.neighbors(node) if n in scs_positions]
        wanted.append((float(np.mean(xs)) if xs else 0.5, node))
    wanted.sort()
    width = 0.94
    rows = min(len(PS_ROWS), max(1, math.ceil(len(ps) * LABEL_BOX[0] / width)))
    gap = min(LABEL_BOX[0] / rows, width / max(1, len(ps) - 1))
    xs = [x for x, _ in wanted]
    for i in range(1, len(xs)):
        xs[i] = max(xs[i], xs[i - 1] + gap)
    overflow = xs[-1] - 0.97
    if overflow > 0:  # shift left, then squeeze if it still does not fit
        xs = [x - overflow for x in xs]
        if xs[0] < 0.03:
            xs = [float(x) for x in np.linspace(0.03, 0.97, len(xs))]
    return {
        node: (float(x), PS_ROWS[i % rows])
        for i, (x, (_, node)) in enumerate(zip(xs, wanted, strict=True))
    }
