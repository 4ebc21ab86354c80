"""What a composed digest is: the text a leader reads and the buttons under it.

Kept apart from composition so the Telegram adapter (which turns buttons into callback data)
and the delivery run depend on this small shape only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Action = Literal["introduce", "not_relevant", "pause"]


@dataclass(frozen=True)
class DigestButton:
    """One button: an action, its label in the leader's language, and the peer it is about."""

    action: Action
    label: str
    initiative_id: int | None = None  # the peer initiative's database id (not for "pause")


@dataclass(frozen=True)
class Digest:
    """One leader's digest for one period, ready to send."""

    leader_id: int
    period: str
    language: str
    text: str  # Telegram HTML, every user-given text escaped, within Telegram's limits
    buttons: list[list[DigestButton]] = field(default_factory=list)  # rows of buttons
    quiet: bool = False  # nothing new this period: a short note instead of news
