"""The in-memory timers: one APScheduler job per airing of the near future, render-ahead jobs, the sync poll.

APScheduler only keeps in-memory timers (its job store is not used), rebuilt
from the database at start and refreshed every `poll_seconds`. A job refers to
a module-level function plus an airing id, never a pickled closure.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import and_, or_, select

from broadcasts.channels.base import Preparable
from broadcasts.channels.radio_zones import zone_table
from broadcasts.models import Airing, AiringStatus, Approval, Bulletin, Priority
from scheduler.app import App
from scheduler.programme import planner
from scheduler.runner.notes import note
from scheduler.runner.outage import Outage

__all__ = ["Airs", "Timers", "UPCOMING"]


class Airs(Protocol):
    """What the timers call: the runner's one airing, its render ahead, and the settling of abandoned claims."""

    def execute(self, airing_id: int) -> object: ...

    def prepare(self, airing_id: int) -> None: ...

    def recover(self, now: datetime | None = None) -> object: ...


def _fire(timers: Timers, airing_id: int) -> None:
    """APScheduler job target: a module-level function and an airing id."""
    try:
        timers.runner.execute(airing_id)
    except Exception as exc:
        if not timers.outage.failed(exc):  # a store outage is said once; the next sync sets the timer again
            raise
    finally:
        timers.done_with(airing_id)


def _prepare(timers: Timers, airing_id: int) -> None:
    """APScheduler job target: render a radio airing ahead of its air time."""
    try:
        timers.runner.prepare(airing_id)
    except Exception as exc:
        if not timers.outage.failed(exc):
            raise
        with timers._timers_lock:
            timers._rendering.discard(airing_id)  # render again once the store is back


def _wake(timers: Timers) -> None:
    """APScheduler job target: the sync a wake-up asked for (`Timers.wake`)."""
    timers.sync()


# The pending, approved airings the timers are set from (a station's, or a node's stations' at once).
UPCOMING = (
    select(Airing.id, Airing.station_id, Airing.channel, Airing.due_at, Bulletin.priority)
    .join(Bulletin, Bulletin.id == Airing.bulletin_id)
    .where(Airing.status == AiringStatus.pending, Bulletin.approval == Approval.approved)
)


class Timers:
    """Keeps a timer for each airing due within the window, rebuilt from the database at every poll."""

    def __init__(self, app: App, runner: Airs) -> None:
        self.app = app
        self.runner = runner
        self._scheduler: Any = None
        self._sync_lock = threading.Lock()
        self._rendering: set[int] = set()  # radio airings given a render-ahead job
        self._inflight: dict[int, datetime] = {}  # airing id -> the due time its timer was set for
        self._timers_lock = threading.Lock()  # guards _inflight/_rendering; held for dict updates only
        self.ready = threading.Event()  # set once the first sync has rebuilt the timers
        self._materialized_at: datetime | None = None
        self.outage = Outage(app)  # one line when the database goes away, one when it is back

    def start(self, scheduler: Any = None) -> None:
        """Start the in-memory timers, rebuilt from the database now and every poll.

        `scheduler` replaces APScheduler's BackgroundScheduler (tests pass one
        driven by a fake clock); it needs add_job, get_job, start and shutdown.
        """
        if scheduler is None:
            from apscheduler.executors.pool import ThreadPoolExecutor
            from apscheduler.schedulers.background import BackgroundScheduler

            zones = len(zone_table(self.app.config.channels.radio))
            scheduler = BackgroundScheduler(
                timezone=UTC,
                executors={
                    "default": ThreadPoolExecutor(self.app.config.runner.workers),
                    "radio": ThreadPoolExecutor(zones),  # zones play in parallel, each one at a time
                    "emergency": ThreadPoolExecutor(zones),  # an emergency airs in every zone at once
                    "render": ThreadPoolExecutor(1),
                    "sync": ThreadPoolExecutor(1),
                },
                job_defaults={"misfire_grace_time": None, "coalesce": False, "max_instances": 1},
            )
        scheduler.add_job(
            self.sync,
            "interval",
            seconds=self.app.config.runner.poll_seconds,
            id="sync",
            executor="sync",
            next_run_time=datetime.now(UTC),
        )
        self._scheduler = scheduler
        scheduler.start()

    def stop(self, wait: bool = True) -> None:
        """Stop the timers; with `wait`, the airings in hand finish and are recorded."""
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=wait)
            self._scheduler = None

    def wake(self) -> None:
        """Sync now rather than at the next poll (a wake-up: something was queued, approved or moved).

        One job on the `sync` executor, so it waits for a sync under way; wakes before it starts are one
        (`replace_existing`), and a second instance may wait behind a running one, which may have read
        the database before the change that woke it."""
        scheduler = self._scheduler
        if scheduler is None:
            return
        scheduler.add_job(
            _wake,
            "date",
            run_date=self.app.clock.now(),
            args=[self],
            id=f"wake:{self.app.station_id}",  # a node's stations share one scheduler
            executor="sync",
            replace_existing=True,
            max_instances=2,
            misfire_grace_time=None,
        )

    def window(self) -> timedelta:
        """How far ahead airings get a timer: a few polls, so a late poll never makes one late."""
        return timedelta(seconds=3 * self.app.config.runner.poll_seconds + 10)

    def sync(self) -> int:
        """Refresh the timers from the database; return how many airing timers were added.

        Only the near future gets timers (`window`; radio airings also a
        render job `render_lead` ahead), so each poll reads a few rows however
        much is queued, and every change made by other processes (a queue, an
        approval, a replan) is seen before its airing is due.
        """
        scheduler = self._scheduler
        if scheduler is None:
            return 0
        with self._sync_lock:
            now = self.app.clock.now()
            ahead = self.ahead(now)
            try:
                self.runner.recover(now)
                self.materialize(now)
                with self.app.reads() as session:
                    rows = session.execute(
                        UPCOMING.where(
                            Airing.station_id == self.app.station_id,
                            or_(
                                Airing.due_at <= now + self.window(),
                                and_(Airing.channel == "radio", Airing.due_at <= ahead),
                            ),
                        )
                    ).all()
            except Exception as exc:  # the database may be briefly unreachable: try again at the next poll
                if not self.outage.failed(exc):
                    note(self.app, logging.ERROR, "log_sync_failed", exc_info=True)
                return 0
            self.outage.ok()
            return self._apply(scheduler, rows, now)

    def ahead(self, now: datetime) -> datetime:
        """Until when airings are read: the timer window, and for rendered radio airings their render lead."""
        near = now + self.window()
        if not isinstance(self.app.channels.get("radio"), Preparable):
            return near
        lead = timedelta(seconds=self.app.config.channels.radio.render_lead_seconds)
        return max(near, now + lead + timedelta(seconds=self.app.config.runner.poll_seconds))

    def materialize(self, now: datetime, every: timedelta = timedelta(seconds=60)) -> bool:
        """Lay out the programme ahead (rotation, openings, relays) if it was not done within `every`."""
        if self._materialized_at is not None and now - self._materialized_at < every:
            return False
        planner.materialize(self.app, now, now + timedelta(hours=self.app.config.runner.horizon_hours))
        self._materialized_at = now
        return True

    def attach(self, scheduler: Any) -> None:
        """Use a scheduler another owns (a node's, shared by its stations): no sync job of its own, not started."""
        self._scheduler = scheduler

    def feed(self, rows: list[Any], now: datetime) -> int:
        """Set the timers from rows a node read for all its stations at once (`UPCOMING` rows of this station)."""
        scheduler = self._scheduler
        if scheduler is None:
            return 0
        with self._sync_lock:
            ahead = self.ahead(now)
            return self._apply(scheduler, [r for r in rows if r.due_at <= ahead], now)

    def _apply(self, scheduler: Any, rows: Sequence[Any], now: datetime) -> int:
        """Add, move and drop timers and render jobs to match `rows`, the pending airings of the near future."""
        near = now + self.window()
        renders = isinstance(self.app.channels.get("radio"), Preparable)
        lead = timedelta(seconds=self.app.config.channels.radio.render_lead_seconds)
        added = 0
        for row in rows:
            if renders and row.channel == "radio" and row.due_at > now and row.id not in self._rendering:
                self._rendering.add(row.id)  # once: a render that fails is tried again at air time
                scheduler.add_job(
                    _prepare,
                    "date",
                    run_date=max(row.due_at - lead, now),
                    args=[self, row.id],
                    id=f"render:{row.id}",
                    executor="render",
                    replace_existing=True,
                )
            if row.due_at > near:
                continue
            with self._timers_lock:
                timer_due = self._inflight.get(row.id)
                if timer_due is None:
                    self._inflight[row.id] = row.due_at
            if timer_due is not None:  # a timer exists or its job waits in an executor queue
                if timer_due != row.due_at:  # re-planned since: move the timer
                    job = scheduler.get_job(f"airing:{row.id}")
                    if job is not None:
                        job.reschedule("date", run_date=max(row.due_at, now))
                        with self._timers_lock:
                            self._inflight[row.id] = row.due_at
                continue
            if row.channel != "radio":
                executor = "default"
            else:
                executor = "emergency" if row.priority is Priority.emergency else "radio"
            scheduler.add_job(
                _fire,
                "date",
                run_date=max(row.due_at, now),
                args=[self, row.id],
                id=f"airing:{row.id}",
                executor=executor,
                replace_existing=True,
            )
            added += 1
        self._drop_gone(scheduler, {row.id for row in rows if row.due_at <= near}, {row.id for row in rows})
        if not self.ready.is_set():
            self.ready.set()
            note(self.app, logging.INFO, "log_timers_ready", count=added, seconds=self.window().total_seconds())
        return added

    def _drop_gone(self, scheduler: Any, timed: set[int], pending: set[int]) -> None:
        """Remove the timers of airings cancelled, sent back to draft or moved out of the window since they were
        set, and the render jobs of those no longer pending; a job already fired finishes on its own (`done_with`)."""
        with self._timers_lock:
            gone = [i for i in self._inflight if i not in timed]
            unrendered = [i for i in self._rendering if i not in pending]
            self._rendering.difference_update(unrendered)
        for job_id, airing_id in [*((f"airing:{i}", i) for i in gone), *((f"render:{i}", None) for i in unrendered)]:
            job = scheduler.get_job(job_id)
            if job is None:  # fired already (or never set): its run forgets it
                continue
            try:
                job.remove()
            except LookupError:  # it fired meanwhile
                continue
            if airing_id is not None:
                self.done_with(airing_id)

    def done_with(self, airing_id: int) -> None:
        """A timer's airing has been handled (or was not ours): forget it."""
        with self._timers_lock:
            self._inflight.pop(airing_id, None)
            self._rendering.discard(airing_id)
