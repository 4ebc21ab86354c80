"""The one written rule for handlers holds for every handler: each runs as a turn.

A turn (`bot.telegram.turns.user_turn`) takes the user's lock and reads their screen before the
handler runs, so no handler may do either by hand. Admin commands add `admin_only`.
"""

from __future__ import annotations

import inspect
from types import ModuleType

import pytest

from bot.telegram.handlers import (
    account,
    admin,
    buttons,
    commands,
    digests,
    fallback,
    interview,
    introductions,
    knowledge,
    peers,
)

MODULES = (
    account,
    admin,
    buttons,
    commands,
    digests,
    fallback,
    interview,
    introductions,
    knowledge,
    peers,
)


def _handlers(module: ModuleType) -> dict[str, object]:
    return {
        name: value
        for name, value in vars(module).items()
        if name.startswith("on_") and callable(value)
    }


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_every_handler_runs_as_a_turn(module: ModuleType) -> None:
    handlers = _handlers(module)
    assert handlers, "each feature module registers at least one handler"
    for name, handler in handlers.items():
        inner = getattr(handler, "__wrapped__", None)
        assert inner is not None, f"{name} is not wrapped by user_turn"
        outer = inspect.signature(handler, follow_wrapped=False)
        assert list(outer.parameters) == ["update", "context"], name
        while hasattr(inner, "__wrapped__"):
            inner = inner.__wrapped__
        assert list(inspect.signature(inner).parameters) == ["turn"], name


def test_no_handler_takes_the_lock_or_reads_the_screen_itself() -> None:
    for module in MODULES:
        source = inspect.getsource(module)
        assert ".lock(" not in source, module.__name__
        assert "read_screen(" not in source, module.__name__


def test_admin_commands_refuse_through_admin_only() -> None:
    for handler in (admin.on_stats, admin.on_export):
        source = inspect.getsource(inspect.unwrap(handler))
        assert "admin_ids" not in source
    assert "admin_only" in inspect.getsource(admin)
