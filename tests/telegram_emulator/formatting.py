"""Message text and captions: parse mode, entities and Telegram's length limits.

Limits count UTF-16 code units after entity parsing (anchors §1), so "😀" counts 2 and markup
counts 0. Only HTML is parsed; Markdown modes are refused loudly rather than passed unchecked,
because a silently accepted MarkdownV2 text could still be refused by Telegram.
"""

from __future__ import annotations

from typing import Any

from tests.telegram_emulator.errors import (
    CAPTION_TOO_LONG,
    TEXT_EMPTY,
    TEXT_TOO_LONG,
    bad_request,
)
from tests.telegram_emulator.markup import ParsedText, parse_html, plain_text, utf16_len
from tests.telegram_emulator.params import Params

MAX_TEXT = 4096
MAX_CAPTION = 1024


def parse_mode_of(params: Params) -> str | None:
    """The normalised parse mode ("HTML") or None; Telegram accepts any letter case."""
    mode = params.text("parse_mode")
    if not mode:
        return None
    if mode.lower() == "html":
        return "HTML"
    if mode.lower() in ("markdown", "markdownv2"):
        raise bad_request(
            f"can't parse entities: parse_mode {mode} is not emulated (use HTML in Helix)"
        )
    raise bad_request("unsupported parse_mode")


def _explicit_entities(params: Params, field: str) -> list[dict[str, Any]]:
    entities = params.obj(field, "entities JSON object")
    if entities is None:
        return []
    if not isinstance(entities, list) or not all(
        isinstance(e, dict) and {"type", "offset", "length"} <= e.keys() for e in entities
    ):
        raise bad_request("can't parse entities JSON object")
    return entities


def format_text(params: Params, *, strict_entities: bool) -> tuple[ParsedText, str | None]:
    """The `text` of sendMessage/editMessageText as stored, and its parse mode."""
    source = params.text("text")
    if not source:
        raise bad_request(TEXT_EMPTY)
    mode = parse_mode_of(params)
    if mode == "HTML":
        parsed = parse_html(source, strict_entities=strict_entities)
    else:
        parsed = plain_text(source)
        parsed = ParsedText(parsed.text, _explicit_entities(params, "entities"))
    if not parsed.text:
        raise bad_request("text must be non-empty" if parsed.had_tags else TEXT_EMPTY)
    if utf16_len(parsed.text) > MAX_TEXT:
        raise bad_request(TEXT_TOO_LONG)
    return parsed, mode


def format_caption(params: Params, *, strict_entities: bool) -> tuple[ParsedText, str | None]:
    """The optional `caption` of a document or photo; empty is allowed, over 1024 is not."""
    source = params.text("caption") or ""
    mode = parse_mode_of(params)
    if mode == "HTML":
        parsed = parse_html(source, strict_entities=strict_entities)
    else:
        parsed = plain_text(source)
        parsed = ParsedText(parsed.text, _explicit_entities(params, "caption_entities"))
    if utf16_len(parsed.text) > MAX_CAPTION:
        raise bad_request(CAPTION_TOO_LONG)
    return parsed, mode
