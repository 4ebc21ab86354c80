"""When not to answer: prompt injections and questions the knowledge base cannot ground.

Declining is better than a confident answer assembled from unrelated passages. The thresholds
below are not guesses: `python -m knowledge.eval.calibrate` measures the evidence on the committed
evaluation set (in-domain questions) and the off-topic set, and picks the rule and threshold that
separate them best. The measured numbers are kept next to each constant.

Evidence, hybrid mode: the best chunk's cosine similarity plus a small bonus for keyword coverage
(the share of the question's idf weight the knowledge base knows). Cosine alone cannot tell a
Spanish in-domain question ("como borrar mis datos", cosine 0.19: the model is English-only) from
a Spanish recipe question (0.28); coverage can (1.0 vs 0.0). Keyword-only mode (no model) asks
that one of the best BM25 chunks hold enough of the question's idf-weighted words together.

The hybrid threshold is a property of the built-in MiniLM model: another embedding provider has
its own cosine scale, so a deployer who switches models re-runs the calibration
(`python -m knowledge.eval.calibrate`) before trusting the declines.
"""

from __future__ import annotations

import re

from knowledge.lexical import fold
from knowledge.retrieval import Retrieval

# Calibrated with `python -m knowledge.eval.calibrate` on knowledge/eval (74 documents, 283 chunks;
# 101 in-domain questions, 30 off-topic; all 15 injections are caught by the patterns below):
#   hybrid, cosine + 0.20 × coverage: in-domain min 0.3730, off-topic max 0.3121 (a paella recipe),
#     threshold 0.3425 → margin ±0.0304, 0 false declines, 0 off-topic answered; leave-one-out
#     0 / 0. Cosine alone (weight 0) separates worse: 2 false declines, off-topic margin 0.0095.
#   keyword-only, share of the question's weight in one top-3 BM25 chunk: off-topic max 0.3333,
#     threshold 0.3359 → 0 off-topic answered, 5 of 101 in-domain declined, but the off-topic
#     margin is only 0.0026 (leave-one-out 6 declined / 3 answered): the degraded mode is weaker
#     and says so in its warning.
#: Weight of keyword coverage in the hybrid evidence (grid 0..0.5; 0 = cosine only).
COVERAGE_WEIGHT = 0.20
#: Hybrid mode: answer when best cosine + COVERAGE_WEIGHT × coverage reaches this.
EVIDENCE_THRESHOLD = 0.3425
#: Keyword-only mode: answer when one of the top 3 BM25 chunks holds this share of the question's
#: idf-weighted words.
KEYWORD_THRESHOLD = 0.3359

_INJECTION_PATTERNS = [
    # English: override attempts, prompt extraction, secrets, role hijacking
    r"\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instruction|instructions|rules|"
    r"prompt|prompts|guidelines|directions|context|above|previous)\b",
    r"\b(system|hidden|initial|original|developer)\s+(prompt|message|instructions?)\b",
    r"\b(reveal|show|print|repeat|output|leak|dump|give me|tell me)\b.{0,20}\byour\b.{0,20}"
    r"\b(prompt|instructions?|rules|configuration|guidelines)\b",
    r"\b(reveal|show|print|output|leak|dump|give me|tell me|list)\b.{0,30}\b(secrets?|"
    r"api keys?|passwords?|tokens?|credentials?)\b",
    r"\b(repeat|print|output|show)\b.{0,20}\b(text|words|everything|all)\b.{0,10}\babove\b",
    r"\byou are (now|no longer)\b",
    r"\b(act|behave) as (an?|my|the)\b",
    r"\bpretend (to be|you are|that you)\b",
    r"\b(jailbreak|developer mode|do anything now|dan mode)\b",
    r"\bnew instructions?\b",
    # Spanish: the same families
    r"\b(dame|muestra|revela|imprime|dime)\b.{0,30}\b(contrasenas?|claves?|tokens?|prompt)\b",
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


def dense_evidence(cosine: float, coverage: float, weight: float = COVERAGE_WEIGHT) -> float:
    return cosine + weight * coverage


def is_grounded(retrieval: Retrieval) -> bool:
    """Whether the retrieved evidence is strong enough to answer from."""
    if not retrieval.hits:
        return False
    if retrieval.mode == "hybrid" and retrieval.best_cosine is not None:
        return dense_evidence(retrieval.best_cosine, retrieval.coverage) >= EVIDENCE_THRESHOLD
    return retrieval.keyword_match >= KEYWORD_THRESHOLD
