"""Read the evaluation sets, refusing malformed entries with the file name in the message."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

EVAL_DIR = Path(__file__).resolve().parent
QUESTIONS = EVAL_DIR / "questions.yaml"
OFFTOPIC = EVAL_DIR / "offtopic.yaml"
KINDS = ("offtopic", "injection")


@dataclass(frozen=True)
class Question:
    """An in-domain question and the document slugs that answer it (any one counts)."""

    q: str
    expected: tuple[str, ...]


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
        out.append(Question(q.strip(), tuple(str(e) for e in expected)))
    return out


def load_offtopic(path: Path = OFFTOPIC) -> list[OffTopic]:
    out = []
    for n, item in enumerate(_entries(path, "offtopic"), start=1):
        q, kind = item.get("q"), item.get("kind", "offtopic")
        if not isinstance(q, str) or not q.strip() or kind not in KINDS:
            raise ValueError(f"{path.name}: entry {n} needs 'q' and kind offtopic|injection")
        out.append(OffTopic(q.strip(), str(kind)))
    return out
