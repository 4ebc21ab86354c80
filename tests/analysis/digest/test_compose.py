"""A digest is composed purely from its data and a fixed clock, in English and Spanish."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from analysis.digest import Digest, PeerItem, compose
from analysis.digest.compose import BUTTON_CHARS, LIMIT, period_label, utf16_len
from analysis.digest.data import Snapshot
from tests.analysis.digest.helpers import NOW, data, entry


def _composed(**changes: object) -> Digest:
    digest = compose(data(**changes), NOW)
    assert digest is not None
    return digest


def test_an_english_weekly_digest_says_each_part_in_order() -> None:
    digest = _composed()
    text = digest.text
    assert (digest.leader_id, digest.period, digest.language, digest.quiet) == (
        1,
        "2026-W49",
        "en",
        False,
    )
    assert text.startswith("<b>Your Helix digest, week 49</b>\nHello Ines Calloway!")
    order = [
        "Second Harvest Kitchen (Food waste)",
        "New on your issue since your last digest",
        "• <b>Port Calder Food Rescue</b> (Food waste)",
        "Who you might talk to",
        "1. <b>Eastbrook Community Fridges</b>: Both work with FreshWay",
        "2. <b>Zero Waste Schools</b>: Similar issue: “food waste”",
        "What you need and others offer",
        "• Funding: Greenleaf Surplus Fund",
        "Where your change system could grow",
        "Nobody from business takes part",
        "few initiatives on your issue work on financing the work",
        "Your change system in three numbers",
        "• 12 initiatives on your issue",
        "• 40 % of them work with the production system",
        "• 5 of the 7 change-system tasks covered",
        "never contact details",
    ]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)


def test_a_spanish_monthly_digest_is_in_spanish_with_the_month_named() -> None:
    digest = _composed(language="es", frequency="monthly", leader_name="Lucía")
    text = digest.text
    assert digest.period == "2026-12"
    assert text.startswith("<b>Tu resumen de Helix, diciembre de 2026</b>\n¡Hola, Lucía!")
    for said in (
        "Nuevas en tu tema desde tu último resumen",
        "Con quién podrías conversar",
        "«Presentarme» les envía tu pedido",
        "Lo que necesitas y otros ofrecen",
        "• Financiación: Greenleaf Surplus Fund",
        "nadie de las empresas",
        "financiar el trabajo",
        "• 12 iniciativas en tu tema",
        "• el 40 % trabaja con el sistema productivo",
        "• 5 de las 7 tareas del sistema de cambio cubiertas",
        "nunca datos de contacto",
    ):
        assert said in text, said
    labels = [b.label for row in digest.buttons for b in row]
    assert labels == [
        "🤝 Presentarme: Eastbrook Community Fridges",
        "✖ No me sirve: Eastbrook Community Fridges",
        "✖ No me sirve: Zero Waste Schools",
        "Pausar resúmenes",
    ]


@pytest.mark.parametrize(
    ("period", "lang", "label"),
    [
        ("2026-W49", "en", "week 49"),
        ("2027-W01", "es", "semana 1"),
        ("2026-12", "en", "December 2026"),
        ("2027-01", "es", "enero de 2027"),
    ],
)
def test_period_labels_read_as_words(period: str, lang: str, label: str) -> None:
    assert period_label(period, lang) == label


def test_the_period_is_the_leaders_local_one() -> None:
    sunday_night_utc = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)  # Monday 08:30 in Auckland
    auckland = compose(data(timezone="Pacific/Auckland"), sunday_night_utc)
    lima = compose(data(timezone="America/Lima"), sunday_night_utc)
    assert auckland is not None
    assert lima is not None
    assert (auckland.period, lima.period) == ("2026-W50", "2026-W49")


def test_every_peer_has_a_row_introduce_only_where_allowed_and_pause_last() -> None:
    digest = _composed()
    rows = [[(b.action, b.initiative_id) for b in row] for row in digest.buttons]
    assert rows == [
        [("introduce", 3), ("not_relevant", 3)],
        [("not_relevant", 4)],
        [("pause", None)],
    ]


def test_button_labels_stay_short_and_name_the_peer() -> None:
    long_name = "The Extraordinarily Long Named Community Food Rescue Network of Eastbrook"
    digest = _composed(peers=[PeerItem(entry(3, long_name), [], True)])
    labels = [b.label for row in digest.buttons[:-1] for b in row]
    assert all(len(label) <= BUTTON_CHARS for label in labels)
    assert all("The Extraordinarily" in label and label.endswith("…") for label in labels)


def test_hostile_names_and_reasons_are_escaped_everywhere() -> None:
    evil = '<a href="tg://user?id=1">x</a> & <b>'
    digest = _composed(
        leader_name=evil,
        initiative_name=evil,
        issue=evil,
        new=[entry(2, evil, issue=evil)],
        peers=[PeerItem(entry(3, evil), [evil], True)],
    )
    text = digest.text
    assert "tg://user" in text  # said, as text ...
    assert '<a href="tg' not in text  # ... never as a link
    assert "&lt;a href=&quot;tg://user?id=1&quot;&gt;" in text
    assert set(re.findall(r"<(/?[a-z]+)", text)) <= {"b", "/b", "i", "/i"}
    assert text.count("<b>") == text.count("</b>")


def test_nothing_new_gives_a_short_kind_note_with_only_the_pause_button() -> None:
    digest = _composed(new=[], first=False)
    assert digest.quiet
    assert "A quiet week on Food waste" in digest.text
    assert "Eastbrook Community Fridges" not in digest.text
    assert len(digest.text) < 300
    assert [[b.action for b in row] for row in digest.buttons] == [["pause"]]
    spanish = compose(data(new=[], language="es", frequency="monthly"), NOW)
    assert spanish is not None
    assert "Mes tranquilo en Food waste" in spanish.text


def test_nothing_new_and_skip_chosen_gives_nothing_to_send() -> None:
    assert compose(data(new=[], quiet_choice="skip"), NOW) is None
    assert compose(data(quiet_choice="skip"), NOW) is not None  # news still comes


def test_a_first_digest_shows_peers_even_when_nobody_joined_lately() -> None:
    first = _composed(new=[], first=True)
    assert not first.quiet
    assert "Eastbrook Community Fridges" in first.text
    lonely = compose(data(new=[], first=True, peers=[], needs=[]), NOW)
    assert lonely is not None
    assert lonely.quiet


def test_a_first_digest_calls_newcomers_recent_not_since_last_time() -> None:
    text = _composed(first=True).text
    assert "Recently joined on your issue" in text
    assert "since your last digest" not in text


def test_missing_numbers_say_there_is_not_enough_data() -> None:
    text = _composed(snapshot=Snapshot(initiatives=1, bridged=None, tasks_covered=None)).text
    assert "1 initiative on your issue: yours, so far" in text
    assert "work with the production system: not enough data yet" in text
    assert "tasks covered: not enough data yet" in text


def test_an_unnamed_leader_is_greeted_without_a_name() -> None:
    text = _composed(leader_name=None).text
    assert "Hello" not in text
    assert "This is what moved around Second Harvest Kitchen" in text


def test_huge_data_is_trimmed_by_whole_items_to_fit_telegram() -> None:
    wide = "Ünïcødé 🌍 & <tags> " * 40  # astral emoji count twice in UTF-16
    many = [entry(n, f"{wide}{n}", issue=wide) for n in range(10, 60)]
    peers = [PeerItem(entry(n, f"{wide}{n}"), [wide] * 5, True) for n in range(100, 105)]
    digest = _composed(
        leader_name=wide,
        initiative_name=wide,
        issue=wide,
        new=many,
        peers=peers,
        needs=data().needs * 10,
    )
    assert utf16_len(digest.text) <= LIMIT
    assert digest.text.count("<b>") == digest.text.count("</b>")
    assert digest.text.count("<i>") == digest.text.count("</i>")
    assert "&lt;tags&gt;" in digest.text
    assert "<tags>" not in digest.text
    assert "…and " in digest.text  # trimmed lists say so
    peer_lines = re.findall(r"^\d+\. <b>", digest.text, flags=re.MULTILINE)
    assert 1 <= len(peer_lines) <= len(peers)
    assert len(digest.buttons) - 1 == len(peer_lines)  # buttons only for peers still shown


def test_an_ordinary_digest_is_well_under_the_limit() -> None:
    assert utf16_len(_composed().text) < LIMIT // 2
