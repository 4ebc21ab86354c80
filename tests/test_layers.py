"""The design card's dependency rules, checked on the source.

`bot` is the only package that imports `telegram`, and nothing imports `bot`. Inside `intake`
the subpackages form a ladder, each allowed to use only the rungs below it:
`form` (the interview as data) <- `engine` (runs a form) <- `storage` (persists both) <-
`records.importer`; the record model itself (`records.model`, `records.reading`, and the pure
`records.cleaning` and `records.formulas` below them) stands alone so storage, import and export
can all share it. `intake.text` (the character rules for outside text) sits below both the
engine and the record cleaning, so typed answers and imported values obey the same rules.
`knowledge` stands alone; `analysis` reads intake's tables and may use knowledge's embedder.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INNER = ("intake", "knowledge", "analysis")
MAX_LINES = 400

#: For each module prefix (most specific first): the first-party modules it may import.
ALLOWED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("intake.i18n", ()),
    ("intake.text", ()),
    ("intake.form", ("intake.form", "intake.i18n")),
    ("intake.engine", ("intake.engine", "intake.form", "intake.i18n", "intake.text")),
    ("intake.records.cleaning", ("intake.text",)),
    ("intake.records.formulas", ()),
    ("intake.records.model", ("intake.records.cleaning",)),
    (
        "intake.records.reading",
        ("intake.records.model", "intake.records.cleaning", "intake.records.formulas"),
    ),
    ("intake.records", ("intake.records", "intake.storage")),
    (
        "intake.storage",
        (
            "intake.storage",
            "intake.engine",
            "intake.form",
            "intake.records.model",
            "intake.i18n",
            "intake.text",
        ),
    ),
    ("intake", ("intake",)),
    ("knowledge", ("knowledge",)),
    ("analysis", ("analysis", "intake", "knowledge")),
    ("bot", ("bot", "intake", "knowledge", "analysis")),
)
FIRST_PARTY = ("intake", "knowledge", "analysis", "bot")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _sources(*packages: str) -> list[Path]:
    return [
        path
        for package in packages
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations/versions" not in path.as_posix()
    ]


@pytest.mark.parametrize("package", INNER)
def test_inner_packages_never_import_telegram_or_bot(package: str) -> None:
    offenders = {
        _module_name(path): sorted(
            name for name in _imports(path) if _within(name, "telegram") or _within(name, "bot")
        )
        for path in _sources(package)
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_each_module_imports_only_the_layers_below_it() -> None:
    offenders: dict[str, list[str]] = {}
    for path in _sources(*FIRST_PARTY):
        module = _module_name(path)
        allowed = next(rule for prefix, rule in ALLOWED if _within(module, prefix))
        bad = sorted(
            name
            for name in _imports(path)
            if name.split(".")[0] in FIRST_PARTY and not any(_within(name, ok) for ok in allowed)
        )
        if bad:
            offenders[module] = bad
    assert offenders == {}


def test_the_layer_rules_are_not_vacuous() -> None:
    """Every rule names modules that exist, so a rename cannot silently switch a rule off."""
    modules = {_module_name(path) for path in _sources(*FIRST_PARTY)}
    for prefix, _ in ALLOWED:
        assert any(_within(module, prefix) for module in modules), prefix


def test_no_module_is_oversized() -> None:
    big = {
        _module_name(path): n
        for path in _sources(*INNER, "bot")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert big == {}
