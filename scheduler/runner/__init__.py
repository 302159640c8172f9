"""The runner: turns due airings into deliveries and log records.

The database is the source of truth. An airing is *claimed* by a conditional
update (pending -> running, with this node's name and a lease) committed
before any side effect; the final LogRecord and the status change are written
in one transaction, so every airing ends with exactly one final record.
APScheduler only keeps in-memory timers, rebuilt from the database at start
and refreshed every `poll_seconds`. A claim left by a process that died is
settled by asking the channel what happened (`Channel.recover`).
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterator

from sqlalchemy import and_, bindparam, or_, select, update

from audio.errors import LoaError, tagged
from broadcasts.channels.base import Broadcast, Channel, Delivery, Interruptible, Preparable
from broadcasts.errors import ChannelError
from broadcasts.models import (FINAL_OUTCOMES, Airing, AiringStatus, Approval, Bulletin, LogRecord, Outcome,
                               Priority, Station)
from scheduler.programme import planner
from scheduler.app import App
from scheduler.messages import render, text
from scheduler.messages.labels import OUTCOME_LABELS

__all__ = ["Runner"]

log = logging.getLogger("loa.runner")
Observer = Callable[[LogRecord], None]

EARLY_TOLERANCE = timedelta(milliseconds=500)  # a timer may fire this much before the due time

# The hot statements, built once: an airing with its bulletin and station; the claim; the finish.
_LOAD = (select(Airing, Bulletin, Station).join(Bulletin, Bulletin.id == Airing.bulletin_id)
         .join(Station, Station.id == Airing.station_id).where(Airing.id == bindparam("airing_id")))
_CLAIM = (update(Airing).where(Airing.id == bindparam("airing_id"), Airing.status == AiringStatus.pending)
          .values(status=AiringStatus.running, claimed_by=bindparam("node"), claimed_at=bindparam("now"),
                  lease_until=bindparam("lease_until"), attempts=Airing.attempts + 1))
_FINISH = (update(Airing).where(Airing.id == bindparam("airing_id"), Airing.status == AiringStatus.running,
                                Airing.claimed_by == bindparam("claimant"))
           .values(status=bindparam("status"), outcome=bindparam("outcome"), lease_until=None))


def _fire(runner: Runner, airing_id: int) -> None:
    """APScheduler job target: a module-level function and an airing id."""
    try:
        runner.execute(airing_id)
    finally:
        runner.done_with(airing_id)


def _prepare(runner: Runner, airing_id: int) -> None:
    """APScheduler job target: render a radio airing ahead of its air time."""
    runner.prepare(airing_id)


def _claimant_dead(claimed_by: str | None) -> bool:
    """True if the claim was made by a process on this host that no longer exists."""
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


class Runner:
    """Executes due airings once each, on time, and records what happened."""

    def __init__(self, app: App, *, max_attempts: int = 3, backoff_seconds: float = 2.0,
                 observers: list[Observer] | None = None) -> None:
        self.app = app
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self.observers = list(observers or [])
        self.stopped: dict[str, str] = {}
        self._scheduler = None
        self._sync_lock = threading.Lock()
        self._radio = threading.Condition()
        self._radio_busy = False
        self._emergencies = 0
        self._rendering: set[int] = set()  # radio airings given a render-ahead job
        self._inflight: dict[int, datetime] = {}  # airing id -> the due time its timer was set for
        self._timers_lock = threading.Lock()  # guards _inflight/_rendering; held for dict updates only
        self.ready = threading.Event()  # set once the first sync has rebuilt the timers
        self._materialized_at: datetime | None = None
        self.quiet = planner.quiet_hours(app)
        channels = app.config.channels
        self.grace = {name: timedelta(minutes=getattr(channels, name).grace_minutes)
                      for name in channels.settings}

    # ---- messages -----------------------------------------------------------------

    def _say(self, code: str, **params: object) -> str:
        return text(code, self.app.config.lang, **params)

    def _log(self, level: int, code: str, *, exc_info: bool = False, **params: object) -> None:
        """Log in the station's language (the operator reads `loa run`'s output); tagged, so
        `loa run --lang` re-words it (scheduler.messages.formatter)."""
        if log.isEnabledFor(level):
            log.log(level, "%s", self._say(code, **params), exc_info=exc_info, extra=tagged(code, **params))

    # ---- one pass ----------------------------------------------------------------

    def due_ids(self, now: datetime) -> list[int]:
        """Pending, approved airings of this station due at `now`, in air order."""
        with self.app.reads() as session:
            rows = session.execute(
                select(Airing.id, Airing.due_at, Bulletin.priority)
                .join(Bulletin, Bulletin.id == Airing.bulletin_id)
                .where(Airing.station_id == self.app.station_id, Airing.status == AiringStatus.pending,
                       Airing.due_at <= now, Bulletin.approval == Approval.approved)
                .order_by(Airing.due_at, Airing.id)
            ).all()
        return [r.id for r in sorted(rows, key=lambda r: (r.due_at, r.priority.rank, r.id))]

    def run_due(self, now: datetime | None = None) -> list[LogRecord]:
        """Settle abandoned claims, then execute everything due; return the records written."""
        now = now or self.app.clock.now()
        records = self.recover(now)
        for airing_id in self.due_ids(now):
            record = self.execute(airing_id)
            if record is not None:
                records.append(record)
        return records

    # ---- one airing ---------------------------------------------------------------

    def _broadcast(self, airing: Airing, bulletin: Bulletin, station: Station) -> Broadcast:
        return Broadcast(airing_id=airing.id, bulletin_id=bulletin.id, channel=airing.channel,
                         station_code=station.code, station_name=station.name, timezone=station.timezone,
                         title=bulletin.title, body=bulletin.body, post_text=bulletin.post_text,
                         priority=bulletin.priority.value, due_at=airing.due_at, attempt=airing.attempts)

    def execute(self, airing_id: int) -> LogRecord | None:
        """Claim, deliver and record one airing; None if it is not ours to run."""
        now = self.app.clock.now()
        with self.app.reads() as session:
            row = session.execute(_LOAD, {"airing_id": airing_id}).first()
        if row is None:
            return None
        airing, bulletin, station = row
        if airing.status is not AiringStatus.pending or bulletin.approval is not Approval.approved \
                or airing.channel in self.stopped:
            return None
        if airing.due_at - now > EARLY_TOLERANCE:  # moved later since its timer was set: not yet
            return None
        late = now - airing.due_at
        channel = self.app.channels.get(airing.channel)
        grace = self.grace.get(airing.channel, timedelta(minutes=10))
        emergency = bulletin.priority is Priority.emergency
        if (airing.channel == "radio" and not emergency and late <= grace
                and self.quiet.contains(now, self.app.config.tz)):
            with self.app.sessions.begin() as session:
                held = session.get(Airing, airing_id)
                if held is not None and held.status is AiringStatus.pending:
                    self._wait_for_slot(session, held, now)
            return None
        with self.app.sessions.begin() as session:
            claimed = session.execute(_CLAIM, {
                "airing_id": airing_id, "node": self.app.node, "now": now,
                "lease_until": now + timedelta(seconds=self.app.config.runner.lease_seconds)}).rowcount
        if claimed != 1:
            return None
        airing.attempts += 1
        broadcast = self._broadcast(airing, bulletin, station)
        late_seconds = max(late.total_seconds(), 0.0)
        if channel is None:
            delivery = Delivery(outcome=Outcome.skipped, error_code="unknown_channel",
                                error_message=self._say("unknown_channel", channel=broadcast.channel,
                                                        known=", ".join(self.app.channels)))
        elif late > grace:
            delivery = Delivery(outcome=Outcome.missed, error_code="missed",
                                error_message=self._say("missed", late=_minutes(late), grace=_minutes(grace)))
        else:
            with self._radio_turn(channel, emergency), self._lease_kept(airing_id):
                started_at = self.app.clock.now()
                late_seconds = max((started_at - broadcast.due_at).total_seconds(), 0.0)
                if late_seconds >= (1 if broadcast.channel == "radio" else 60):
                    self._log(logging.WARNING, "log_late", airing=airing_id, channel=broadcast.channel, seconds=late_seconds)
                delivery = self._deliver(channel, broadcast)
            now = started_at
        started = None if delivery.outcome is Outcome.missed else now
        record = self._finish(airing, delivery, started=started, late_seconds=late_seconds,
                              claimant=self.app.node)
        if record is not None and delivery.error_code == "sink_interrupted" \
                and self.app.config.channels.radio.on_interrupt == "requeue":
            self._requeue(record)
        return record

    @contextmanager
    def _lease_kept(self, airing_id: int) -> Iterator[None]:
        """Renew this node's lease on an airing in hand every third of the lease, until it is done."""
        lease = self.app.config.runner.lease_seconds
        done = threading.Event()

        def renew() -> None:
            while not done.wait(lease / 3):
                try:
                    with self.app.sessions.begin() as session:
                        session.execute(update(Airing).where(Airing.id == airing_id, Airing.claimed_by == self.app.node,
                                                             Airing.status == AiringStatus.running)
                                        .values(lease_until=self.app.clock.now() + timedelta(seconds=lease)))
                except Exception:  # the next renewal tries again; the lease is long
                    self._log(logging.ERROR, "log_lease_renew_failed", exc_info=True, airing=airing_id)

        keeper = threading.Thread(target=renew, name=f"lease-{airing_id}", daemon=True)
        keeper.start()
        try:
            yield
        finally:
            done.set()
            keeper.join(timeout=5)

    @contextmanager
    def _radio_turn(self, channel: Channel, emergency: bool) -> Iterator[None]:
        """The radio is exclusive: one airing at a time; an emergency interrupts and goes first."""
        if channel.name != "radio":
            yield
            return
        interrupt = channel.interrupt if isinstance(channel, Interruptible) else None
        with self._radio:
            if emergency:
                self._emergencies += 1
                while self._radio_busy:
                    if interrupt is not None:
                        interrupt()
                    self._radio.wait(0.2)
                self._emergencies -= 1
            else:
                while self._radio_busy or self._emergencies:
                    self._radio.wait()
            self._radio_busy = True
        try:
            yield
        finally:
            with self._radio:
                self._radio_busy = False
                self._radio.notify_all()

    def _wait_for_slot(self, session: object, airing: Airing, now: datetime) -> None:
        """Quiet hours: move a normal or priority radio airing to the next slot outside them."""
        occurrence = planner.first_occurrence(self.app, session, "radio", now)  # type: ignore[arg-type]
        if occurrence is None:
            return
        airing.due_at, airing.slot_id, airing.slot_at = occurrence.start, occurrence.slot.id, occurrence.start
        self._log(logging.INFO, "log_quiet_wait", airing=airing.id, at=occurrence.start.isoformat())

    def _requeue(self, record: LogRecord) -> None:
        """Air an interrupted bulletin again, right after what interrupted it."""
        now = self.app.clock.now()
        with self.app.sessions.begin() as session:
            session.add(Airing(bulletin_id=record.bulletin_id, station_id=record.station_id, channel=record.channel,
                               due_at=now, status=AiringStatus.pending, created_at=now))
        self._log(logging.INFO, "log_requeued", airing=record.airing_id, bulletin=record.bulletin_id)

    def prepare(self, airing_id: int) -> None:
        """Render a radio airing's audio ahead of air time; a failure here is retried at air time."""
        with self.app.reads() as session:
            airing = session.get(Airing, airing_id)
            if airing is None or airing.status is not AiringStatus.pending:
                return
            broadcast = self._broadcast(airing, session.get_one(Bulletin, airing.bulletin_id),
                                        session.get_one(Station, airing.station_id))
        channel = self.app.channels.get(broadcast.channel)
        if not isinstance(channel, Preparable):
            return
        try:
            channel.prepare(broadcast)
        except LoaError as exc:
            self._log(logging.WARNING, "log_render_failed", airing=airing_id, reason=render(exc, self.app.config.lang))
        except Exception as exc:  # a bug here must not stop the timers; air time renders again
            self._log(logging.WARNING, "log_render_failed", exc_info=True, airing=airing_id,
                      reason=f"{type(exc).__name__}: {exc}")

    def _deliver(self, channel: Channel, broadcast: Broadcast) -> Delivery:
        """Publish with retries for clear transient errors; never raises."""
        for attempt in range(1, self.max_attempts + 1):
            try:
                return channel.publish(broadcast)
            except ChannelError as exc:
                message = render(exc, self.app.config.lang)
                if exc.auth:
                    self.stopped[channel.name] = message
                    self._log(logging.ERROR, "log_channel_stopped", channel=channel.name, reason=message)
                    return Delivery(outcome=Outcome.failed, error_code=exc.code, error_message=message)
                links = {"external_id": exc.params.get("external_id"), "external_url": exc.params.get("external_url")}
                if exc.sent:
                    self._log(logging.ERROR, "log_unclear", airing=broadcast.airing_id, channel=channel.name, reason=message)
                    return Delivery(outcome=Outcome.unknown, error_code=exc.code, error_message=message, **links)
                if exc.retryable and attempt < self.max_attempts:
                    wait = float(exc.params.get("retry_after") or self.backoff_seconds * 2 ** (attempt - 1))
                    wait *= 1 + random.uniform(0, 0.25)
                    self._log(logging.WARNING, "log_retrying", airing=broadcast.airing_id, channel=channel.name,
                              reason=message, seconds=wait)
                    self._extend_lease(broadcast.airing_id, wait)
                    self.app.clock.sleep(wait)
                    continue
                self._log(logging.ERROR, "log_failed", airing=broadcast.airing_id, channel=channel.name, reason=message)
                return Delivery(outcome=Outcome.failed, error_code=exc.code, error_message=message, **links)
            except LoaError as exc:
                message = render(exc, self.app.config.lang)
                if exc.code == "sink_interrupted":
                    self._log(logging.WARNING, "log_interrupted", airing=broadcast.airing_id, channel=channel.name)
                    return Delivery(outcome=Outcome.skipped, error_code=exc.code, error_message=message)
                self._log(logging.ERROR, "log_failed", airing=broadcast.airing_id, channel=channel.name, reason=message)
                return Delivery(outcome=Outcome.failed, error_code=exc.code, error_message=message)
            except Exception as exc:  # a bug must not lose the record of the airing
                self._log(logging.ERROR, "log_internal", exc_info=True, airing=broadcast.airing_id, channel=channel.name)
                return Delivery(outcome=Outcome.failed, error_code="internal",
                                error_message=self._say("internal", reason=f"{type(exc).__name__}: {exc}"))
        raise AssertionError("unreachable")

    def _extend_lease(self, airing_id: int, wait: float) -> None:
        """Before waiting to retry, keep the claim for the wait plus a whole lease."""
        until = self.app.clock.now() + timedelta(seconds=wait + self.app.config.runner.lease_seconds)
        with self.app.sessions.begin() as session:
            session.execute(update(Airing).where(Airing.id == airing_id, Airing.status == AiringStatus.running,
                                                 Airing.claimed_by == self.app.node).values(lease_until=until))

    def _finish(self, airing: Airing, delivery: Delivery, *, started: datetime | None,
                late_seconds: float | None, claimant: str | None) -> LogRecord | None:
        """Write the record and the airing's new status in one transaction, if the claim is still ours."""
        finished = self.app.clock.now()
        final = delivery.outcome in FINAL_OUTCOMES
        message = delivery.error_message
        if delivery.error_code and not message:
            message = self._say(delivery.error_code)
        with self.app.sessions.begin() as session:
            changed = session.execute(_FINISH, {
                "airing_id": airing.id, "claimant": claimant, "outcome": delivery.outcome,
                "status": AiringStatus.done if final else AiringStatus.unknown}).rowcount
            if changed != 1:
                self._log(logging.ERROR, "log_claim_lost", airing=airing.id)
                return None
            record = LogRecord(
                airing_id=airing.id, bulletin_id=airing.bulletin_id, station_id=airing.station_id,
                channel=airing.channel, outcome=delivery.outcome, due_at=airing.due_at, started_at=started,
                finished_at=finished, late_seconds=late_seconds, tts_engine=delivery.tts_engine,
                audio_path=delivery.audio_path, audio_sha256=delivery.audio_sha256,
                audio_seconds=delivery.audio_seconds, external_id=delivery.external_id,
                external_url=delivery.external_url, error_code=delivery.error_code, error_message=message,
                detail=delivery.detail, node=self.app.node, created_at=finished,
            )
            session.add(record)
        lang = "en" if self.app.config.lang == "en" else "vi"
        self._log(logging.INFO, "log_outcome", airing=airing.id, channel=record.channel,
                  outcome=OUTCOME_LABELS[lang].get(record.outcome.value, record.outcome.value))
        for observer in self.observers:
            observer(record)
        return record

    # ---- abandoned claims ---------------------------------------------------------

    def recover(self, now: datetime | None = None) -> list[LogRecord]:
        """Settle airings left `running` by a process that died or whose lease expired."""
        now = now or self.app.clock.now()
        with self.app.reads() as session:
            rows = session.execute(
                select(Airing, Bulletin, Station)
                .join(Bulletin, Bulletin.id == Airing.bulletin_id).join(Station, Station.id == Airing.station_id)
                .where(Airing.station_id == self.app.station_id, Airing.status == AiringStatus.running)
            ).all()
        records: list[LogRecord] = []
        for airing, bulletin, station in rows:
            expired = airing.lease_until is not None and airing.lease_until < now
            if airing.claimed_by == self.app.node or not (expired or _claimant_dead(airing.claimed_by)):
                continue
            broadcast = self._broadcast(airing, bulletin, station)
            channel = self.app.channels.get(airing.channel)
            delivery = channel.recover(broadcast) if channel else Delivery(outcome=Outcome.unknown,
                                                                          error_code="crashed_unclear")
            if delivery is None:
                with self.app.sessions.begin() as session:
                    session.execute(update(Airing).where(Airing.id == airing.id, Airing.status == AiringStatus.running,
                                                         Airing.claimed_by == airing.claimed_by)
                                    .values(status=AiringStatus.pending, claimed_by=None, lease_until=None))
                self._log(logging.WARNING, "log_rerun", airing=airing.id, channel=airing.channel)
                continue
            record = self._finish(airing, delivery, started=airing.claimed_at,
                                  late_seconds=max((airing.claimed_at - airing.due_at).total_seconds(), 0.0)
                                  if airing.claimed_at else None, claimant=airing.claimed_by)
            if record is not None:
                records.append(record)
        return records

    # ---- timers ---------------------------------------------------------------------

    def start(self, scheduler: Any = None) -> None:
        """Start the in-memory timers, rebuilt from the database now and every poll.

        `scheduler` replaces APScheduler's BackgroundScheduler (tests pass one
        driven by a fake clock); it needs add_job, get_job, start and shutdown.
        """
        if scheduler is None:
            from apscheduler.executors.pool import ThreadPoolExecutor
            from apscheduler.schedulers.background import BackgroundScheduler

            scheduler = BackgroundScheduler(
                timezone=timezone.utc,
                executors={"default": ThreadPoolExecutor(self.app.config.runner.workers),
                           "radio": ThreadPoolExecutor(1), "emergency": ThreadPoolExecutor(1),
                           "render": ThreadPoolExecutor(1), "sync": ThreadPoolExecutor(1)},
                job_defaults={"misfire_grace_time": None, "coalesce": False, "max_instances": 1},
            )
        scheduler.add_job(self.sync, "interval", seconds=self.app.config.runner.poll_seconds, id="sync",
                          executor="sync", next_run_time=datetime.now(timezone.utc))
        self._scheduler = scheduler
        scheduler.start()

    def timer_window(self) -> timedelta:
        """How far ahead airings get a timer: a few polls, so a late poll never makes one late."""
        return timedelta(seconds=3 * self.app.config.runner.poll_seconds + 10)

    def sync(self) -> int:
        """Refresh the timers from the database; return how many airing timers were added.

        Only the near future gets timers (`timer_window`; radio airings also a
        render job `render_lead` ahead), so each poll reads a few rows however
        much is queued, and every change made by other processes (a queue, an
        approval, a replan) is seen before its airing is due.
        """
        scheduler = self._scheduler
        if scheduler is None:
            return 0
        with self._sync_lock:
            now = self.app.clock.now()
            near = now + self.timer_window()
            radio = self.app.channels.get("radio")
            renders = isinstance(radio, Preparable)
            lead = timedelta(seconds=self.app.config.channels.radio.render_lead_seconds)
            ahead = max(near, now + lead + timedelta(seconds=self.app.config.runner.poll_seconds)) if renders else near
            try:
                self.recover(now)
                if self._materialized_at is None or now - self._materialized_at >= timedelta(seconds=60):
                    planner.materialize(self.app, now, now + timedelta(hours=self.app.config.runner.horizon_hours))
                    self._materialized_at = now
                with self.app.reads() as session:
                    rows = session.execute(
                        select(Airing.id, Airing.channel, Airing.due_at, Bulletin.priority)
                        .join(Bulletin, Bulletin.id == Airing.bulletin_id)
                        .where(Airing.station_id == self.app.station_id, Airing.status == AiringStatus.pending,
                               Bulletin.approval == Approval.approved,
                               or_(Airing.due_at <= near, and_(Airing.channel == "radio", Airing.due_at <= ahead)))
                    ).all()
            except Exception:  # the database may be briefly unreachable: try again at the next poll
                self._log(logging.ERROR, "log_sync_failed", exc_info=True)
                return 0
            added = 0
            for row in rows:
                if renders and row.channel == "radio" and row.due_at > now and row.id not in self._rendering:
                    self._rendering.add(row.id)  # once: a render that fails is tried again at air time
                    scheduler.add_job(_prepare, "date", run_date=max(row.due_at - lead, now), args=[self, row.id],
                                      id=f"render:{row.id}", executor="render", replace_existing=True)
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
                scheduler.add_job(_fire, "date", run_date=max(row.due_at, now), args=[self, row.id],
                                  id=f"airing:{row.id}", executor=executor, replace_existing=True)
                added += 1
            with self._timers_lock:  # forget render jobs of airings no longer pending here
                self._rendering.intersection_update(row.id for row in rows)
            if not self.ready.is_set():
                self.ready.set()
                self._log(logging.INFO, "log_timers_ready", count=added, seconds=self.timer_window().total_seconds())
            return added

    def done_with(self, airing_id: int) -> None:
        """A timer's airing has been handled (or was not ours): forget it."""
        with self._timers_lock:
            self._inflight.pop(airing_id, None)
            self._rendering.discard(airing_id)

    def stop(self, wait: bool = True) -> None:
        """Stop the timers; with `wait`, the airings in hand finish and are recorded."""
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=wait)
            self._scheduler = None


def _minutes(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    return f"{seconds // 60} min"
