"""Zone leases: one node at a time plays on a station's radio zone, across processes and machines.

`RadioTurns` orders the airings of one process; the row of `zone_leases` for (station, zone) makes the
turn exclusive across every process on the database. The guarantee, and how it is kept:

- **One holder.** A node plays on a zone only while it holds the zone's row: taken by an
  `INSERT ... ON CONFLICT DO NOTHING`, or by a conditional `UPDATE` of a row whose `until` has passed
  (its holder died) or that this node holds without an airing (a zone handed to it, below). Both are
  single statements, atomic on PostgreSQL and SQLite; a node that gets no row waits, polling every
  `poll_seconds` through an injectable `wait` (the app clock's `sleep` by default).
- **Kept while it plays.** The holder renews `until` every third of `runner.zone_lease_seconds` and gives
  the row up when the airing ends, also after an exception (`DELETE WHERE node = me AND airing_id = x`).
  If its row was taken (it could not renew in time), it cuts its own audio rather than play over another.
- **A crashed holder** leaves a row that expires after `until`; the next waiter takes it.
- **Emergencies across nodes.** A node with an emergency for a zone another node holds sets `preempt_by`
  (a priority bulletin does the same to a relay). The holder's keeper sees it within a poll, cuts its
  audio (`channel.interrupt(zone)`) and, as it gives the row up, hands it to that node (`node = preempt_by`,
  no airing), so nothing else, not the interrupted bulletin's requeued airing either, can take the zone
  between them. An emergency that finds another emergency on the air marks itself the same way, as next
  in line, without cutting it. A mark whose node gave up is dropped by the next holder; a handed-over row
  that its new node never takes expires like any other.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, and_, delete, or_, update
from sqlalchemy.dialects import postgresql, sqlite

from broadcasts.models import ZoneLease
from scheduler.app import App
from scheduler.runner.notes import note
from scheduler.runner.outage import is_store_error

__all__ = ["HOLDS", "Holder", "ZoneLeases", "holds_of"]

HOLDS = ("emergency", "priority", "normal", "relay")
POLL_SECONDS = 0.2


def holds_of(*, emergency: bool, priority: bool = False, relay: bool = False) -> str:
    """What an airing holds a zone as."""
    return "emergency" if emergency else "priority" if priority else "relay" if relay else "normal"


@dataclass(frozen=True)
class Holder:
    """Who has a zone now (what a waiter learns)."""

    node: str
    holds: str
    airing_id: int | None


class ZoneLeases:
    """The zone rows of this app's station: take, keep and give up a zone for one airing at a time."""

    def __init__(
        self,
        app: App,
        *,
        poll_seconds: float = POLL_SECONDS,
        wait: Callable[[float], None] | None = None,
        lease_seconds: float | None = None,
    ) -> None:
        self.app = app
        self.poll = poll_seconds
        self.wait = wait or app.clock.sleep
        self.lease = lease_seconds if lease_seconds is not None else app.config.runner.zone_lease_seconds

    # ---- taking ---------------------------------------------------------------------------------

    def try_acquire(self, zone: str | None, airing_id: int, holds: str) -> Holder | None:
        """Take the zone now if it is free, expired or handed to this node; else (marking the holder for a
        cut if `holds` may cut it) who has it."""
        app, key = self.app, zone or ""
        now = app.clock.now()
        with app.reads() as session:  # a busy zone is only read: waiters do not queue for SQLite's write lock
            seen = session.get(ZoneLease, (app.station_id, key))
        if seen is not None and not self._takeable(seen, now) and not self._markable(seen, holds):
            return Holder(node=seen.node, holds=seen.holds, airing_id=seen.airing_id)
        with app.sessions.begin() as session:
            row = session.get(ZoneLease, (app.station_id, key))
            if row is None:
                insert = postgresql.insert if app.engine.dialect.name == "postgresql" else sqlite.insert
                values = self._values(airing_id, holds, now)
                inserted = session.execute(  # RETURNING: psycopg's rowcount of this insert is -1
                    insert(ZoneLease)
                    .values(station_id=app.station_id, zone=key, **values)
                    .on_conflict_do_nothing(index_elements=["station_id", "zone"])
                    .returning(ZoneLease.zone)
                ).first()
                if inserted is not None:
                    return None
                row = session.get(ZoneLease, (app.station_id, key), populate_existing=True)
                if row is None:  # given up between the two statements: the next poll takes it
                    return Holder(node="", holds="normal", airing_id=None)
            holder = Holder(node=row.node, holds=row.holds, airing_id=row.airing_id)
            if self._takeable(row, now):
                taken = _count(
                    session.execute(
                        update(ZoneLease)
                        .where(
                            *self._key(key),
                            or_(
                                ZoneLease.until < now,
                                and_(ZoneLease.node == app.node, ZoneLease.airing_id.is_(None)),
                            ),
                        )
                        .values(**self._values(airing_id, holds, now))
                        .execution_options(synchronize_session=False)
                    )
                )
                if taken == 1:
                    return None
                return holder
            if self._markable(row, holds):
                session.execute(
                    update(ZoneLease)
                    .where(*self._key(key), ZoneLease.node == row.node, ZoneLease.preempt_by.is_(None))
                    .values(preempt_by=app.node)
                    .execution_options(synchronize_session=False)
                )
        return holder

    def acquire(
        self, zone: str | None, airing_id: int, holds: str, *, give_up: Callable[[], bool] | None = None
    ) -> bool:
        """Wait for the zone and take it (True); False as soon as `give_up()` says so while it waits.

        A database error is logged and the zone is tried again at the next poll."""
        waiting_for: str | None = None
        while True:
            try:
                holder = self.try_acquire(zone, airing_id, holds)
                if holder is None:
                    return True
                if holder.node and holder.node != waiting_for and holder.node != self.app.node:
                    waiting_for = holder.node
                    note(
                        self.app,
                        logging.INFO,
                        "log_zone_waiting",
                        airing=airing_id,
                        zone=self._label(zone),
                        node=holder.node,
                    )
            except Exception as exc:
                self._failed(exc, zone)
            if give_up is not None and give_up():
                return False
            self.wait(self.poll)

    # ---- keeping and giving up --------------------------------------------------------------------

    @contextmanager
    def kept(
        self,
        zone: str | None,
        airing_id: int,
        holds: str,
        *,
        on_cut: Callable[[], None],
        keep: Callable[[], bool] = lambda: False,
    ) -> Iterator[None]:
        """While the block runs: renew the lease, and call `on_cut()` once if another node asks for the zone
        (or took it); at the end give the zone up: to the node that asked, to this node if `keep()` (an
        emergency of this process waits for it), else free."""
        done = threading.Event()
        keeper = threading.Thread(
            target=self._keep, args=(zone, airing_id, holds, done, on_cut), name=f"zone-{airing_id}", daemon=True
        )
        keeper.start()
        try:
            yield
        finally:
            done.set()
            keeper.join(timeout=5)
            try:
                self.release(zone, airing_id, keep=keep())
            except Exception as exc:  # the lease then expires by itself
                self._failed(exc, zone)

    def _keep(
        self, zone: str | None, airing_id: int, holds: str, done: threading.Event, on_cut: Callable[[], None]
    ) -> None:
        app, key = self.app, zone or ""
        renewed = app.clock.now()
        cut = False
        while not done.wait(self.poll):
            try:
                now = app.clock.now()
                with app.reads() as session:
                    row = session.get(ZoneLease, (app.station_id, key))
                    mine = row is not None and row.node == app.node and row.airing_id == airing_id
                    asked = row.preempt_by if row is not None and mine else None
                if not cut and not mine:
                    cut = True
                    note(app, logging.ERROR, "log_zone_lost", airing=airing_id, zone=self._label(zone))
                elif not cut and asked and holds != "emergency":
                    cut = True
                    note(app, logging.WARNING, "log_zone_cut", airing=airing_id, zone=self._label(zone), node=asked)
                if cut:  # every poll until the block ends: audio still being rendered is cut once it starts
                    on_cut()
                if mine and (now - renewed).total_seconds() >= self.lease / 3:
                    with app.sessions.begin() as session:
                        session.execute(
                            update(ZoneLease)
                            .where(*self._key(key), ZoneLease.node == app.node, ZoneLease.airing_id == airing_id)
                            .values(until=now + timedelta(seconds=self.lease))
                            .execution_options(synchronize_session=False)
                        )
                    renewed = now
            except Exception as exc:  # the next poll tries again; the lease outlasts a few
                self._failed(exc, zone)

    def release(self, zone: str | None, airing_id: int, *, keep: bool = False) -> None:
        """Give the zone up: hand it to the node that asked for it, keep it for this node, or free it."""
        app, key = self.app, zone or ""
        now = app.clock.now()
        mine = (*self._key(key), ZoneLease.node == app.node, ZoneLease.airing_id == airing_id)
        reserved = dict(airing_id=None, holds="emergency", until=now + timedelta(seconds=self.lease), acquired_at=now)
        with app.sessions.begin() as session:
            handed = _count(
                session.execute(
                    update(ZoneLease)
                    .where(*mine, ZoneLease.preempt_by.is_not(None))
                    .values(node=ZoneLease.preempt_by, preempt_by=None, **reserved)
                    .execution_options(synchronize_session=False)
                )
            )
            if handed:
                return
            if keep:
                session.execute(
                    update(ZoneLease).where(*mine).values(**reserved).execution_options(synchronize_session=False)
                )
            else:
                session.execute(delete(ZoneLease).where(*mine).execution_options(synchronize_session=False))

    # ---- helpers ------------------------------------------------------------------------------------

    def _takeable(self, row: ZoneLease, now: datetime) -> bool:
        """Expired, or handed to this node with no airing yet."""
        return row.until < now or (row.node == self.app.node and row.airing_id is None)

    def _markable(self, row: ZoneLease, holds: str) -> bool:
        """Another node's, not yet asked for, and `holds` may ask for it."""
        return row.node != self.app.node and row.preempt_by is None and _may_cut(holds, row.holds)

    def _key(self, key: str) -> tuple[Any, Any]:
        return ZoneLease.station_id == self.app.station_id, ZoneLease.zone == key

    def _values(self, airing_id: int, holds: str, now: datetime) -> dict[str, Any]:
        return dict(
            node=self.app.node,
            airing_id=airing_id,
            holds=holds,
            until=now + timedelta(seconds=self.lease),
            preempt_by=None,
            acquired_at=now,
        )

    def _label(self, zone: str | None) -> str:
        return self.app.config.channels.radio.zone_label(zone)

    def _failed(self, exc: Exception, zone: str | None) -> None:
        quiet = is_store_error(exc)  # an outage: its one line is the timers'; no traceback here
        note(self.app, logging.ERROR, "log_zone_lease_failed", exc_info=not quiet, zone=self._label(zone))


def _may_cut(wants: str, held: str) -> bool:
    """Whether an airing that `wants` the zone marks its holder: an emergency marks anything (an emergency
    holder only as next in line, it is not cut), a priority bulletin marks a relay."""
    return wants == "emergency" or (wants == "priority" and held == "relay")


def _count(result: Any) -> int:
    return cast("CursorResult[Any]", result).rowcount
