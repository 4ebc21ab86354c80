"""Events a chat surface sends to the engine.

Every user action on any surface (Telegram buttons, typed text, terminal commands) becomes one of
these plain values, so the engine stays a pure function of (definition, state, event).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True)


class Start(_Event):
    """Open or resume the interview; re-shows the current prompt without changing answers."""

    kind: Literal["start"] = "start"


class Text(_Event):
    """Free text typed by the user; parsed according to the current question's type."""

    kind: Literal["text"] = "text"
    text: str


class Choose(_Event):
    """A choice picked by its stable name (a button press or a typed number resolved by the UI)."""

    kind: Literal["choose"] = "choose"
    value: str


class Toggle(_Event):
    """Flip one option of a multi-select question; `Done` confirms the selection."""

    kind: Literal["toggle"] = "toggle"
    value: str


class Done(_Event):
    """Confirm a multi-select, or finish a repeat group ("that's all")."""

    kind: Literal["done"] = "done"


class Back(_Event):
    kind: Literal["back"] = "back"


class Skip(_Event):
    """Skip the current question; refused with a reason for required questions."""

    kind: Literal["skip"] = "skip"


class Review(_Event):
    kind: Literal["review"] = "review"


class Edit(_Event):
    """Re-open one answered question (by path, e.g. `goals` or `stakeholders[1].sector`)."""

    kind: Literal["edit"] = "edit"
    path: str


class RepeatAdd(_Event):
    kind: Literal["repeat_add"] = "repeat_add"


class RepeatEdit(_Event):
    kind: Literal["repeat_edit"] = "repeat_edit"
    index: int


class RepeatRemove(_Event):
    kind: Literal["repeat_remove"] = "repeat_remove"
    index: int


class Submit(_Event):
    kind: Literal["submit"] = "submit"


class Cancel(_Event):
    kind: Literal["cancel"] = "cancel"


class SetLanguage(_Event):
    kind: Literal["set_language"] = "set_language"
    language: str


class Restart(_Event):
    """Start over: current answers move to `stale` (never deleted); the interview begins anew."""

    kind: Literal["restart"] = "restart"


Event = Annotated[
    Start
    | Text
    | Choose
    | Toggle
    | Done
    | Back
    | Skip
    | Review
    | Edit
    | RepeatAdd
    | RepeatEdit
    | RepeatRemove
    | Submit
    | Cancel
    | SetLanguage
    | Restart,
    Field(discriminator="kind"),
]
