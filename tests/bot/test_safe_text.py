"""terminal_safe: stored text never drives the terminal it is printed on."""

from __future__ import annotations

import pytest

from bot.safe_text import terminal_safe


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\x1b[2Jb", "ab"),  # clear screen
        ("a\x1b]0;title\x07b", "ab"),  # OSC window title, BEL-ended
        ("a\x1b]8;;http://x\x1b\\b", "ab"),  # OSC hyperlink, ST-ended
        ("a\x00b\x7fc\x9b31md", "abcd"),  # NUL, DEL, 8-bit CSI
        ("a\x1bcb", "ab"),  # reset terminal
        ("línea 1\n\tlínea 2 🙂", "línea 1\n\tlínea 2 🙂"),  # newline, tab, text kept
    ],
)
def test_escape_sequences_and_controls_are_removed(raw: str, shown: str) -> None:
    assert terminal_safe(raw) == shown
