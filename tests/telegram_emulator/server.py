"""The HTTP face of the emulator: routes, parameter reading, faults, the call log.

Routes copy Telegram's URL shapes (anchors §7): `POST /bot<token>/<method>` for every method
(method names case-insensitive, any HTTP verb, an empty body allowed) and
`GET /file/bot<token>/<file_path>` for downloads. Every call is logged; every refusal the emulated
Telegram makes on its own is also listed in `state.rejections`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from tests.telegram_emulator import methods_bot, methods_messages
from tests.telegram_emulator.errors import NOT_FOUND, UNAUTHORIZED, ApiError, bad_request
from tests.telegram_emulator.faults import Fault, FaultPlan
from tests.telegram_emulator.models import ApiCall, Rejection
from tests.telegram_emulator.params import Params, read_params
from tests.telegram_emulator.state import EmulatorState

Handler = Callable[[EmulatorState, Params], Awaitable[Any]]
MAX_UPLOAD = 50 * 1024 * 1024 + 1024 * 1024  # Bot API's 50 MB upload limit plus form overhead

_METHODS: dict[str, Handler] = {
    "getMe": methods_bot.get_me,
    "getUpdates": methods_bot.get_updates,
    "deleteWebhook": methods_bot.delete_webhook,
    "getWebhookInfo": methods_bot.get_webhook_info,
    "setMyCommands": methods_bot.set_my_commands,
    "getMyCommands": methods_bot.get_my_commands,
    "deleteMyCommands": methods_bot.delete_my_commands,
    "answerCallbackQuery": methods_bot.answer_callback_query,
    "getFile": methods_bot.get_file,
    "close": methods_bot.harmless,
    "logOut": methods_bot.harmless,
    "sendMessage": methods_messages.send_message,
    "sendDocument": methods_messages.send_document,
    "sendPhoto": methods_messages.send_photo,
    "sendChatAction": methods_messages.send_chat_action,
    "editMessageText": methods_messages.edit_message_text,
    "editMessageCaption": methods_messages.edit_message_caption,
    "editMessageReplyMarkup": methods_messages.edit_message_reply_markup,
    "deleteMessage": methods_messages.delete_message,
}
METHODS: dict[str, tuple[str, Handler]] = {
    name.lower(): (name, fn) for name, fn in _METHODS.items()
}


def _json(payload: dict[str, Any], status: int) -> web.Response:
    return web.Response(
        status=status,
        text=json.dumps(payload, ensure_ascii=False),
        content_type="application/json",
    )


class ApiServer:
    """Serves one emulated bot account on 127.0.0.1 inside the caller's event loop."""

    def __init__(self, state: EmulatorState, faults: FaultPlan) -> None:
        self.state = state
        self.faults = faults
        self.inflight = 0  # calls being answered, long polls excluded
        self._seq = itertools.count(1)
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def start(self, host: str = "127.0.0.1") -> None:
        app = web.Application(client_max_size=MAX_UPLOAD)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._download)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/bot{token}/{method}/", self._handle)
        # handler_cancellation: a poll the bot gave up on (it stops polling) ends with it.
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        self._closing.set()
        self.state.updates.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _pause(self, seconds: float) -> None:
        """A slow answer that still ends at once when the server shuts down."""
        try:
            await asyncio.wait_for(self._closing.wait(), seconds)
        except TimeoutError:
            return

    async def _hold(self, fault: Fault) -> None:
        """Keep a call at its fault's gate; a client that hangs up cancels it, undelivered."""
        assert fault.gate is not None
        fault.arrived += 1
        self.state.changes.notify()
        waits = [
            asyncio.ensure_future(self._closing.wait()),
            asyncio.ensure_future(fault.gate.wait()),
        ]
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()

    async def _download(self, request: web.Request) -> web.Response:
        stored = self.state.files.by_path(request.match_info["path"])
        if request.match_info["token"] != self.state.token or stored is None:
            return _json(ApiError(404, NOT_FOUND).payload(), 404)
        return web.Response(body=stored.data, content_type="application/octet-stream")

    def _record(
        self,
        seq: int,
        name: str,
        params: Params,
        status: int,
        payload: dict[str, Any] | None,
        *,
        fault: bool = False,
    ) -> None:
        self.state.calls.append(ApiCall(seq, name, params.summary(), status, payload, fault))

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        raw_method = request.match_info["method"]
        name, handler = METHODS.get(raw_method.lower(), (raw_method, None))
        seq = next(self._seq)
        if request.match_info["token"] != self.state.token:
            error = ApiError(401, UNAUTHORIZED)
            self._record(seq, name, Params({}), 401, error.payload())
            return _json(error.payload(), 401)
        polling = name == "getUpdates"
        if not polling:
            self.inflight += 1
            self.state.changes.notify()
        try:
            return await self._answer(request, seq, name, handler)
        finally:
            if not polling:
                self.inflight -= 1
                self.state.changes.notify()

    async def _answer(
        self, request: web.Request, seq: int, name: str, handler: Handler | None
    ) -> web.StreamResponse:
        params = Params({})
        try:
            try:
                params = Params(await read_params(request))
            except ValueError:
                raise bad_request("can't parse JSON object") from None
            fault = self.faults.take(name, params.raw.get("chat_id"))
            if fault is not None and fault.gate is not None:
                await self._hold(fault)
            if fault is not None and fault.status is not None:
                await self._pause(fault.delay)
                content_type, body = fault.body()
                parsed = json.loads(body) if content_type == "application/json" else None
                self._record(seq, name, params, fault.status, parsed, fault=True)
                return web.Response(status=fault.status, text=body, content_type=content_type)
            if handler is None:
                raise ApiError(404, NOT_FOUND)
            result = await handler(self.state, params)
            payload = {"ok": True, "result": result}
            # Logged before a slow answer: the bot may give up (and disconnect) while it waits,
            # but the call already took effect, which is what the log must show.
            self._record(seq, name, params, 200, payload, fault=fault is not None)
            if fault is not None:
                await self._pause(fault.delay)
            return _json(payload, 200)
        except ApiError as error:
            gone = request.transport is None or request.transport.is_closing()
            if not (error.status == 409 and gone):
                self.state.rejections.append(
                    Rejection(name, params.summary(), error.status, error.description)
                )
            self._record(seq, name, params, error.status, error.payload())
            return _json(error.payload(), error.status)
