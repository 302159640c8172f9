"""A local HTTP server on 127.0.0.1 (port 0, a thread) that records requests and can misbehave on cue.

Subclasses implement `route(seen)`; tests queue faults per method and path:
a canned reply, a malformed body, a reply that never comes (`hold`), or a
connection dropped after the request was read (`drop`). With `process=True`
the real route runs first, so the post exists although its reply is lost.
"""

from __future__ import annotations

import json
import re
import threading
from collections import Counter, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

KEY = re.compile(r"(\S+-\d{8}-\d{4}-a\d+)(?![0-9])")


@dataclass
class Seen:
    """One request as the server received it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    @property
    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode("utf-8"), keep_blank_values=True).items()}


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # a dict (sent as JSON), bytes or str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Fault:
    kind: str  # reply | hold | drop
    reply: Reply | None = None
    process: bool = False


def reply(status: int, body: Any, headers: dict[str, str] | None = None, *, process: bool = False) -> Fault:
    return Fault("reply", Reply(status, body, headers or {}), process)


def hold(*, process: bool = False) -> Fault:
    return Fault("hold", process=process)


def drop(*, process: bool = True) -> Fault:
    return Fault("drop", process=process)


def keys_in(text: str) -> list[str]:
    """The airing keys in a post's text."""
    return KEY.findall(text)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        seen = Seen(
            method=self.command,
            path=parts.path,
            query={k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()},
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        self.close_connection = True
        out = self.server.fake.dispatch(seen)
        if out is None:  # hold or drop: no reply at all
            return
        data = (
            out.body
            if isinstance(out.body, bytes)
            else out.body.encode("utf-8")
            if isinstance(out.body, str)
            else json.dumps(out.body).encode("utf-8")
        )
        try:
            self.send_response(out.status)
            headers = {"Content-Type": "application/json; charset=UTF-8", **out.headers}
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass

    do_GET = _dispatch
    do_POST = _dispatch


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeServer


class FakeServer:
    """Base of the fake services: start/stop, the request record, queued faults."""

    def __init__(self) -> None:
        self.requests: list[Seen] = []
        self.faults: dict[tuple[str, str], deque[Fault]] = {}
        self.lock = threading.RLock()
        self.released = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ---- life -----------------------------------------------------------------------------

    def start(self) -> Self:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.released.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        assert isinstance(host, str)  # an AF_INET server: a str host, never bytes
        return f"http://{host}:{port}"

    # ---- behaviour --------------------------------------------------------------------------

    def fail(self, method: str, path: str, *faults: Fault) -> None:
        """Answer the next requests to `method path` (a regex) with `faults`, in order."""
        with self.lock:
            self.faults.setdefault((method, path), deque()).extend(faults)

    def _fault(self, seen: Seen) -> Fault | None:
        with self.lock:
            for (method, path), queue in self.faults.items():
                if queue and method == seen.method and re.fullmatch(path, seen.path):
                    return queue.popleft()
        return None

    def dispatch(self, seen: Seen) -> Reply | None:
        with self.lock:
            self.requests.append(seen)
        fault = self._fault(seen)
        if fault is None:
            return self.route(seen)
        if fault.process:
            self.route(seen)
        if fault.kind == "reply":
            return fault.reply
        if fault.kind == "hold":
            self.released.wait(timeout=30)
        return None

    def route(self, seen: Seen) -> Reply:
        raise NotImplementedError

    def seen(self, method: str | None = None, path: str | None = None) -> list[Seen]:
        """The requests received, filtered by method and path regex."""
        with self.lock:
            return [
                r
                for r in self.requests
                if (method is None or r.method == method) and (path is None or re.fullmatch(path, r.path))
            ]


def counts(texts: list[str]) -> Counter[str]:
    """How many posts carry each airing key."""
    return Counter(key for text in texts for key in set(keys_in(text)))
