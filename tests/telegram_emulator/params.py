"""Reading Bot API parameters the way the Bot API server reads them.

PTB sends form-urlencoded strings (nested objects as JSON text) and multipart bodies for uploads;
other clients send JSON. Every parameter is normalised here so the methods see one shape, and the
typed getters raise the same 400s Telegram gives for missing or malformed values.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.web_request import FileField

from tests.telegram_emulator.errors import CHAT_ID_EMPTY, bad_request


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request, kept whole so tests can inspect the bytes."""

    filename: str
    content_type: str
    data: bytes

    def __repr__(self) -> str:
        return f"Upload({self.filename!r}, {len(self.data)} bytes)"


Value = str | int | float | bool | list[Any] | dict[str, Any] | Upload | None


async def read_params(request: web.Request) -> dict[str, Value]:
    """Merge the query string with a JSON, urlencoded or multipart body (an empty body is fine)."""
    params: dict[str, Value] = dict(request.query)
    if not request.body_exists:
        return params
    if request.content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            params.update(body)
        return params
    form = await request.post()
    for key, value in form.items():
        if isinstance(value, FileField):
            params[key] = Upload(value.filename, value.content_type, value.file.read())
        elif isinstance(value, str):
            params[key] = value
        else:
            params[key] = value.decode("utf-8") if isinstance(value, bytes) else str(value)
    return params


class Params:
    """Typed access to one call's parameters, raising Telegram's refusals on bad values."""

    def __init__(self, raw: Mapping[str, Value]) -> None:
        self.raw = dict(raw)

    def __contains__(self, name: str) -> bool:
        return self.raw.get(name) not in (None, "")

    def text(self, name: str) -> str | None:
        value = self.raw.get(name)
        if value is None or isinstance(value, Upload):
            return None
        return value if isinstance(value, str) else json.dumps(value)

    def integer(self, name: str) -> int | None:
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool | list | dict | Upload):
            raise bad_request(f"invalid {name} specified")
        try:
            return int(value)
        except ValueError:
            raise bad_request(f"invalid {name} specified") from None

    def number(self, name: str) -> float | None:
        value = self.raw.get(name)
        if value is None or value == "" or isinstance(value, bool | list | dict | Upload):
            return None
        try:
            return float(value)
        except ValueError:
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        value = self.raw.get(name)
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def obj(self, name: str, what: str) -> Any:
        """A parameter holding a Bot API object: JSON text in forms, a value in JSON bodies."""
        value = self.raw.get(name)
        if value is None or not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {what}") from None

    def upload(self, name: str) -> Upload | None:
        value = self.raw.get(name)
        return value if isinstance(value, Upload) else None

    def chat_id(self) -> int:
        """The target chat; only numeric ids exist here (no channels/usernames are emulated)."""
        value = self.raw.get("chat_id")
        if value is None or value == "" or isinstance(value, bool | list | dict | Upload):
            raise bad_request(CHAT_ID_EMPTY)
        if isinstance(value, str) and value.startswith("@"):
            raise bad_request("chat not found")
        try:
            chat_id = int(value)
        except (TypeError, ValueError):
            raise bad_request(CHAT_ID_EMPTY) from None
        if chat_id == 0:
            raise bad_request(CHAT_ID_EMPTY)
        return chat_id

    def summary(self) -> dict[str, Any]:
        """A JSON-able copy for the call log (uploads become a short description)."""
        return {k: (repr(v) if isinstance(v, Upload) else v) for k, v in self.raw.items()}
