"""A composed digest's buttons as an inline keyboard (callback data from `callbacks`)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from analysis.digest import Digest, DigestButton
from bot.telegram import callbacks

_CODES = {
    "introduce": callbacks.DIGEST_INTRODUCE,
    "not_relevant": callbacks.DIGEST_NOT_RELEVANT,
    "pause": callbacks.DIGEST_PAUSE,
}


def button_data(button: DigestButton) -> str:
    """`dg:i12`, `dg:n12`, `dg:p`."""
    arg = _CODES[button.action] + (
        "" if button.initiative_id is None else str(button.initiative_id)
    )
    return callbacks.encode(callbacks.DIGEST, arg)


def digest_markup(digest: Digest) -> InlineKeyboardMarkup | None:
    """The keyboard under a digest, or None when it has no buttons."""
    rows = [
        [InlineKeyboardButton(b.label, callback_data=button_data(b)) for b in row]
        for row in digest.buttons
        if row
    ]
    return InlineKeyboardMarkup(rows) if rows else None
