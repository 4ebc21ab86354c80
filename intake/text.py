"""The character rules for text from outside, shared by every edge it comes in through.

Typed interview answers (the engine's `parsing`) and imported values (`records.cleaning`) obey
the same rules, kept here once so the two edges cannot drift apart:
- a lone surrogate is not Unicode text: it cannot be encoded as UTF-8 (nor stored in
  PostgreSQL's JSON), so one stored surrogate would break every later export. An answer or an
  imported value holding one is refused; a mere record of what was sent keeps U+FFFD instead.
- terminal escape sequences (`ESC [2J`, an OSC window title) and control characters (NUL, DEL,
  C1) only ever do harm when Helix echoes the value; they are stripped. Line breaks and tabs
  stay unless the value is one line, where they become a space.
- zero-width characters at the ends are stripped with the whitespace, so a name made only of
  them (even mixed with spaces) is empty.
Pure functions on `str`, no imports from the rest of Helix.
"""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"
"""What a lone surrogate becomes where text must be kept rather than refused."""
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
"""Zero-width characters: a value made only of them is empty, so they are stripped at its ends."""

_ESCAPES = re.compile(
    r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC (window title, hyperlinks), BEL or ST ended
    r"|\x1b[P^_X][^\x1b]*(?:\x1b\\)?"  # DCS, PM, APC, SOS strings
    r"|\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, clear screen
    r"|\x1b[ -/]*[0-~]"  # two-character escapes (reset, charset)
    r"|\x9b[0-?]*[ -/]*[@-~]"  # the 8-bit CSI
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BREAKS = re.compile(r"[\t\r\n]+")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def has_surrogate(value: str) -> bool:
    """Whether `value` holds a lone surrogate (text that no UTF-8 file or database can hold)."""
    return _SURROGATE.search(value) is not None


def without_controls(value: str, *, one_line: bool = False) -> str:
    """Escape sequences and control characters removed; line breaks too when `one_line`."""
    if "\x1b" in value or "\x9b" in value:
        value = _ESCAPES.sub("", value)
    value = _CONTROLS.sub("", value)
    return _BREAKS.sub(" ", value) if one_line else value


def replace_surrogates(value: str) -> str:
    """`value` with each lone surrogate as U+FFFD (the same object when there is none)."""
    return _SURROGATE.sub(REPLACEMENT, value) if has_surrogate(value) else value


def recordable(value: str, *, one_line: bool = False) -> str:
    """Text kept as it was sent but safe in any database, file or terminal: for records of what
    someone sent (the answer log, a display name), where refusing is not an option."""
    return replace_surrogates(without_controls(value, one_line=one_line))


def strip_text(value: str) -> str:
    """Whitespace and zero-width characters removed at both ends (an invisible name is empty)."""
    start, end = 0, len(value)
    while start < end and (value[start].isspace() or value[start] in INVISIBLE):
        start += 1
    while end > start and (value[end - 1].isspace() or value[end - 1] in INVISIBLE):
        end -= 1
    return value[start:end]
