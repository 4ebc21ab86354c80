"""Hypothesis strategies for hostile import data, and the checks every export must pass.

Shared by the import and the interview property tests (issue 12): values are drawn from what a
black-box test found harmful (lone surrogates, escapes, NUL/DEL, zero-width characters, formula
prefixes, huge and non-finite numbers, deep nesting) mixed with ordinary text, so most records
look almost plausible and reach the database, where the harm used to happen.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from hypothesis import strategies as st
from sqlalchemy import Engine

from analysis.export import export
from intake.records.formulas import FORMULA_STARTS
from intake.records.model import FIELD_NAMES
from intake.text import has_surrogate

HOSTILE_CHARS = [
    *"\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\x9b\u200b\u200d\u2028\u2060\ufeff\udc00",
    *"\n\r\t \"'\\;,=+-@[]{}:",
]
"""Characters that broke something once; drawn often, beside any code point at all."""
HOSTILE_SNIPPETS = [
    "\x1b[2J",
    "\x00",
    "\ud800",
    "\x1b]0;pwned\x07",
    "\x1b]8;;http://x\x1b\\",
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://x")',
    "+1",
    "-2",
    "@SUM(A1)",
    "'=",
    "\u200b\u200b",
    "\r\n",
    '""',
]
RAW_LINES = [
    '{"name":"T","issue":"x","extra":' + "[" * 990 + "]" * 990 + "}",
    '{"name":"T","issue":"x","extra":{"n":' + "9" * 5000 + "}}",
    '{"name":"T","issue":"x","extra":{"n":NaN}}',
    '{"name":"T","issue":"x","extra":{"n":-Infinity}}',
    '{"name":"T","issue":"x","extra":{"n":1e999}}',
    '{"name":"T","issue":"x","leader":{"telegram_id":9223372036854775808}}',
    '{"name":"T","issue":"x","tasks":[{}]}',
    '{"name":"T","issue":"x","tasks":[[1]]}',
    "[[1]]",
    "null",
    "{",
]
"""Whole lines that once raised out of the importer (issue 12, item 2)."""

chars = st.one_of(
    st.characters(exclude_categories=()),  # every code point, lone surrogates included
    st.sampled_from(HOSTILE_CHARS),
)
mixed = st.lists(
    st.one_of(st.text(chars, max_size=4), st.sampled_from(HOSTILE_SNIPPETS)), max_size=4
).map("".join)
"""Ordinary text with the snippets that once did harm spliced in."""
texts = st.one_of(
    st.text(chars, max_size=12),
    mixed,
    st.sampled_from(["Compost Circle", "food waste", "core", "minor", "yes", "weekly", "1"]),
)
numbers = st.one_of(
    st.integers(),
    st.sampled_from([2**63 - 1, 2**63, -(2**63) - 1, 10**70, -(10**70)]),
    st.floats(),  # NaN and the infinities included
)
scalars = st.one_of(st.none(), st.booleans(), numbers, texts)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(texts, inner, max_size=3)
    ),
    max_leaves=8,
)
"""Any JSON value Python can write (NaN and Infinity too, as `json.dumps` does by default)."""

_NAMED = st.lists(
    st.one_of(
        texts,
        st.fixed_dictionaries(
            {"name": texts},
            optional={"sector": texts, "role": texts, "relation": texts, "depth": json_values},
        ),
    ),
    max_size=3,
)
SHAPES: dict[str, st.SearchStrategy[Any]] = {
    "goals": st.lists(texts, max_size=3),
    "stakeholders": _NAMED,
    "partners": _NAMED,
    "known_initiatives": st.lists(texts, max_size=3),
    "geo_levels": st.lists(texts, max_size=3),
    "ps_links": st.lists(
        st.fixed_dictionaries({"actor": texts}, optional={"relation": texts, "depth": numbers}),
        max_size=2,
    ),
    "leader": st.fixed_dictionaries({}, optional={"name": texts, "telegram_id": numbers}),
    "tasks": st.one_of(
        st.dictionaries(st.sampled_from(["visioning", "task_learning", "x"]), texts, max_size=3),
        st.lists(texts, max_size=3),
    ),
    "needs": st.lists(st.one_of(texts, st.fixed_dictionaries({"category": texts})), max_size=2),
    "consent": st.fixed_dictionaries(
        {}, optional={"listed": scalars, "introductions": scalars, "digest": texts}
    ),
    "extra": st.dictionaries(texts, json_values, max_size=3),
}
"""Plausible shapes for the structured fields, so drawn records get past the first checks."""


def field_value(name: str) -> st.SearchStrategy[Any]:
    """Mostly the field's own shape (so the record reaches the database), sometimes anything."""
    shaped = SHAPES.get(name, texts)
    return st.one_of(shaped, shaped, shaped, json_values)


_mostly_set = st.one_of(texts, texts.map("Name {}".format))
_OPTIONAL = [name for name in FIELD_NAMES if name not in ("name", "issue")]
_OPTIONAL += ["unknown field", "\x1b[2Jodd\x00field"]
records = st.builds(
    lambda required, optional: {**required, **optional},
    st.fixed_dictionaries({"name": _mostly_set, "issue": _mostly_set}),
    st.lists(st.sampled_from(_OPTIONAL), unique=True, max_size=4).flatmap(
        lambda names: st.fixed_dictionaries({name: field_value(name) for name in names})
    ),
)
"""A record with the real field names (plus two unknown ones) and arbitrary values."""


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not standard JSON")


def check_exports(engine: Engine) -> list[dict[str, Any]]:
    """`helix export` as JSON Lines and CSV: valid UTF-8, standard JSON, a parsable CSV whose
    cells no spreadsheet runs. Returns the exported records."""
    out = io.StringIO()
    count = export(engine, "jsonl", out)
    text = out.getvalue()
    text.encode("utf-8")  # strict: a lone surrogate would raise here
    lines = text.split("\n")
    assert lines.pop() == ""
    exported = [json.loads(line, parse_constant=_refuse_constant) for line in lines]
    assert len(exported) == count
    assert all(isinstance(record, dict) for record in exported)

    out = io.StringIO()
    assert export(engine, "csv", out) == count
    text = out.getvalue()
    text.encode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == list(FIELD_NAMES)
    assert len(rows) == count + 1
    for row in rows[1:]:
        assert len(row) == len(FIELD_NAMES)
        assert all(cell[:1] not in FORMULA_STARTS for cell in row), row
    return exported


def shown_safely(message: str) -> bool:
    """A report line that can be printed: valid text, and nothing that drives a terminal."""
    return not has_surrogate(message) and not any(c in message for c in "\x1b\x00\x7f\x9b")
