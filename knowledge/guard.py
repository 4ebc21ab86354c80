"""When not to answer: prompt injections and questions the knowledge base cannot ground.

Declining is better than a confident answer assembled from unrelated passages. The thresholds
below are not guesses: `python -m knowledge.eval.calibrate` measures the evidence on the committed
evaluation set (in-domain questions) and the off-topic set, and picks the rule and threshold that
separate them best. The measured numbers are kept next to each constant.

Evidence, hybrid mode: the best chunk's cosine similarity plus a small bonus for keyword coverage
(the share of the question's idf weight the knowledge base knows). Cosine alone cannot tell a
Spanish in-domain question ("como borrar mis datos", cosine 0.19: the model is English-only) from
a Spanish recipe question (0.28); coverage can (1.0 vs 0.0). Keyword-only mode (no model) asks
that one of the best BM25 chunks hold enough of the question's idf-weighted words together, and
that those words include at least one domain term — a word of a document's title or short alias
that is not common across the corpus. Word weight alone answered "is it bad weather today" from
the theory-of-change page (three common words, two of them in one chunk); requiring a domain term
trades a few more declines in this degraded mode for never answering such questions.

The hybrid thresholds are a property of the embedding model: each model has its own cosine scale.
`thresholds_for(model_id)` gives the built-in MiniLM's or the optional e5's (`E5_THRESHOLDS`);
a deployer who switches to another provider gets MiniLM's and re-runs the calibration
(`python -m knowledge.eval.calibrate --embeddings provider:model`) before trusting the declines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.embeddings import E5_MODEL_ID, MINILM_MODEL_ID
from knowledge.lexical import fold
from knowledge.retrieval import Retrieval

# Calibrated with `python -m knowledge.eval.calibrate` on knowledge/eval (74 documents, 283 chunks;
# 101 in-domain questions, 36 off-topic; all 15 injections are caught by the patterns below):
#   hybrid, cosine + 0.20 × coverage: in-domain min 0.3730, off-topic max 0.3193 (0.3121 before
#     the 6 added off-topic questions), threshold 0.3425 → margins +0.0305 / +0.0232, 0 false
#     declines, 0 off-topic answered; leave-one-out 0 / 0. Cosine alone (weight 0) separates
#     worse: 2 false declines, off-topic margin 0.0095.
#   keyword-only (36 off-topic since the "bad weather" audit), share of the question's weight in
#     one top-3 BM25 chunk, counted only when the question uses a domain term: the calibration
#     picks 0.2832 (off-topic max 0.2636, an ibuprofen dose question); we keep 0.30, on the safe
#     side (off-topic margin 0.036) at the same cost: 12 of 101 in-domain declined, 0 off-topic
#     answered, leave-one-out 12 / 0. Without the domain-term rule no threshold below 1.0 stops
#     "how is it going" (match 1.0); the degraded mode declines more and says so in its warning.
# Re-measured in December 2026 on the extended sets (83 English and 61 Spanish pages; 172
# in-domain questions, 44 of them Spanish; 52 off-topic, 20 of them Spanish; 15 injections):
#   the chunk rule, cosine + 0.20 × coverage, no longer separates the sets: Spanish in-domain
#     questions fall as low as 0.22 (MiniLM reads Spanish poorly), while "¿quién ganó las
#     elecciones en Francia?" reaches 0.3423, 0.0002 under the old 0.3425. Answered in-domain
#     questions start at 0.3523 ("¿qué tipos de cambio distingue Waddell?"); the threshold sits
#     between: 0.347 (margins +0.0047 / +0.0053). The Spanish questions below it are the
#     translated rule's. `calibrate --holdout` (rule chosen on half the questions, judged on
#     the other half) picks 0.3514 and errs on 1 of 86 unseen in-domain questions, 0 of 26
#     off-topic. No weight or threshold does better on the whole set (0.15: 6 false declines and
#     1 off-topic answered).
#: Weight of keyword coverage in the hybrid evidence (grid 0..0.5; 0 = cosine only).
COVERAGE_WEIGHT = 0.20
#: Hybrid mode: answer when best cosine + COVERAGE_WEIGHT × coverage reaches this.
EVIDENCE_THRESHOLD = 0.347
#: A question in another language than the chunks (Spanish) that the chunk evidence declines is
#: still answered when its own language's sentences back it this well (`SentenceIndex.evidence`).
#: MiniLM is English-only, so any two Spanish texts look alike to it and this scale sits high:
#: measured on knowledge/eval with 61 Spanish pages, the 20 Spanish off-topic questions reach
#: at most 0.8169 ("¿cómo cambio la contraseña de mi correo?"); of the 7 Spanish in-domain
#: questions the chunks decline, 3 reach 0.870-0.948 and are answered here, 4 (0.731-0.814:
#: three about privacy and introductions, and the E-I index) sit below the off-topic maximum,
#: so no threshold here separates them (0.8066, the calibration's pick before the 12 newest
#: pages, now answers the password question). Those four name their page ("mis datos", "índice
#: E-I"), and `knowledge.answer` grounds such questions by the name with a lower evidence floor
#: (`NAMED_THRESHOLD`). The multilingual model evaluated in benchmarks/README.md separates them
#: better but loses elsewhere.
TRANSLATED_THRESHOLD = 0.85
#: ... and a non-English question that names a page by a title or alias of two words or more
#: ("mis datos", "índice E-I": `knowledge.answer.named_in`) already passes at this much. A name
#: alone is not enough ("my data", "contact details" are everyday phrases), and English
#: questions never need it (the model reads them). Measured on knowledge/eval: the four Spanish
#: in-domain questions it grounds reach 0.731-0.814; Spanish off-topic questions holding such a
#: name reach 0.624 ("¿cómo borro mis datos de Instagram?") and 0.721 ("¿dónde veo mis datos del
#: banco?"). The threshold sits between, with thin margins (+0.005 each way).
NAMED_THRESHOLD = 0.726
#: Keyword-only mode: answer when one of the top 3 BM25 chunks holds this share of the question's
#: idf-weighted words (and the question uses a domain term, below).
KEYWORD_THRESHOLD = 0.30
#: Domain terms: words of titles and aliases up to this many words long (longer ones are
#: phrasings such as "where are we going", not names) ...
DOMAIN_NAME_MAX_WORDS = 3
#: ... whose BM25 idf reaches this share of the corpus's largest idf (drops "change", "system":
#: in nearly every chunk). A share, not an absolute idf, because idf scales with corpus size (the
#: largest is 5.24 on the 283 packaged chunks, 2.20 on the 14 test chunks). Measured on
#: knowledge/eval: names ≤ 2 / 3 / 4 words → 16 / 12 / 10 in-domain declines, but at 4 words
#: "where are we going" makes "going" a domain term and 2 off-topic questions get answered; a
#: share of 0.38 (idf 2.0) instead of 0.2 costs 8 more declines for nothing.
DOMAIN_MIN_IDF_SHARE = 0.2


@dataclass(frozen=True)
class Thresholds:
    """The hybrid decline rule of one embedding model (see the constants above)."""

    coverage_weight: float
    evidence: float
    translated: float
    named: float  # the translated evidence enough for a question that names a page


MINILM_THRESHOLDS = Thresholds(
    COVERAGE_WEIGHT, EVIDENCE_THRESHOLD, TRANSLATED_THRESHOLD, NAMED_THRESHOLD
)
# multilingual-e5-small (4-bit, `knowledge.e5`), calibrated the same way with
# `python -m knowledge.eval.calibrate --embeddings e5-small-q4 --holdout` on the same sets
# (172 in-domain, 52 off-topic questions): cosine + 0.05 x coverage, threshold 0.8666: in-domain
# min 0.8258 (7 declined by it), off-topic max 0.8661 ("how to lose weight fast"): a margin of
# 0.0005, because e5's cosines sit in a narrow band (unrelated texts ~0.75-0.85). The translated
# rule adds little for a multilingual model: 0.9989 (Spanish off-topic max 0.9981). Together:
# 1 false decline, 0 off-topic answered on the set they were fitted to, but leave-one-out 7 / 1
# and, chosen on half the questions, 0 / 3 of 26 unseen off-topic questions answered: these
# thresholds fit this set and would not hold on new questions (MiniLM's: 1 / 0). Hence e5 is an
# option, not the default (benchmarks/README.md). Naming a page earns no lower floor under e5:
# it was never calibrated for it.
E5_THRESHOLDS = Thresholds(coverage_weight=0.05, evidence=0.8666, translated=0.9989, named=0.9989)
_BY_MODEL = {MINILM_MODEL_ID: MINILM_THRESHOLDS, E5_MODEL_ID: E5_THRESHOLDS}


def thresholds_for(model_id: str) -> Thresholds:
    """The calibrated rule for a model id; MiniLM's for a model never calibrated here."""
    return _BY_MODEL.get(model_id, MINILM_THRESHOLDS)


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


def passes(
    cosine: float,
    coverage: float,
    translated: float | None,
    thresholds: Thresholds,
    *,
    names_page: bool = False,
) -> bool:
    """The hybrid rule on its evidence (the calibration judges its candidates with it too):
    the question's own-language evidence, when it has one, or the chunks' cosine plus
    coverage. `names_page`: the question names a page, so less own-language evidence does."""
    if translated is not None:
        floor = (
            min(thresholds.translated, thresholds.named) if names_page else thresholds.translated
        )
        if translated >= floor:
            return True
    return dense_evidence(cosine, coverage, thresholds.coverage_weight) >= thresholds.evidence


def is_grounded(
    retrieval: Retrieval,
    translated: float | None = None,
    thresholds: Thresholds = MINILM_THRESHOLDS,
    *,
    names_page: bool = False,
) -> bool:
    """Whether the retrieved evidence is strong enough to answer from; `translated` is the
    evidence of the question's own-language pages when it is not English (else None);
    `thresholds` are those of the model the retrieval's cosines come from; `names_page` says
    the question names a page by a title or alias of two words or more."""
    if not retrieval.hits:
        return False
    if retrieval.mode == "hybrid" and retrieval.best_cosine is not None:
        return passes(
            retrieval.best_cosine,
            retrieval.coverage,
            translated,
            thresholds,
            names_page=names_page,
        )
    return bool(retrieval.domain_terms) and retrieval.keyword_match >= KEYWORD_THRESHOLD
