"""`answer(question, kb)`: the one entry point every surface uses.

Order of decisions: the question is cleaned of markup (pasted HTML or Markdown) and its language
detected; empty or injected question → decline; retrieve; too little evidence →
decline, suggesting topics the base can explain; otherwise an LLM answer when configured, else
(or when the LLM fails in any way) an extractive answer. Every answer lists its sources, and a
degraded knowledge base (keyword-only) says so in `warning`. Nothing here raises for any input,
and undecodable input (lone surrogates) is cleaned before any tokenizer sees it.

Every answer carries a `status` (`ok`, `declined`, `degraded`, `failed`) and, when declined, the
`related` topics it can explain, so surfaces choose their wording (in the user's language) from
data rather than by comparing texts. `text` stays the English wording, which `helix ask --json`
prints as its contract. A grounded answer is quoted in the asker's language when that page
version exists (`lang` is the asker's language), and carries `notes`: catalog keys of one-line
remarks the surface adds in that language — no Spanish text for this page yet, or content that
is Helix's own reading (a page of level `proposal`), so it is never taken for Waddell's.
Related topics after a decline are the pages nearest the question by meaning.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Literal

from knowledge.base import KnowledgeBase
from knowledge.extractive import Extract, extract
from knowledge.guard import is_grounded, looks_like_injection
from knowledge.language import detect_language
from knowledge.lexical import clean, tokenize
from knowledge.llm import LLMFailure, chat_model, llm_answer
from knowledge.markup import question_in, strip_markup
from knowledge.retrieval import DocumentHit, Retrieval

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000
RELATED_TOPICS = 3
NO_ANSWER = "I have no grounded answer to that in my knowledge base."
RELATED = "I can explain related topics such as: {topics}."
FAILED = "Something went wrong while looking that up; please try again."
#: Catalog keys (intake/locales/knowledge.yaml) of the one-line notes under an answer.
NOTE_NO_TRANSLATION = "knowledge.note.no_translation"
NOTE_PROPOSAL = "knowledge.note.proposal"
PROPOSAL_LEVEL = "proposal"
#: "what's a PS?", "define backbone", "qué es un SP": the subject of a definition question.
DEFINED = re.compile(
    r"^\W*(?:what\s*(?:'s|is|are|s)|wh?at is|whats|define|meaning of|"
    r"qu[eé] (?:es|son|significa))\s+(?P<subject>.+)$",
    re.IGNORECASE,
)


#: A page name ("mis datos", "índice E-I") counts as naming it from this many words up
#: (stopwords dropped): one-word aliases are too often ordinary words (guard.NAMED_THRESHOLD).
NAME_MIN_WORDS = 2
#: A command the question names ("/deleteme") and the words before "button" ("not relevant").
COMMAND = re.compile(r"(?<![\w/])/([a-z]{2,})\b")
BUTTON = re.compile(r"(?P<name>[\w' ]{3,40}?)\s+button", re.IGNORECASE)


@dataclass(frozen=True)
class Source:
    title: str
    path: str


Status = Literal["ok", "declined", "degraded", "failed"]
"""ok: grounded; degraded: grounded from keyword search only; declined: no grounded answer;
failed: an internal error (logged), so the user is asked to try again."""


@dataclass(frozen=True)
class Answer:
    """What a surface shows: the text, where it comes from, and whether it is grounded."""

    text: str
    sources: list[Source] = field(default_factory=list)
    grounded: bool = False
    warning: str | None = None
    status: Status = "ok"
    related: tuple[str, ...] = ()
    #: The asker's language (detected from the question): notes and declines use it.
    lang: str = "en"
    #: Catalog keys of one-line notes to show under the text, in `lang`.
    notes: tuple[str, ...] = ()


def _grounded(
    text: str, sources: list[Source], warning: str | None, lang: str, notes: tuple[str, ...] = ()
) -> Answer:
    status: Status = "degraded" if warning else "ok"
    return Answer(
        text=text,
        sources=sources,
        grounded=True,
        warning=warning,
        status=status,
        lang=lang,
        notes=notes,
    )


def _sources(docs: list[DocumentHit]) -> list[Source]:
    return [Source(d.title, d.path) for d in docs]


def related_topics(kb: KnowledgeBase, retrieval: Retrieval | None, lang: str) -> list[str]:
    """Titles of the pages nearest the question by meaning, in the asker's language where that
    page version exists. Without a model: the pages nearest by words, then the concepts most
    other pages build on (never an alphabetical pick). None for an empty question."""
    if retrieval is None:
        return []
    slugs = kb.sentences.nearest_pages(retrieval.vector, RELATED_TOPICS)
    for slug in [d.slug for d in retrieval.documents] + kb.sentences.central_pages(
        2 * RELATED_TOPICS
    ):
        if len(slugs) >= RELATED_TOPICS:
            break
        if slug not in slugs:
            slugs.append(slug)
    english = {slug: title for slug, title, _ in kb.titles()}
    titles = [kb.sentences.title(lang, s) or english.get(s) for s in slugs]
    return [t for t in titles if t]


def decline(
    kb: KnowledgeBase, retrieval: Retrieval | None, warning: str | None, lang: str = "en"
) -> Answer:
    """The no-answer reply, naming a few topics (nearest first) the base can explain."""
    topics = related_topics(kb, retrieval, lang)
    text = NO_ANSWER + (" " + RELATED.format(topics=", ".join(topics)) if topics else "")
    return Answer(
        text=text,
        sources=[],
        grounded=False,
        warning=warning,
        status="declined",
        related=tuple(topics),
        lang=lang,
    )


def _notes(quoted: Extract, lang: str) -> tuple[str, ...]:
    notes: list[str] = []
    if quoted.lang != lang:
        notes.append(NOTE_NO_TRANSLATION)
    if any(page.level == PROPOSAL_LEVEL for page in quoted.pages):
        notes.append(NOTE_PROPOSAL)
    return tuple(notes)


def _llm(question: str, retrieval: Retrieval, kb: KnowledgeBase, lang: str) -> Answer | None:
    spec = kb.config.llm or ""
    try:
        model = kb.llm_cache.get(spec)
        if model is None:
            model = kb.llm_cache[spec] = chat_model(kb.config)
        text, docs = llm_answer(question, retrieval, model)
    except LLMFailure as exc:
        log.warning("LLM answer failed, answering extractively: %s", exc)
        return None
    proposal = any(kb.sentences.level(d.slug) == PROPOSAL_LEVEL for d in docs)
    notes = (NOTE_PROPOSAL,) if proposal else ()
    return _grounded(text, _sources(docs), retrieval.warning, lang, notes)


def named_first(retrieval: Retrieval, kb: KnowledgeBase) -> Retrieval:
    """A definition question that names a page by its title or an alias ("what's a PS?") is
    answered from that page, wherever retrieval ranked it: the asker said which concept."""
    match = DEFINED.match(retrieval.question)
    slug = kb.named.get(" ".join(tokenize(match["subject"]))) if match else None
    return _first(retrieval, kb, slug)


def _first(retrieval: Retrieval, kb: KnowledgeBase, slug: str | None) -> Retrieval:
    """`retrieval` with page `slug` ranked first (added when retrieval did not find it)."""
    if slug is None or (retrieval.documents and retrieval.documents[0].slug == slug):
        return retrieval
    named = [d for d in retrieval.documents if d.slug == slug]
    if not named:
        title = kb.sentences.title("en", slug) or slug
        named = [DocumentHit(slug, title, "", 0.0, ())]
    rest = [d for d in retrieval.documents if d.slug != slug]
    return replace(retrieval, documents=[*named, *rest])


def feature_names(question: str) -> list[str]:
    """Names of Helix features a question uses: each command ("/deleteme"), then the words
    before "button", longest first ("the not relevant button": "the not relevant", "not
    relevant", "relevant"), for `feature_first` to look up among the pages' aliases."""
    names = [f"/{command}" for command in COMMAND.findall(question)]
    button = BUTTON.search(question)
    if button is not None:
        words = button["name"].split()
        names += [" ".join(words[i:]) for i in range(len(words))]
    return names


def feature_first(retrieval: Retrieval, kb: KnowledgeBase) -> Retrieval:
    """A question that names one of Helix's commands ("what does /deleteme remove") or buttons
    ("the not relevant button") is answered from the page that owns that name (an alias of
    it): chunks rank the pages that merely mention /deleteme alongside the one that says what
    it erases."""
    for name in feature_names(retrieval.question):
        slug = kb.named.get(" ".join(tokenize(name)))
        if slug is not None:
            return _first(retrieval, kb, slug)
    return retrieval


def _longest_name(question: str, names: Iterable[tuple[list[str], str]]) -> str | None:
    """The slug whose name (its words, tokenized) the question holds, the longest one first."""
    text = f" {' '.join(tokenize(question))} "
    best: tuple[int, str] | None = None
    for words, slug in names:
        if words and f" {' '.join(words)} " in text and (best is None or len(words) > best[0]):
            best = (len(words), slug)
    return best[1] if best else None


def named_in(question: str, kb: KnowledgeBase) -> str | None:
    """The page a question names by a title or alias of `NAME_MIN_WORDS` or more ("mis
    datos", "índice E-I"), the longest name first; None when it names none. The guard lets
    such a question pass on less own-language evidence (`guard.NAMED_THRESHOLD`)."""
    names = ((name.split(), slug) for name, slug in kb.named.items())
    return _longest_name(question, ((w, s) for w, s in names if len(w) >= NAME_MIN_WORDS))


def titled_first(retrieval: Retrieval, kb: KnowledgeBase, lang: str) -> Retrieval:
    """A question in another language than the chunks' (Spanish) that names a page by its
    title in that language ("¿qué es una parte interesada?") is answered from that page: the
    chunks it was retrieved from are English, so retrieval ranks such pages by meaning alone,
    which the English model reads poorly. The longest title the question holds wins."""
    if lang == "en":
        return retrieval
    titles = ((tokenize(kb.sentences.title(lang, s) or ""), s) for s in kb.sentences.slugs(lang))
    return _first(retrieval, kb, _longest_name(retrieval.question, titles))


def answer(question: str, kb: KnowledgeBase) -> Answer:
    """Answer a question from the knowledge base; declines rather than guesses."""
    try:
        raw = clean(question or "")[: 2 * MAX_QUESTION_CHARS]
        text = strip_markup(raw).strip()[:MAX_QUESTION_CHARS]
        if " ".join(text.split()) != " ".join(raw.split())[:MAX_QUESTION_CHARS]:
            text = question_in(text)  # pasted formatted text: the question it ends with
        lang = detect_language(text)
        if not text or looks_like_injection(raw) or looks_like_injection(text):
            return decline(kb, kb.retrieve(text) if text else None, kb.warning, lang)
        retrieval = kb.retrieve(text)
        translated = None if lang == "en" else kb.sentences.evidence(text, retrieval.vector, lang)
        if not is_grounded(retrieval, translated, kb.thresholds):
            named = named_in(text, kb) if translated is not None else None
            if named is None or not is_grounded(
                retrieval, translated, kb.thresholds, names_page=True
            ):
                return decline(kb, retrieval, retrieval.warning, lang)
            retrieval = _first(retrieval, kb, named)  # answered because it names this page
        if kb.config.llm:
            written = _llm(text, retrieval, kb, lang)
            if written is not None:
                return written
        quoted = extract(
            named_first(feature_first(titled_first(retrieval, kb, lang), kb), kb),
            kb.sentences,
            lang=lang,
        )
        if not quoted.text:
            return decline(kb, retrieval, retrieval.warning, lang)
        sources = [Source(page.title, page.path) for page in quoted.pages]
        return _grounded(quoted.text, sources, retrieval.warning, lang, _notes(quoted, lang))
    except Exception:  # the last line of "never crash": log it loudly, answer politely
        log.exception("answering %r failed", question[:200] if isinstance(question, str) else "")
        return Answer(
            text=FAILED, sources=[], grounded=False, warning="internal error", status="failed"
        )
