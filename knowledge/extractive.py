"""Extractive answers: the sentences of the chosen pages that answer the question, in order.

Without an LLM (the default, offline) the answer is quoted, never generated, so it cannot say
anything the pages do not. Every sentence of the best page (and of the second, when it shares
the question's words) is scored by meaning (cosine with the question's vector; the sentence
vectors were computed at index time) and by words (the share of the question's idf weight it
holds). The best ones are kept with the context they need to read right: the sentence before
one that opens with "It", "This" or "They"; a list item's lead-in; a lead-in's whole list. A
question that asks for a list ("the seven tasks", "what are the stages") gets the best-fitting
list whole. A definition question ("what's a backbone organisation?") starts from the page's
opening sentence, which defines the concept. The kept sentences go back into reading order,
whole: the answer stays under ~900 characters by leaving sentences out, never by cutting one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from knowledge.passages import SentenceIndex, terms
from knowledge.question_kinds import DEFINITION_QUESTION, LIST_QUESTION, asked_count
from knowledge.retrieval import Retrieval
from knowledge.sentences import ITEM, LEAD, TEXT

MAX_CHARS = 900
#: A list asked for as a list comes whole, even when it runs a little past `MAX_CHARS`.
MAX_LIST_CHARS = 1300
MAX_DOCUMENTS = 2
#: A paragraph's opening sentence this short is its topic ("The project is named after this
#: image."): a later sentence of the paragraph brings it. Measured: 60-100 -> accuracy .843,
#: 140 -> .826 (longer openings crowd the budget).
TOPIC_CHARS = 80
#: Pages of this level describe Helix itself; their answers name the command (COMMAND) to use.
HELIX_LEVEL = "about-helix"
COMMAND = re.compile(r"(?<![\w/])/[a-z]{2,}\b")
#: Sentences of the second page count less: the first is usually the concept asked about.
SECOND_DOCUMENT_WEIGHT = 0.75
#: Weight of word evidence (share of the question's idf weight, 0..1) beside the cosine.
WORD_WEIGHT = 0.5
#: Weight of the share of the question's words in the sentence's section heading: the page's
#: own heading often says what its sentences answer ("Who can see your answers").
#: Measured on knowledge/eval: 0.15 / 0.3 / 0.5 -> accuracy .826 / .831 / .831.
SECTION_WEIGHT = 0.3
#: Without vectors, an early sentence of a page (the definition) gets this prior, fading.
POSITION_PRIOR = 0.15
#: Sentences scoring within this of the best one are kept while there is room; weaker ones only
#: dilute the answer. Measured on knowledge/eval (172 questions): 0.12 kept ~430 characters and
#: dropped the list or definition a right answer needs (accuracy .564); 0.5 keeps ~780 (.733);
#: no margin at all fills every answer to the budget for no further gain.
MARGIN = 0.5
#: A page quoted in fewer characters reads on: the sentences after its best one in that
#: paragraph follow (a claim's explanation comes after it: "... to DNA. There are two strands").
MIN_CHARS = 600
#: A list question prefers the list in a page's opening section ("a backbone's six functions"
#: over "if you are thinking of becoming a backbone: ...") by this much.
OPENING_LIST_BONUS = 0.3
#: ... and a list its introduction counts out ("describes six functions:" and six items) by
#: this much: such a list enumerates the concept itself. Measured on knowledge/eval: 0.3 and
#: 0.5 answer the same questions; 0.5 also gets "backbone functions" (its items share no word
#: with the question, while every item of the other list says "backbone").
ANNOUNCED_LIST_BONUS = 0.5
#: A definition question lifts the page's first sentence by this much.
DEFINITION_BONUS = 0.25
#: A sentence opening with one of these leans on the one before it.
ANAPHORA = re.compile(
    r"^(it|its|this|that|these|those|they|their|them|such|both|each|neither|either|here|"
    r"he|she|his|her|so|but|however|instead|then|the two|the other|"
    r"esto|este|esta|estos|estas|eso|esa|ese|ello|ellos|ellas|su|sus|as[ií]|pero|"
    r"sin embargo|tambi[eé]n|ambos|ambas)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Page:
    """A page version an answer quotes (`lang` says which)."""

    slug: str
    lang: str
    title: str
    path: str
    level: str


@dataclass(frozen=True)
class Extract:
    """The quoted answer, the page versions it comes from (best first) and their language."""

    text: str
    pages: list[Page]
    lang: str


@lru_cache(maxsize=1024)
def _heading_terms(section: str) -> frozenset[str]:
    """Words of a section heading (few distinct headings: computed once each)."""
    return terms(section)


class _Scorer:
    """Scores and context rules over the candidate sentences of one question."""

    def __init__(self, index: SentenceIndex, question: str, vector: np.ndarray | None) -> None:
        self.index = index
        self.question = question
        self.words = terms(question)
        self.vector = vector
        self.score: dict[int, float] = {}
        self.rank: dict[str, int] = {}

    def order(self, rows: set[int] | list[int]) -> list[int]:
        """Reading order: the best page first, then each page from the top."""
        return sorted(rows, key=lambda r: (self.rank[self.index.sentences[r].slug], r))

    def add_page(self, lang: str, slug: str, rank: int) -> None:
        self.rank[slug] = rank
        rows = self.index.rows(lang, slug)
        weights = {w: self.index.idf(lang, w) for w in self.words}
        total = sum(weights.values()) or 1.0
        cosines = self.index.cosines(rows, self.vector)
        definition = rank == 0 and DEFINITION_QUESTION.search(self.question) is not None
        first_text = next((r for r in rows if self.index.sentences[r].kind == TEXT), None)
        for i, row in enumerate(rows):
            share = sum(weights[w] for w in self.words & self.index.terms[row]) / total
            if rank > 0 and share == 0:
                continue  # the second page only contributes sentences on the question's words
            meaning = float(cosines[i]) if cosines is not None else POSITION_PRIOR / (1 + i)
            heading = _heading_terms(self.index.sentences[row].section)
            in_section = sum(weights[w] for w in self.words & heading) / total
            score = meaning + WORD_WEIGHT * share + SECTION_WEIGHT * in_section
            if definition and row == first_text:
                score += DEFINITION_BONUS
            self.score[row] = score * (1.0 if rank == 0 else SECOND_DOCUMENT_WEIGHT)

    def block_rows(self, row: int) -> list[int]:
        s = self.index.sentences[row]
        rows = self.index.rows(s.lang, s.slug)
        return [r for r in rows if self.index.sentences[r].block == s.block]

    def context(self, row: int) -> list[int]:
        """`row` with what it needs to be read right: an item its list's introduction (the
        lead-in, or the sentence just before the list), a lead-in its items, a sentence opening
        with "It", "This", "They" ... the sentence before it, and a later sentence of a
        paragraph that opens with a short topic sentence that topic sentence."""
        s = self.index.sentences[row]
        block = self.block_rows(row)
        if s.kind == ITEM:
            leads = [r for r in block if self.index.sentences[r].kind == LEAD and r < row]
            if not leads:
                first = min(r for r in block if self.index.sentences[r].kind == ITEM)
                leads = [r for r in [first - 1] if self._introduces(r, s.section)]
            return [row, *(r for lead in leads for r in self._lean(lead))]
        group = self._lean(row)
        opening = min(block)
        topic = self.index.sentences[opening]
        if s.kind == TEXT and opening != row and len(topic.text) <= TOPIC_CHARS:
            group += self._lean(opening)
        if s.kind == LEAD:
            group += [r for r in block if self.index.sentences[r].kind == ITEM and r > row]
        return group

    def whole_list(self, row: int) -> list[int]:
        """Every item (and lead-in) of `row`'s list with the list's introduction; [] for a
        sentence that is not a list item."""
        if self.index.sentences[row].kind != ITEM:
            return []
        items = [r for r in self.block_rows(row) if self.index.sentences[r].kind == ITEM]
        return [r for item in items for r in self.context(item)]

    def _introduces(self, row: int, section: str) -> bool:
        if row < 0 or row >= len(self.index.sentences):
            return False
        s = self.index.sentences[row]
        return s.kind == TEXT and s.section == section

    def _lean(self, row: int, depth: int = 0) -> list[int]:
        """`row` and, when it opens with a pronoun, the sentence before it (twice at most)."""
        s = self.index.sentences[row]
        before = row - 1
        page = self.index.rows(s.lang, s.slug)
        leans = ANAPHORA.match(s.text) is not None and depth < 2 and before in page
        if leans and self.index.sentences[before].kind == TEXT:
            return [row, *self._lean(before, depth + 1)]
        return [row]

    def best_list(self) -> list[int]:
        """The list (lead-in + items) of the best page that fits a list question best."""
        wanted = asked_count(self.question)
        best: tuple[float, list[int]] | None = None
        seen: set[tuple[str, str, int]] = set()
        for row in self.score:
            s = self.index.sentences[row]
            if s.kind != ITEM or (s.lang, s.slug, s.block) in seen:
                continue
            seen.add((s.lang, s.slug, s.block))
            block = self.block_rows(row)
            items = [r for r in block if self.index.sentences[r].kind == ITEM]
            leads = [r for r in block if self.index.sentences[r].kind != ITEM]
            if len(items) < 2:
                continue
            # A list is as good as its introduction and its best items.
            before = min(items) - 1
            if before in self.score and self.index.sentences[before].section != s.section:
                before = -1  # the last sentence of another section introduces nothing here
            around = [r for r in (*leads, before) if r in self.score]
            fit = max((self.score[r] for r in around), default=0.0)
            fit += max(self.score.get(r, 0.0) for r in items)
            if wanted is not None and len(items) == wanted:
                fit += 1.0
            if s.section == self.index.sentences[self.index.rows(s.lang, s.slug)[0]].section:
                fit += OPENING_LIST_BONUS  # the list a page opens with is what it is about
            intro_text = " ".join(self.index.sentences[r].text for r in (*leads, before) if r >= 0)
            if asked_count(intro_text) == len(items):
                fit += ANNOUNCED_LIST_BONUS  # "six functions:" then six items: the concept's list
            if best is None or fit > best[0]:
                intro = leads[-1:] if leads else [r for r in around if r == before]
                best = (fit, self.order({*intro, *items}))
        return best[1] if best else []


def _render(index: SentenceIndex, rows: list[int]) -> str:
    """Rows (in reading order): a paragraph's sentences joined, list items one per line."""
    parts: list[str] = []
    last: tuple[str, int, str] | None = None
    for row in rows:
        s = index.sentences[row]
        if s.kind == ITEM:
            same = last is not None and last[:2] == (s.slug, s.block)
            parts.append(("\n" if same else "\n\n" if parts else "") + f"{s.marker} {s.text}")
        elif last is not None and last[:2] == (s.slug, s.block) and last[2] != ITEM:
            parts.append(" " + s.text)
        else:
            parts.append(("\n\n" if parts else "") + s.text)
        last = (s.slug, s.block, s.kind)
    return "".join(parts).strip()


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def extract(
    retrieval: Retrieval,
    index: SentenceIndex,
    *,
    lang: str = "en",
    max_chars: int = MAX_CHARS,
) -> Extract:
    """The answer (whole sentences, ≤ `max_chars`; a requested list may run to
    `MAX_LIST_CHARS`) from the best pages, in `lang` when that page version exists."""
    docs = retrieval.documents[:MAX_DOCUMENTS]
    if not docs:
        return Extract("", [], lang)
    page_lang = lang if index.has(lang, docs[0].slug) else "en"
    scorer = _Scorer(index, retrieval.question, retrieval.vector)
    for rank, doc in enumerate(docs):
        if index.has(page_lang, doc.slug):
            scorer.add_page(page_lang, doc.slug, rank)
    if not scorer.score:
        return Extract("", [], page_lang)
    chosen: list[int] = []
    limit = max_chars
    if LIST_QUESTION.search(retrieval.question):
        chosen = scorer.best_list()
        if chosen:
            limit = max(max_chars, min(MAX_LIST_CHARS, len(_render(index, chosen))))
            chosen = chosen if len(_render(index, chosen)) <= limit else []
    ranked = sorted(scorer.score, key=lambda r: -scorer.score[r])
    # The answer starts from the best page's best sentence; the second page only adds.
    first = next((r for r in ranked if scorer.rank[index.sentences[r].slug] == 0), ranked[0])
    ranked.remove(first)
    ranked.insert(0, first)
    best = scorer.score[first]
    for row in ranked:
        if scorer.score[row] < best - MARGIN and chosen:
            break
        if row in chosen or index.sentences[row].kind == LEAD:
            continue  # a lead-in alone promises a list; it comes with its items or not at all
        group = scorer.order({*chosen, *scorer.context(row)})
        # The best sentence being a list item means the list is the answer ("what does a
        # backbone do": its six functions): it comes whole when it fits. Later items only add
        # themselves, so a long list does not crowd out the sentences that answer.
        promised = any(r in chosen for r in scorer.context(row) if r != row)
        whole = (
            scorer.order({*group, *scorer.whole_list(row)}) if not chosen or promised else group
        )
        if len(_render(index, whole)) <= limit:
            chosen = whole
        elif whole != group and len(_render(index, whole)) <= MAX_LIST_CHARS:
            # The list is the answer: it comes whole, and the answer stops growing there.
            chosen = whole
            limit = len(_render(index, whole))
        elif len(_render(index, group)) <= limit:
            chosen = group
        elif not chosen and len(index.sentences[row].text) <= limit:
            chosen = [row]
    if not chosen:  # even the best sentence is longer than the budget: its beginning
        return _finish(index, [ranked[0]], _clip(index.sentences[ranked[0]].text, limit))
    for page in dict.fromkeys(index.sentences[r].slug for r in chosen):
        best_of_page = max(  # context rows (a lead-in, an intro) may carry no score
            (r for r in chosen if index.sentences[r].slug == page),
            key=lambda r: scorer.score.get(r, float("-inf")),
        )
        chosen = _read_on(scorer, chosen, best_of_page, limit)
    chosen = _name_command(scorer, chosen, limit)
    return _finish(index, chosen, _render(index, chosen))


def _name_command(scorer: _Scorer, chosen: list[int], limit: int) -> list[int]:
    """An answer from a page about Helix names the command that does it: when no quoted
    sentence of such a page names one ("/peers"), a sentence that does is added (with its
    context) if it fits: one of a quoted paragraph first, else the page's best-scoring one.
    "How do I find others working on food waste in Porto?" is answered by how matching works,
    and the asker still needs to know to type /peers."""
    index = scorer.index
    for page in dict.fromkeys(index.sentences[r].slug for r in chosen):
        rows = [r for r in chosen if index.sentences[r].slug == page]
        if index.sentences[rows[0]].level != HELIX_LEVEL:
            continue
        if any(COMMAND.search(index.sentences[r].text) for r in rows):
            continue
        naming = [r for r in scorer.score if index.sentences[r].slug == page]
        naming = [r for r in naming if COMMAND.search(index.sentences[r].text)]
        blocks = {index.sentences[r].block for r in rows}
        # The paragraph already quoted names the command best; else the page's best sentence.
        for row in sorted(
            naming, key=lambda r: (index.sentences[r].block not in blocks, -scorer.score[r])
        ):
            group = scorer.order({*chosen, *scorer.context(row)})
            if len(_render(index, group)) <= limit:
                chosen = group
                break
    return chosen


def _read_on(scorer: _Scorer, chosen: list[int], best: int, limit: int) -> list[int]:
    """A page quoted briefly goes on with the sentences after its best one in that paragraph
    (an explanation follows its claim: "... to DNA. There are two distinct strands ...")."""
    index = scorer.index
    page = index.sentences[best].slug

    def quoted() -> int:
        return len(_render(index, [r for r in chosen if index.sentences[r].slug == page]))

    for row in scorer.block_rows(best):
        if quoted() >= MIN_CHARS:
            break
        if row <= best or row in chosen:
            continue
        kind = index.sentences[row].kind
        # A list is quoted whole or not at all: a lead-in brings its items (its context).
        group = scorer.order({*chosen, *scorer.context(row)})
        if kind == ITEM or len(_render(index, group)) > limit:
            break
        chosen = group
        if kind == LEAD:
            break
    return chosen


def _finish(index: SentenceIndex, rows: list[int], text: str) -> Extract:
    """The extract with its pages in the order the rows are (best page first)."""
    pages: list[Page] = []
    for row in rows:
        s = index.sentences[row]
        if all(p.slug != s.slug for p in pages):
            pages.append(Page(s.slug, s.lang, s.title, s.path, s.level))
    return Extract(text, pages, pages[0].lang if pages else "en")
