"""This node's heartbeat in the database: how other nodes tell that it is alive, on any host.

`Heartbeat` upserts the node's `nodes` row (host, pid, started_at, heartbeat_at,
stations) every `[runner] heartbeat_seconds` from a daemon thread; `stop()`
sets `stopped_at`, so its claims can be settled at once. A node whose
heartbeat is older than a few beats (`stale_after`) is taken for dead and its
airings in hand are settled by another node (`claims.recover`). Starting a node
under a name that is alive in another process is refused: two processes must
never share a name, or each would take the other's airings for its own.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime
from importlib import metadata

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from audio.errors import LoaError
from broadcasts.models import Node
from scheduler.app import App
from scheduler.runner.notes import note
from scheduler.runner.outage import is_store_error

__all__ = [
    "Heartbeat",
    "NodeNameTaken",
    "node_alive",
    "stale_after",
    "unnamed_claimant_gone",
    "BEATS",
    "MARGIN_SECONDS",
]

BEATS = 3  # a node that missed this many heartbeats (plus the margin) is taken for dead
MARGIN_SECONDS = 5.0  # for a slow database write and clocks a little apart


class NodeNameTaken(LoaError):
    """Another live process runs under this node's name (name, host, pid)."""

    code = "node_name_taken"


def stale_after(heartbeat_seconds: float) -> float:
    """Seconds without a heartbeat after which a node is taken for dead."""
    return BEATS * heartbeat_seconds + MARGIN_SECONDS


def node_alive(session: Session, name: str, now: datetime, timeout: float) -> bool | None:
    """True if node `name` beat within `timeout` seconds and has not stopped; False if it is stale or stopped;
    None if no node of that name ever beat (a `loa run --once` of an older version, a test)."""
    row = session.get(Node, name)
    if row is None:
        return None
    if row.stopped_at is not None:
        return False
    return (now - row.heartbeat_at).total_seconds() <= timeout


def _gone(pid: int) -> bool:
    """True if no process `pid` exists on this host."""
    if os.name != "posix" or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _version() -> str | None:
    try:
        return metadata.version("loa")[:32]
    except metadata.PackageNotFoundError:
        return None


class Heartbeat:
    """This process's row in `nodes`, kept fresh by a daemon thread."""

    def __init__(self, app: App, *, stations: list[str] | None = None, interval: float | None = None) -> None:
        self.app = app
        self.name = app.node
        self.interval = interval if interval is not None else app.config.runner.heartbeat_seconds
        self.stations = stations if stations is not None else [app.config.station.code]
        self.host = socket.gethostname()[:255]
        self.pid = os.getpid()
        self.started_at: datetime | None = None
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    def _ours(self, row: Node) -> bool:
        return row.host == self.host and row.pid == self.pid

    def register(self) -> None:
        """Write this node's row as started now; NodeNameTaken if another live process holds the name."""
        now = self.app.clock.now()
        with self.app.sessions.begin() as session:
            row = session.scalar(select(Node).where(Node.name == self.name).with_for_update())
            if row is None:
                row = Node(name=self.name)
                session.add(row)
            elif (
                not self._ours(row)
                and row.stopped_at is None
                and (now - row.heartbeat_at).total_seconds() <= stale_after(self.interval)
                and not (row.host == self.host and _gone(row.pid))  # a restart on this host right after a crash
            ):
                raise NodeNameTaken(name=self.name, host=row.host, pid=row.pid)
            row.host, row.pid = self.host, self.pid
            row.started_at = row.heartbeat_at = now
            row.stopped_at = None
            row.stations = list(self.stations)
            row.version = _version()
        self.started_at = now

    def beat(self) -> bool:
        """Refresh heartbeat_at; False (and a log line) if another process has taken the name meanwhile."""
        now = self.app.clock.now()
        with self.app.sessions.begin() as session:
            changed = session.execute(
                update(Node)
                .where(Node.name == self.name, Node.host == self.host, Node.pid == self.pid)
                .values(heartbeat_at=now, stations=list(self.stations), stopped_at=None)
            ).rowcount  # type: ignore[attr-defined]
        if changed != 1:
            note(self.app, logging.ERROR, "log_node_name_lost", node=self.name)
            return False
        return True

    def _run(self) -> None:
        while not self._done.wait(self.interval):
            try:
                self.beat()
            except Exception as exc:  # the next beat tries again; a few missed beats are tolerated
                note(self.app, logging.ERROR, "log_heartbeat_failed", exc_info=not is_store_error(exc), node=self.name)

    def start(self) -> None:
        """Register (NodeNameTaken if the name is alive elsewhere), then beat every `interval` seconds."""
        self.register()
        self._done.clear()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{self.name}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop beating and mark the node stopped: what it still holds may be settled by another node at once."""
        self._done.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        now = self.app.clock.now()
        try:
            with self.app.sessions.begin() as session:
                session.execute(
                    update(Node)
                    .where(Node.name == self.name, Node.host == self.host, Node.pid == self.pid)
                    .values(stopped_at=now, heartbeat_at=now)
                )
        except Exception as exc:  # the heartbeat goes stale instead: the same, a few beats later
            note(self.app, logging.ERROR, "log_heartbeat_failed", exc_info=not is_store_error(exc), node=self.name)


def unnamed_claimant_gone(claimed_by: str | None) -> bool:
    """True if an unnamed claim ("host:pid:...") was made by a process on this host that no longer exists."""
    if not claimed_by or os.name != "posix":
        return False
    host, _, rest = claimed_by.partition(":")
    pid_text = rest.split(":", 1)[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
