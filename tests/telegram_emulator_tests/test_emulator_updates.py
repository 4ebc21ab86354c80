"""getUpdates at the HTTP level: offsets, limit, long polls that end early, 409 on overlap."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from tests.telegram_emulator import TelegramEmulator


async def _get_updates(
    session: aiohttp.ClientSession, emulator: TelegramEmulator, **params: str
) -> dict[str, Any]:
    url = f"{emulator.base_url}{emulator.token}/getUpdates"
    async with session.post(url, data=params) as response:
        body: dict[str, Any] = await response.json()
        return body


def _ids(body: dict[str, Any]) -> list[int]:
    return [update["update_id"] for update in body["result"]]


async def test_offset_confirms_limit_caps_and_negative_offset_keeps_the_tail(
    emulator: TelegramEmulator,
) -> None:
    ann = emulator.user(42)
    for text in ("a", "b", "c", "d"):
        ann.send_text(text)
    async with aiohttp.ClientSession() as session:
        assert _ids(await _get_updates(session, emulator, limit="2")) == [1, 2]
        assert _ids(await _get_updates(session, emulator)) == [1, 2, 3, 4]  # unconfirmed
        assert _ids(await _get_updates(session, emulator, offset="3")) == [3, 4]
        assert _ids(await _get_updates(session, emulator, offset="-1")) == [4]
        assert _ids(await _get_updates(session, emulator, offset="5")) == []
    assert emulator.pending_updates == []


async def test_a_long_poll_returns_as_soon_as_an_update_arrives(
    emulator: TelegramEmulator,
) -> None:
    ann = emulator.user(42)
    async with aiohttp.ClientSession() as session:
        poll = asyncio.create_task(_get_updates(session, emulator, timeout="600"))
        await emulator.wait_for(lambda: emulator.state.updates.holding, what="a held poll")
        ann.send_text("wake up")
        async with asyncio.timeout(10):  # hang guard only: the poll asked for 600 s
            body = await poll
    assert [u["message"]["text"] for u in body["result"]] == ["wake up"]


async def test_a_newer_poll_terminates_the_held_one_with_409(
    emulator: TelegramEmulator,
) -> None:
    async with aiohttp.ClientSession() as session:
        first = asyncio.create_task(_get_updates(session, emulator, timeout="600"))
        await emulator.wait_for(lambda: emulator.state.updates.holding, what="a held poll")
        second = await _get_updates(session, emulator)
        async with asyncio.timeout(10):
            older = await first
    assert second == {"ok": True, "result": []}
    assert older["error_code"] == 409
    assert older["description"].startswith("Conflict: terminated by other getUpdates request")


async def test_stopping_the_emulator_releases_held_polls(emulator: TelegramEmulator) -> None:
    async with aiohttp.ClientSession() as session:
        poll = asyncio.create_task(_get_updates(session, emulator, timeout="600"))
        await emulator.wait_for(lambda: emulator.state.updates.holding, what="a held poll")
        async with asyncio.timeout(10):
            await emulator.stop()
            body = await poll
    assert body == {"ok": True, "result": []}


async def test_allowed_updates_is_sticky_and_validated(emulator: TelegramEmulator) -> None:
    ann = emulator.user(42)
    async with aiohttp.ClientSession() as session:
        await _get_updates(session, emulator, allowed_updates='["callback_query"]')
        ann.send_text("dropped")
        assert _ids(await _get_updates(session, emulator)) == []  # still callback_query only
        await _get_updates(session, emulator, allowed_updates="[]")  # back to the default set
        ann.send_text("kept")
        bad = await _get_updates(session, emulator, allowed_updates="message")
    assert [u["message"]["text"] for u in emulator.pending_updates] == ["kept"]
    assert bad["description"] == "Bad Request: can't parse allowed_updates JSON array"


async def test_methods_are_case_insensitive_and_accept_json_bodies(
    emulator: TelegramEmulator,
) -> None:
    emulator.user(42)
    url = f"{emulator.base_url}{emulator.token}/SENDMESSAGE"
    payload = {"chat_id": 42, "text": "<i>json</i>", "parse_mode": "html"}
    async with aiohttp.ClientSession() as session, session.post(url, json=payload) as response:
        body = await response.json()
    assert body["result"]["entities"] == [{"type": "italic", "offset": 0, "length": 4}]
    assert emulator.calls_to("sendMessage")[0].params["chat_id"] == 42
