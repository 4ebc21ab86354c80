"""The terminal's key line: what can be typed on the screen shown, in the terminal's own words.

The terminal has no buttons, so every screen ends with the keys and commands that work there;
the same keys are listed in `/help` (chat.help), which a test holds to.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.explain import topics
from intake.engine import OfferView, Prompt
from intake.engine.matching import fold
from intake.i18n import t


def keys_line(prompt: Prompt, lang: str) -> str:
    """The keys that work on this screen, shown under it (every one of them is in /help)."""
    explained = topics(prompt, lang)
    explain = ["/explain N" if len(explained) > 1 else "/explain"] if explained else []
    if prompt.kind == "repeat_menu":
        return " · ".join([t("chat.keys_repeat", lang), *explain])
    if prompt.kind == "review" and prompt.can_continue:
        return f"{t('chat.keys_continue', lang)} · {t('chat.keys_review', lang)}"
    if prompt.kind == "review" or (prompt.kind == "submitted" and prompt.review):
        return t("chat.keys_review", lang)
    if prompt.kind in ("submitted", "cancelled"):
        return ""
    keys = []
    if prompt.question_type == "note":
        keys.append(t("chat.keys_note", lang))
    elif prompt.question_type == "select_multiple":
        keys.append(t("chat.keys_multi", lang))
    elif prompt.choices:
        keys.append(t("chat.keys_single", lang))
    if prompt.can_back:
        keys.append("/back")
    if prompt.can_skip:
        keys.append("/skip")
    keys += explain
    keys += ["/review", "/help"]
    return " · ".join(keys)


def offer_for(text: str, offers: Sequence[OfferView]) -> OfferView | None:
    """The deep dive a typed line names on the sent screen: its number ("2"), or a word or the
    start of a word of its title ("strategy", "org", "perfil"); None unless exactly one fits, so
    a word two titles share never takes the wrong part."""
    typed = fold(text)
    if typed.isdecimal():
        number = int(typed)
        return offers[number - 1] if 1 <= number <= len(offers) else None
    if not typed:
        return None
    fits = [
        offer
        for offer in offers
        if fold(offer.label) == typed
        or any(word.startswith(typed) for word in fold(offer.label).split() if len(typed) >= 3)
    ]
    return fits[0] if len(fits) == 1 else None
