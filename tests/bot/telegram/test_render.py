"""Every screen of the fixture form renders as valid Telegram HTML with valid, stale-safe keys."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from telegram import InlineKeyboardMarkup

from bot.telegram import callbacks
from bot.telegram.render import render_prompt
from intake.engine import start, step
from intake.engine.events import Choose, Done, Event, RepeatAdd, Text, Toggle
from intake.engine.prompt import ChoiceView, Progress, Prompt
from intake.form.definition import FormDefinition
from tests.intake.engine.dive_walks import DIVES, TO_SENT
from tests.telegram_emulator.markup import parse_html

HOSTILE = "<b>&*_[ 'x'; DROP TABLE answer_log;-- ‮rtl‬ zero\u200bwidth 😀"
WALK: list[Event] = [
    Done(),
    Text(text=HOSTILE),
    Toggle(value="food"),
    Toggle(value="energy"),
    Done(),
    Text(text="seeds & <soil>"),
    Choose(value="running"),
    Text(text="2019"),
    Text(text="12"),
    Text(text="1.5"),
    Text(text="acme.org"),
    Text(text="soil; water"),
    Choose(value="4"),
    RepeatAdd(),
    Text(text="Ana <admin>"),
    Choose(value="food"),
    Text(text="note"),
    Done(),
    Text(text="A story"),
]


def screens(definition: FormDefinition, language: str) -> Iterator[Prompt]:
    state = start(definition, language=language)
    for event in WALK:
        state, prompt = step(definition, state, event)
        yield prompt


def _buttons(markup: InlineKeyboardMarkup | None) -> list[str]:
    if markup is None:
        return []
    return [str(b.callback_data) for row in markup.inline_keyboard for b in row]


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_screen_is_valid_telegram_html_with_valid_buttons(
    mini: FormDefinition, language: str
) -> None:
    kinds = set()
    for prompt in screens(mini, language):
        kinds.add(prompt.kind)
        rendered = render_prompt(prompt, language)
        parse_html(rendered.text)  # raises like Telegram on bad markup
        for data in _buttons(rendered.markup):
            assert len(data.encode()) <= callbacks.MAX_CALLBACK_BYTES
            press = callbacks.decode(data)
            assert press is not None, data
            if press.op in callbacks.SCREEN_OPS:
                assert press.fingerprint == callbacks.fingerprint(prompt)
    assert kinds >= {"question", "repeat_menu", "review"}


def test_hostile_answer_is_shown_literally_on_the_review(mini: FormDefinition) -> None:
    *_, review = screens(mini, "en")
    assert review.kind == "review"
    text = parse_html(render_prompt(review, "en").text).text
    assert HOSTILE in text
    assert "Ana <admin>" in text


def test_every_button_maps_to_an_event_on_its_own_screen(mini: FormDefinition) -> None:
    for prompt in screens(mini, "en"):
        for data in _buttons(render_prompt(prompt, "en").markup):
            press = callbacks.decode(data)
            assert press is not None
            if press.op in callbacks.SCREEN_OPS - callbacks.KNOWLEDGE_OPS:
                assert callbacks.event_for(press, prompt) is not None, (data, prompt.kind)


def test_moving_on_changes_the_fingerprint(mini: FormDefinition) -> None:
    """Every event of the walk but a tick moves to another screen, so old buttons go stale."""
    prints = [callbacks.fingerprint(p) for p in screens(mini, "en")]
    moves = zip(prints, prints[1:], WALK[1:], strict=False)
    unchanged = [e for a, b, e in moves if a == b and not isinstance(e, Toggle)]
    assert unchanged == []


def test_ticks_do_not_change_the_fingerprint(mini: FormDefinition) -> None:
    state = start(mini)
    state, _ = step(mini, state, Done())
    state, untouched = step(mini, state, Text(text="Acme"))
    _, ticked = step(mini, state, Toggle(value="food"))
    assert ticked.choices != untouched.choices
    assert callbacks.fingerprint(ticked) == callbacks.fingerprint(untouched)


@pytest.mark.parametrize(
    "data",
    ["", "zz:12345678", "a:1234567:1", "a:12345678", "a:12345678:x", "w:", "l:é", "a" * 65, None],
)
def test_malformed_payloads_decode_to_none(data: str | None) -> None:
    assert callbacks.decode(data) is None


def test_worded_likert_levels_are_one_button_per_row_with_the_number_first() -> None:
    levels = ("Networking: we know each other", "Cooperation", "Coordination", "Coalition", "One")
    worded = Prompt(
        kind="question",
        text="How closely do you work together?",
        path="partners[0].partner_depth",
        question_type="likert",
        choices=tuple(ChoiceView(value=str(n), label=lv) for n, lv in enumerate(levels, 1)),
    )
    rows = render_prompt(worded, "en").markup.inline_keyboard  # type: ignore[union-attr]
    assert [row[0].text for row in rows[:5]] == [f"{n} · {lv}" for n, lv in enumerate(levels, 1)]
    press = callbacks.decode(str(rows[2][0].callback_data))
    assert press is not None
    assert callbacks.event_for(press, worded) == Choose(value="3")
    plain = worded.model_copy(
        update={"choices": tuple(ChoiceView(value=v, label=v) for v in "12345")}
    )
    assert len(render_prompt(plain, "en").markup.inline_keyboard[0]) == 5  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("language", "left", "line"),
    [
        ("en", 3, "Section 2 of 6 · 3 questions left · Goals"),
        ("en", 1, "Section 2 of 6 · 1 question left · Goals"),
        ("es", 3, "Sección 2 de 6 · quedan 3 preguntas · Goals"),
        ("es", 1, "Sección 2 de 6 · queda 1 pregunta · Goals"),
    ],
)
def test_the_progress_line_says_the_section_and_the_questions_left(
    language: str, left: int, line: str
) -> None:
    progress = Progress(
        index=9, total=40, section="Goals", section_index=2, section_total=6, left=left
    )
    prompt = Prompt(kind="question", text="Goals?", path="goals", progress=progress)
    text = parse_html(render_prompt(prompt, language).text).text
    assert text.startswith(f"{line}\n")
    assert "40" not in text  # the old "9 of about 40" is gone


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_sent_screen_offers_each_dive_as_a_button_that_takes_it(language: str) -> None:
    state = start(DIVES, language=language)
    for event in TO_SENT:
        state, sent = step(DIVES, state, event)
    assert sent.kind == "submitted"
    rendered = render_prompt(sent, language)
    parse_html(rendered.text)
    rows = rendered.markup.inline_keyboard  # type: ignore[union-attr]
    offered = [row[0] for row in rows[: len(sent.offers)]]
    assert [b.text for b in offered] == [offer.text for offer in sent.offers]
    events = []
    for button in offered:
        press = callbacks.decode(str(button.callback_data))
        assert press is not None
        assert press.fingerprint == callbacks.fingerprint(sent)
        events.append(callbacks.event_for(press, sent))
    assert events == [Choose(value=offer.value) for offer in sent.offers]
    _, taken = step(DIVES, state, events[0])  # taking one changes the screen: old keys go stale
    assert callbacks.fingerprint(taken) != callbacks.fingerprint(sent)
