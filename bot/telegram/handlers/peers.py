"""Who else works on my issue: /peers for leaders (also shown right after Submit), /map for admins.

Finding peers reads every initiative and their cached vectors, so it runs in a worker thread.
If it cannot run (the embedding model or the vector store is unavailable) the leader hears so
in one line and nothing else changes. Leaders see only initiatives whose leaders agreed to be
listed, and no contact details; the map is for admins, who see the whole network.
"""

from __future__ import annotations

import io
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from telegram.ext import CommandHandler, filters

from analysis.changesystems import ChangeSystems
from analysis.clusters import Cluster
from analysis.maps import NotEnoughData, render_map
from bot.peers import peers_lines
from bot.telegram.context import HelixApp
from bot.telegram.turns import Turn, admin_only, off_loop, user_turn
from intake.i18n import t

log = logging.getLogger(__name__)


async def show_peers(turn: Turn) -> None:
    """Tell the leader who else works on their issue (or why that is not possible now)."""
    try:
        found = await off_loop(turn.services.leader_peers, turn.key, turn.lang)
    except Exception:  # matching is a bonus: its failure must never break the conversation
        log.exception("finding peers failed")
        await turn.say(t("peers.unavailable", turn.lang))
        return
    await turn.say("\n".join(peers_lines(found, turn.lang)))


@user_turn
async def on_peers(turn: Turn) -> None:
    """/peers: the top peers of the leader's submitted initiative."""
    await show_peers(turn)


@dataclass(frozen=True)
class _Map:
    png: bytes
    cluster: Cluster


def _draw(systems: ChangeSystems, issue: str | None) -> _Map | Literal["unknown", "not_enough"]:
    """The PNG of one cluster (the largest by default), or why there is none."""
    clusters = systems.assignment.clusters
    cluster = systems.cluster(issue) if issue else (clusters[0] if clusters else None)
    if cluster is None:
        return "unknown" if clusters else "not_enough"
    with tempfile.TemporaryDirectory(prefix="helix-map-") as folder:
        path = Path(folder) / "map.png"
        try:
            render_map(systems.graph(cluster), title=cluster.name, out=path)
        except NotEnoughData:
            return "not_enough"
        return _Map(path.read_bytes(), cluster)


@user_turn
@admin_only
async def on_map(turn: Turn) -> None:
    """/map [issue id]: the picture of one issue's change system (the largest by default)."""
    issue = turn.context.args[0] if turn.context.args else None
    try:
        systems = await off_loop(turn.services.change_systems)
        drawn = await off_loop(_draw, systems, issue)
    except Exception:
        log.exception("drawing the map failed")
        await turn.say(t("peers.unavailable", turn.lang))
        return
    if drawn == "not_enough":
        await turn.say(t("peers.map_not_enough", turn.lang))
    elif drawn == "unknown":
        known = ", ".join(f"{c.id} ({c.name})" for c in systems.assignment.clusters)
        await turn.say(t("peers.map_usage", turn.lang, issues=known))
    else:
        cluster = drawn.cluster
        caption = t(
            "peers.map_caption",
            turn.lang,
            name=f"{cluster.id} · {cluster.name}",
            size=cluster.size,
        )
        await turn.context.bot.send_photo(turn.chat_id, io.BytesIO(drawn.png), caption=caption)


def register(app: HelixApp) -> None:
    """/peers and /map (private chats)."""
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("peers", on_peers, filters=private))
    app.add_handler(CommandHandler("map", on_map, filters=private))
