"""Injected failures: the next N calls of a method answer 429/403/5xx or answer slowly.

Faults are checked before the method runs, so a failed call changes nothing (as on Telegram,
where a refused send delivers nothing). A held call waits, undelivered, until the test releases
it; a client that disconnects meanwhile (a killed process) leaves it never delivered. They exist
to exercise the bot's error policy: RetryAfter pacing in the rate limiter, marking blocked users
inactive, backoff on 5xx and timeouts, and a digest run killed mid-send.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from tests.telegram_emulator.errors import BLOCKED, DEACTIVATED

ANY_METHOD = "*"  # matches every method except getUpdates, which polling hits constantly

_BAD_GATEWAY_HTML = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)


@dataclass
class Fault:
    """One way to answer a call. `status=None` with a delay means "slow but successful"."""

    status: int | None = None
    description: str | None = None
    retry_after: int | None = None
    migrate_to_chat_id: int | None = None
    delay: float = 0.0
    gate: asyncio.Event | None = field(default=None, repr=False)  # held calls wait for it
    arrived: int = 0  # held calls that reached the gate

    @classmethod
    def too_many_requests(cls, retry_after: int = 1) -> Fault:
        return cls(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)

    @classmethod
    def blocked(cls) -> Fault:
        return cls(403, BLOCKED)

    @classmethod
    def deactivated(cls) -> Fault:
        return cls(403, DEACTIVATED)

    @classmethod
    def server_error(cls, status: int = 500) -> Fault:
        """500 answers Telegram's JSON; 502 answers the HTML page its proxy sends."""
        return cls(status, "Internal Server Error" if status == 500 else None)

    @classmethod
    def slow(cls, seconds: float) -> Fault:
        return cls(delay=seconds)

    @classmethod
    def held(cls) -> Fault:
        """Calls wait at a gate until `release()`, then run normally (arm it `times=N` for N)."""
        return cls(gate=asyncio.Event())

    def release(self) -> None:
        if self.gate is not None:
            self.gate.set()

    def body(self) -> tuple[str, str]:
        """(content type, body) of the HTTP answer."""
        if self.status == 502 and self.description is None:
            return "text/html", _BAD_GATEWAY_HTML
        payload: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description or "Bad Request",
        }
        parameters: dict[str, Any] = {}
        if self.retry_after is not None:
            parameters["retry_after"] = self.retry_after
        if self.migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = self.migrate_to_chat_id
        if parameters:
            payload["parameters"] = parameters
        return "application/json", json.dumps(payload)


@dataclass
class _Armed:
    method: str  # lower case, or ANY_METHOD
    fault: Fault
    remaining: int
    chat_id: int | None


class FaultPlan:
    """Faults waiting for their calls, consumed in the order they were armed."""

    def __init__(self) -> None:
        self._armed: list[_Armed] = []
        self.fired: list[tuple[str, Fault]] = []

    def arm(
        self, method: str, fault: Fault, *, times: int = 1, chat_id: int | None = None
    ) -> None:
        """Answer the next `times` calls of `method` (optionally for one chat) with `fault`."""
        if times < 1:
            raise ValueError("times must be at least 1")
        self._armed.append(_Armed(method.lower(), fault, times, chat_id))

    def take(self, method: str, chat_id: Any) -> Fault | None:
        """The fault for this call, if one is armed (and count it as used)."""
        name = method.lower()
        for armed in self._armed:
            if armed.method == ANY_METHOD and name == "getupdates":
                continue
            if armed.method not in (name, ANY_METHOD):
                continue
            if armed.chat_id is not None and str(armed.chat_id) != str(chat_id):
                continue
            armed.remaining -= 1
            if armed.remaining == 0:
                self._armed.remove(armed)
            self.fired.append((method, armed.fault))
            return armed.fault
        return None

    @property
    def pending(self) -> int:
        """How many armed calls have not happened yet (a test can assert they all fired)."""
        return sum(armed.remaining for armed in self._armed)

    def clear(self) -> None:
        self._armed.clear()
