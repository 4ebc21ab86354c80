"""The packaged form's glossary and option meanings, against the real knowledge base.

Every term a question offers to explain is asked, in English and in Spanish, exactly as the
Explain button asks it, of the packaged knowledge pages: the answer must be grounded, in the
asker's language, and come from the term's own page (its Spanish version where one exists).
Keyword search (what a base without its model answers with) is checked on every run; the full
hybrid base with the real model is the slow test, since it indexes every page first.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from intake.engine.glossary import term_views
from intake.form import FormDefinition, lint, load_definition
from knowledge.answer import NOTE_NO_TRANSLATION, Answer, answer
from knowledge.base import KnowledgeBase
from knowledge.chunking import chunk_documents
from knowledge.config import DEFAULT_DOCS_DIR, KnowledgeConfig
from knowledge.documents import load_documents
from tests.intake.forms import MINI_FORM

LANGUAGES = ("en", "es")
#: Questions about their options: each option must say what it means, in every language.
ABOUT_OPTIONS = ("org_tie", "tasks_core", "tasks_minor", "change_type", "strategies")
ABOUT_OPTIONS += ("stage", "geo_levels")
#: A meaning is read on a phone under the question: a line or two, not a page.
MEANING_MAX = 200


@cache
def form() -> FormDefinition:
    return load_definition()


def used_terms() -> list[str]:
    return sorted({term for q in form().all_questions() for term in q.terms})


def asked() -> Iterator[tuple[str, str]]:
    for term in used_terms():
        for lang in LANGUAGES:
            yield term, lang


@cache
def keyword_base() -> KnowledgeBase:
    config = KnowledgeConfig()
    return KnowledgeBase(config, chunk_documents(load_documents(config.docs_dir).documents))


def assert_answered_from_its_page(kb: KnowledgeBase, term: str, lang: str) -> Answer:
    entry = form().glossary[term]
    (view,) = term_views(form(), [term], lang)
    result = answer(view.question, kb)
    assert result.status in ("ok", "degraded"), (term, lang, view.question, result.text)
    assert result.lang == lang, (term, view.question)
    spanish = DEFAULT_DOCS_DIR / "es" / f"{entry.page}.md"
    if lang == "es" and spanish.exists():
        page = f"knowledge/docs/es/{entry.page}.md"
        assert NOTE_NO_TRANSLATION not in result.notes
    else:
        page = f"knowledge/docs/{entry.page}.md"
        assert (NOTE_NO_TRANSLATION in result.notes) == (lang != "en"), (term, lang)
    assert result.sources, (term, lang)
    assert result.sources[0].path == page, (term, lang, result.sources)
    return result


def test_every_term_has_a_glossary_entry_with_its_page() -> None:
    assert used_terms(), "the form explains no terms"
    for term in used_terms():
        entry = form().glossary.get(term)
        assert entry is not None, term
        assert entry.label["en"] == term  # the key is the English name
        assert entry.label["es"] != term, f"{term!r} has no Spanish name"
        assert entry.page is not None, term
        assert (DEFAULT_DOCS_DIR / f"{entry.page}.md").exists(), term
        for lang in LANGUAGES:
            assert entry.ask[lang].rstrip().endswith("?"), (term, lang)
        assert entry.ask["es"].startswith("¿"), term
    assert set(form().glossary) == set(used_terms())  # no entry left over


@pytest.mark.parametrize(("term", "lang"), list(asked()))
def test_every_term_is_answered_from_its_page_by_keyword_search(term: str, lang: str) -> None:
    result = assert_answered_from_its_page(keyword_base(), term, lang)
    assert result.warning is None


@pytest.mark.slow
def test_every_term_is_answered_from_its_page_by_the_full_knowledge_base(
    packaged_kb: KnowledgeBase,
) -> None:
    assert packaged_kb.mode == "hybrid", packaged_kb.warning
    for term, lang in asked():
        assert_answered_from_its_page(packaged_kb, term, lang)


def test_questions_about_their_options_say_what_each_option_means() -> None:
    for name in ABOUT_OPTIONS:
        question = form().question(name)
        assert question is not None, name
        for choice in form().choices_for(question):
            assert choice.meaning is not None, f"{question.choices}.{choice.name}"
            for lang in LANGUAGES:
                meaning = choice.meaning[lang]
                assert 20 <= len(meaning) <= MEANING_MAX, (choice.name, lang, meaning)
                assert meaning.rstrip().endswith("."), (choice.name, lang)
                assert meaning != choice.label[lang]
            assert choice.meaning["es"] != choice.meaning["en"], choice.name


def test_the_meanings_agree_with_the_knowledge_pages() -> None:
    """Helix's eighth task is said to be Helix's own, as its page says; transformation
    questions the system's purpose, as the types-of-change page has it."""
    tasks = {c.name: c for c in form().choices["tasks"]}
    assert "Waddell" in (tasks["delivering"].meaning or {})["en"]
    assert "Helix" in (tasks["delivering"].meaning or {})["es"]
    change = {c.name: c for c in form().choices["change_types"]}
    assert "what the system is for" in (change["transformation"].meaning or {})["en"]
    page = (DEFAULT_DOCS_DIR / "types-of-change.md").read_text(encoding="utf-8")
    assert "questions the purpose" in page


def test_a_term_missing_from_the_glossary_is_still_asked_and_linted(tmp_path: Path) -> None:
    text = MINI_FORM.read_text(encoding="utf-8")
    broken = tmp_path / "form.yaml"
    broken.write_text(text.replace('["production system", "change system"]', '["leverage"]'))
    definition = load_definition(broken)
    (view,) = term_views(definition, ["leverage"], "es")
    assert (view.label, view.question) == ("leverage", "¿Qué es leverage?")
    messages = [i.message for i in lint(definition) if i.severity == "error"]
    assert "term 'leverage' has no glossary entry" in messages
