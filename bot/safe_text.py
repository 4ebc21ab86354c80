"""Text made safe for a terminal: stored text never drives the terminal it is shown on.

Names and answers come from people and imported files, so they may hold ANSI escape sequences
(clear screen, window title), NUL, DEL or C1 controls. Echoed raw, those would repaint or retitle
the reader's terminal. Everything the terminal chat prints goes through `terminal_safe` once,
in `TerminalChat.say`, rather than each caller remembering to clean its own values.
"""

from __future__ import annotations

import re

_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC (window title, hyperlinks), BEL or ST ended
    r"|\x1b[P^_X][^\x1b]*(?:\x1b\\)?"  # DCS, PM, APC, SOS strings
    r"|\x1b\[[0-?]*[ -/]*[@-~]"  # CSI (colours, cursor moves, clear screen)
    r"|\x1b[ -/]*[0-~]"  # two-character escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"  # the 8-bit CSI
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 and C1 controls and DEL; newline (\\x0a) and tab (\\x09) are kept."""


def terminal_safe(text: str) -> str:
    """`text` without escape sequences and control characters, newlines and tabs kept."""
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))
