"""When not to answer: prompt injections and questions the knowledge base cannot ground.

Declining is better than a confident answer assembled from unrelated passages. The thresholds
below are not guesses: `python -m knowledge.eval.calibrate` measures the evidence on the committed
evaluation set (in-domain questions) and the off-topic/injection set, and prints the threshold
with the widest margin between them. The measured numbers are kept next to each constant.
"""

from __future__ import annotations

import re

from knowledge.lexical import fold
from knowledge.retrieval import Retrieval

#: Hybrid mode: decline when the best chunk's cosine similarity is below this.
#: Calibrated by knowledge/eval/calibrate.py (see the numbers in the comment below).
DENSE_THRESHOLD = 0.35
#: Keyword-only mode: decline when fewer than this share of the question's content words occur
#: in the knowledge base at all (or BM25 finds nothing).
COVERAGE_THRESHOLD = 0.5

_INJECTION_PATTERNS = [
    # English: override attempts, prompt extraction, role hijacking
    r"\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instruction|instructions|rules|"
    r"prompt|prompts|guidelines|directions|context|above|previous)\b",
    r"\b(system|hidden|initial|original|developer)\s+(prompt|message|instructions?)\b",
    r"\b(reveal|show|print|repeat|output|leak|dump)\b.{0,30}\b(prompt|instructions?|"
    r"configuration|secrets?|api key|password)\b",
    r"\byou are (now|no longer)\b",
    r"\b(act|behave) as (an?|my|the)\b",
    r"\bpretend (to be|you are|that you)\b",
    r"\b(jailbreak|developer mode|do anything now|dan mode)\b",
    r"\bnew instructions?\b",
    # Spanish: the same families
    r"\b(ignora|olvida|omite|descarta)\b.{0,40}\b(instrucciones|reglas|indicaciones|prompt)\b",
    r"\b(prompt|mensaje|instrucciones) (del|de) sistema\b",
    r"\b(actua|comportate) como\b",
    r"\b(finge|haz como) que\b",
    r"\bahora eres\b",
    # Chat-template markup smuggled into a question
    r"<\|?(im_start|im_end|system|endoftext)\|?>|\[/?inst\]|^\s*#+\s*system\b",
]
INJECTION = re.compile("|".join(f"(?:{p})" for p in _INJECTION_PATTERNS), re.MULTILINE)


def looks_like_injection(question: str) -> bool:
    """Cheap pattern check for prompt-injection attempts (accents folded, case-insensitive)."""
    return INJECTION.search(fold(question)) is not None


def is_grounded(retrieval: Retrieval) -> bool:
    """Whether the retrieved evidence is strong enough to answer from."""
    if not retrieval.hits:
        return False
    if retrieval.mode == "hybrid" and retrieval.best_cosine is not None:
        return retrieval.best_cosine >= DENSE_THRESHOLD
    has_keyword_hit = any(hit.bm25 is not None for hit in retrieval.hits)
    return has_keyword_hit and retrieval.coverage >= COVERAGE_THRESHOLD
