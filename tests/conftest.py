"""Suite-wide fixtures: the offline guard, and the mini fixture form that several folders read.

The guard makes the whole suite run offline: any TCP/UDP connection to a host that is not
loopback fails (no model download, no Chroma telemetry, no tokenizer fetch, no real Telegram).
Loopback (the Telegram emulator, PostgreSQL, a `chroma run` server, the LLM stub) and Unix
sockets stay allowed. It is one patch of `socket.socket.connect` for the whole session.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from intake.form.definition import FormDefinition, load_definition
from knowledge.base import KnowledgeBase
from knowledge.eval.harness import eval_knowledge_base
from tests.intake.forms import MINI_FORM

LOOPBACK_NAMES = {"localhost"}


class NetworkBlocked(OSError):
    """Raised when code under test tries to leave the machine."""


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(scope="session", autouse=True)
def no_network() -> Iterator[None]:
    """Fail any connection that is not loopback (Unix sockets are not network)."""
    original = socket.socket.connect

    def guarded(sock: socket.socket, address: Any) -> Any:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0] if isinstance(address, tuple) else str(address)
            if not is_loopback(str(host)):
                raise NetworkBlocked(f"network access to {address!r} during the tests")
        return original(sock, address)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", guarded)
        yield


@pytest.fixture(scope="session")
def mini() -> FormDefinition:
    """`tests/intake/forms/mini.yaml`: the small form the engine, form and Telegram tests walk."""
    return load_definition(MINI_FORM)


@pytest.fixture(scope="session")
def packaged_kb() -> Iterator[KnowledgeBase]:
    """The packaged pages indexed with the real model, built once per session (about a minute
    and a half): the evaluation gate and the Explain glossary both ask it."""
    with eval_knowledge_base() as kb:
        yield kb
