"""The interview as data: Pydantic models for the form YAML and the loader.

The schema mirrors XLSForm vocabulary (see docs/architecture.md) so authors can think in a
familiar shape. Models forbid unknown keys: a typo in the YAML (`requried: true`) must fail loudly
at load time, not silently make a question optional. Only *structural* rules live here (a repeat
needs its spec, a select needs a choice list); cross-references between questions are the
linter's job (`intake.form.checks`), so one bad reference does not hide all the others.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

Localized = dict[str, str]
"""A text in several languages, e.g. `{"en": "Name", "es": "Nombre"}`."""

AnswerType = Literal[
    "text",
    "long_text",
    "integer",
    "decimal",
    "year",
    "url",
    "list",
    "select_one",
    "select_multiple",
    "likert",
    "note",
]
"""Every type one screen can ask; the engine's `Prompt.question_type` is one of these."""
QuestionType = Literal[AnswerType, "repeat"]
"""What a form may declare: an answer type, or a repeat group that contains questions."""
SELECT_TYPES: frozenset[str] = frozenset({"select_one", "select_multiple"})
LIKERT_POINTS = ("1", "2", "3", "4", "5")
"""A likert's points; a likert may name a choice list with exactly these names to word them."""
BUTTON_LABEL_MAX = 60
"""A choice label longer than this is clipped on a button (surfaces read it from here)."""
DEFAULT_FORM = Path(__file__).with_name("scs_intake.yaml")
_NAME = r"^[a-z][a-z0-9_]*$"


class DefinitionError(ValueError):
    """The form file cannot be used; the message names the file and the question."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Constraint(_Model):
    """Limits on an answer; `message` replaces the engine's generic reason when `expr` fails."""

    min: float | None = None
    max: float | None = None
    min_len: int | None = Field(default=None, ge=0)
    max_len: int | None = Field(default=None, ge=1)
    expr: str | None = None
    message: Localized | None = None


class Choice(_Model):
    """One option of a choice list; `tags` feed `choice_filter` expressions. `meaning` says in
    a line what picking it means, for questions that are about their options (Explain shows it).
    """

    name: str = Field(pattern=r"^[A-Za-z0-9_\-]+$")
    label: Localized
    meaning: Localized | None = None
    tags: list[str] = Field(default_factory=list)


class Term(_Model):
    """A term a question can explain (its key, in English, is what questions list in `terms`).

    `label` names it on its button in each language; `ask` is the question put to the knowledge
    base in that language, so a Spanish leader is answered from the Spanish page; `page` is the
    knowledge page meant to answer it (tests hold every term to it, in every language).
    """

    label: Localized
    ask: Localized
    page: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9\-]*$")


class RepeatSpec(_Model):
    """How many items a repeat group takes, which inner answer must be unique, how items read."""

    min: int = Field(default=0, ge=0)
    max: int = Field(default=10, ge=1)
    key: str | None = None
    label: str | Localized = ""


class DeepDive(_Model):
    """A section offered only after the core interview is sent, each with its honest cost.

    `gate` is a yes/no question of the section: it is never asked in the walk, the leader takes
    the dive from the screen after sending, which answers it yes and opens the questions whose
    `relevant` depends on it. `walk` names a list whose entries are then revisited one by one for
    the inner questions the gate opens (organisation details), `minutes_each` is per entry.
    """

    gate: str = Field(pattern=_NAME)
    minutes: int | None = Field(default=None, ge=1)
    minutes_each: int | None = Field(default=None, ge=1)
    walk: str | None = None


class Section(_Model):
    name: str = Field(pattern=_NAME)
    title: Localized
    optional: bool = False
    deep_dive: DeepDive | None = None


class Question(_Model):
    """One question; for `type: repeat`, `questions` holds the inner questions of each item."""

    name: str = Field(pattern=_NAME)
    section: str | None = None
    type: QuestionType
    label: Localized
    short: Localized | None = None
    hint: Localized | None = None
    required: bool = False
    relevant: str | None = None
    constraint: Constraint | None = None
    choices: str | None = None
    choice_filter: str | None = None
    min_select: int | None = Field(default=None, ge=0)
    max_select: int | None = Field(default=None, ge=1)
    exclusive: list[str] = Field(default_factory=list)
    max_items: int | None = Field(default=None, ge=1)
    terms: list[str] = Field(default_factory=list)
    repeat: RepeatSpec | None = None
    questions: list[Question] = Field(default_factory=list)

    @model_validator(mode="after")
    def _shape_fits_type(self) -> Question:
        if self.type == "repeat":
            if self.repeat is None or not self.questions:
                raise ValueError("a repeat needs `repeat: {...}` and at least one inner question")
            if any(inner.type == "repeat" for inner in self.questions):
                raise ValueError("repeat groups cannot be nested")
        elif self.repeat is not None or self.questions:
            raise ValueError("only `type: repeat` may have `repeat` or inner `questions`")
        if self.type in SELECT_TYPES and not self.choices:
            raise ValueError(f"a {self.type} question needs `choices: <list name>`")
        return self


class FormDefinition(_Model):
    """A whole form. Lookups are indexed once, because the engine asks them on every event."""

    form_id: str
    version: str
    default_language: str = "en"
    languages: list[str] = Field(default_factory=lambda: ["en"])
    title: Localized
    sections: list[Section] = Field(default_factory=list)
    questions: list[Question]
    choices: dict[str, list[Choice]] = Field(default_factory=dict)
    glossary: dict[str, Term] = Field(default_factory=dict)

    _by_name: dict[str, Question] = PrivateAttr(default_factory=dict)
    _parent: dict[str, str] = PrivateAttr(default_factory=dict)
    _sections: dict[str, Section] = PrivateAttr(default_factory=dict)

    def model_post_init(self, __context: Any) -> None:
        # First definition wins on duplicates; the linter reports the duplicate itself.
        for question in self.questions:
            self._by_name.setdefault(question.name, question)
            for inner in question.questions:
                self._by_name.setdefault(inner.name, inner)
                self._parent.setdefault(inner.name, question.name)
        self._sections = {section.name: section for section in self.sections}

    def all_questions(self) -> Iterator[Question]:
        """Every question in asking order, inner questions right after their repeat."""
        for question in self.questions:
            yield question
            yield from question.questions

    def question(self, name: str) -> Question | None:
        return self._by_name.get(name)

    def parent_of(self, name: str) -> Question | None:
        """The repeat group holding inner question `name`, or None for top-level questions."""
        parent = self._parent.get(name)
        return self._by_name.get(parent) if parent else None

    def section(self, name: str | None) -> Section | None:
        return self._sections.get(name) if name else None

    def choices_for(self, question: Question) -> list[Choice]:
        """The full (unfiltered) choice list; empty when the list is unknown (a lint error)."""
        return self.choices.get(question.choices or "", [])

    def text(self, texts: Localized | str | None, language: str) -> str:
        """Pick `language`, then the form's default language, then English, then anything."""
        if texts is None:
            return ""
        if isinstance(texts, str):
            return texts
        for lang in (language, self.default_language, "en"):
            if texts.get(lang):
                return texts[lang]
        return next((text for text in texts.values() if text), "")

    def label(self, question: Question, language: str) -> str:
        return self.text(question.label, language)

    def short_label(self, question: Question, language: str) -> str:
        """The review-screen label: `short` when given, else the full label."""
        return self.text(question.short or question.label, language)

    def choice_label(self, question: Question, value: str, language: str) -> str:
        for choice in self.choices_for(question):
            if choice.name == value:
                return self.text(choice.label, language)
        return value


def load_definition(path: Path | None = None) -> FormDefinition:
    """Load and validate a form; errors name the file and the offending question."""
    path = path or DEFAULT_FORM
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DefinitionError(f"{path}: cannot read the form ({exc.strerror or exc})") from exc
    except yaml.YAMLError as exc:
        raise DefinitionError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise DefinitionError(f"{path}: expected a mapping with form_id, questions, ...")
    try:
        return FormDefinition.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(_describe(raw, error) for error in exc.errors())
        raise DefinitionError(f"{path}: {problems}") from exc


def _describe(raw: dict[str, Any], error: Any) -> str:
    """Turn a Pydantic location like ('questions', 3, 'type') into "question 'goals': type"."""
    loc = list(error.get("loc", ()))
    where: list[str] = []
    node: Any = raw
    rest: list[str] = []
    for i, part in enumerate(loc):
        if isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            name = node.get("name") if isinstance(node, dict) else None
            if name and loc[i - 1] == "questions":
                where.append(f"question {name!r}")
            else:
                label = f" ({name!r})" if name else ""
                where.append(f"{'.'.join(rest) or 'entry'}[{part}]{label}")
            rest = []
        elif isinstance(node, dict) and part in node:
            node = node[part]
            rest.append(str(part))
        else:
            rest.append(str(part))
    place = " > ".join(where) if where else "form"
    field = ".".join(p for p in rest if p not in {"questions"}) or "-"
    return f"{place}: {field}: {error.get('msg', 'invalid')}"
