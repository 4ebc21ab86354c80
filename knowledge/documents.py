"""Concept documents: Markdown files with YAML front matter, loaded and validated.

A document looks like::

    ---
    title: Production system
    aliases: [value chain, supply system]
    sources: ["Author (2021), Title"]
    confidence: established
    level: grounded
    ---
    # Production system
    ## What it is
    ...

Validation collects every problem with the file name in it, so an author fixing the knowledge base
sees all mistakes at once instead of one per run. The slug (file name without `.md`) is the
document's identity in the index and in the evaluation set, so slugs must be unique.

Translations live beside the English pages in a language folder (`es/<slug>.md`, the same slug):
a Spanish page is the Spanish version of its English page, never a document of its own, so it
is loaded into `LoadResult.translations` and must have an English page to translate. `level`
says whose reading a page gives (`LEVELS`); a page without one is of unknown level, which
answers treat as "not known to be Helix's own", never as Waddell's by default.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

FRONT_MATTER_FENCE = "---"
#: Language folders under the docs directory that hold translations of the English pages.
TRANSLATION_LANGUAGES = ("es",)
#: grounded: Waddell or other cited research says it; secondary: others' published work;
#: proposal: Helix's own reading or framework; about-helix: describes Helix itself.
LEVELS = ("grounded", "secondary", "proposal", "about-helix")


class DocumentError(ValueError):
    """One or more documents are malformed; the message names each file and what is wrong."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__("Malformed knowledge documents:\n- " + "\n- ".join(self.problems))


@dataclass(frozen=True)
class Document:
    """One concept document. `path` is the display path used in sources."""

    slug: str
    title: str
    aliases: tuple[str, ...]
    sources: tuple[str, ...]
    confidence: str
    body: str
    path: str
    level: str = ""
    lang: str = "en"


@dataclass
class LoadResult:
    """Valid documents plus one message per refused file."""

    documents: list[Document] = field(default_factory=list)
    translations: list[Document] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def raise_for_problems(self) -> None:
        if self.problems:
            raise DocumentError(self.problems)


def display_path(file: Path, docs_dir: Path) -> str:
    """Path shown to users: from the docs directory's grandparent (`knowledge/docs/x.md`)."""
    base = docs_dir.resolve().parent.parent
    try:
        return file.resolve().relative_to(base).as_posix()
    except ValueError:
        return file.resolve().as_posix()


def _split_front_matter(text: str) -> tuple[str, str] | None:
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        return None
    for end in range(1, len(lines)):
        if lines[end].strip() == FRONT_MATTER_FENCE:
            return "\n".join(lines[1:end]), "\n".join(lines[end + 1 :])
    return None


def _string_list(value: Any, name: str, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        problems.append(f"'{name}' must be a list of strings")
        return ()
    items: list[str] = []
    for item in value:
        if isinstance(item, dict):
            # A structured citation ({title, url, ...}) is shown as "title — url".
            item = " — ".join(str(v) for v in item.values() if v)
        if not isinstance(item, str | int | float) or not str(item).strip():
            problems.append(f"'{name}' must contain only non-empty strings")
            continue
        items.append(str(item).strip())
    return tuple(items)


def parse_document(text: str, *, slug: str, path: str, lang: str = "en") -> Document:
    """Parse one document's text; raises `DocumentError` naming `path` on any problem."""
    problems: list[str] = []
    parts = _split_front_matter(text)
    if parts is None:
        raise DocumentError([f"{path}: missing YAML front matter between '---' lines"])
    head, body = parts
    try:
        meta = yaml.safe_load(head) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        raise DocumentError([f"{path}: front matter is not valid YAML{where}"]) from None
    if not isinstance(meta, dict):
        raise DocumentError([f"{path}: front matter must be a mapping of fields"])
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append("'title' is required and must be a non-empty string")
        title = ""
    aliases = _string_list(meta.get("aliases"), "aliases", problems)
    sources = _string_list(meta.get("sources"), "sources", problems)
    confidence = meta.get("confidence", "")
    if not isinstance(confidence, str):
        problems.append("'confidence' must be a string")
        confidence = ""
    level = meta.get("level", "")
    if level and level not in LEVELS:
        problems.append(f"'level' must be one of {', '.join(LEVELS)}")
        level = ""
    if not body.strip():
        problems.append("the body is empty")
    elif not any(line.startswith("#") for line in body.splitlines()):
        problems.append("the body has no '# Title' or '##' section headings")
    if problems:
        raise DocumentError(f"{path}: {p}" for p in problems)
    return Document(
        slug=slug,
        title=str(title).strip(),
        aliases=aliases,
        sources=sources,
        confidence=confidence.strip(),
        body=body.strip() + "\n",
        path=path,
        level=str(level or ""),
        lang=lang,
    )


def _language_of(file: Path, docs_dir: Path) -> str:
    """`es` for `docs_dir/es/...`, else `en` (a topic folder such as `core/` is English)."""
    parts = file.relative_to(docs_dir).parts
    return parts[0] if len(parts) > 1 and parts[0] in TRANSLATION_LANGUAGES else "en"


def load_documents(docs_dir: Path) -> LoadResult:
    """Load every `**/*.md` under `docs_dir` (sorted, so ids and hashes are reproducible);
    pages in a language folder are translations of the English page with the same slug."""
    result = LoadResult()
    if not docs_dir.is_dir():
        result.problems.append(f"{docs_dir}: the knowledge documents directory does not exist")
        return result
    seen: dict[tuple[str, str], str] = {}
    pending: list[Document] = []
    for file in sorted(docs_dir.rglob("*.md")):
        shown = display_path(file, docs_dir)
        slug, lang = file.stem, _language_of(file, docs_dir)
        if (lang, slug) in seen:
            result.problems.append(f"{shown}: slug {slug!r} is already used by {seen[lang, slug]}")
            continue
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            result.problems.append(f"{shown}: cannot be read as UTF-8 text ({exc})")
            continue
        try:
            doc = parse_document(text, slug=slug, path=shown, lang=lang)
        except DocumentError as exc:
            result.problems.extend(exc.problems)
            continue
        seen[lang, slug] = shown
        (result.documents if lang == "en" else pending).append(doc)
    english = {d.slug for d in result.documents}
    for doc in pending:
        if doc.slug in english:
            result.translations.append(doc)
        else:
            result.problems.append(f"{doc.path}: no English page {doc.slug}.md to translate")
    return result
