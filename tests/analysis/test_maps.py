"""The change-system map: a real PNG with the right colours, stable, legible, honest when tiny."""

from __future__ import annotations

import random
from itertools import combinations
from pathlib import Path

import matplotlib.image
import networkx as nx
import numpy as np
import pytest

from analysis.maps.drawing import (
    BRIDGE_COLOUR,
    PS_COLOUR,
    SECTOR_COLOURS,
    TASK_COLOURS,
    NotEnoughData,
    is_bridge,
    render_map,
    short_label,
)
from analysis.maps.layout import LABEL_BOX, PS_ROWS, layout
from tests.analysis.graphs import initiative, other, small_system, tie


def _colours_in(path: Path) -> set[str]:
    pixels = matplotlib.image.imread(path)[:, :, :3]
    rgb = np.round(pixels.reshape(-1, 3) * 255).astype(np.int64)
    packed = np.unique((rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2])
    return {f"#{int(value):06x}" for value in packed}


def test_map_is_a_real_png_coloured_by_sector(tmp_path: Path) -> None:
    out = render_map(small_system(), title="Food waste", out=tmp_path / "maps" / "fw.png")
    assert out == tmp_path / "maps" / "fw.png"
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out.stat().st_size > 20_000
    assert matplotlib.image.imread(out).shape[:2] == (1100, 1760)
    colours = _colours_in(out)
    for sector in ("civil_society", "communities", "government", "business"):
        assert SECTOR_COLOURS[sector] in colours, sector
    assert PS_COLOUR in colours
    assert TASK_COLOURS["innovating"] not in colours
    assert [p.name for p in out.parent.iterdir()] == ["fw.png"]


def test_map_by_task_uses_the_task_colours(tmp_path: Path) -> None:
    out = render_map(small_system(), title="Food waste", by="task", out=tmp_path / "t.png")
    colours = _colours_in(out)
    # fw-1 does innovating and organizing: the first in the interview's order wins.
    assert TASK_COLOURS["organizing"] in colours
    assert TASK_COLOURS["measuring"] in colours
    assert TASK_COLOURS["innovating"] not in colours
    assert SECTOR_COLOURS["civil_society"] not in colours


def test_bridges_are_initiative_to_production_system_ties() -> None:
    graph = small_system()
    bridges = {frozenset((u, v)) for u, v in graph.edges if is_bridge(graph, u, v)}
    assert bridges == {
        frozenset(("fw-1", "ps:freshway")),
        frozenset(("fw-3", "ps:freshway")),
        frozenset(("fw-2", "ps:bakers")),
    }
    assert BRIDGE_COLOUR.startswith("#")


def test_same_graph_gives_the_same_bytes(tmp_path: Path) -> None:
    first = render_map(small_system(), title="x", out=tmp_path / "a.png").read_bytes()
    second = render_map(small_system(), title="x", out=tmp_path / "b.png").read_bytes()
    assert first == second


@pytest.mark.parametrize("initiatives", [0, 1])
def test_too_small_a_graph_is_refused_with_a_readable_reason(
    tmp_path: Path, initiatives: int
) -> None:
    graph = nx.Graph()
    for i in range(initiatives):
        initiative(graph, f"i{i}", "Lonely initiative")
    other(graph, "ps:x", "Some producer", "ps_actor")
    with pytest.raises(NotEnoughData, match=f"n = {initiatives} initiative"):
        render_map(graph, title="x", out=tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()


def test_unknown_colouring_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="colour by"):
        render_map(small_system(), title="x", by="region", out=tmp_path / "x.png")  # type: ignore[arg-type]


def test_long_names_are_wrapped_and_cut() -> None:
    assert short_label("Short name") == "Short name"
    label = short_label("Northvale Energy Poverty Roundtable and Friends of the Earth")
    lines = label.split("\n")
    assert len(lines) == 2
    assert all(len(line) <= 18 for line in lines)
    assert lines[-1].endswith("…")


def _forty_node_system(seed: int = 4) -> nx.Graph:
    rng = random.Random(seed)
    graph = nx.Graph()
    for i in range(25):
        initiative(graph, f"i{i:02d}", f"Initiative number {i}")
    for i in range(15):
        other(graph, f"ps:{i}", f"Producer {i}", "ps_actor")
        for j in rng.sample(range(25), 2):
            tie(graph, f"i{j:02d}", f"ps:{i}", "ps_link")
    for a, b in combinations(range(25), 2):
        if rng.random() < 0.12:
            tie(graph, f"i{a:02d}", f"i{b:02d}", "works_with")
    return graph


def test_forty_node_layout_keeps_labels_apart() -> None:
    graph = _forty_node_system()
    labelled = set(graph.nodes)
    positions = layout(graph, labelled=labelled)
    assert positions == layout(graph, labelled=labelled)
    width, height = LABEL_BOX
    clashes = [
        (a, b)
        for a, b in combinations(sorted(labelled), 2)
        if abs(positions[a][0] - positions[b][0]) < width - 1e-6
        and abs(positions[a][1] - positions[b][1]) < height - 1e-6
    ]
    assert clashes == []
    assert {positions[f"ps:{i}"][1] for i in range(15)} <= set(PS_ROWS)
    assert all(positions[f"i{i:02d}"][1] > max(PS_ROWS) for i in range(25))
