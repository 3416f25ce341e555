"""What the HTTP replay tells the virtual-time gate about input it has not taken in yet."""

from __future__ import annotations

import socket
from types import SimpleNamespace

from harness.replay.http_app import bind, unread_input


def served(connections: set[object]) -> SimpleNamespace:
    """The part of a uvicorn server ``unread_input`` reads: its open connections."""
    return SimpleNamespace(server_state=SimpleNamespace(connections=connections))


class Protocol:
    """A uvicorn protocol as far as ``unread_input`` looks: its transport's socket."""

    def __init__(self, conn: socket.socket) -> None:
        self.transport = SimpleNamespace(get_extra_info=lambda name: conn if name == "socket" else None)


def test_a_connection_waiting_to_be_accepted_and_bytes_unread_on_an_accepted_one_are_unread_input() -> None:
    listening = bind(0)
    connections: set[object] = set()
    unread = unread_input(listening, served(connections))
    assert not unread()
    client = socket.create_connection(listening.getsockname())
    assert unread()  # in the accept queue
    accepted, _ = listening.accept()
    connections.add(Protocol(accepted))
    assert not unread()
    client.sendall(b"GET /api/server/version HTTP/1.1\r\nhost: x\r\n\r\n")
    assert unread()  # in the kernel, not read by the server
    accepted.recv(4096)
    assert not unread()
    client.close()
    accepted.close()
    assert not unread()  # a closed connection is skipped, not an error
    listening.close()
