"""CSV formula neutralising (the OWASP rule) and its exact reverse, for the import round trip.

A spreadsheet opening a CSV runs any cell that begins with `=`, `+`, `-` or `@` (and, in some,
tab or carriage return) as a formula: `=HYPERLINK(...)` or `=cmd|' /C calc'!A0` in an
initiative's name would run on a convener's machine. `helix export` therefore prefixes such
cells with a single quote, which spreadsheets show as plain text.

The quote must not become part of the data when the file comes back through `helix import`, so
the rule is made reversible: a value that already begins with a quote is prefixed too, and the
reader removes one quote only when the next character is one of the prefixed ones (a quote
included). Every value survives `restore(neutralise(v)) == v`, and a hand-written cell such as
`'hello` (quote then an ordinary letter) is left as it is.
"""

from __future__ import annotations

QUOTE = "'"
FORMULA_STARTS = frozenset("=+-@\t\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection)."""
_PREFIXED = FORMULA_STARTS | {QUOTE}


def neutralise(value: str) -> str:
    """`value` as a CSV cell that no spreadsheet runs; `restore` gives `value` back."""
    return QUOTE + value if value[:1] in _PREFIXED else value


def restore(cell: str) -> str:
    """The value `neutralise` was given: one leading quote removed if it guards a prefix."""
    if cell[:1] == QUOTE and cell[1:2] in _PREFIXED:
        return cell[1:]
    return cell
