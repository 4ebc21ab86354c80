"""Issue clusters on hand-made vectors: grouping, bridges, names, stable ids, determinism."""

from __future__ import annotations

import random

import numpy as np
import pytest

from analysis.clusters.assign import ClusterAssignment, assign_clusters
from analysis.clusters.ids import match_ids
from analysis.clusters.naming import content_words, name_clusters

DIM = 8
TOPICS = {
    "waste": ["Food waste in shops", "Surplus food rescue", "Food waste at home"],
    "wages": ["Farmworker wages", "Fair pay for farm workers", "Harvest workers wages"],
    "heat": ["Energy poverty", "Cold homes and energy bills", "Energy debt"],
}


def _vector(direction: int, rng: np.random.Generator, *, other: int | None = None) -> np.ndarray:
    v = np.zeros(DIM)
    if other is None:
        v[direction] = 1.0
    else:  # between two topics, a little closer to `direction`
        v[direction], v[other] = 0.72, 0.69
    v += rng.normal(scale=0.08, size=DIM)
    return v / np.linalg.norm(v)


def _data(
    per_topic: int, *, seed: int = 1, start: int = 0
) -> tuple[list[str], np.ndarray, list[str]]:
    """`per_topic` members of each topic, keys like `waste-03`, texts cycling the topic's list."""
    rng = np.random.default_rng(seed)
    keys, vectors, texts = [], [], []
    for direction, (topic, phrases) in enumerate(TOPICS.items()):
        for i in range(start, start + per_topic):
            keys.append(f"{topic}-{i:02d}")
            vectors.append(_vector(direction, rng))
            texts.append(phrases[i % len(phrases)])
    return keys, np.array(vectors), texts


def _topic_of(assignment: ClusterAssignment) -> dict[str, str]:
    """Cluster id -> the topic its members come from (each cluster must be pure)."""
    result = {}
    for cluster in assignment.clusters:
        topics = {key.split("-")[0] for key in cluster.members}
        assert len(topics) == 1, cluster
        result[cluster.id] = topics.pop()
    return result


def test_separated_topics_form_one_cluster_each() -> None:
    keys, vectors, texts = _data(6)
    result = assign_clusters(keys, vectors, texts)
    assert sorted(_topic_of(result).values()) == ["heat", "wages", "waste"]
    assert [c.id for c in result.clusters] == ["c1", "c2", "c3"]
    assert all(c.size == 6 for c in result.clusters)
    assert result.issued == ("c1", "c2", "c3")


def test_names_come_from_members_words_without_stop_words() -> None:
    keys, vectors, texts = _data(6)
    names = {
        _topic_of(r)[c.id]: c.name
        for r in [assign_clusters(keys, vectors, texts)]
        for c in r.clusters
    }
    assert "waste" in names["waste"].lower()
    assert "wages" in names["wages"].lower()
    assert "energy" in names["heat"].lower()
    assert content_words("Reducir el desperdicio de los alimentos and the waste") == [
        "reducir",
        "desperdicio",
        "alimentos",
        "waste",
    ]


def test_name_prefers_words_unique_to_the_cluster() -> None:
    food_waste = ["Food waste", "Food waste in shops", "Wasted food"]
    food_wages = ["Food workers wages", "Wages of food workers", "Food pickers wages"]
    names = name_clusters([food_waste, food_wages])
    assert names[0].lower().startswith("food waste")
    assert "wages" in names[1].lower()
    assert name_clusters([["the of and", "de la"]]) == ["Unnamed issue"]


def test_same_data_in_any_order_gives_the_same_assignment() -> None:
    keys, vectors, texts = _data(6)
    first = assign_clusters(keys, vectors, texts)
    order = list(range(len(keys)))
    random.Random(3).shuffle(order)
    second = assign_clusters([keys[i] for i in order], vectors[order], [texts[i] for i in order])
    assert first == second


def test_an_initiative_between_two_issues_is_a_bridge_of_the_other() -> None:
    keys, vectors, texts = _data(6)
    rng = np.random.default_rng(9)
    between = _vector(0, rng, other=1)  # waste, leaning towards wages
    result = assign_clusters(
        [*keys, "both-00"], np.vstack([vectors, between]), [*texts, "Food waste and wages"]
    )
    home = next(c for c in result.clusters if "both-00" in c.members)
    bridged = [c for c in result.clusters if "both-00" in c.bridges]
    assert len(bridged) == 1
    assert home.id != bridged[0].id
    assert {_member_topic(home), _member_topic(bridged[0])} == {"waste", "wages"}
    heat = next(c for c in result.clusters if _member_topic(c) == "heat")
    assert heat.bridges == ()


def _member_topic(cluster: object) -> str:
    members = getattr(cluster, "members", ())
    topics = {k.split("-")[0] for k in members} - {"both"}
    assert len(topics) == 1
    return topics.pop()


def test_ids_survive_twenty_percent_more_initiatives() -> None:
    keys, vectors, texts = _data(10)
    before = assign_clusters(keys, vectors, texts)
    more_keys, more_vectors, more_texts = _data(2, seed=2, start=10)  # 6 new = 20 %
    after = assign_clusters(
        [*keys, *more_keys],
        np.vstack([vectors, more_vectors]),
        [*texts, *more_texts],
        previous=before.cluster_of,
        issued=before.issued,
    )
    assert _topic_of(after) == _topic_of(before)
    old, new = before.cluster_of, after.cluster_of
    assert all(new[key] == old[key] for key in keys)
    assert after.issued == before.issued


def test_a_new_issue_gets_a_new_id_and_retired_ids_are_not_reused() -> None:
    keys, vectors, texts = _data(6)
    before = assign_clusters(keys, vectors, texts)
    waste_id = next(i for i, t in _topic_of(before).items() if t == "waste")
    # The waste initiatives leave; a new issue (another direction) arrives.
    kept = [i for i, k in enumerate(keys) if not k.startswith("waste")]
    rng = np.random.default_rng(5)
    river = np.array([_vector(5, rng) for _ in range(6)])
    after = assign_clusters(
        [keys[i] for i in kept] + [f"river-{i:02d}" for i in range(6)],
        np.vstack([vectors[kept], river]),
        [texts[i] for i in kept] + ["River pollution"] * 6,
        previous=before.cluster_of,
        issued=before.issued,
    )
    ids = {c.id for c in after.clusters}
    assert waste_id not in ids
    river_cluster = next(c for c in after.clusters if c.members[0].startswith("river"))
    assert river_cluster.id == "c4"
    assert after.issued == ("c1", "c2", "c3", "c4")


def test_match_ids_pairs_by_overlap_and_ignores_added_members() -> None:
    previous = {"a": "c1", "b": "c1", "c": "c2", "d": "c2", "e": "c7"}
    groups = [frozenset({"c", "d", "x", "y"}), frozenset({"a", "b"}), frozenset({"z"})]
    ids, issued = match_ids(groups, previous, issued=["c1", "c2", "c7", "c9", "legacy"])
    assert ids == ["c2", "c1", "c10"]
    assert issued == ("c1", "c2", "c7", "c9", "c10", "legacy")


@pytest.mark.parametrize("n", [0, 1, 2])
def test_tiny_inputs(n: int) -> None:
    keys, vectors, texts = _data(1)
    result = assign_clusters(keys[:n], vectors[:n], texts[:n])
    assert sorted(result.cluster_of) == sorted(keys[:n])
    assert all(c.id and c.name for c in result.clusters)


def test_mismatched_or_duplicate_inputs_are_refused() -> None:
    keys, vectors, texts = _data(2)
    with pytest.raises(ValueError, match="differ in length"):
        assign_clusters(keys[:-1], vectors, texts)
    with pytest.raises(ValueError, match="unique"):
        assign_clusters([keys[0]] * len(keys), vectors, texts)
