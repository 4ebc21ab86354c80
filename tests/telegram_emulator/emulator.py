"""`TelegramEmulator`: the object tests hold: server lifecycle, users, faults, inspection, waits.

It runs in the test's own event loop on 127.0.0.1 with a free port, so a real PTB Application
built with `base_url(emulator.base_url)` talks to it over real HTTP, exactly as it would talk to
api.telegram.org.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

from tests.telegram_emulator.faults import Fault, FaultPlan
from tests.telegram_emulator.models import (
    ApiCall,
    BotMessage,
    CallbackQueryRecord,
    Rejection,
    StoredFile,
    UserInfo,
)
from tests.telegram_emulator.server import ApiServer
from tests.telegram_emulator.state import Chat, EmulatorState
from tests.telegram_emulator.updates import Sink
from tests.telegram_emulator.user import SimulatedUser
from tests.telegram_emulator.waiting import Changes, EmulatorTimeout

DEFAULT_TOKEN = "123456789:TEST-helix-emulated-token"
T = TypeVar("T")


class TelegramEmulator:
    """One emulated bot account. Use `async with TelegramEmulator() as tg:` or the fixture."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "helix_test_bot",
        bot_first_name: str = "Helix",
        strict_html_entities: bool = True,
    ) -> None:
        self.changes = Changes()
        self.state = EmulatorState(
            token,
            bot_username=bot_username,
            bot_first_name=bot_first_name,
            strict_html_entities=strict_html_entities,
            changes=self.changes,
        )
        self.faults = FaultPlan()
        self._server = ApiServer(self.state, self.faults)
        self._users: dict[int, SimulatedUser] = {}
        self.tracking = False  # set by an Application that reports processed updates

    # -- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> TelegramEmulator:
        await self._server.start()
        return self

    async def stop(self) -> None:
        await self._server.stop()

    async def __aenter__(self) -> TelegramEmulator:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def token(self) -> str:
        return self.state.token

    @property
    def port(self) -> int:
        return self._server.port

    @property
    def base_url(self) -> str:
        """For `ApplicationBuilder().base_url(...)`; PTB appends the token and the method."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    @property
    def bot_username(self) -> str:
        return str(self.state.bot["username"])

    # -- users --------------------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str = "Tester",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> SimulatedUser:
        """The simulated user with this id (created, with its private chat, on first use)."""
        if user_id <= 0:
            raise ValueError("private chats have positive ids")
        if user_id not in self._users:
            info = UserInfo(user_id, first_name, last_name, username, language_code)
            chat = self.state.chats.setdefault(user_id, Chat(info))
            self._users[user_id] = SimulatedUser(self.state, chat)
        return self._users[user_id]

    # -- inspection ---------------------------------------------------------------------------

    @property
    def calls(self) -> list[ApiCall]:
        return list(self.state.calls)

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.state.calls if c.method.lower() == method.lower()]

    @property
    def rejections(self) -> list[Rejection]:
        """Calls the emulated Telegram refused on their merits (injected faults excluded)."""
        return list(self.state.rejections)

    def assert_no_rejections(self) -> None:
        """Fail with every refusal listed, so one assertion covers a whole conversation."""
        if self.state.rejections:
            lines = "\n".join(
                f"  {r.method} -> {r.status} {r.description} {r.params}"
                for r in self.state.rejections
            )
            raise AssertionError(
                f"Telegram refused {len(self.state.rejections)} call(s):\n{lines}"
            )

    def transcript(self, chat_id: int) -> list[BotMessage]:
        return list(self.state.chat(chat_id).transcript)

    @property
    def bot_messages(self) -> list[BotMessage]:
        return self.state.all_bot_messages()

    @property
    def sent_files(self) -> list[StoredFile]:
        """Documents and photos the bot sent (chat by chat, in order), with their bytes."""
        return [m.file for m in self.state.all_bot_messages() if m.file is not None]

    @property
    def callback_queries(self) -> list[CallbackQueryRecord]:
        return list(self.state.callback_queries.values())

    def expire_callback_query(self, query_id: str) -> None:
        """Make a query too old to answer, as Telegram does after its response window."""
        self.state.callback_queries[query_id].expired = True

    def commands(self, scope: dict[str, Any] | None = None, language_code: str = "") -> list[Any]:
        """What setMyCommands stored for this scope (default scope) and language."""
        key = (_scope_key(scope), language_code)
        return list(self.state.commands.get(key, []))

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        return self.state.updates.pending

    # -- faults -------------------------------------------------------------------------------

    def fail(
        self, method: str, fault: Fault, *, times: int = 1, chat_id: int | None = None
    ) -> None:
        """Answer the next `times` calls of `method` ("*" = any but getUpdates) with `fault`."""
        self.faults.arm(method, fault, times=times, chat_id=chat_id)

    def rate_limit(self, method: str, retry_after: int = 1, *, times: int = 1) -> None:
        self.fail(method, Fault.too_many_requests(retry_after), times=times)

    def slow(self, method: str, seconds: float, *, times: int = 1) -> None:
        """The call succeeds on the server but its answer comes `seconds` late."""
        self.fail(method, Fault.slow(seconds), times=times)

    # -- delivery to an Application without polling --------------------------------------------

    def attach_sink(self, sink: Sink) -> None:
        """Hand new updates to `sink` (e.g. an Application's update_queue) instead of queueing."""
        self.state.updates.sink = sink

    def detach_sink(self) -> None:
        self.state.updates.sink = None

    def mark_processed(self, update_id: int) -> None:
        self.state.updates.mark_processed(update_id)

    # -- waiting ------------------------------------------------------------------------------

    async def wait_for(
        self,
        check: Callable[[], T | None],
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - a hang guard, part of the test-facing API
        what: str = "a condition",
    ) -> T:
        """Wait until `check()` returns something truthy; it is re-run after every change."""
        return await self.changes.wait_until(check, within=timeout, what=what)

    def _busy(self) -> str | None:
        if self.state.updates.pending:
            return f"{len(self.state.updates.pending)} unconfirmed update(s)"
        if self._server.inflight:
            return f"{self._server.inflight} call(s) in flight"
        if self.tracking and (left := self.state.updates.unprocessed):
            return f"update(s) {sorted(left)} delivered but not processed"
        return None

    async def wait_idle(
        self,
        *,
        quiet: float = 0.05,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> None:
        """Return once every update was consumed and the bot made no call for `quiet` seconds.

        With an Application that reports processed updates (see `ptb.py`) this does not depend
        on the quiet period for updates; `quiet` only lets follow-up calls (a handler's second
        send, a job scheduled for now) start. `timeout` guards against hangs.
        """
        try:
            async with asyncio.timeout(timeout):
                while True:
                    await self.changes.wait_until(
                        lambda: self._busy() is None, within=timeout, what=self._describe_busy
                    )
                    if await self.changes.quiet_for(quiet) and self._busy() is None:
                        return
        except TimeoutError:
            raise EmulatorTimeout(
                f"bot not idle after {timeout}s: {self._describe_busy()}"
            ) from None

    def _describe_busy(self) -> str:
        return f"the bot to go idle ({self._busy() or 'calls kept coming'})"


def _scope_key(scope: dict[str, Any] | None) -> str:
    return json.dumps(scope or {"type": "default"}, sort_keys=True)
