"""Telegram's HTML parse mode: turns markup into plain text plus entities, or refuses it.

The algorithm follows tdlib's `parse_html` (which the Bot API server runs), so the emulator
refuses exactly the markup Telegram refuses, with its wording and its byte offsets (counted in
UTF-8 bytes of the text as sent). Entity offsets and lengths are UTF-16 code units, as in the
Bot API. One deliberate difference, switchable off: Telegram keeps an `&` that starts no known
entity as a literal character, but the Bot API documentation requires every such `&` to be
escaped, so strict mode refuses it; that catches user input that was not `html.escape`d before a
test ever meets a `<` in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.telegram_emulator.errors import ApiError, bad_request

ALLOWED_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre",
        "tg-spoiler", "span", "blockquote", "tg-emoji",
    }
)  # fmt: skip
_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
# tdlib's ordering of entities that start at the same offset with the same length.
_PRIORITY = {
    "blockquote": 0,
    "expandable_blockquote": 0,
    "pre": 11,
    "code": 20,
    "text_link": 49,
    "bold": 90,
    "italic": 91,
    "underline": 92,
    "strikethrough": 93,
    "spoiler": 94,
    "custom_emoji": 99,
}


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: what Telegram counts for limits and entity offsets."""
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


@dataclass(frozen=True)
class ParsedText:
    """Text as Telegram stores it, its entities, and whether the source contained any tag."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)
    had_tags: bool = False


@dataclass
class _Open:
    tag: str
    argument: str
    start: int  # UTF-16 offset in the output
    source_pos: int  # index of "<" in the source
    expandable: bool = False


def _error(message: str) -> ApiError:
    return bad_request(f"can't parse entities: {message}")


def decode_entity(src: str, pos: int) -> tuple[str, int] | None:
    """Decode the character reference at `src[pos] == "&"` like tdlib; None if there is none.

    Named references are lt/gt/amp/quot; numeric ones are decimal or `x` hexadecimal. The
    closing semicolon is optional, as in tdlib. Returns the character and the index after it.
    """
    n = len(src)
    end = pos + 1
    if end < n and src[end] == "#":
        end += 1
        hexadecimal = end < n and src[end] == "x"
        if hexadecimal:
            end += 1
        digits = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
        start = end
        while end < n and src[end] in digits:
            end += 1
        if end == start or end - start > 7:
            return None
        code = int(src[start:end], 16 if hexadecimal else 10)
        if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        char = chr(code)
    else:
        while end < n and src[end].isascii() and src[end].isalpha():
            end += 1
        named = _NAMED.get(src[pos + 1 : end])
        if named is None:
            return None
        char = named
    if end < n and src[end] == ";":
        end += 1
    return char, end


class _HtmlParser:
    """One pass over the source; kept as a class so the helpers share the cursor state."""

    def __init__(self, src: str, strict_entities: bool) -> None:
        self.src = src
        self.n = len(src)
        self.strict = strict_entities
        self.out: list[str] = []
        self.utf16 = 0
        self.stack: list[_Open] = []
        self.entities: list[dict[str, Any]] = []
        self.had_tags = False

    def byte_offset(self, pos: int) -> int:
        return len(self.src[:pos].encode("utf-8", "surrogatepass"))

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.utf16 += utf16_len(text)

    def skip_spaces(self, j: int) -> int:
        while j < self.n and self.src[j].isspace():
            j += 1
        return j

    def run(self) -> ParsedText:
        i = 0
        src = self.src
        while i < self.n:
            ch = src[i]
            if ch == "&":
                decoded = decode_entity(src, i)
                if decoded is not None:
                    self.emit(decoded[0])
                    i = decoded[1]
                    continue
                if self.strict:
                    raise _error(
                        f'Unescaped "&" at byte offset {self.byte_offset(i)}: write &amp; '
                        "(emulator strict mode; Telegram would keep it as text)"
                    )
            if ch != "<":
                self.emit(ch)
                i += 1
                continue
            self.had_tags = True
            closing = i + 1 < self.n and src[i + 1] == "/"
            i = self.end_tag(i) if closing else self.start_tag(i)
        if self.stack:
            raise _error(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"')
        return _trim("".join(self.out), self.entities, self.had_tags)

    def start_tag(self, begin: int) -> int:
        src, n = self.src, self.n
        j = begin + 1
        while j < n and not src[j].isspace() and src[j] != ">":
            j += 1
        unclosed = _error(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        if j >= n:
            raise unclosed
        tag = src[begin + 1 : j].lower()
        if tag not in ALLOWED_TAGS:
            raise _error(f'Unsupported start tag "{tag}" at byte offset {self.byte_offset(begin)}')
        opened = _Open(tag, "", self.utf16, begin)
        while True:
            j = self.skip_spaces(j)
            if j >= n:
                raise unclosed
            if src[j] == ">":
                break
            attr_begin = j
            while j < n and not src[j].isspace() and src[j] not in "=>/\"'":
                j += 1
            attr = src[attr_begin:j]
            if not attr:
                raise _error(
                    f'Empty attribute name in the tag "{tag}" at byte offset '
                    f"{self.byte_offset(begin)}"
                )
            j = self.skip_spaces(j)
            if j >= n:
                raise unclosed
            if src[j] != "=":
                opened.expandable |= tag == "blockquote" and attr == "expandable"
                continue
            j = self.skip_spaces(j + 1)
            if j >= n:
                raise unclosed
            value, j = self.attribute_value(j)
            if j >= n:
                raise unclosed
            self.apply_attribute(opened, attr, value)
        if tag == "span" and opened.argument != "spoiler":
            raise _error(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte_offset(begin)}'
            )
        self.stack.append(opened)
        return j + 1

    def attribute_value(self, j: int) -> tuple[str, int]:
        src, n = self.src, self.n
        if src[j] not in "\"'":
            token_begin = j
            while j < n and ((src[j].isascii() and src[j].isalnum()) or src[j] in ".-"):
                j += 1
            if j < n and not src[j].isspace() and src[j] != ">":
                raise _error(
                    f"Unexpected end of name token at byte offset {self.byte_offset(token_begin)}"
                )
            return src[token_begin:j].lower(), j
        quote = src[j]
        j += 1
        pieces: list[str] = []
        while j < n and src[j] != quote:
            if src[j] == "&":
                decoded = decode_entity(src, j)
                if decoded is not None:
                    pieces.append(decoded[0])
                    j = decoded[1]
                    continue
            pieces.append(src[j])
            j += 1
        if j < n:
            j += 1
        return "".join(pieces), j

    @staticmethod
    def apply_attribute(opened: _Open, attr: str, value: str) -> None:
        tag = opened.tag
        if tag == "a" and attr == "href":
            opened.argument = value
        elif tag == "code" and attr == "class" and value.startswith("language-"):
            opened.argument = value.removeprefix("language-")
        elif tag == "span" and attr == "class" and value.startswith("tg-"):
            opened.argument = value.removeprefix("tg-")
        elif tag == "tg-emoji" and attr == "emoji-id":
            opened.argument = value
        elif tag == "blockquote" and attr == "expandable":
            opened.expandable = True

    def end_tag(self, begin: int) -> int:
        src, n = self.src, self.n
        if not self.stack:
            raise _error(f"Unexpected end tag at byte offset {self.byte_offset(begin)}")
        j = begin + 2
        while j < n and not src[j].isspace() and src[j] != ">":
            j += 1
        end_name = src[begin + 2 : j]
        j = self.skip_spaces(j)
        if j >= n or src[j] != ">":
            raise _error(f"Unclosed end tag at byte offset {self.byte_offset(begin)}")
        opened = self.stack[-1]
        if end_name and end_name != opened.tag:
            raise _error(
                f"Unmatched end tag at byte offset {self.byte_offset(begin)}, expected "
                f'"</{opened.tag}>", found "</{end_name}>"'
            )
        self.stack.pop()
        if self.utf16 > opened.start:
            self.close_entity(opened, j)
        return j + 1

    def close_entity(self, opened: _Open, end_pos: int) -> None:
        offset, length = opened.start, self.utf16 - opened.start
        base: dict[str, Any] = {"offset": offset, "length": length}
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and (last["offset"], last["length"]) == (offset, length)
        tag = opened.tag
        if tag in _SIMPLE:
            self.entities.append({"type": _SIMPLE[tag], **base})
        elif tag == "a":
            url = opened.argument or self.src[opened.source_pos + 3 : end_pos - 3]
            if url:
                self.entities.append({"type": "text_link", **base, "url": url})
        elif tag == "blockquote":
            kind = "expandable_blockquote" if opened.expandable else "blockquote"
            self.entities.append({"type": kind, **base})
        elif tag == "tg-emoji":
            if not opened.argument.isdigit():
                raise _error("Invalid custom emoji identifier specified")
            self.entities.append(
                {"type": "custom_emoji", **base, "custom_emoji_id": opened.argument}
            )
        elif tag == "pre" and last is not None and same_span and last["type"] == "code":
            last["type"] = "pre"  # <pre><code class="language-x">: one pre entity with language
        elif tag == "pre":
            self.entities.append({"type": "pre", **base})
        elif last is not None and same_span and last["type"] == "pre":  # <code> around <pre>
            if opened.argument:
                last["language"] = opened.argument
        else:
            entity = {"type": "code", **base}
            if opened.argument:
                entity["language"] = opened.argument
            self.entities.append(entity)


def _trim(text: str, entities: list[dict[str, Any]], had_tags: bool) -> ParsedText:
    """Strip surrounding whitespace as Telegram does, moving and clipping the entities."""
    stripped = text.strip()
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    limit = utf16_len(stripped)
    kept: list[dict[str, Any]] = []
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)  # only pre entities carry a language
        start = max(0, entity["offset"] - lead)
        end = min(limit, entity["offset"] + entity["length"] - lead)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    kept.sort(key=lambda e: (e["offset"], -e["length"], _PRIORITY.get(e["type"], 50)))
    return ParsedText(stripped, kept, had_tags)


def parse_html(src: str, *, strict_entities: bool = True) -> ParsedText:
    """Parse Telegram HTML; raises `ApiError` 400 "can't parse entities: ..." on bad markup."""
    return _HtmlParser(src, strict_entities).run()


def plain_text(src: str) -> ParsedText:
    """Text sent without a parse mode: only the surrounding whitespace is stripped."""
    return _trim(src, [], had_tags=False)
