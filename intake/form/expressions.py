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
from dataclasses import dataclass, field
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
    run: Callable[[Mapping[str, Any]], Any] = field(compare=False, repr=False)

    def evaluate(self, scope: Mapping[str, Any]) -> Any:
        return self.run(scope)

    def holds(self, scope: Mapping[str, Any]) -> bool:
        """Truth of the condition; errors of any kind count as False, never as an exception."""
        try:
            return bool(self.run(scope))
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
    return Expression(
        source, module.body, frozenset(names), frozenset(pairs), _compile(module.body)
    )


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


Runner = Callable[[Mapping[str, Any]], Any]


def _compile(node: ast.expr) -> Runner:
    """Turn a checked tree into nested closures once, so evaluation is a few plain calls:
    conditions run for every question and every filtered choice on every event."""
    if isinstance(node, ast.Constant):
        constant = node.value
        return lambda scope: constant
    if isinstance(node, ast.Name):
        name = node.id
        return lambda scope: scope.get(name)
    if isinstance(node, ast.BoolOp):
        parts = [_compile(value) for value in node.values]
        if isinstance(node.op, ast.And):
            return lambda scope: all(part(scope) for part in parts)
        return lambda scope: any(part(scope) for part in parts)
    if isinstance(node, ast.UnaryOp):
        operand = _compile(node.operand)
        if isinstance(node.op, ast.Not):
            return lambda scope: not operand(scope)
        return lambda scope: _negate(operand(scope))
    if isinstance(node, ast.Compare):
        return _compile_compare(node)
    if isinstance(node, ast.List | ast.Tuple):
        elements = [_compile(element) for element in node.elts]
        return lambda scope: [element(scope) for element in elements]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        function = _FUNCTIONS[node.func.id]
        args = [_compile(arg) for arg in node.args]
        return lambda scope: function(*(arg(scope) for arg in args))
    return lambda scope: None


def _negate(value: Any) -> Any:
    return -value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _compile_compare(node: ast.Compare) -> Runner:
    left_run = _compile(node.left)
    steps = [
        (_COMPARE[type(op)], _compile(right))
        for op, right in zip(node.ops, node.comparators, strict=True)
    ]

    def compare(scope: Mapping[str, Any]) -> bool:
        left = left_run(scope)
        for operator, right_run in steps:
            right = right_run(scope)
            if left is None or right is None:
                return False
            try:
                if not operator(left, right):
                    return False
            except TypeError:
                return False
            left = right
        return True

    return compare


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


def _selected(value: Any, wanted: Any) -> bool:
    if isinstance(value, list):
        return wanted in value
    return value is not None and value == wanted


def _count(value: Any) -> int:
    if value is None:
        return 0
    return len(value) if isinstance(value, list) else 1


def _overlaps(first: Any, second: Any) -> bool:
    return bool(_as_set(first) & _as_set(second))


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


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "selected": _selected,
    "answered": _answered,
    "count": _count,
    "overlaps": _overlaps,
}


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

    def get(self, key: str, default: Any = None) -> Any:
        """Direct lookup (no KeyError round trip): this runs for every name in every condition."""
        for layer in self._layers:
            if key in layer:
                return layer[key]
        return default

    def __iter__(self) -> Any:
        seen: set[str] = set()
        for layer in self._layers:
            for key in layer:
                if key not in seen:
                    seen.add(key)
                    yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)
