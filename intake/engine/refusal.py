"""The one shape every refused answer takes, shared by parsing and choice matching."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from intake.form.definition import Localized


@dataclass(frozen=True)
class Refusal:
    """Why an answer was not accepted: a catalog key with its fields, or the form's own text.

    A field may itself be a text per language (say, option labels listed in the message), because
    parsing runs before the user's language is known; `refuse` picks the user's one.
    """

    key: str
    params: dict[str, Any] = field(default_factory=dict)
    message: Localized | None = None
