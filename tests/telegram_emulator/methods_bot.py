"""Bot API methods about the bot itself: identity, updates, commands, callbacks and files."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.telegram_emulator import errors
from tests.telegram_emulator.errors import bad_request
from tests.telegram_emulator.markup import utf16_len
from tests.telegram_emulator.params import Params
from tests.telegram_emulator.state import EmulatorState

_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
MAX_CALLBACK_ANSWER = 200


async def get_me(state: EmulatorState, params: Params) -> dict[str, Any]:
    return state.bot


async def get_updates(state: EmulatorState, params: Params) -> list[dict[str, Any]]:
    allowed = params.obj("allowed_updates", "allowed_updates JSON array")
    if allowed is not None and not isinstance(allowed, list):
        raise bad_request("can't parse allowed_updates JSON array")
    state.updates.subscribe(allowed)
    timeout = params.number("timeout") or 0.0
    return await state.updates.poll(
        offset=params.integer("offset") or 0,
        limit=params.integer("limit") or 100,
        hold=timeout,
    )


async def delete_webhook(state: EmulatorState, params: Params) -> bool:
    if params.flag("drop_pending_updates"):
        state.updates.drop_pending()
    return True


async def get_webhook_info(state: EmulatorState, params: Params) -> dict[str, Any]:
    return {
        "url": "",
        "has_custom_certificate": False,
        "pending_update_count": len(state.updates.pending),
    }


def _commands_key(params: Params) -> tuple[str, str]:
    scope = params.obj("scope", "scope JSON object") or {"type": "default"}
    if not isinstance(scope, dict) or "type" not in scope:
        raise bad_request("can't parse BotCommandScope JSON object")
    return json.dumps(scope, sort_keys=True), params.text("language_code") or ""


async def set_my_commands(state: EmulatorState, params: Params) -> bool:
    commands = params.obj("commands", "commands JSON object")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    cleaned: list[dict[str, str]] = []
    for item in commands:
        if not isinstance(item, dict):
            raise bad_request("can't parse commands JSON object")
        command, description = item.get("command"), item.get("description")
        if not isinstance(command, str) or not _COMMAND.fullmatch(command.lower()):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        cleaned.append({"command": command.lower(), "description": description})
    state.commands[_commands_key(params)] = cleaned
    return True


async def get_my_commands(state: EmulatorState, params: Params) -> list[dict[str, str]]:
    return state.commands.get(_commands_key(params), [])


async def delete_my_commands(state: EmulatorState, params: Params) -> bool:
    state.commands.pop(_commands_key(params), None)
    return True


async def answer_callback_query(state: EmulatorState, params: Params) -> bool:
    query_id = params.text("callback_query_id")
    if not query_id:
        raise bad_request("callback_query_id is empty")
    text = params.text("text") or ""
    if utf16_len(text) > MAX_CALLBACK_ANSWER:
        raise bad_request("MESSAGE_TOO_LONG")
    record = state.callback_queries.get(query_id)
    if record is None or record.answered or record.expired:
        raise bad_request(errors.QUERY_TOO_OLD)
    record.answered = True
    record.answer = {
        "text": params.text("text"),
        "show_alert": params.flag("show_alert"),
        "url": params.text("url"),
        "cache_time": params.integer("cache_time"),
    }
    state.changes.notify()
    return True


async def get_file(state: EmulatorState, params: Params) -> dict[str, Any]:
    stored = state.files.by_id.get(params.text("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
        "file_path": stored.file_path,
    }


async def harmless(state: EmulatorState, params: Params) -> bool:
    """close and logOut: accepted and ignored; a test server has no session to move."""
    return True
