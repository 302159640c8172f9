"""Wake-ups: a change to what is due tells every runner node at once, through PostgreSQL LISTEN/NOTIFY.

- `notify(session, station_id, reason)`: inside the writing transaction, `SELECT pg_notify('loa_airings',
  '{"station": 1, "reason": "queue"}')`; a no-op on SQLite (whose runners only poll);
- `Listener(url, callback)`: a daemon thread holding its own connection (autocommit, `LISTEN loa_airings`),
  calling `callback(station_id, reason)` for each notification, reconnecting with backoff when the connection
  drops, stopped by `stop()`.

What PostgreSQL promises (https://www.postgresql.org/docs/current/sql-notify.html): a NOTIFY made inside a
transaction is delivered only when that transaction commits, and not at all if it rolls back, so a runner
woken by it always finds the committed rows; the same channel and payload several times in one transaction
may be delivered once (so a wake is a hint to look, never a count); the payload must be shorter than 8000
bytes (ours is a few dozen); a session that is not listening when a notification is sent never gets it (so
after a reconnect the listener's `on_back` must make its runner look again: polling, `runner.poll_seconds`,
stays the fallback). Notifications reach every session of the same database that listens on the channel.

How psycopg 3 hands them over (https://www.psycopg.org/psycopg3/docs/advanced/async.html#asynchronous-
notifications): the connection must be in autocommit mode, else a notification waits for the end of the
listener's own transaction; `Connection.notifies(timeout=...)` (psycopg >= 3.2) yields the `Notify` objects
received (`channel`, `payload`, `pid`), and with `timeout=0` reads what has arrived without waiting. The
listener waits with select() on the connection's socket and on a pipe of its own, so `stop()` returns at once.
"""

from __future__ import annotations

import json
import logging
import math
import os
import select
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

__all__ = ["CHANNEL", "REASONS", "Listener", "notify", "payload", "parse", "conninfo"]

CHANNEL = "loa_airings"
REASONS = ("queue", "approve", "emergency", "move", "edit", "cancel")
MAX_PAYLOAD = 7999  # bytes; PostgreSQL refuses 8000 and more

log = logging.getLogger("loa.wakeups")

Callback = Callable[[int, str], object]


def payload(station_id: int, reason: str) -> str:
    """The notification's text: `{"station": 1, "reason": "queue"}`."""
    body = json.dumps({"station": int(station_id), "reason": str(reason)[:64]}, separators=(",", ":"))
    assert len(body.encode()) <= MAX_PAYLOAD
    return body


def parse(body: str) -> tuple[int, str] | None:
    """The station and reason of a notification's text; None if it is not one of ours."""
    try:
        data = json.loads(body)
        return int(data["station"]), str(data.get("reason", ""))
    except (ValueError, TypeError, KeyError):
        return None


def notify(target: Session | Connection, station_id: int, reason: str, *, channel: str = CHANNEL) -> None:
    """Wake the runners of `station_id` when the transaction of `target` commits; nothing on SQLite."""
    bind = target.get_bind() if isinstance(target, Session) else target
    if bind.dialect.name != "postgresql":
        return
    params = {"channel": channel, "payload": payload(station_id, reason)}
    target.execute(text("SELECT pg_notify(:channel, :payload)"), params)


def conninfo(url: str) -> str:
    """What psycopg connects with: a SQLAlchemy URL (`postgresql+psycopg://...`) made a libpq URI."""
    if "://" not in url:
        return url  # already a libpq conninfo ("host=... dbname=...")
    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


class Listener:
    """A daemon thread listening on `channel`, calling `callback(station_id, reason)` for each notification.

    `on_lost(reason)` is called once when the connection is lost (or cannot be made at start) and
    `on_back(seconds)` once when listening again, so the caller can say it in the operator's words and
    look at the database for what was sent meanwhile. The callback runs on the listener's thread: keep it
    short (schedule work, do not do it). Every connect has a timeout (`connect_timeout`), TCP keepalives
    notice a peer that vanished, and a `SELECT 1` every `ping_seconds` of silence checks the connection.
    """

    def __init__(
        self,
        url: str,
        callback: Callback,
        *,
        channel: str = CHANNEL,
        on_lost: Callable[[str], object] | None = None,
        on_back: Callable[[float], object] | None = None,
        connect_timeout: float = 5.0,
        ping_seconds: float = 30.0,
        backoff: tuple[float, float] = (0.5, 30.0),
        logger: logging.Logger | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.conninfo = conninfo(url)
        self.callback = callback
        self.channel = channel
        self.on_lost = on_lost
        self.on_back = on_back
        self.connect_timeout = connect_timeout
        self.ping_seconds = ping_seconds
        self.backoff = backoff
        self.log = logger or log
        self.monotonic = monotonic
        self.listening = threading.Event()  # set while LISTEN is in force
        self.backend_pid: int | None = None  # the server process of the listening connection
        self._stopping = threading.Event()
        self._wake_r, self._wake_w = os.pipe()
        self._thread: threading.Thread | None = None

    def start(self) -> Listener:
        """Start listening in the background; return self."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=f"listen:{self.channel}", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop listening and close the connection; wait at most `timeout` seconds for the thread."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        os.write(self._wake_w, b"x")
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout)
        if thread is None or not thread.is_alive():  # else the daemon thread still selects on the pipe
            for fd in (self._wake_r, self._wake_w):
                os.close(fd)

    def __enter__(self) -> Listener:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- the thread ------------------------------------------------------------------------------

    def _run(self) -> None:
        delay = self.backoff[0]
        lost_at: float | None = None
        while not self._stopping.is_set():
            try:
                self._listen(lost_at)
                lost_at = None  # stopped while listening
                delay = self.backoff[0]
            except Exception as exc:  # psycopg.Error (the backend gone, the network down) or a bug in a callback
                self.listening.clear()
                self.backend_pid = None
                if self._stopping.is_set():
                    break
                if lost_at is None:
                    lost_at = self.monotonic()
                    self._say_lost(exc)
                else:
                    self.log.debug("still not listening: %s", _first_line(exc))
                if self._stopping.wait(delay):
                    break
                delay = min(delay * 2, self.backoff[1])

    def _listen(self, lost_at: float | None) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(
            self.conninfo,
            autocommit=True,
            connect_timeout=max(1, math.ceil(self.connect_timeout)),
            keepalives=1,
            keepalives_idle=10,
            keepalives_interval=5,
            keepalives_count=3,
            application_name="loa-listener",
        ) as conn:
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
            self.backend_pid = conn.info.backend_pid
            self.listening.set()
            try:
                if lost_at is not None:
                    self._say_back(self.monotonic() - lost_at)
                while not self._stopping.is_set():
                    ready, _, _ = select.select([conn.fileno(), self._wake_r], [], [], self.ping_seconds)
                    if self._wake_r in ready:
                        return
                    if not ready:
                        conn.execute("SELECT 1")  # silence for a while: is the connection still there?
                        continue
                    for note in conn.notifies(timeout=0):
                        self._deliver(note.channel, note.payload)
            finally:
                self.listening.clear()

    def _deliver(self, channel: str, body: str) -> None:
        if channel != self.channel:
            return
        parsed = parse(body)
        if parsed is None:
            self.log.debug("ignored a notification on %s: %r", channel, body[:200])
            return
        try:
            self.callback(*parsed)
        except Exception:  # a callback's bug must not cost the connection
            self.log.exception("the wake-up callback failed")

    def _say_lost(self, exc: BaseException) -> None:
        reason = _first_line(exc)
        if self.on_lost is None:
            self.log.warning("not listening for wake-ups (%s); polling only until it is back", reason)
            return
        _call(self.on_lost, reason, self.log)

    def _say_back(self, seconds: float) -> None:
        if self.on_back is None:
            self.log.warning("listening for wake-ups again after %.0f s", seconds)
            return
        _call(self.on_back, seconds, self.log)


def _call(hook: Callable[[Any], object], value: Any, logger: logging.Logger) -> None:
    try:
        hook(value)
    except Exception:
        logger.exception("a wake-up listener hook failed")


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return (lines[0] if lines else type(exc).__name__)[:200]
