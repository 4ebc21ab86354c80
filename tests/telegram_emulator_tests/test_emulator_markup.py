"""The HTML parser on its own: entities, UTF-16 offsets, tdlib's refusals and byte offsets."""

from __future__ import annotations

import pytest

from tests.telegram_emulator import ApiError, parse_html, utf16_len


def test_utf16_length_counts_astral_characters_twice() -> None:
    assert [utf16_len(s) for s in ("abc", "ñ", "😀", "👩‍💻", "")] == [3, 1, 2, 5, 0]


def test_nested_tags_give_entities_in_utf16_units_sorted_by_offset() -> None:
    parsed = parse_html("😀<b>a<u>😀b</u></b><tg-spoiler>s</tg-spoiler>")
    assert parsed.text == "😀a😀bs"
    assert parsed.entities == [
        {"type": "bold", "offset": 2, "length": 4},
        {"type": "underline", "offset": 3, "length": 3},
        {"type": "spoiler", "offset": 6, "length": 1},
    ]


def test_pre_with_code_language_becomes_one_pre_entity() -> None:
    parsed = parse_html('<pre><code class="language-python">x = 1</code></pre> <code>y</code>')
    assert parsed.entities == [
        {"type": "pre", "offset": 0, "length": 5, "language": "python"},
        {"type": "code", "offset": 6, "length": 1},
    ]


def test_blockquotes_links_and_custom_emoji() -> None:
    parsed = parse_html(
        '<blockquote expandable>q</blockquote><a href="tg://user?id=1">u</a>'
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji><span class="tg-spoiler">z</span>'
    )
    assert [e["type"] for e in parsed.entities] == [
        "expandable_blockquote",
        "text_link",
        "custom_emoji",
        "spoiler",
    ]


def test_character_references_decode_like_tdlib() -> None:
    parsed = parse_html("&lt;a&gt; &amp; &quot;q&quot; &#65;&#x1F600; &lt")
    assert parsed.text == '<a> & "q" A😀 <'


def test_surrounding_whitespace_is_trimmed_and_entities_clipped() -> None:
    parsed = parse_html("  <b> padded </b>\n")
    assert (parsed.text, parsed.entities) == (
        "padded",
        [{"type": "bold", "offset": 0, "length": 6}],
    )


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("ü<x>", 'Unsupported start tag "x" at byte offset 2'),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ('<a href="x"', "Unclosed start tag at byte offset 0"),
        ("<b =x>y</b>", 'Empty attribute name in the tag "b" at byte offset 0'),
        ("<a href=x/y>z</a>", "Unexpected end of name token at byte offset 8"),
        ('<tg-emoji emoji-id="abc">e</tg-emoji>', "Invalid custom emoji identifier specified"),
        ("<i><b>x</i></b>", 'Unmatched end tag at byte offset 7, expected "</b>", found "</i>"'),
    ],
)
def test_refusals_carry_tdlib_wording_and_utf8_byte_offsets(source: str, message: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_html(source)
    assert caught.value.status == 400
    assert caught.value.description == f"Bad Request: can't parse entities: {message}"


def test_lenient_mode_keeps_an_unknown_ampersand_like_telegram() -> None:
    assert parse_html("R&D &nbsp;", strict_entities=False).text == "R&D &nbsp;"
    with pytest.raises(ApiError, match="Unescaped"):
        parse_html("R&D &nbsp;")


def test_empty_closing_tag_closes_the_innermost_one() -> None:
    assert parse_html("<b>x</>").entities == [{"type": "bold", "offset": 0, "length": 1}]
