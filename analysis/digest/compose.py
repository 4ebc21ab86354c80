"""A digest's words and buttons from its data: pure, so every rule is tested without a bot.

Telegram HTML with every text escaped as a whole (`html.escape` over the catalog sentence with
the user's words already inside), so no name can open a tag. Each user text is shortened
*before* escaping, so a cut never splits an entity. The message must fit Telegram's 4096 UTF-16
units: when it does not, whole list items are dropped, least important first (the oldest
newcomers, then offered needs, then extra reasons), never characters from the middle of a tag.

The clock comes in as `now`: the period (and its label) is the one `now` falls in, in the
leader's own time zone.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from analysis.digest.content import Action, Digest, DigestButton
from analysis.digest.data import DigestData, Entry, PeerItem, need_label
from analysis.digest.periods import WEEKLY, period_of
from intake.i18n import t

LIMIT = 4096
"""Telegram's message limit, in UTF-16 code units (what Telegram counts)."""
BUTTON_CHARS = 60
NAME_CHARS = 60
ISSUE_CHARS = 80
REASON_CHARS = 140
MAX_NEW = 8
MAX_REASONS = 3


def compose(data: DigestData, now: datetime) -> Digest | None:
    """The digest for the period `now` is in; a quiet note, or None for "skip" when quiet."""
    lang = data.language
    period = period_of(data.frequency, now, ZoneInfo(data.timezone))
    label = period_label(period, lang)
    pause = [DigestButton("pause", t("digest.button.pause", lang))]
    if not data.has_news:
        if data.quiet_choice == "skip":
            return None
        return Digest(data.leader_id, period, lang, _quiet(data, label), [pause], quiet=True)
    shown = _Shown(
        new=min(len(data.new), MAX_NEW),
        needs=len(data.needs),
        reasons=MAX_REASONS,
        peers=len(data.peers),
        gaps=len(data.gaps),
        snapshot=int(data.snapshot is not None),
    )
    text = _render(data, label, shown)
    while utf16_len(text) > LIMIT:
        smaller = shown.shrink()
        if smaller is None:  # unreachable: header and footer alone are far below the limit
            raise ValueError("a digest header does not fit in one Telegram message")
        shown = smaller
        text = _render(data, label, shown)
    rows = [_peer_row(peer, lang) for peer in data.peers[: shown.peers]]
    return Digest(data.leader_id, period, lang, text, [*rows, pause])


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def shorten(text: str, limit: int) -> str:
    """Whitespace collapsed and cut at a word to at most `limit` characters (with "…")."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"


def period_label(period: str, lang: str) -> str:
    """`2026-W49` -> "week 49", `2026-12` -> "December 2026" (in the leader's language)."""
    year, _, rest = period.partition("-")
    if rest.startswith("W"):
        return t("digest.period.week", lang, week=int(rest[1:]), year=year)
    month = t("digest.months", lang).split(",")[int(rest) - 1]
    return t("digest.period.month", lang, month=month, year=year)


@dataclass(frozen=True)
class _Shown:
    """How many items of each list the text shows; shrunk step by step until it fits."""

    new: int
    needs: int
    reasons: int
    peers: int
    gaps: int
    snapshot: int  # 1: shown, 0: left out

    #: (field, floor) in the order items are given up: least important first.
    _ORDER = (
        ("new", 2),
        ("needs", 1),
        ("reasons", 1),
        ("new", 0),
        ("needs", 0),
        ("peers", 1),
        ("gaps", 0),
        ("snapshot", 0),
        ("peers", 0),
    )

    def shrink(self) -> _Shown | None:
        for name, floor in self._ORDER:
            value: int = getattr(self, name)
            if value > floor:
                return replace(self, **{name: value - 1})
        return None


def _e(key: str, lang: str, **fields: object) -> str:
    """A catalog sentence with the fields in it, escaped as a whole."""
    return html.escape(t(key, lang, **fields))


def _heading(key: str, lang: str) -> str:
    return f"<b>{_e(key, lang)}</b>"


def _name(text: str) -> str:
    return html.escape(shorten(text, NAME_CHARS))


def _render(data: DigestData, label: str, shown: _Shown) -> str:
    lang = data.language
    parts = [_header(data, label)]
    if shown.new:
        parts.append(_new(data, shown.new))
    if shown.peers:
        parts.append(_peers(data.peers[: shown.peers], shown.reasons, lang))
    if shown.needs:
        lines = [_heading("digest.needs.heading", lang)]
        for match in data.needs[: shown.needs]:
            names = ", ".join(_name(e.name) for e in match.offered_by)
            said = shorten(need_label(match.need, lang) or match.need, NAME_CHARS)
            need = html.escape(said[:1].upper() + said[1:])
            lines.append(f"• {need}: {names}")
        parts.append("\n".join(lines))
    if shown.gaps:
        lines = [_heading("digest.gaps.heading", lang)]
        for gap in data.gaps[: shown.gaps]:
            what = t(f"digest.{gap.kind}.{gap.name}", lang)
            lines.append("• " + _e(f"digest.gap.{gap.kind}", lang, **{gap.kind: what}))
        parts.append("\n".join(lines))
    if shown.snapshot:
        parts.append(_snapshot(data, lang))
    parts.append(f"<i>{_e('digest.privacy', lang)}</i>")
    return "\n\n".join(parts)


def _header(data: DigestData, label: str) -> str:
    lang = data.language
    fields = {
        "initiative": shorten(data.initiative_name, NAME_CHARS),
        "issue": shorten(data.issue, ISSUE_CHARS),
    }
    if data.leader_name and data.leader_name.strip():
        greeting = _e(
            "digest.greeting", lang, name=shorten(data.leader_name, NAME_CHARS), **fields
        )
    else:
        greeting = _e("digest.greeting.unnamed", lang, **fields)
    return f"<b>{_e('digest.title', lang, period=label)}</b>\n{greeting}"


def _new(data: DigestData, count: int) -> str:
    lang = data.language
    key = "digest.new.heading.first" if data.first else "digest.new.heading"
    lines = [_heading(key, lang)]
    lines += [_entry_line(entry) for entry in data.new[:count]]
    if len(data.new) > count:
        lines.append(_e("digest.more", lang, count=len(data.new) - count))
    return "\n".join(lines)


def _entry_line(entry: Entry) -> str:
    return f"• <b>{_name(entry.name)}</b> ({html.escape(shorten(entry.issue, ISSUE_CHARS))})"


def _peers(peers: list[PeerItem], reasons: int, lang: str) -> str:
    lines = [_heading("digest.peers.heading", lang)]
    for n, peer in enumerate(peers, 1):
        said = [html.escape(shorten(r, REASON_CHARS)) for r in peer.reasons[:reasons]]
        line = f"{n}. <b>{_name(peer.entry.name)}</b>"
        lines.append(f"{line}: {'; '.join(said)}" if said else line)
    if any(peer.introduce for peer in peers):
        lines.append(f"<i>{_e('digest.peers.how', lang)}</i>")
    return "\n".join(lines)


def _snapshot(data: DigestData, lang: str) -> str:
    snap = data.snapshot
    assert snap is not None
    if snap.initiatives == 1:
        size = t("digest.snapshot.initiatives.one", lang)
    else:
        size = t("digest.snapshot.initiatives", lang, count=snap.initiatives)
    if snap.bridged is None:
        bridged = t("digest.snapshot.bridged.unknown", lang)
    else:
        bridged = t("digest.snapshot.bridged", lang, share=round(100 * snap.bridged))
    if snap.tasks_covered is None:
        tasks = t("digest.snapshot.tasks.unknown", lang)
    else:
        tasks = t(
            "digest.snapshot.tasks", lang, covered=snap.tasks_covered, total=snap.tasks_total
        )
    lines = [_heading("digest.snapshot.heading", lang)]
    lines += [f"• {html.escape(item)}" for item in (size, bridged, tasks)]
    return "\n".join(lines)


def _quiet(data: DigestData, label: str) -> str:
    lang = data.language
    key = "digest.quiet.weekly" if data.frequency == WEEKLY else "digest.quiet.monthly"
    note = _e(key, lang, issue=shorten(data.issue, ISSUE_CHARS))
    return f"<b>{_e('digest.title', lang, period=label)}</b>\n{note}"


def _peer_row(peer: PeerItem, lang: str) -> list[DigestButton]:
    """["Introduce me: <name>"] where allowed, then ["Not relevant: <name>"]."""
    entry = peer.entry
    row = []
    if peer.introduce:
        row.append(_button("introduce", "digest.button.introduce", entry, lang))
    row.append(_button("not_relevant", "digest.button.not_relevant", entry, lang))
    return row


def _button(action: Action, key: str, entry: Entry, lang: str) -> DigestButton:
    """A label of at most `BUTTON_CHARS`, the peer's name shortened to what is left."""
    room = BUTTON_CHARS - len(t(key, lang, name=""))
    label = t(key, lang, name=shorten(entry.name, max(room, 8)))
    return DigestButton(action, label, entry.initiative_id)
