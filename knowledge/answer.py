"""`answer(question, kb)`: the one entry point every surface uses.

Order of decisions: empty or injected question → decline; retrieve; too little evidence →
decline, suggesting topics the base can explain; otherwise an LLM answer when configured, else
(or when the LLM fails in any way) an extractive answer. Every answer lists its sources, and a
degraded knowledge base (keyword-only) says so in `warning`. Nothing here raises for any input,
and undecodable input (lone surrogates) is cleaned before any tokenizer sees it.

Every answer carries a `status` (`ok`, `declined`, `degraded`, `failed`) and, when declined, the
`related` topics it can explain, so surfaces choose their wording (in the user's language) from
data rather than by comparing texts. `text` stays the English wording, which `helix ask --json`
prints as its contract.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Literal

from knowledge.base import KnowledgeBase
from knowledge.extractive import extract
from knowledge.guard import is_grounded, looks_like_injection
from knowledge.lexical import clean
from knowledge.llm import LLMFailure, chat_model, llm_answer
from knowledge.retrieval import DocumentHit, Retrieval

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000
RELATED_TOPICS = 3
NO_ANSWER = "I have no grounded answer to that in my knowledge base."
RELATED = "I can explain related topics such as: {topics}."
FAILED = "Something went wrong while looking that up; please try again."


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


def _grounded(text: str, docs: list[DocumentHit], warning: str | None) -> Answer:
    status: Status = "degraded" if warning else "ok"
    return Answer(text=text, sources=_sources(docs), grounded=True, warning=warning, status=status)


def _sources(docs: list[DocumentHit]) -> list[Source]:
    return [Source(d.title, d.path) for d in docs]


def decline(kb: KnowledgeBase, retrieval: Retrieval | None, warning: str | None) -> Answer:
    """The no-answer reply, naming a few topics (nearest first) the base can explain."""
    topics: list[str] = []
    if retrieval is not None:
        topics = [d.title for d in retrieval.documents[:RELATED_TOPICS]]
    for _, title, _ in kb.titles():
        if len(topics) >= RELATED_TOPICS:
            break
        if title not in topics:
            topics.append(title)
    text = NO_ANSWER + (" " + RELATED.format(topics=", ".join(topics)) if topics else "")
    return Answer(
        text=text,
        sources=[],
        grounded=False,
        warning=warning,
        status="declined",
        related=tuple(topics),
    )


def _llm(question: str, retrieval: Retrieval, kb: KnowledgeBase) -> Answer | None:
    spec = kb.config.llm or ""
    try:
        model = kb.llm_cache.get(spec)
        if model is None:
            model = kb.llm_cache[spec] = chat_model(kb.config)
        text, docs = llm_answer(question, retrieval, model)
    except LLMFailure as exc:
        log.warning("LLM answer failed, answering extractively: %s", exc)
        return None
    return _grounded(text, docs, retrieval.warning)


def answer(question: str, kb: KnowledgeBase) -> Answer:
    """Answer a question from the knowledge base; declines rather than guesses."""
    try:
        text = clean(question or "").strip()[:MAX_QUESTION_CHARS]
        if not text or looks_like_injection(text):
            return decline(kb, kb.retrieve(text) if text else None, kb.warning)
        retrieval = kb.retrieve(text)
        if not is_grounded(retrieval):
            return decline(kb, retrieval, retrieval.warning)
        if kb.config.llm:
            written = _llm(text, retrieval, kb)
            if written is not None:
                return written
        quoted, docs = extract(retrieval, kb.keywords)
        if not quoted:
            return decline(kb, retrieval, retrieval.warning)
        return _grounded(quoted, docs, retrieval.warning)
    except Exception:  # the last line of "never crash": log it loudly, answer politely
        log.exception("answering %r failed", question[:200] if isinstance(question, str) else "")
        return Answer(
            text=FAILED, sources=[], grounded=False, warning="internal error", status="failed"
        )
