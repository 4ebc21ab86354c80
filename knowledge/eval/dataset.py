"""Read the evaluation sets, refusing malformed entries with the file name in the message.

An in-domain question names the pages that answer it (`expected`, for hit@k) and, since issue 10,
the facts a right answer must state (`facts`: regular expressions, matched case-insensitively,
all required). Retrieval can find the right page while the answer still misses the point, so the
facts are what answer accuracy is scored on. `lang` is `en` (the default) or `es`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

EVAL_DIR = Path(__file__).resolve().parent
QUESTIONS = EVAL_DIR / "questions.yaml"
OFFTOPIC = EVAL_DIR / "offtopic.yaml"
KINDS = ("offtopic", "injection")
LANGS = ("en", "es")


def is_helix_page(slug: str) -> bool:
    """Pages about Helix itself (commands, interview, digests, privacy), not about a concept."""
    return slug.startswith("helix-") or slug == "using-helix"


@dataclass(frozen=True)
class Question:
    """An in-domain question, the document slugs that answer it (any one counts) and the facts
    (case-insensitive patterns) its answer must all contain."""

    q: str
    expected: tuple[str, ...]
    facts: tuple[str, ...] = ()
    lang: str = "en"

    @property
    def about_helix(self) -> bool:
        """Asked about Helix itself: its best answer is a Helix page."""
        return is_helix_page(self.expected[0])


@dataclass(frozen=True)
class OffTopic:
    """A question the assistant must decline; `kind` is offtopic or injection."""

    q: str
    kind: str


def _entries(path: Path, key: str) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    items = data.get(key) if isinstance(data, dict) else None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ValueError(f"{path.name}: expected '{key}:' followed by a list of mappings")
    return items


def _facts(path: Path, n: int, raw: Any) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(f, str) and f.strip() for f in raw):
        raise ValueError(f"{path.name}: question {n}: 'facts' must be a list of patterns")
    for fact in raw:
        try:
            re.compile(fact, re.IGNORECASE)
        except re.error as exc:
            message = f"{path.name}: question {n}: fact {fact!r} is not a regex: {exc}"
            raise ValueError(message) from exc
    return tuple(raw)


def load_questions(path: Path = QUESTIONS) -> list[Question]:
    out = []
    for n, item in enumerate(_entries(path, "questions"), start=1):
        q, expected = item.get("q"), item.get("expected")
        if isinstance(expected, str):
            expected = [expected]
        if (
            not isinstance(q, str)
            or not q.strip()
            or not isinstance(expected, list)
            or not expected
        ):
            raise ValueError(f"{path.name}: question {n} needs 'q' and a non-empty 'expected'")
        lang = item.get("lang", "en")
        if lang not in LANGS:
            raise ValueError(f"{path.name}: question {n}: 'lang' must be one of {LANGS}")
        facts = _facts(path, n, item.get("facts"))
        out.append(Question(q.strip(), tuple(str(e) for e in expected), facts, str(lang)))
    return out


def load_offtopic(path: Path = OFFTOPIC) -> list[OffTopic]:
    out = []
    for n, item in enumerate(_entries(path, "offtopic"), start=1):
        q, kind = item.get("q"), item.get("kind", "offtopic")
        if not isinstance(q, str) or not q.strip() or kind not in KINDS:
            raise ValueError(f"{path.name}: entry {n} needs 'q' and kind offtopic|injection")
        out.append(OffTopic(q.strip(), str(kind)))
    return out
