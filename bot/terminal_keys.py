"""The terminal's key line: what can be typed on the screen shown, in the terminal's own words.

The terminal has no buttons, so every screen ends with the keys and commands that work there;
the same keys are listed in `/help` (chat.help), which a test holds to.
"""

from __future__ import annotations

from intake.engine import Prompt
from intake.i18n import t


def keys_line(prompt: Prompt, lang: str) -> str:
    """The keys that work on this screen, shown under it (every one of them is in /help)."""
    if prompt.kind == "repeat_menu":
        return t("chat.keys_repeat", lang)
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
    if prompt.terms:
        keys.append("/explain")
    keys += ["/review", "/help"]
    return " · ".join(keys)
