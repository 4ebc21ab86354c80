"""How both chat surfaces tell a leader who else works on their issue (plain text lines).

The same words on Telegram and in the terminal: a heading naming the leader's initiative, the
top peers with their reasons, and a line on privacy (only initiatives whose leaders agreed to be
listed, never contact details). Each surface escapes the lines for its own markup.
"""

from __future__ import annotations

from analysis.changesystems import LeaderPeers
from intake.i18n import t


def peers_lines(found: LeaderPeers, lang: str) -> list[str]:
    """What to say for `/peers` (and after Submit); never empty."""
    if found.initiative is None:
        return [t("peers.not_submitted", lang)]
    if not found.peers:
        return [t("peers.none", lang, name=found.initiative.name), t("peers.privacy", lang)]
    lines = [t("peers.heading", lang, name=found.initiative.name)]
    for rank, peer in enumerate(found.peers, start=1):
        lines.append(f"{rank}. {peer.name}")
        lines.extend(f"   · {reason}" for reason in peer.reasons)
    lines.append(t("peers.privacy", lang))
    return lines
