"""What one event changed, for the append-only answer log: a path and its new value."""

from __future__ import annotations

from typing import Any

_MISSING = object()


def changed_answer(before: dict[str, Any], after: dict[str, Any]) -> tuple[str | None, Any]:
    """The path an event answered and its new value (None: removed) for the answer log.

    One question changed: its path, narrowed to `group[i]` or `group[i].inner` inside a repeat.
    Several changed at once (Restart, an edit that hides follow-ups): path None and the value
    maps each changed question to its new value. Nothing changed: (None, None).
    """
    keys = sorted(
        key
        for key in before.keys() | after.keys()
        if before.get(key, _MISSING) != after.get(key, _MISSING)
    )
    if not keys:
        return None, None
    if len(keys) > 1:
        return None, {key: after.get(key) for key in keys}
    key = keys[0]
    old: Any = before.get(key)
    new: Any = after.get(key)
    if old is None and _is_items(new):
        old = []  # the first item of a repeat group
    if not (_is_items(old) and _is_items(new)):
        return key, new
    if len(new) == len(old) + 1 and new[: len(old)] == old:
        return f"{key}[{len(old)}]", new[-1]
    changed = [i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b]
    if len(old) != len(new) or len(changed) != 1:
        return key, new
    index = changed[0]
    inner = [
        k for k in old[index].keys() | new[index].keys() if old[index].get(k) != new[index].get(k)
    ]
    if len(inner) == 1:
        return f"{key}[{index}].{inner[0]}", new[index].get(inner[0])
    return f"{key}[{index}]", new[index]


def _is_items(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)
