"""The console's real waitress server on 127.0.0.1: bounded bodies, and slow-header clients cannot take it down."""

from __future__ import annotations

import http.client
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from scheduler.web import create_app
from scheduler.web.serve import MAX_BODY_BYTES, build
from tests.web_support import build_web_app

SLOW_CLIENTS = 30  # three times the connection limit below
CONNECTION_LIMIT = 10


@pytest.fixture
def server(tmp_path: Any, clock: Any) -> Iterator[int]:
    """A real waitress with a small connection limit and a one-second header deadline; yields its port."""
    app = build_web_app(tmp_path, f"sqlite:///{tmp_path / 'loa.db'}", clock)
    console = create_app(app, secret_key="k")
    waitress = build(
        console,
        host="127.0.0.1",
        port=0,
        threads=2,
        proxied=False,
        connection_limit=CONNECTION_LIMIT,
        channel_timeout=5,
        header_seconds=1.0,
    )
    stopping = threading.Event()
    sockets = waitress._map if hasattr(waitress, "_map") else waitress.map  # one address, or several

    def serve() -> None:
        """waitress's own loop, a pass at a time, closed in this thread: closing it from the test's thread while
        it polls makes poll() fail on a closed descriptor (EBADF) inside the server thread."""
        while not stopping.is_set():
            waitress.asyncore.loop(timeout=0.05, map=sockets, use_poll=waitress.adj.asyncore_use_poll, count=1)
        waitress.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield int(waitress.effective_port)
    finally:
        stopping.set()
        thread.join(timeout=10)
        app.close()


def _slow_client(port: int, stop: threading.Event, started: threading.Semaphore, dropped: list[int]) -> None:
    """Open a connection and dribble header lines, one every 0.2 s, until the server drops it or `stop` is set."""
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    except OSError:
        started.release()
        return
    with sock:
        try:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            started.release()
            for n in range(100):  # at most 20 s, and usually the deadline ends it after about one
                if stop.wait(0.2):
                    return
                sock.sendall(b"X-Slow-%d: 1\r\n" % n)
        except OSError:
            dropped.append(1)


def test_a_normal_request_is_served_while_slow_header_clients_hold_every_connection(server):
    stop, started = threading.Event(), threading.Semaphore(0)
    dropped: list[int] = []
    clients = [
        threading.Thread(target=_slow_client, args=(server, stop, started, dropped), daemon=True)
        for _ in range(SLOW_CLIENTS)
    ]
    for client in clients:
        client.start()
    try:
        for _ in clients:  # the slow clients take the connections first
            assert started.acquire(timeout=30)
        connection = http.client.HTTPConnection("127.0.0.1", server, timeout=30)
        connection.request("GET", "/login")
        response = connection.getresponse()
        assert response.status == 200 and "Đăng nhập" in response.read().decode()
        connection.close()
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=30)
    assert dropped  # the header deadline closed slow clients (nothing else would have, within their 20 s)


def test_a_body_over_the_upload_limit_is_refused_before_it_is_read(server):
    with socket.create_connection(("127.0.0.1", server), timeout=10) as sock:
        sock.sendall(
            b"POST /plans HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
            b"Content-Length: %d\r\n\r\n" % (MAX_BODY_BYTES + 1)
        )
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413")
