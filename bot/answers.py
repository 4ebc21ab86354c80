"""How every surface words a knowledge answer, from its status, in the user's language.

Telegram, the terminal chat and `helix ask` all show the same three kinds of reply: a grounded
answer (its text, possibly with a note that only keyword search was available), a decline with the
related topics the base can explain, or an apology after an internal failure. Deciding which from
`Answer.status` here, once, keeps the surfaces from comparing texts with constants.
"""

from __future__ import annotations

from intake.i18n import t
from knowledge.answer import Answer


def notes_text(result: Answer) -> list[str]:
    """The answer's one-line notes (no Spanish page yet, Helix's own reading) in the asker's
    language, which the knowledge base detected from the question."""
    return [t(note, result.lang) for note in result.notes]


def answer_text(result: Answer, lang: str) -> str:
    """The answer's main text in `lang` (a grounded answer keeps the knowledge base's words,
    followed by its notes)."""
    if result.status == "declined":
        text = t("knowledge.no_answer", lang)
        if result.related:
            text += " " + t("knowledge.related", lang, topics=", ".join(result.related))
        return text
    if result.status == "failed":
        return t("knowledge.failed", lang)
    return "\n\n".join([result.text, *notes_text(result)])


def is_degraded(result: Answer) -> bool:
    """Whether to add the keyword-search-only note (never under an apology)."""
    return result.status == "degraded" or (
        result.status == "declined" and result.warning is not None
    )
