"""Split outgoing HTML text into Telegram-sized messages without breaking markup.

Telegram refuses a message over 4096 characters (captions: 1024) and a message whose HTML does
not parse. Both limits are counted here in UTF-16 code units of the *source* HTML, tags and
entities included: that over-counts compared with Telegram's "after entities parsing" rule, so a
part that fits here always fits there, whichever way Telegram counts (see the research notes).

Cuts prefer a paragraph break, then a line break, then a space; only a single word longer than a
whole message is cut inside. A cut never falls inside a tag or an `&entity;`, and tags open at a
cut are closed at the end of the part and re-opened at the start of the next, so every part is
valid HTML on its own.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024

_TOKEN = re.compile(r"<[^<>]*>|&#?\w+;|\n{2,}|\n|[^\S\n]+|[^<&\s]+|[<&]")
_TAG_NAME = re.compile(r"</?\s*([A-Za-z][\w-]*)")
_VISIBLE_TAGS = re.compile(r"<[^<>]*>")
#: Break priorities: a cut at a higher one is preferred over a later cut at a lower one.
_PARAGRAPH, _LINE, _SPACE = 3, 2, 1


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram counts in (astral emoji count twice)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


@dataclass
class _Part:
    """The part being filled: its tokens, its length and where it could be cut."""

    prefix: list[tuple[str, str]]  # (name, opening tag) re-opened from the previous part
    tokens: list[str] = field(default_factory=list)
    stacks: list[list[tuple[str, str]]] = field(default_factory=list)  # open tags before token
    length: int = 0

    def __post_init__(self) -> None:
        self.stack = list(self.prefix)
        self.length = sum(utf16_len(tag) for _, tag in self.prefix)

    def closing_len(self, stack: list[tuple[str, str]] | None = None) -> int:
        return sum(len(name) + 3 for name, _ in (self.stack if stack is None else stack))

    def add(self, token: str) -> None:
        self.stacks.append(list(self.stack))
        self.tokens.append(token)
        self.length += utf16_len(token)
        _track(self.stack, token)

    def best_cut(self) -> int | None:
        """Index of the break token to cut at, never the first token.

        The strongest break (paragraph > line > space) in the second half of the part, latest
        first; a paragraph break near the start would leave a uselessly short message.
        """
        best: tuple[bool, int, int] | None = None
        used = 0
        for index, token in enumerate(self.tokens):
            priority = _break_priority(token)
            if index and priority:
                candidate = (used * 2 >= self.length, priority, index)
                if best is None or candidate[:2] >= best[:2]:
                    best = candidate
            used += utf16_len(token)
        return None if best is None else best[2]

    def render(self, upto: int | None = None) -> str:
        end = len(self.tokens) if upto is None else upto
        stack = self.stack if upto is None else self.stacks[upto]
        opening = "".join(tag for _, tag in self.prefix)
        closing = "".join(f"</{name}>" for name, _ in reversed(stack))
        return opening + "".join(self.tokens[:end]) + closing


def _break_priority(token: str) -> int:
    if token.startswith("\n\n"):
        return _PARAGRAPH
    if token == "\n":
        return _LINE
    if token.isspace():
        return _SPACE
    return 0


def _track(stack: list[tuple[str, str]], token: str) -> None:
    """Keep the stack of open tags in step with one token."""
    if not token.startswith("<") or len(token) < 3:
        return
    match = _TAG_NAME.match(token)
    if match is None:
        return
    name = match[1].lower()
    if token.startswith("</"):
        for index in range(len(stack) - 1, -1, -1):
            if stack[index][0] == name:
                del stack[index:]
                break
    elif not token.endswith("/>"):
        stack.append((name, token))


def _visible(html_text: str) -> bool:
    return bool(_VISIBLE_TAGS.sub("", html_text).strip())


def _hard_cut(word: str, room: int) -> tuple[str, str]:
    """Split one over-long word so the head fits `room` UTF-16 units (never mid code point)."""
    used = 0
    for index, ch in enumerate(word):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > room:
            return word[: max(index, 1)], word[max(index, 1) :]
    return word, ""


def split_html(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Parts of `text`, each at most `limit` UTF-16 units and balanced; empty parts dropped."""
    if utf16_len(text) <= limit:
        return [text] if _visible(text) else []
    parts: list[str] = []
    pending: deque[str] = deque(_TOKEN.findall(text))
    part = _Part(prefix=[])
    while pending:
        token = pending.popleft()
        projected = list(part.stack)
        _track(projected, token)
        if part.length + utf16_len(token) + part.closing_len(projected) <= limit:
            part.add(token)
            continue
        cut = part.best_cut()
        if cut is not None:
            parts.append(part.render(cut))
            rest = part.tokens[cut + 1 :]
            pending.appendleft(token)
            pending.extendleft(reversed(rest))
            part = _Part(prefix=part.stacks[cut])
            continue
        room = limit - part.length - part.closing_len()
        if not token.startswith(("<", "&")) and room > 0:
            head, tail = _hard_cut(token, room)
            part.add(head)
            if tail:
                pending.appendleft(tail)
        elif part.tokens:
            pending.appendleft(token)
        elif part.prefix:  # re-opened tags alone leave no room: continue without them
            pending.appendleft(token)
            part = _Part(prefix=[])
            continue
        else:  # a lone tag or entity longer than a whole message: drop it rather than loop
            continue
        parts.append(part.render())
        part = _Part(prefix=list(part.stack))
    parts.append(part.render())
    return [p.strip() for p in parts if _visible(p)]
