"""The whole state of one interview, as plain JSON-able data.

The engine derives navigation from it (first relevant unanswered question), so storing this one
object (plus the append-only answer log) is enough to resume anywhere, on any surface.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["in_progress", "review", "submitted", "cancelled"]


class InterviewState(BaseModel):
    """Immutable snapshot; the engine returns a new one for every event.

    `answers` maps a question name to its value. Values are JSON-able: str, int, float,
    list[str] for multi-select and list questions, and for a repeat group a list of dicts (one
    per item, keyed by the inner question names). `stale` holds answers hidden by an edit or a
    restart: they are kept, never deleted, and never exported as current answers.
    """

    model_config = ConfigDict(frozen=True)

    form_id: str
    form_version: str
    language: str = "en"
    status: Status = "in_progress"
    answers: dict[str, Any] = Field(default_factory=dict)
    stale: dict[str, Any] = Field(default_factory=dict)
    skipped: tuple[str, ...] = ()  # paths of optional questions the user skipped
    # Uncommitted UI state: toggles, a repeat item in progress (see intake.engine.nav).
    pending: dict[str, Any] = Field(default_factory=dict)
    cursor: str | None = None  # path re-opened by Edit/Back, answered before moving on
    trail: tuple[str, ...] = ()  # paths in the order they were answered or skipped (for Back)
    revision: int = 0  # number of submissions; each Submit freezes a new revision
