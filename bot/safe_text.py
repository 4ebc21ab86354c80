"""Text made safe for a terminal: stored text never drives the terminal it is shown on.

Names and answers come from people and imported files, so they may hold ANSI escape sequences
(clear screen, window title), NUL, DEL or C1 controls. Echoed raw, those would repaint or retitle
the reader's terminal. Everything the terminal chat prints goes through `terminal_safe` once,
in `TerminalChat.say`, rather than each caller remembering to clean its own values.
"""

from __future__ import annotations

from intake.text import without_controls


def terminal_safe(text: str) -> str:
    """`text` by the edge's rules (`intake.text`), and no carriage return, which would let a
    value overwrite the line it is printed on; newlines and tabs are kept."""
    return without_controls(text).replace("\r", "")
