"""The offline guard in `tests/conftest.py` covers every test, and leaves local sockets alone."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest


def test_an_outside_connection_is_blocked() -> None:
    with pytest.raises(OSError, match="network access"):
        socket.create_connection(("192.0.2.1", 80), timeout=1)


def test_loopback_is_allowed() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=5):
            connection, _ = server.accept()
            connection.close()


def test_unix_sockets_are_allowed(tmp_path: Path) -> None:
    path = str(tmp_path / "s")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(path)
        server.listen(1)
        with socket.socket(socket.AF_UNIX) as client:
            client.connect(path)
            connection, _ = server.accept()
            connection.close()
