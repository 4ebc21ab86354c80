"""The design card's dependency rule, checked on the source: bot uses the inner packages."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INNER = ("intake", "knowledge", "analysis")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", INNER)
def test_inner_packages_never_import_telegram_or_bot(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & {"telegram", "bot"})
        for path in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_knowledge_stands_alone() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "knowledge").rglob("*.py")
        if _imports(path) & {"intake", "analysis"}
    ]
    assert offenders == []


def test_no_module_is_oversized() -> None:
    big = {
        str(path.relative_to(ROOT)): n
        for package in (*INNER, "bot")
        for path in (ROOT / package).rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 450
    }
    assert big == {}
