"""Localized system messages for every surface.

Catalogs live in `intake/locales/*.yaml`, one file per owner (engine, bot, chat, knowledge), each a
mapping `key -> {language: text}`. Texts use `str.format` fields. A missing language falls back to
English so a half-translated key never leaves a user without an answer; the form linter reports it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

LOCALES_DIR = Path(__file__).with_name("locales")
DEFAULT_LANGUAGE = "en"
LANGUAGES: tuple[str, ...] = ("en", "es")


class CatalogError(ValueError):
    """A catalog file is malformed or two files define the same key."""


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, str]]:
    """Load and merge every catalog file once per process."""
    merged: dict[str, dict[str, str]] = {}
    origin: dict[str, str] = {}
    for path in sorted(LOCALES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise CatalogError(f"{path.name}: expected a mapping of message keys")
        for key, texts in data.items():
            if key in merged:
                raise CatalogError(f"{path.name}: key {key!r} is already defined in {origin[key]}")
            if not isinstance(texts, dict) or not all(isinstance(v, str) for v in texts.values()):
                raise CatalogError(f"{path.name}: {key!r} must map languages to texts")
            merged[str(key)] = {str(lang): text for lang, text in texts.items()}
            origin[str(key)] = path.name
    return merged


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **kwargs: Any) -> str:
    """Return the message `key` in `lang` (falling back to English), formatted with `kwargs`."""
    texts = catalog().get(key)
    if texts is None:
        raise KeyError(f"unknown message key {key!r}")
    text = texts.get(lang) or texts[DEFAULT_LANGUAGE]
    return text.format(**kwargs) if kwargs else text


def missing_translations() -> list[tuple[str, str]]:
    """(key, language) pairs that have no text; the linter and tests report them."""
    texts_by_key = catalog().items()
    return [
        (key, lang) for key, texts in texts_by_key for lang in LANGUAGES if not texts.get(lang)
    ]
