"""Which language a question is in: English or Spanish, offline, from a handful of signals.

A question is a line or two, too short for a statistical detector to be reliable and not worth
a model. Spanish marks itself well: inverted question marks, ñ and accented vowels, and a
small set of function words English never uses ("qué", "cómo", "los", "una", "para"). English
has its own ("what", "the", "how", "does"). Each side counts its words; punctuation and
letters add to Spanish. A tie, or no signal at all ("SCS?"), is English, the language the
knowledge base is written in. Domain terms are never counted, so "what is a sistema de
producción" (an English question naming a Spanish term) stays English.
"""

from __future__ import annotations

import re

LANGUAGES = ("en", "es")
WORD = re.compile(r"[a-záéíóúüñ]+", re.IGNORECASE)
#: Words that are function words in one language and not words at all (or rare) in the other.
_SPANISH = """
    qué que cómo como cuál cuáles quién quiénes dónde donde cuándo cuando cuánto cuántos
    por para porque es son está están estar ser hay tiene tienen puedo puede pueden podemos
    el la los las un una unos unas del al lo le les se su sus mi mis tu tus nuestro nuestra
    nuestros nuestras y o pero con sin sobre entre también muy más menos otro otra otros otras
    este esta estos estas ese esa eso esto hacer hago hace hacemos significa quiere decir
    sirve funciona ayuda diferencia cual sí yo nosotros ellos ellas usted quiero quieres
    nadie nada alguien algo
"""
_ENGLISH = """
    what whats how why who whom which where when does do did is are was were the an of to
    and or but with without about for from my our your their this that these those it its
    can could should would will i we you they there here much many more less mean means
    difference between work works help
"""
SPANISH_WORDS = frozenset(_SPANISH.split())
ENGLISH_WORDS = frozenset(_ENGLISH.split())
#: "a" and "no" are words in both; they are left out above on purpose.
SPANISH_MARKS = re.compile(r"[¿¡ñÑ]|[a-z][áéíóú]|[áéíóú][a-z]", re.IGNORECASE)


def detect_language(text: str) -> str:
    """`es` when the text reads as Spanish, else `en`."""
    words = [w.lower() for w in WORD.findall(text)]
    spanish = sum(1 for w in words if w in SPANISH_WORDS)
    english = sum(1 for w in words if w in ENGLISH_WORDS)
    marks = len(SPANISH_MARKS.findall(text))
    spanish += min(marks, 2)
    return "es" if spanish > english else "en"
