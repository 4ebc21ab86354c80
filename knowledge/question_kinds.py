"""What kind of answer a question asks for, read from its wording (English and Spanish).

A list question ("the seven tasks", "what will be in the digest", "hekkert functions") gets a
list whole; a definition question ("what's a backbone?") starts from the page's definition; a
number the question names ("the five conditions") picks the list with that many items. Kept
apart from `extractive`, which decides what to quote once the kind is known.
"""

from __future__ import annotations

import re

NUMBERS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
    "ocho": 8, "nueve": 9, "diez": 10,
}  # fmt: skip
_COUNTED = r"(\d{1,2}|" + "|".join(NUMBERS) + r")\s+[a-záéíóúñ-]+s\b"
LIST_QUESTION = re.compile(
    r"\b(list|enumerate|name (all|the)|what are the|which are the|what were the|"
    r"qu[eé] son (los|las)|"
    r"cu[aá]les son|enumera|nombra|(what|which) (types|kinds|functions|stages)|"
    r"what (will|would|does it|do they) (be in|contain|include|hold)|"
    r"what (can|does) (\w+\s){1,3}do(?=\W*$)|"
    r"qu[eé] (trae|contiene|incluye|lleva)|(what|which) stage|(en )?qu[eé] etapa|"
    r"qu[eé] (tipos|funciones|etapas))\b|^the\s+\w+s\b|"
    r"\b(functions|stages|tasks|conditions|steps|principles|funciones|etapas|tareas)(?=\W*$)|"
    + _COUNTED,
    re.IGNORECASE,
)
DEFINITION_QUESTION = re.compile(
    r"^\W*(what\s*(i|')?s|whats|wat is|what are|define|definition of|meaning of|"
    r"qu[eé] (es|son)|qu[eé] significa|define)\b",
    re.IGNORECASE,
)


def asked_count(question: str) -> int | None:
    """The number a question names ("the seven tasks" -> 7), if any."""
    match = re.search(_COUNTED, question, re.IGNORECASE)
    if match is None:
        return None
    word = match.group(1).lower()
    return int(word) if word.isdigit() else NUMBERS.get(word)
