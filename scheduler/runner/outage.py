"""The store going away: one clear line when the database stops answering, one when it is back.

The runner's timer jobs (the sync poll, each airing, each render ahead) meet
the same outage at once; without this, each would log its own traceback every
poll. `Outage.failed(exc)` tells a store error from a bug: a store error is
logged once per outage (no traceback) and the job simply ends, because the
database is the source of truth: the airing is still pending, and the next
sync after the store returns sets its timer again. A bug is the caller's to log.
"""

from __future__ import annotations

import errno
import logging
import threading
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from broadcasts.errors import StoreError
from scheduler.app import App
from scheduler.runner.notes import log, note

__all__ = ["Outage", "is_store_error", "is_storage_error", "first_line"]

# A local folder that refuses writes for a while (read-only remount, full disk, a share gone): worth retrying.
STORAGE_ERRNOS = frozenset({errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOSPC, errno.EIO, errno.EDQUOT})


def is_store_error(exc: BaseException) -> bool:
    """True if `exc` says the database cannot be reached or used now (locked, gone, out of connections)."""
    if isinstance(exc, (OperationalError, InterfaceError, PoolTimeoutError, StoreError)):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def is_storage_error(exc: BaseException) -> bool:
    """True if `exc` is a local folder refusing writes (directly, or as the sink's or renderer's error)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno in STORAGE_ERRNOS:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def first_line(exc: BaseException) -> str:
    """The first line of what a database error says (its driver's message), at most 200 characters."""
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return (reason[0] if reason else type(exc).__name__)[:200]


class Outage:
    """Whether the store is down, since when, and the one line said about it."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.since: datetime | None = None
        self._lock = threading.Lock()

    def failed(self, exc: BaseException) -> bool:
        """Note a store error (one line per outage) and return True; return False for anything else."""
        if not is_store_error(exc):
            return False
        with self._lock:
            first = self.since is None
            if first:
                self.since = self.app.clock.now()
        if first:
            note(self.app, logging.ERROR, "log_store_down", reason=first_line(exc))
        else:
            log.debug("store still unavailable: %s", first_line(exc))
        return True

    def ok(self) -> None:
        """The store answered a read: if it was down and now also takes a write, say it is back and since when."""
        if self.since is None:
            return
        try:  # a write transaction (BEGIN IMMEDIATE on SQLite): a locked SQLite still answers reads
            with self.app.sessions.begin() as session:
                session.execute(text("SELECT 1"))
        except Exception as exc:
            if self.failed(exc):
                return
            raise
        with self._lock:
            since, self.since = self.since, None
        if since is not None:
            seconds = max((self.app.clock.now() - since).total_seconds(), 0.0)
            note(self.app, logging.WARNING, "log_store_back", seconds=f"{seconds:.0f}")
