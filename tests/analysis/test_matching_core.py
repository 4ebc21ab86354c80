"""The matching core on hand-made profiles: issue first, consent, penalties, reasons, lookup."""

from __future__ import annotations

import re
from typing import Any

import pytest

from analysis.matching import (
    InitiativeVectors,
    Peer,
    VectorSet,
    all_peers,
    find_profile,
    initiative_collection,
    peer_json,
    peers,
    vector_set,
)
from analysis.matching.text import snippet
from analysis.profiles import Profile
from intake.records import InitiativeRecord
from knowledge.embeddings import MINILM_MODEL_ID, MiniLMEmbeddings
from tests.analysis.conftest import persistent_client


def make(key: str, name: str, issue: str, goals: list[str], **fields: Any) -> Profile:
    data: dict[str, Any] = {
        "id": key,
        "name": name,
        "issue": issue,
        "goals": goals,
        "consent": {"listed": fields.pop("listed", True)},
        **fields,
    }
    return Profile(key=key, db_id=hash(key) % 10_000, record=InitiativeRecord.model_validate(data))


# Food waste (w*) and farmworker wages (p*): both "food". The wages initiatives share the
# production system, chain segment, region and a need/offer match with w1 and p1's peers do too,
# while w1's own-issue peers share nothing but the issue: the bonuses must not win.
_FOOD: dict[str, Any] = {
    "production_system": "food",
    "ps_links": [{"actor": "FreshWay Supermarkets", "segment": "retail"}],
    "stakeholders": [{"name": "Eastbrook City Council", "sector": "government"}],
    "region": "Eastbrook, Northvale",
    "needs": ["funding"],
    "offers": ["funding"],
}
_ELSEWHERE: dict[str, Any] = {"region": "Port Calder"}
FOOD = [
    make("w1", "Surplus Supper", "Food waste", ["Cook shop surplus into meals"], **_FOOD),
    make(
        "w2",
        "Fridge Share",
        "Edible food thrown away by supermarkets",
        ["Share leftovers"],
        **_ELSEWHERE,
    ),
    make(
        "w3",
        "Bin Less",
        "Households waste food they bought",
        ["Teach meal planning"],
        **_ELSEWHERE,
    ),
    make("p1", "Fair Fields", "Farmworker wages", ["Win a living wage for pickers"], **_FOOD),
    make("p2", "Pickers Desk", "Seasonal pickers are underpaid", ["Legal advice on pay"], **_FOOD),
    make("p3", "Harvest Union", "Low pay for farm labourers", ["Organise farmhands"], **_FOOD),
]


@pytest.fixture(scope="module")
def food_vectors(tmp_path_factory: pytest.TempPathFactory, model: MiniLMEmbeddings) -> VectorSet:
    client = persistent_client(tmp_path_factory.mktemp("food"))
    collection = initiative_collection(client, MINILM_MODEL_ID)
    return InitiativeVectors(collection, model, MINILM_MODEL_ID).vectors_for(FOOD)


def test_same_production_system_does_not_lift_a_different_issue(food_vectors: VectorSet) -> None:
    assert [p.key for p in peers(FOOD, "w1", k=2, vectors=food_vectors)] == ["w3", "w2"]
    wages = peers(FOOD, "p1", k=2, vectors=food_vectors)
    assert sorted(p.key for p in wages) == ["p2", "p3"]
    # The bonuses are real: without them the food-waste peers of w1 score no lower.
    farm = peers(FOOD, "w1", k=5, vectors=food_vectors)
    assert [p.key for p in farm][2:] == ["p3", "p1", "p2"]


def test_reasons_name_the_shared_attributes_in_plain_words(food_vectors: VectorSet) -> None:
    (best,) = peers(FOOD, "p1", k=1, vectors=food_vectors)
    assert best.reasons == [
        "works on a similar issue: Low pay for farm labourers",
        "same production system (food) and chain segment (retail)",
        "both work with Eastbrook City Council and FreshWay Supermarkets",
        "offers funding, which Fair Fields needs",
        "needs funding, which Fair Fields offers",
        "same region (Eastbrook)",
    ]
    assert 0.0 <= best.score <= 1.0
    assert best.score == round(best.score, 2)


def test_reasons_are_written_in_the_leaders_language(food_vectors: VectorSet) -> None:
    """Spanish leaders read Spanish frames; the quoted issue stays in its author's words."""
    (best,) = peers(FOOD, "p1", k=1, vectors=food_vectors, language="es")
    assert best.reasons == [
        "trabaja en un tema parecido: Low pay for farm labourers",
        "mismo sistema de producción (food) y eslabón de la cadena (retail)",
        "las dos trabajan con Eastbrook City Council y FreshWay Supermarkets",
        "ofrece financiación, que Fair Fields necesita",
        "necesita financiación, que Fair Fields ofrece",
        "misma región (Eastbrook)",
    ]


def _toy(*listed: bool) -> tuple[list[Profile], VectorSet]:
    """Initiatives on one axis: a is nearest to b, then c, then d."""
    keys = ["a", "b", "c", "d"][: len(listed)]
    profiles = [
        make(k, f"Initiative {k.upper()}", "Food waste", ["Share surplus"], listed=flag)
        for k, flag in zip(keys, listed, strict=True)
    ]
    rows = [[1.0, 0.0], [0.95, 0.31], [0.8, 0.6], [0.0, 1.0]][: len(listed)]
    return profiles, vector_set(keys, rows, rows)


def test_unlisted_initiatives_are_never_shown_as_peers() -> None:
    profiles, vectors = _toy(True, False, True, True)
    shown = all_peers(profiles, k=3, vectors=vectors)
    assert all(p.key != "b" for top in shown.values() for p in top)
    # ... but an unlisted leader still sees their own peers, and the operator sees everyone.
    assert [p.key for p in shown["b"]] == ["a", "c", "d"]
    operator = peers(profiles, "a", k=1, vectors=vectors, listed_only=False)
    assert [p.key for p in operator] == ["b"]


def test_a_penalty_lowers_that_pair() -> None:
    profiles, vectors = _toy(True, True, True, True)
    plain = peers(profiles, "a", k=3, vectors=vectors)
    assert [p.key for p in plain][:2] == ["b", "c"]
    penalised = peers(profiles, "a", k=3, vectors=vectors, penalties={"b": 0.5})
    assert [p.key for p in penalised][:2] == ["c", "b"]
    assert penalised[1].score < plain[0].score
    gone = peers(profiles, "a", k=2, vectors=vectors, penalties={"b": 0.0})
    assert "b" not in [p.key for p in gone]


def test_reasons_never_carry_contact_details() -> None:
    issue = "Food waste. Write to ana@example.org or call +44 20 7946 0958, see https://x.example"
    profiles = [
        make("a", "Alpha", issue, ["Share surplus"], leader={"name": "Ana Secret"}),
        make("b", "Beta", issue, ["Share surplus"], leader={"name": "Bo Hidden"}),
    ]
    vectors = vector_set(["a", "b"], [[1.0, 0.0], [1.0, 0.0]], [[1.0, 0.0], [1.0, 0.0]])
    (peer,) = peers(profiles, "a", k=1, vectors=vectors)
    text = " ".join(peer.reasons)
    assert "works on a similar issue: Food waste" in text
    for secret in ("@", "7946", "http", "Hidden", "Secret"):
        assert secret not in text
    assert snippet("Call 0161 496 0000 about food waste") == "Call about food waste"


def test_need_offer_reasons_use_words_not_codes() -> None:
    profiles = [
        make("a", "Alpha", "Food waste", ["x"], needs=["policy_access"], offers=["space"]),
        make("b", "Beta", "Food waste", ["x"], offers=["policy_access"], needs=["space"]),
    ]
    vectors = vector_set(["a", "b"], [[1.0, 0.0], [1.0, 0.0]], [[1.0, 0.0], [1.0, 0.0]])
    (peer,) = peers(profiles, "a", k=1, vectors=vectors)
    assert "offers access to policymakers, which Alpha needs" in peer.reasons
    assert "needs space or equipment, which Alpha offers" in peer.reasons
    assert not [r for r in peer.reasons if re.search(r"_|\{|\}", r)]


def test_peer_json_has_exactly_the_cli_keys() -> None:
    peer = Peer(key="k", name="Beta", score=0.87, reasons=["same region (Eastbrook)"])
    assert peer_json(peer) == {
        "name": "Beta",
        "score": 0.87,
        "reasons": ["same region (Eastbrook)"],
    }


def test_find_profile_by_key_or_loosely_typed_name() -> None:
    profiles = [
        make("es-1", "Despensa Compartida", "Desperdicio de alimentos", []),
        make("en-1", "Café Rescue Network", "Food waste", []),
        make("en-2", "Café Rescue Kitchen", "Food waste", []),
    ]
    assert find_profile(profiles, "es-1") is profiles[0]
    assert find_profile(profiles, "  DESPENSA compartida ") is profiles[0]
    assert find_profile(profiles, "cafe rescue network") is profiles[1]
    assert find_profile(profiles, "despensa") is profiles[0]
    assert find_profile(profiles, "cafe rescue") is None  # two match: ambiguous
    assert find_profile(profiles, "nobody") is None


def test_unknown_target_and_tiny_inputs() -> None:
    profiles, vectors = _toy(True)
    assert peers(profiles, "a", k=3, vectors=vectors) == []
    with pytest.raises(KeyError):
        peers(profiles, "zzz", k=3, vectors=vectors)
