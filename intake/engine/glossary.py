"""The terms a screen can explain, in the user's language (the form's `glossary`).

A question lists its terms by their English key; the glossary gives each a name and a question
for the knowledge base per language. A term missing from the glossary (the linter reports it)
is still explainable: its key names it, in a question worded from the message catalog.
"""

from __future__ import annotations

from collections.abc import Iterable

from intake.engine.prompt import TermView
from intake.form.definition import FormDefinition
from intake.i18n import t


def term_views(definition: FormDefinition, keys: Iterable[str], lang: str) -> tuple[TermView, ...]:
    """One view per term key, in `lang`, in the order the question lists them."""
    views: list[TermView] = []
    for key in keys:
        term = definition.glossary.get(key)
        if term is None:
            views.append(
                TermView(key=key, label=key, question=t("engine.explain.ask", lang, term=key))
            )
            continue
        label = definition.text(term.label, lang) or key
        question = definition.text(term.ask, lang) or t("engine.explain.ask", lang, term=label)
        views.append(TermView(key=key, label=label, question=question))
    return tuple(views)
