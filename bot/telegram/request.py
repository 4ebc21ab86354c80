"""HTTP to the Bot API with bounded retries for failures that are safe to retry.

PTB raises on the first 5xx or connection error. A Telegram 5xx (502/503/504 from its front end)
or a connection that never opened means the call did not take effect, so it is retried with
exponential backoff. A read timeout is different: the message may have been delivered, so it is
only retried for idempotent methods (reads, edits, callback answers), never for sends that would
duplicate a message. 429 Too Many Requests is not handled here: the rate limiter pauses and
retries it, honouring `retry_after`.
"""

from __future__ import annotations

import asyncio
import logging

import httpx
from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest, RequestData

log = logging.getLogger(__name__)

RETRY_STATUS = frozenset({500, 502, 503, 504})
#: Methods whose repetition cannot duplicate anything the user sees.
IDEMPOTENT = frozenset(
    {
        "getme",
        "getupdates",
        "getfile",
        "getchat",
        "answercallbackquery",
        "editmessagetext",
        "editmessagereplymarkup",
        "deletewebhook",
        "setmycommands",
        "deletemessage",
    }
)
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def _safe_to_retry(error: NetworkError, method: str) -> bool:
    cause = error.__cause__
    if isinstance(cause, _NOT_SENT) or "not* sent" in str(error):
        return True
    return isinstance(error, TimedOut) and method in IDEMPOTENT


class RetryingRequest(HTTPXRequest):
    """`HTTPXRequest` that retries 5xx answers and unsent requests, with doubling delays."""

    def __init__(self, *, attempts: int = 4, backoff: float = 0.5, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.attempts = max(1, attempts)
        self.backoff = backoff

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = HTTPXRequest.DEFAULT_NONE,
        write_timeout: object = HTTPXRequest.DEFAULT_NONE,
        connect_timeout: object = HTTPXRequest.DEFAULT_NONE,
        pool_timeout: object = HTTPXRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """One Bot API call; see the module docstring for what is retried and why."""
        api_method = url.rsplit("/", 1)[-1].lower()
        delay = self.backoff
        for attempt in range(1, self.attempts + 1):
            try:
                code, payload = await super().do_request(
                    url,
                    method,
                    request_data,
                    read_timeout,  # type: ignore[arg-type]
                    write_timeout,  # type: ignore[arg-type]
                    connect_timeout,  # type: ignore[arg-type]
                    pool_timeout,  # type: ignore[arg-type]
                )
            except NetworkError as exc:
                if attempt == self.attempts or not _safe_to_retry(exc, api_method):
                    raise
                log.warning("%s failed (%s); retry %d in %.2fs", api_method, exc, attempt, delay)
            else:
                if code not in RETRY_STATUS or attempt == self.attempts:
                    return code, payload
                log.warning("%s got HTTP %d; retry %d in %.2fs", api_method, code, attempt, delay)
            await asyncio.sleep(delay)
            delay *= 2
        raise AssertionError("unreachable: the last attempt returns or raises")
