"""What the engine asks the surface to show next.

A `Prompt` is fully localized text plus structure (choices, progress, error) so every surface can
render it natively: inline buttons on Telegram, numbered lines in the terminal.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from intake.form.definition import AnswerType


class ChoiceView(BaseModel):
    model_config = ConfigDict(frozen=True)

    value: str  # stable choice name; what `Choose`/`Toggle` carry back
    label: str  # localized
    selected: bool = False
    meaning: str | None = None  # localized line saying what picking it means (Explain shows it)


class TermView(BaseModel):
    """A term the question can explain: its stable key, its name and its question, localized."""

    model_config = ConfigDict(frozen=True)

    key: str  # the form's (English) term, e.g. "production system"; buttons are tied to it
    label: str  # localized name, e.g. "sistema de producción"
    question: str  # localized question for the knowledge base, e.g. "¿Qué es un sistema ...?"


class ReviewLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: str  # what `Edit(path)` takes
    label: str  # localized question text (short form)
    value: str  # localized, human-readable answer ("—" when skipped)
    level: int = 0  # 0 an answer, 1 a list entry (named once), 2 a detail of the entry above


class RepeatItemView(BaseModel):
    model_config = ConfigDict(frozen=True)

    index: int
    label: str  # rendered from the repeat's label template


class Progress(BaseModel):
    """Where the user is: "section 2 of 6, 3 questions left" (a count a user can trust)."""

    model_config = ConfigDict(frozen=True)

    index: int  # 1-based position of the current question among relevant ones
    total: int  # estimate: relevant questions with the current answers
    section: str  # localized section title
    section_index: int = 1  # 1-based among the sections this walk covers
    section_total: int = 1  # core sections, plus each deep dive taken
    left: int = 1  # questions left in this section, this one and list follow-ups included


class OfferView(BaseModel):
    """A deep dive offered after sending; `Choose(value)` takes it."""

    model_config = ConfigDict(frozen=True)

    value: str  # the dive's gate question name
    label: str  # localized section title
    questions: int  # questions it will ask (for a list walk: over every entry)
    minutes: int  # honest estimate
    text: str  # localized one-line offer, e.g. "Strategy: 4 questions, about 3 minutes"


PromptKind = Literal["question", "repeat_menu", "review", "submitted", "cancelled"]


class Prompt(BaseModel):
    """One screen of the interview."""

    model_config = ConfigDict(frozen=True)

    kind: PromptKind
    text: str  # localized main text (question label, menu title, review heading, thanks)
    path: str | None = None  # the question's path when kind == "question"
    question_type: AnswerType | None = None
    hint: str | None = None  # localized hint, e.g. an example answer
    error: str | None = None  # localized reason the last event was refused, with an example
    notice: str | None = None  # localized info line, e.g. "Saved." or "Skipped."
    choices: tuple[ChoiceView, ...] = ()
    min_select: int | None = None
    max_select: int | None = None
    required: bool = False
    can_back: bool = False
    can_skip: bool = False
    current_value: str | None = None  # localized rendering of an existing answer when editing
    items: tuple[RepeatItemView, ...] = ()  # repeat_menu: the items so far (zero is fine)
    can_add: bool = False  # repeat_menu: below max
    can_finish: bool = False  # repeat_menu: at or above min
    review: tuple[ReviewLine, ...] = ()  # review: every relevant answered/skipped question
    can_continue: bool = False  # review: Done resumes a kept draft entry or the open questions
    draft: str | None = None  # review: label of the half-entered list entry kept as a draft
    progress: Progress | None = None
    offers: tuple[OfferView, ...] = ()  # submitted: deep dives still open to take
    terms: tuple[TermView, ...] = ()  # SCS terms in the question the knowledge base can explain
