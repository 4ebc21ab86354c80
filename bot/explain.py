"""What a screen can explain, for every surface: its terms, and what its options mean.

A question lists SCS terms (`Prompt.terms`, already in the user's language, each with the
question to put to the knowledge base) and, when it is about its options (how an organisation
is linked, the tasks, kinds of change, stages, levels), a meaning per choice. Telegram draws a
button per topic; the terminal numbers them for `/explain N`. Both read the topics from here so
they offer the same things in the same order: the terms first, then the options.
"""

from __future__ import annotations

from dataclasses import dataclass

from intake.engine import Prompt, TermView
from intake.engine.matching import fold
from intake.i18n import t


@dataclass(frozen=True)
class Topic:
    """One thing the screen can explain: a term (asked of the knowledge base) or the options."""

    label: str  # in the user's language
    term: TermView | None = None  # None: the options' own meanings


def meanings(prompt: Prompt) -> list[tuple[str, str]]:
    """(label, meaning) of each option on the screen that has a meaning, in screen order."""
    return [(c.label, c.meaning) for c in prompt.choices if c.meaning]


def topics(prompt: Prompt | None, lang: str) -> list[Topic]:
    """The terms of the screen, then its options when they carry meanings."""
    if prompt is None:
        return []
    found = [Topic(label=term.label, term=term) for term in prompt.terms]
    if meanings(prompt):
        found.append(Topic(label=t("bot.explain.options_topic", lang)))
    return found


def pick(found: list[Topic], typed: str) -> Topic | None:
    """The topic a typed argument names: its number ("2"), or its name or a word starting one
    of its words ("tareas", "deliver"); None unless exactly one topic fits."""
    words = fold(typed)
    if words.isdecimal():
        number = int(words)
        return found[number - 1] if 1 <= number <= len(found) else None
    if not words:
        return None
    fits = [topic for topic in found if _fits(topic, words)]
    return fits[0] if len(fits) == 1 else None


def _fits(topic: Topic, words: str) -> bool:
    """`words` (folded) is the topic's label or key, or starts one of their words (3+ letters)."""
    names = [fold(topic.label)] + ([fold(topic.term.key)] if topic.term else [])
    if words in names:
        return True
    return len(words) >= 3 and any(w.startswith(words) for name in names for w in name.split())
