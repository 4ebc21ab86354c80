"""A tiny, safe condition language for `relevant`, `constraint.expr` and `choice_filter`.

Form authors write Python-looking conditions (`selected(goals, 'food') and year > 2000`). We
parse them with `ast` and accept only a whitelist of node types, then walk the tree ourselves:
nothing is ever passed to `eval`, so a form file cannot run code. Evaluation never raises: an
unanswered question is `None`, and any comparison involving `None` (or mismatched types) is
simply False, because a half-filled interview must never crash the engine.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

FUNCTIONS: dict[str, int] = {"selected": 2, "answered": 1, "count": 1, "overlaps": 2}
"""Allowed functions and their number of arguments."""

CONTEXT_NAMES: frozenset[str] = frozenset({"value", "choice", "tags"})
"""Names bound by the engine: `value` in constraints, `choice`/`tags` in choice filters."""

MAX_SOURCE = 500


class ExpressionError(ValueError):
    """The condition text is not part of the language (reported by the linter and the loader)."""


_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: lambda a, b: bool(a == b),
    ast.NotEq: lambda a, b: bool(a != b),
    ast.Lt: lambda a, b: bool(a < b),
    ast.LtE: lambda a, b: bool(a <= b),
    ast.Gt: lambda a, b: bool(a > b),
    ast.GtE: lambda a, b: bool(a >= b),
    ast.In: lambda a, b: _contains(b, a),
    ast.NotIn: lambda a, b: not _contains(b, a),
}


@dataclass(frozen=True)
class Expression:
    """A parsed condition; `names` and `selected_pairs` let the linter check references."""

    source: str
    tree: ast.expr
    names: frozenset[str]
    selected_pairs: frozenset[tuple[str, str]]

    def evaluate(self, scope: Mapping[str, Any]) -> Any:
        return _eval(self.tree, scope)

    def holds(self, scope: Mapping[str, Any]) -> bool:
        """Truth of the condition; errors of any kind count as False, never as an exception."""
        try:
            return bool(_eval(self.tree, scope))
        except (TypeError, ValueError, RecursionError):
            return False


@lru_cache(maxsize=1024)
def parse(source: str) -> Expression:
    """Parse once (cached); raise ExpressionError with a reason for anything not whitelisted."""
    if len(source) > MAX_SOURCE:
        raise ExpressionError(f"condition longer than {MAX_SOURCE} characters")
    try:
        module = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"cannot read {source!r}: {exc.msg}") from exc
    names: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    _check(module.body, names, pairs)
    return Expression(source, module.body, frozenset(names), frozenset(pairs))


def _check(node: ast.AST, names: set[str], pairs: set[tuple[str, str]]) -> None:
    if isinstance(node, ast.BoolOp):
        for value in node.values:
            _check(value, names, pairs)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not | ast.USub):
        _check(node.operand, names, pairs)
    elif isinstance(node, ast.Compare):
        if not all(type(op) in _COMPARE for op in node.ops):
            raise ExpressionError("only == != < <= > >= in and not in can compare values")
        for part in (node.left, *node.comparators):
            _check(part, names, pairs)
    elif isinstance(node, ast.Name):
        names.add(node.id)
    elif isinstance(node, ast.Constant):
        if not isinstance(node.value, str | int | float | bool | None):
            raise ExpressionError(f"unsupported literal {node.value!r}")
    elif isinstance(node, ast.List | ast.Tuple):
        for element in node.elts:
            _check(element, names, pairs)
    elif isinstance(node, ast.Call):
        _check_call(node, names, pairs)
    else:
        raise ExpressionError(f"{type(node).__name__} is not allowed in a condition")


def _check_call(node: ast.Call, names: set[str], pairs: set[tuple[str, str]]) -> None:
    if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
        raise ExpressionError(f"only the functions {', '.join(FUNCTIONS)} can be called")
    arity = FUNCTIONS[node.func.id]
    if node.keywords or len(node.args) != arity:
        raise ExpressionError(f"{node.func.id}() takes {arity} plain argument(s)")
    if node.func.id in {"selected", "answered", "count"} and not isinstance(
        node.args[0], ast.Name
    ):
        raise ExpressionError(f"the first argument of {node.func.id}() must be a question name")
    first, *others = node.args
    if node.func.id == "selected" and isinstance(first, ast.Name):
        second = others[0]
        if isinstance(second, ast.Constant) and isinstance(second.value, str):
            pairs.add((first.id, second.value))
    for arg in node.args:
        _check(arg, names, pairs)


def _eval(node: ast.expr, scope: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return scope.get(node.id)
    if isinstance(node, ast.BoolOp):
        if isinstance(node.op, ast.And):
            return all(bool(_eval(value, scope)) for value in node.values)
        return any(bool(_eval(value, scope)) for value in node.values)
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, scope)
        if isinstance(node.op, ast.Not):
            return not operand
        return -operand if isinstance(operand, int | float) else None
    if isinstance(node, ast.Compare):
        return _compare(node, scope)
    if isinstance(node, ast.List | ast.Tuple):
        return [_eval(element, scope) for element in node.elts]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        args = [_eval(arg, scope) for arg in node.args]
        return _call(node.func.id, args)
    return None


def _compare(node: ast.Compare, scope: Mapping[str, Any]) -> bool:
    left = _eval(node.left, scope)
    for op, right_node in zip(node.ops, node.comparators, strict=True):
        right = _eval(right_node, scope)
        if left is None or right is None:
            return False
        try:
            if not _COMPARE[type(op)](left, right):
                return False
        except TypeError:
            return False
        left = right
    return True


def _contains(container: Any, item: Any) -> bool:
    if isinstance(container, list | tuple | set | frozenset):
        return item in container
    if isinstance(container, str) and isinstance(item, str):
        return item in container
    return False


def _as_set(value: Any) -> set[Any]:
    if value is None:
        return set()
    if isinstance(value, list | tuple | set | frozenset):
        return {item for item in value if isinstance(item, str | int | float)}
    return {value}


def _call(name: str, args: list[Any]) -> Any:
    if name == "selected":
        value, wanted = args
        if isinstance(value, list):
            return wanted in value
        return value is not None and value == wanted
    if name == "answered":
        return _answered(args[0])
    if name == "count":
        value = args[0]
        if value is None:
            return 0
        return len(value) if isinstance(value, list) else 1
    if name == "overlaps":
        return bool(_as_set(args[0]) & _as_set(args[1]))
    return None


def _answered(value: Any) -> bool:
    """A repeat with zero items is answered (the user said "none"); an empty text is not."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    return True


def holds(source: str | None, scope: Mapping[str, Any], *, default: bool = True) -> bool:
    """Evaluate an optional condition; an absent or unreadable one yields `default`."""
    if not source:
        return default
    try:
        expression = parse(source)
    except ExpressionError:
        return default
    return expression.holds(scope)


class Scope(Mapping[str, Any]):
    """Name lookup for one evaluation: context names, then the repeat item, then answers."""

    def __init__(
        self,
        answers: Mapping[str, Any],
        item: Mapping[str, Any] | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> None:
        self._layers = [layer for layer in (context, item, answers) if layer is not None]

    def __getitem__(self, key: str) -> Any:
        for layer in self._layers:
            if key in layer:
                return layer[key]
        raise KeyError(key)

    def __iter__(self) -> Any:
        seen: set[str] = set()
        for layer in self._layers:
            for key in layer:
                if key not in seen:
                    seen.add(key)
                    yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)
