"""Bot API methods that create, change or remove messages in a chat.

Validation order follows the Bot API server: the chat must exist, then text, markup and reply
target are checked, and only then does a blocked or deleted account refuse with 403 (the MTProto
send is the step that fails). A refused call changes nothing.
"""

from __future__ import annotations

from typing import Any

from tests.telegram_emulator import errors
from tests.telegram_emulator.errors import bad_request
from tests.telegram_emulator.files import sniff_mime
from tests.telegram_emulator.formatting import format_caption, format_text
from tests.telegram_emulator.keyboards import parse_reply_markup
from tests.telegram_emulator.models import BotMessage, StoredFile
from tests.telegram_emulator.params import Params
from tests.telegram_emulator.state import Chat, EmulatorState, now

CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip


def _reply_target(chat: Chat, params: Params) -> int | None:
    """The message being replied to; refused if it is gone, unless the bot allowed that."""
    reply = params.obj("reply_parameters", "reply parameters JSON object")
    if reply is not None and not isinstance(reply, dict):
        raise bad_request("can't parse reply parameters JSON object")
    target = (reply or {}).get("message_id") or params.integer("reply_to_message_id")
    if target is None:
        return None
    allow = bool((reply or {}).get("allow_sending_without_reply")) or params.flag(
        "allow_sending_without_reply"
    )
    found = chat.messages.get(int(target))
    if found is None or found.deleted:
        if allow:
            return None
        raise bad_request(errors.REPLY_NOT_FOUND)
    return int(target)


def _deliver(state: EmulatorState, chat: Chat, message: BotMessage) -> dict[str, Any]:
    chat.add_bot_message(message)
    state.changes.notify()
    return state.message_json(message)


async def send_message(state: EmulatorState, params: Params) -> dict[str, Any]:
    chat = state.chat(params.chat_id())
    parsed, mode = format_text(params, strict_entities=state.strict_html_entities)
    markup = parse_reply_markup(params)
    reply_to = _reply_target(chat, params)
    state.ensure_reachable(chat)
    message = BotMessage(
        chat_id=chat.id,
        message_id=chat.new_message_id(),
        date=now(),
        text=parsed.text,
        source=params.text("text"),
        parse_mode=mode,
        entities=parsed.entities,
        reply_markup=markup,
        reply_to_message_id=reply_to,
    )
    return _deliver(state, chat, message)


def _incoming_file(state: EmulatorState, params: Params, kind: str) -> StoredFile:
    """An uploaded file, a file_id sent earlier, or a URL (recorded, never fetched)."""
    upload = params.upload(kind)
    if upload is not None:
        if kind == "photo":
            stored = state.files.add("photo", upload.data, mime_type=upload.content_type)
            if not stored.width:
                raise bad_request("IMAGE_PROCESS_FAILED")
            return stored
        mime = sniff_mime(upload.data, upload.filename)
        return state.files.add(kind, upload.data, file_name=upload.filename, mime_type=mime)
    reference = params.text(kind)
    if not reference:
        raise bad_request(f"there is no {kind} in the request")
    if reference in state.files.by_id:
        return state.files.by_id[reference]
    if reference.startswith(("http://", "https://")):
        name = reference.rsplit("/", 1)[-1] or None
        return state.files.add(kind, b"", file_name=name, url=reference)
    raise bad_request("wrong file identifier/HTTP URL specified")


async def _send_file(state: EmulatorState, params: Params, kind: str) -> dict[str, Any]:
    chat = state.chat(params.chat_id())
    parsed, mode = format_caption(params, strict_entities=state.strict_html_entities)
    markup = parse_reply_markup(params)
    reply_to = _reply_target(chat, params)
    stored = _incoming_file(state, params, kind)
    state.ensure_reachable(chat)
    message = BotMessage(
        chat_id=chat.id,
        message_id=chat.new_message_id(),
        date=now(),
        text=parsed.text or None,
        source=params.text("caption"),
        parse_mode=mode,
        entities=parsed.entities,
        reply_markup=markup,
        file=stored,
        reply_to_message_id=reply_to,
    )
    return _deliver(state, chat, message)


async def send_document(state: EmulatorState, params: Params) -> dict[str, Any]:
    return await _send_file(state, params, "document")


async def send_photo(state: EmulatorState, params: Params) -> dict[str, Any]:
    return await _send_file(state, params, "photo")


async def send_chat_action(state: EmulatorState, params: Params) -> bool:
    chat = state.chat(params.chat_id())
    action = params.text("action") or ""
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    state.ensure_reachable(chat)
    chat.actions.append(action)
    state.changes.notify()
    return True


def _editable(state: EmulatorState, params: Params) -> tuple[Chat, BotMessage]:
    if "inline_message_id" in params:
        raise bad_request("MESSAGE_ID_INVALID")
    chat = state.chat(params.chat_id())
    message_id = params.integer("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    found = chat.messages.get(message_id)
    if found is None or found.deleted:
        raise bad_request(errors.EDIT_NOT_FOUND)
    if not isinstance(found, BotMessage):
        raise bad_request(errors.CANT_EDIT)
    return chat, found


def _inline_markup(params: Params) -> dict[str, Any] | None:
    markup = parse_reply_markup(params)
    if markup is not None and "inline_keyboard" not in markup:
        raise bad_request("can't parse inline keyboard markup JSON object")
    return markup


def _apply_edit(
    state: EmulatorState,
    message: BotMessage,
    *,
    text: str | None,
    entities: list[dict[str, Any]],
    markup: dict[str, Any] | None,
    source: str | None,
    mode: str | None,
) -> dict[str, Any]:
    """Refuse an edit that changes nothing, else keep the old version and apply the new one."""
    if (text, entities, markup) == (message.text, message.entities, message.reply_markup):
        raise bad_request(errors.NOT_MODIFIED)
    message.edits.append(message.snapshot())
    message.text, message.entities, message.reply_markup = text, entities, markup
    message.source, message.parse_mode = source, mode
    message.edit_date = now()
    state.changes.notify()
    return state.message_json(message)


async def edit_message_text(state: EmulatorState, params: Params) -> dict[str, Any]:
    chat, message = _editable(state, params)
    parsed, mode = format_text(params, strict_entities=state.strict_html_entities)
    markup = _inline_markup(params)
    if message.file is not None:
        raise bad_request(errors.NO_TEXT_TO_EDIT)
    state.ensure_reachable(chat)
    return _apply_edit(
        state,
        message,
        text=parsed.text,
        entities=parsed.entities,
        markup=markup,  # omitting reply_markup removes the keyboard, as on Telegram
        source=params.text("text"),
        mode=mode,
    )


async def edit_message_caption(state: EmulatorState, params: Params) -> dict[str, Any]:
    chat, message = _editable(state, params)
    parsed, mode = format_caption(params, strict_entities=state.strict_html_entities)
    markup = _inline_markup(params)
    if message.file is None:
        raise bad_request("there is no caption in the message to edit")
    state.ensure_reachable(chat)
    return _apply_edit(
        state,
        message,
        text=parsed.text or None,
        entities=parsed.entities,
        markup=markup,
        source=params.text("caption"),
        mode=mode,
    )


async def edit_message_reply_markup(state: EmulatorState, params: Params) -> dict[str, Any]:
    chat, message = _editable(state, params)
    markup = _inline_markup(params)
    state.ensure_reachable(chat)
    return _apply_edit(
        state,
        message,
        text=message.text,
        entities=message.entities,
        markup=markup,
        source=message.source,
        mode=message.parse_mode,
    )


async def delete_message(state: EmulatorState, params: Params) -> bool:
    chat = state.chat(params.chat_id())
    message_id = params.integer("message_id")
    found = chat.messages.get(message_id) if message_id is not None else None
    if found is None or found.deleted:
        raise bad_request(errors.DELETE_NOT_FOUND)
    found.deleted = True
    state.changes.notify()
    return True
