from __future__ import annotations

import pytest

from analysis.network.names import MATCH_THRESHOLD, NameIndex, fold, similarity


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Red de Neveras Solidarias del Norte", "red de neveras solidarias del norte"),
        ("  Café  Común,  Málaga ", "cafe comun malaga"),
        ("Eastbrook Bakers' Guild", "eastbrook bakers guild"),
        ("Tri-City Food Waste Alliance", "tri city food waste alliance"),
        ("Greenleaf Surplus Fund Ltd.", "greenleaf surplus fund"),
        ("Molinos Unidos S.A.", "molinos unidos"),
        ("Food & Farming Trust", "food and farming trust"),
        ("ÆON Straße", "æon strasse"),
        ("Ltd", "ltd"),  # a suffix alone is still a name
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_fold_is_idempotent() -> None:
    for name in ["Foo Co Ltd", "Ñandú S.L.", "A--B  c"]:
        assert fold(fold(name)) == fold(name)


KNOWN = {
    "fw-01": "Second Harvest Kitchen",
    "fw-02": "Eastbrook Community Fridges",
    "fw-03": "Port Calder Food Rescue",
    "fw-04": "Tri-City Food Waste Alliance",
    "fw-05": "Red de Neveras Solidarias del Norte",
    "fw-06": "Zero Waste Schools Eastbrook",
    "fw-07": "FoodShare",
}


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("second harvest kitchen", "fw-01"),
        ("SECOND-HARVEST KITCHEN LTD", "fw-01"),
        ("Eastbrook Comunity Fridges", "fw-02"),  # one typo in a long token
        ("Tri City Food-Waste Alliance", "fw-04"),
        ("Tri-City Food Waste", "fw-04"),  # 4 of 5 tokens: Dice 8/9 = 0.89
        ("Red de Neveras Solidarias del Norté", "fw-05"),
        ("Neveras Solidarias Norte", "fw-05"),  # only stopwords differ
        ("Food Share", "fw-07"),  # spacing only
        ("Schools Eastbrook Zero Waste", "fw-06"),  # word order
    ],
)
def test_match_finds_the_initiative(typed: str, key: str) -> None:
    assert NameIndex(KNOWN).match(typed) == key


@pytest.mark.parametrize(
    "typed",
    [
        "Port Calder Food Bank",  # 3 of 4 tokens: Dice 6/8 = 0.75
        "Zero Waste Schools Westbrook",  # two letters off in a place name: a different body
        "Eastbrook Community Gardens",
        "Second Harvest",  # Dice 4/6 = 0.67
        "Foodshed",
        "Kitchen",
        "",
        "---",
    ],
)
def test_near_misses_do_not_match(typed: str) -> None:
    assert NameIndex(KNOWN).match(typed) is None


def test_short_tokens_need_exact_spelling() -> None:
    # "bank" vs "band": one letter, but 4-letter words are different words, not typos.
    index = NameIndex({"a": "Harbour Food Bank"})
    assert index.match("Harbour Food Band") is None
    assert index.match("Harbour Food Bnak") is None


def test_ambiguous_name_stays_unmatched() -> None:
    index = NameIndex({"a": "Green Streets", "b": "green-streets"})
    assert index.match("Green Streets") is None


def test_similarity_values() -> None:
    tri_city = similarity("Tri-City Food Waste Alliance", "tri city food waste")
    assert tri_city == pytest.approx(8 / 9)
    assert similarity("Port Calder Food Bank", "Port Calder Food Rescue") == pytest.approx(0.75)
    assert similarity("x", "y") == 0.0
    assert 0.75 < MATCH_THRESHOLD < 8 / 9
