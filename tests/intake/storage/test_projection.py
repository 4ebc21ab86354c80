"""Pure rules: answers -> record, and what the answer log records for a change."""

from __future__ import annotations

from intake.storage.answer_log import changed_answer
from intake.storage.leaders import telegram_id_of
from intake.storage.projection import UNSTATED_ISSUE, record_from_answers
from intake.storage.tables import Leader


def test_other_production_system_uses_the_leaders_words() -> None:
    record = record_from_answers(
        {
            "initiative_name": "A",
            "issue": "b",
            "production_systems": ["other", "food"],
            "production_system_other": "textiles",
        }
    )
    assert record.production_system == "textiles"
    assert record.extra["production_systems"] == ["other", "food"]


def test_odd_values_are_kept_not_lost() -> None:
    record = record_from_answers(
        {
            "initiative_name": "A",
            "issue": "b",
            "partners": [
                {"partner_name": "P", "partner_depth": 9},
                {"partner_relation": "no name"},
            ],
            "task_learning": "sometimes",
            "task_visioning": "core",
        }
    )
    assert [(p.name, p.depth) for p in record.partners] == [("P", None)]
    assert record.tasks == {"visioning": "core"}
    assert record.extra["task_learning"] == "sometimes"


def test_none_means_no_needs_and_the_detail_is_kept() -> None:
    record = record_from_answers(
        {
            "initiative_name": "A",
            "issue": "b",
            "needs": ["none"],
            "needs_detail": "later",
            "offers": ["skills"],
            "offers_detail": "mentoring",
        }
    )
    assert record.needs == []
    assert record.extra["needs_detail"] == "later"
    assert [(o.category, o.detail) for o in record.offers] == [("skills", "mentoring")]
    assert "offers_detail" not in record.extra


def test_one_detail_about_several_needs_is_kept_once_not_copied_onto_each() -> None:
    record = record_from_answers(
        {
            "initiative_name": "A",
            "issue": "b",
            "needs": ["funding", "data", "volunteers"],
            "needs_detail": "a cold room two days a week",
        }
    )
    assert [(n.category, n.detail) for n in record.needs] == [
        ("funding", None),
        ("data", None),
        ("volunteers", None),
    ]
    assert record.extra["needs_detail"] == "a cold room two days a week"


def test_names_fall_back_and_a_missing_issue_is_marked() -> None:
    leader = Leader(name="Ana", telegram_id=5)
    record = record_from_answers({"host_org": "Host Org"}, leader=leader, external_id="helix:1")
    assert (record.id, record.name, record.issue) == ("helix:1", "Host Org", UNSTATED_ISSUE)
    assert record.leader is not None
    assert (record.leader.name, record.leader.telegram_id) == ("Ana", 5)
    assert record.consent is None


def test_consent_answers() -> None:
    record = record_from_answers(
        {"initiative_name": "A", "issue": "b", "consent_listed": "no", "digest_frequency": "never"}
    )
    assert record.consent is not None
    assert (record.consent.listed, record.consent.introductions, record.consent.digest) == (
        False,
        False,
        "never",
    )


def test_changed_answer_paths() -> None:
    one = {"name": "A"}
    assert changed_answer({}, one) == ("name", "A")
    assert changed_answer(one, one) == (None, None)
    assert changed_answer(one, {}) == ("name", None)
    items = [{"st_name": "X", "st_sector": "gov"}]
    assert changed_answer({}, {"st": items}) == ("st[0]", items[0])
    more = [*items, {"st_name": "Y"}]
    assert changed_answer({"st": items}, {"st": more}) == ("st[1]", {"st_name": "Y"})
    edited = [{"st_name": "X", "st_sector": "biz"}, {"st_name": "Y"}]
    assert changed_answer({"st": more}, {"st": edited}) == ("st[0].st_sector", "biz")
    assert changed_answer({"st": edited}, {"st": edited[1:]}) == ("st", edited[1:])
    assert changed_answer({"a": 1, "b": 2}, {}) == (None, {"a": None, "b": None})


def test_telegram_ids_from_user_keys() -> None:
    assert telegram_id_of("tg:123") == 123
    assert telegram_id_of("tg:-5") == -5
    assert telegram_id_of("term:ana") is None
    assert telegram_id_of("tg:abc") is None
