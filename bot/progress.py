"""The progress line both surfaces show above a question: "Section 2 of 6 · 3 questions left".

It reads only the engine's section count and what is left in the section (never the old
"25 of about 38", which stood still inside lists and grew as answers opened follow-ups), so
Telegram and the terminal say the same thing in the same words.
"""

from __future__ import annotations

from intake.engine import Prompt
from intake.i18n import t


def progress_line(prompt: Prompt, lang: str) -> str | None:
    """The line, e.g. "Section 2 of 6 · 3 questions left · Goals"; None without progress.

    Nothing is said about questions left when none are (a list menu between entries)."""
    progress = prompt.progress
    if progress is None:
        return None
    parts = [
        t(
            "bot.progress.section",
            lang,
            index=progress.section_index,
            total=progress.section_total,
        )
    ]
    if progress.left > 0:
        key = "bot.progress.left_one" if progress.left == 1 else "bot.progress.left"
        parts.append(t(key, lang, count=progress.left))
    parts.append(progress.section)
    return " · ".join(parts)
