"""What /digest shows: the settings in words, their buttons, and typed time zones made IANA names.

Kept apart from the handlers so the screen is one pure function of `DigestSettings` (tested
without Telegram), and so the handlers only decide *which* screen to show. Every button carries
a fixed `ds:` payload from `bot.telegram.callbacks`; the numbers in it are checked again by
`update_digest_settings`, so a forged day or hour is refused there, not trusted here.

Time zones: leaders type what they know, a city ("Lisbon", "São Paulo", "new york") or a zone
("america/lima"); `find_zone` maps both onto the IANA database that `zoneinfo` ships with, so
nothing outside the standard library is needed. Cities outside that database (a zone is named
after one large city) get a friendly "try a larger city near you".
"""

from __future__ import annotations

import unicodedata
from functools import cache
from zoneinfo import available_timezones

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram import callbacks
from bot.telegram.render import esc
from intake.i18n import t
from intake.storage.digests import DigestSettings

HOURS_PER_ROW = 6
DAYS_PER_ROW = 7


def fold(text: str) -> str:
    """Lower case, no accents, spaces for underscores: how typed and listed names compare."""
    plain = unicodedata.normalize("NFKD", text.strip())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return " ".join(plain.replace("_", " ").replace("-", " ").lower().split())


@cache
def _zones() -> tuple[dict[str, str], dict[str, str]]:
    """(folded full name -> zone, folded city -> zone); canonical regions win over aliases."""
    full: dict[str, str] = {}
    city: dict[str, str] = {}
    for zone in sorted(
        available_timezones(), key=lambda z: (z.startswith("Etc/"), "/" not in z, z)
    ):
        full.setdefault(fold(zone), zone)
        city.setdefault(fold(zone.rsplit("/", 1)[-1]), zone)
    return full, city


def find_zone(text: str) -> str | None:
    """The IANA zone a leader means by `text` (a zone name or its city), or None."""
    wanted = fold(text)
    if not wanted or len(wanted) > 60:
        return None
    full, city = _zones()
    return full.get(wanted) or city.get(wanted)


def weekday_name(weekday: int, lang: str) -> str:
    return t("outreach.weekdays", lang).split("|")[weekday]


def summary_html(settings: DigestSettings, lang: str) -> str:
    """The leader's settings in a few lines of Telegram HTML."""
    hour = f"{settings.hour:02d}:00"
    if settings.frequency == "weekly":
        when = t(
            "outreach.settings.weekly", lang, day=weekday_name(settings.weekday, lang), hour=hour
        )
    elif settings.frequency == "monthly":
        when = t("outreach.settings.monthly", lang, day=settings.month_day, hour=hour)
    else:
        when = t("outreach.settings.off", lang)
    lines = [
        f"<b>{esc(t('outreach.settings.heading', lang))}</b>",
        esc(when),
        esc(t("outreach.settings.zone", lang, zone=settings.timezone)),
        esc(t(f"outreach.settings.quiet_{settings.quiet}", lang)),
        "",
        esc(t("outreach.settings.hint", lang)),
    ]
    return "\n".join(lines)


def _button(label: str, arg: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=callbacks.encode(callbacks.SETTINGS, arg))


def _ticked(label: str, on: bool) -> str:
    return f"✅ {label}" if on else label


def settings_markup(settings: DigestSettings, lang: str) -> InlineKeyboardMarkup:
    """Frequency, then day and hour (when there is a schedule), zone and quiet week, preview."""
    frequencies = [
        _button(_ticked(t(f"outreach.button.{name}", lang), settings.frequency == name), code)
        for name, code in (
            ("weekly", callbacks.SET_WEEKLY),
            ("monthly", callbacks.SET_MONTHLY),
            ("off", callbacks.SET_OFF),
        )
    ]
    rows = [frequencies]
    if settings.frequency != "off":
        rows.append(
            [
                _button(t("outreach.button.day", lang), callbacks.SET_DAY),
                _button(t("outreach.button.hour", lang), callbacks.SET_HOUR),
            ]
        )
    quiet_next = callbacks.SET_QUIET_SKIP if settings.quiet == "note" else callbacks.SET_QUIET_NOTE
    rows.append(
        [
            _button(t("outreach.button.zone", lang), callbacks.SET_ZONE),
            _button(t(f"outreach.button.quiet_{settings.quiet}", lang), quiet_next),
        ]
    )
    rows.append([_button(t("outreach.button.preview", lang), callbacks.SET_PREVIEW)])
    return InlineKeyboardMarkup(rows)


def _grid(buttons: list[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def day_picker(settings: DigestSettings, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    """Weekdays for a weekly digest, 1..28 for a monthly one (every month has a 28th)."""
    if settings.frequency == "monthly":
        buttons = [
            _button(_ticked(str(day), day == settings.month_day), f"{callbacks.SET_DAY}{day}")
            for day in range(1, 29)
        ]
        return t("outreach.pick.day_month", lang), InlineKeyboardMarkup(_grid(buttons, 7))
    names = t("outreach.weekdays", lang).split("|")
    buttons = [
        _button(_ticked(name, n == settings.weekday), f"{callbacks.SET_DAY}{n}")
        for n, name in enumerate(names)
    ]
    return t("outreach.pick.day_week", lang), InlineKeyboardMarkup(_grid(buttons, 2))


def hour_picker(settings: DigestSettings, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    buttons = [
        _button(_ticked(f"{h:02d}", h == settings.hour), f"{callbacks.SET_HOUR}{h}")
        for h in range(24)
    ]
    return t("outreach.pick.hour", lang, zone=settings.timezone), InlineKeyboardMarkup(
        _grid(buttons, HOURS_PER_ROW)
    )
