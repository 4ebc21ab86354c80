"""`split_html`: every part fits Telegram's limit, parses as Telegram HTML, and loses no text."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.telegram.split import CAPTION_LIMIT, MESSAGE_LIMIT, split_html, utf16_len
from tests.telegram_emulator.markup import parse_html

WORDS = st.sampled_from(
    ["word", "😀", "مرحبا", "a\u200bb", "<b>&*_[", "x" * 300, "'; DROP TABLE x;--", "ñandú"]
)
SEPARATORS = st.sampled_from([" ", "\n", "\n\n", "  "])


def _visible(parts: list[str]) -> str:
    return re.sub(r"\s+", "", "".join(parse_html(p).text for p in parts))


@st.composite
def documents(draw: st.DrawFn) -> str:
    """HTML as the bot builds it: escaped user text, some of it inside tags."""
    pieces = []
    for _ in range(draw(st.integers(1, 60))):
        text = html.escape(draw(WORDS), quote=False) * draw(st.integers(1, 40))
        tag = draw(st.sampled_from(["", "b", "i", "pre", "code"]))
        pieces.append(f"<{tag}>{text}</{tag}>" if tag else text)
        pieces.append(draw(SEPARATORS))
    return "".join(pieces)


@settings(max_examples=60, deadline=None)
@given(documents(), st.sampled_from([MESSAGE_LIMIT, CAPTION_LIMIT, 200]))
def test_parts_fit_parse_and_keep_all_text(source: str, limit: int) -> None:
    parts = split_html(source, limit)
    assert all(utf16_len(p) <= limit for p in parts)
    assert _visible(parts) == re.sub(r"\s+", "", parse_html(source).text)


def test_short_text_is_one_untouched_part() -> None:
    assert split_html("<b>Hi</b> &amp; bye") == ["<b>Hi</b> &amp; bye"]


def test_prefers_paragraph_breaks_over_spaces() -> None:
    first, second = "a " * 1500, "b " * 1500
    parts = split_html(f"{first.strip()}\n\n{second.strip()}")
    assert [p[0] for p in parts] == ["a", "b"]


def test_a_tag_open_at_the_cut_is_closed_and_reopened() -> None:
    parts = split_html("<pre>" + "line\n" * 2000 + "</pre>")
    assert len(parts) == 3
    assert all(p.startswith("<pre>") and p.endswith("</pre>") for p in parts)


def test_astral_characters_count_twice_and_are_never_cut_in_half() -> None:
    parts = split_html("😀" * 3000)
    assert [utf16_len(p) for p in parts] == [4096, 1904]
    assert "".join(parts) == "😀" * 3000


@pytest.mark.parametrize("source", ["", "   ", "<b></b>", "\n\n"])
def test_nothing_visible_means_no_message(source: str) -> None:
    assert split_html(source) == []
