"""A runner node: one `loa run` process serving several stations of one database.

`[runner] stations` says which: empty, the station of the config file (a
commune's install, as it always was); `["*"]`, every active station kept as
data (`loa station add`) and the file's own station if the file names one;
or a list of codes. Any number of nodes may serve the same stations: the
claim of an airing is a conditional update in the database, each zone a lease
there, so which node airs what is decided by the database, not by them.

The stations of a node share what is costly to have once per station: one
database pool, one APScheduler (its executors sized for every zone), and one
sync per poll, which reads the near future of all the node's stations in one
query and hands each station's rows to its timers (`Timers.feed`). Each
station keeps its own App (its settings, channels, sinks and speaker) and its
own Runner. The list of stations is read again every `REFRESH`: a station
added, edited or switched off is picked up without a restart.
"""

from __future__ import annotations

import logging
import math
import threading
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from audio.engines.base import TtsEngine
from audio.errors import LoaError
from broadcasts.channels.radio_zones import zone_table
from broadcasts.models import Airing, AiringStatus, Station
from broadcasts.store import open_store
from broadcasts.wakeups import Listener
from scheduler.app import App, build_app, build_station_app, node_name
from scheduler.clock import Clock, SystemClock
from scheduler.config import Config
from scheduler.config.stations import file_table
from scheduler.messages import render
from scheduler.runner import Runner, wake
from scheduler.runner.heartbeat import Heartbeat
from scheduler.runner.notes import note
from scheduler.runner.timers import UPCOMING

__all__ = ["Node", "Served", "REFRESH"]

log = logging.getLogger("loa.node")

REFRESH = timedelta(seconds=30)  # how often the node reads which stations it serves
MATERIALIZE_EVERY = timedelta(seconds=60)  # each station's programme is laid out ahead at least this often


@dataclass
class Served:
    """One station of the node: its app and runner, and the row state it was built from."""

    app: App
    runner: Runner
    stamp: tuple[Any, ...]


class Node:
    """Serves the stations `config.runner.stations` names, sharing one pool, one scheduler and one sync."""

    def __init__(
        self,
        config: Config,
        *,
        clock: Clock | None = None,
        tts: TtsEngine | None = None,
        store: tuple[Engine, sessionmaker[Session]] | None = None,
    ) -> None:
        self.config = config
        self.clock = clock or SystemClock()
        self.tts = tts
        self.name = node_name(config)
        self._store = store
        self._owns_store = store is None
        self.served: dict[int, Served] = {}
        self.refused: dict[str, str] = {}  # station code -> why it is not served (its settings are wrong)
        self._scheduler: Any = None
        self._lock = threading.RLock()
        self._refreshed: datetime | None = None
        self._down = False
        self._listener: Listener | None = None
        self._heartbeat: Heartbeat | None = None
        self._executors: dict[str, Any] = {}  # the executors of the node's own scheduler (none if given one)

    # ---- stations -----------------------------------------------------------------

    @property
    def store(self) -> tuple[Engine, sessionmaker[Session]]:
        if self._store is None:
            database = self.config.database
            self._store = open_store(self.config.database_url, busy_timeout_ms=database.busy_timeout_ms)
        return self._store

    def _file_station(self) -> bool:
        """Whether this node serves the config file's own station."""
        wanted = self.config.runner.stations
        if not wanted:
            return True
        if "*" in wanted:
            return "station" in file_table(self.config)
        return self.config.station.code in wanted

    def _rows(self) -> list[Station]:
        """The active stations kept as data that this node serves."""
        wanted = self.config.runner.stations
        if not wanted:
            return []
        _, sessions = self.store
        with sessions() as session:
            query = select(Station).where(Station.settings.is_not(None), Station.active.is_(True))
            if "*" not in wanted:
                query = query.where(Station.code.in_(wanted))
            rows = list(session.scalars(query.order_by(Station.id)))
        unknown = set(wanted) - {"*", self.config.station.code} - {row.code for row in rows}
        for code in sorted(unknown - set(self.refused)):
            self.refused[code] = "unknown"
            log.error("%s", self._say("log_node_station_unknown", station=code))
        return rows

    def refresh(self) -> None:
        """Build the stations newly served, rebuild the edited ones and let go of those no longer served."""
        with self._lock:
            wanted: dict[int, tuple[Station | None, tuple[Any, ...]]] = {}
            if self._file_station() and not any(s.stamp == ("file",) for s in self.served.values()):
                app = self._build(None)
                if app is not None:
                    self._add(app, ("file",))
            for served in self.served.values():
                if served.stamp == ("file",):
                    wanted[served.app.station_id] = (None, served.stamp)
            for row in self._rows():
                wanted[row.id] = (row, (row.code, row.name, row.timezone, row.updated_at, row.settings))
            for station_id in [i for i in self.served if i not in wanted or self.served[i].stamp != wanted[i][1]]:
                self._drop(station_id)
            for station_id, (wanted_row, stamp) in wanted.items():
                if station_id in self.served or wanted_row is None:
                    continue
                app = self._build(wanted_row)
                if app is not None:
                    self._add(app, stamp)
            self._refreshed = self.clock.now()

    def _build(self, row: Station | None) -> App | None:
        """The app of one station: the file's own (`row` None: its errors are the command's) or one kept as
        data (None if its settings fail: the other stations go on)."""
        if row is None:
            return build_app(self.config, clock=self.clock, tts=self.tts, store=self.store, node=self.name)
        try:
            return build_station_app(self.config, row, clock=self.clock, tts=self.tts, store=self.store, node=self.name)
        except LoaError as exc:
            code = row.code
            reason = render(exc, self.config.lang)
            if self.refused.get(code) != reason:
                log.error("%s", self._say("log_node_station_refused", station=code, reason=reason))
            self.refused[code] = reason
            return None

    def _add(self, app: App, stamp: tuple[Any, ...]) -> None:
        self.refused.pop(app.config.station.code, None)
        runner = Runner(app, heartbeat=False)  # the node beats once for all its stations
        self.served[app.station_id] = Served(app=app, runner=runner, stamp=stamp)
        if self._scheduler is not None:
            runner.attach(self._scheduler)
            log.info("%s", self._say("log_node_station_added", station=app.config.station.code))

    def _drop(self, station_id: int) -> None:
        served = self.served.pop(station_id)
        served.runner.detach()
        served.app.close()
        log.info("%s", self._say("log_node_station_dropped", station=served.app.config.station.code))

    # ---- running ----------------------------------------------------------------------

    def start(self, scheduler: Any = None) -> None:
        """Build the stations, then start the shared timers and the node's sync every poll."""
        self.refresh()
        first = next(iter(self.served.values()), None)
        if first is not None:  # before any claim: refused (NodeNameTaken) if the name is alive elsewhere
            wanted = self.config.runner.stations
            advertised = [] if "*" in wanted else [s.app.config.station.code for s in self.served.values()]
            self._heartbeat = Heartbeat(first.app, stations=advertised)
            self._heartbeat.start()
        if scheduler is None:
            scheduler = self._background()
        self._scheduler = scheduler
        for served in self.served.values():
            served.runner.attach(scheduler)
        scheduler.add_job(
            self.sync,
            "interval",
            seconds=self.config.runner.poll_seconds,
            id="sync",
            executor="sync",
            next_run_time=datetime.now(UTC),
        )
        scheduler.start()
        self._listen()

    def _background(self) -> Any:
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.schedulers.background import BackgroundScheduler

        class AheadExecutor(ThreadPoolExecutor):
            """Renders ahead of air time: at shutdown those not started are dropped, not waited for (an
            airing renders at its own time on the node that claims it); a stop no longer waits for every
            render of the next `render_lead` seconds of all the node's stations."""

            def _do_submit_job(self, job: Any, run_times: Any) -> None:
                from apscheduler.executors.base import run_job

                def done(future: Any) -> None:
                    if future.cancelled():
                        return
                    exc = future.exception()
                    if exc is not None:
                        self._run_job_error(job.id, exc, exc.__traceback__)
                    else:
                        self._run_job_success(job.id, future.result())

                future = self._pool.submit(run_job, job, job._jobstore_alias, run_times, self._logger.name)
                future.add_done_callback(done)

            def shutdown(self, wait: bool = True) -> None:
                self._pool.shutdown(wait, cancel_futures=True)

        zones = sum(len(zone_table(s.app.config.channels.radio)) for s in self.served.values()) or 1
        zones = min(max(zones, 2), 512)  # room for stations added later; a thread per zone playing at once
        self._executors = {
            "default": ThreadPoolExecutor(max(self.config.runner.workers, min(len(self.served), 32))),
            "radio": ThreadPoolExecutor(zones),
            "emergency": ThreadPoolExecutor(zones),
            "render": AheadExecutor(2),
            "sync": ThreadPoolExecutor(1),
        }
        return BackgroundScheduler(
            timezone=UTC,
            executors=dict(self._executors),
            job_defaults={"misfire_grace_time": None, "coalesce": False, "max_instances": 1},
        )

    def wake(self, station_id: int, reason: str = "") -> None:
        """A bulletin of `station_id` was queued, approved, moved or sent as an emergency: that station's
        timers sync now (`Timers.wake`: wakes coalesce), not at the next poll."""
        served = self.served.get(station_id)
        if served is not None:
            served.runner.timers.wake()

    def _listen(self) -> None:
        """On PostgreSQL, one LISTEN connection for the node wakes the station a notification names."""
        first = next(iter(self.served.values()), None)
        if first is None or not wake.listens(first.app):
            return
        app = first.app

        def lost(reason: str) -> None:
            note(app, logging.WARNING, "log_wakeups_lost", reason=reason, poll=self.config.runner.poll_seconds)

        def back(seconds: float) -> None:
            note(app, logging.WARNING, "log_wakeups_back", seconds=seconds)
            for served in list(self.served.values()):  # whatever was notified while it was gone
                served.runner.timers.wake()

        url = app.engine.url.render_as_string(hide_password=False)
        self._listener = Listener(url, self.wake, on_lost=lost, on_back=back).start()

    def sync(self) -> int:
        """One poll for all stations: settle abandoned claims, lay out programmes, set the near future's timers."""
        with self._lock:
            now = self.clock.now()
            if self._refreshed is None or now - self._refreshed >= REFRESH:
                try:
                    self.refresh()
                except Exception as exc:  # the database is away: the stations built so far go on
                    self._failed(exc)
                    return 0
            served = list(self.served.values())
            if not served:
                return 0
            try:
                rows = self._read(served, now)
            except Exception as exc:
                self._failed(exc)
                return 0
            if self._down:
                self._down = False
                log.warning("%s", self._say("log_node_store_back"))
            by_station: dict[int, list[Any]] = defaultdict(list)
            for row in rows:
                by_station[row.station_id].append(row)
            return sum(s.runner.timers.feed(by_station.get(s.app.station_id, []), now) for s in served)

    def _read(self, served: list[Served], now: datetime) -> list[Any]:
        """Recover where claims are running, lay out a share of the programmes, then read the near future."""
        ids = [s.app.station_id for s in served]
        _, sessions = self.store
        with sessions() as session:
            running = set(
                session.scalars(
                    select(Airing.station_id)
                    .where(Airing.status == AiringStatus.running, Airing.station_id.in_(ids))
                    .distinct()
                )
            )
        for s in served:
            if s.app.station_id in running:
                s.runner.recover(now)
        budget = max(1, math.ceil(len(served) * self.config.runner.poll_seconds / MATERIALIZE_EVERY.total_seconds()))
        for s in served:
            if budget <= 0:
                break
            if s.runner.timers.materialize(now, MATERIALIZE_EVERY):
                budget -= 1
        horizon = max(s.runner.timers.ahead(now) for s in served)
        with sessions() as session:
            return list(session.execute(UPCOMING.where(Airing.station_id.in_(ids), Airing.due_at <= horizon)).all())

    def _failed(self, exc: Exception) -> None:
        if not self._down:
            self._down = True
            log.error("%s", self._say("log_node_store_lost", reason=str(exc).strip().splitlines()[0][:200]))

    def run_once(self) -> int:
        """`loa run --once`: what is due now at every station served; return how many records were written."""
        self.refresh()
        return sum(len(s.runner.run_due()) for s in list(self.served.values()))

    def stop(self, wait: bool = True) -> None:
        """Stop the timers (with `wait`, the airings in hand finish and are recorded), then the stations."""
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.stop()
        beating, self._heartbeat = self._heartbeat, None
        if self._scheduler is not None:
            # Not shutdown(wait=True) on our own executors: APScheduler waits for them holding its job store
            # lock, and a sync still running adds timers under that lock, so the stop would hang for ever.
            self._scheduler.shutdown(wait=wait and not self._executors)
            if wait:
                for executor in self._executors.values():
                    executor.shutdown(wait=True)  # what is in hand finishes and is recorded
            self._scheduler = None
        if beating is not None:  # after the airings in hand are recorded: then nothing of ours is left running
            beating.stop()
        with self._lock:
            for station_id in list(self.served):
                served = self.served.pop(station_id)
                served.runner.detach()
                served.app.close()
        if self._owns_store and self._store is not None:
            self._store[0].dispose()
            self._store = None

    def __enter__(self) -> Node:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop(wait=True)

    def _say(self, code: str, **params: object) -> str:
        from scheduler.messages import text

        return text(code, self.config.lang, node=self.name, **params)
