"""The runner: turns due airings into deliveries and log records.

- `Runner` (here): the composition: one pass (`run_due`), one airing (`execute`), start/stop of the poll loop;
- `timers`: the in-memory APScheduler timers of the near future, render-ahead jobs, the sync poll;
- `claims`: load, claim, finish, lease renewal and recovery of airings in the database (the claim is committed
  before any side effect; the final record and the status change go in one transaction);
- `delivery`: the pure `decide` (hold, miss, skip or go) and publishing with the retry policy;
- `followups`: the follow-up airing of a step a channel held for later (a Zalo broadcast at night);
- `radio`: the radio's exclusive turn and emergency interrupt, quiet-hour holds and requeues;
- `zone_lease`: the zone's lease in the database that makes the radio's turn exclusive across nodes;
- `heartbeat`: this node's row in `nodes`, kept fresh while it runs, how other nodes tell it is alive;
- `notes`: the runner's log lines, in the station's language;
- `wake`: on PostgreSQL, the LISTEN/NOTIFY listener that makes the timers sync at once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from audio.errors import LoaError
from broadcasts.channels.base import Broadcast, Preparable
from broadcasts.evidence import ClaimLost, fenced
from broadcasts.models import (
    Airing,
    AiringStatus,
    Approval,
    Bulletin,
    BulletinKind,
    LogRecord,
    Outcome,
    Priority,
    Station,
)
from scheduler.app import App
from scheduler.messages import render
from scheduler.programme import planner
from scheduler.runner import claims, delivery, followups, radio, wake
from scheduler.runner.claims import Observer
from scheduler.runner.delivery import RetryPolicy, Verdict
from scheduler.runner.heartbeat import Heartbeat
from scheduler.runner.notes import note
from scheduler.runner.timers import Timers
from scheduler.runner.zone_lease import ZoneLeases
from scheduler.runner.zones import ZoneWatch

__all__ = ["Runner"]


class Runner:
    """Executes due airings once each, on time, and records what happened."""

    def __init__(
        self,
        app: App,
        *,
        max_attempts: int = 3,
        backoff_seconds: float = 2.0,
        observers: list[Observer] | None = None,
        heartbeat: bool = True,
    ) -> None:
        self.app = app
        # this node's heartbeat, started with the poll loop; False: the process owns one (a multi-station node)
        self.heartbeat = Heartbeat(app) if heartbeat else None
        self.policy = RetryPolicy(max_attempts=max_attempts, backoff_seconds=backoff_seconds)
        self.observers = list(observers or [])
        self.stopped: dict[str, str] = {}  # channel -> why it stopped (an expired or revoked token)
        self.timers = Timers(app, self)
        self.watch = ZoneWatch(app)  # kept-up mounts that stay down between airings raise an alert
        self.ready = self.timers.ready  # set once the first sync has rebuilt the timers
        self.turns = radio.RadioTurns(ZoneLeases(app))  # the radio's exclusive turn, across nodes too
        self.quiet = planner.quiet_hours(app)
        channels = app.config.channels
        self.grace = {name: timedelta(minutes=getattr(channels, name).grace_minutes) for name in channels.settings}

    # ---- one pass ----------------------------------------------------------------

    def due_ids(self, now: datetime) -> list[int]:
        """Pending, approved airings of this station due at `now`, in air order."""
        return claims.due_ids(self.app, now)

    def run_due(self, now: datetime | None = None) -> list[LogRecord]:
        """Settle abandoned claims, then execute everything due; return the records written."""
        now = now or self.app.clock.now()
        records = self.recover(now)
        for airing_id in self.due_ids(now):
            record = self.execute(airing_id)
            if record is not None:
                records.append(record)
        return records

    def recover(self, now: datetime | None = None) -> list[LogRecord]:
        """Settle airings left `running` by a process that died or whose lease expired."""
        return claims.recover(self.app, now or self.app.clock.now(), self.observers)

    # ---- one airing ---------------------------------------------------------------

    def execute(self, airing_id: int) -> LogRecord | None:
        """Claim, deliver and record one airing; None if it is not ours to run."""
        app = self.app
        now = app.clock.now()
        row = claims.load(app, airing_id)
        if row is None:
            return None
        airing, bulletin, station = row
        if (
            airing.status is not AiringStatus.pending
            or bulletin.approval is not Approval.approved
            or airing.channel in self.stopped
        ):
            return None
        if delivery.too_early(airing.due_at, now):  # moved later since its timer was set: not yet
            return None
        channel = app.channels.get(airing.channel)
        grace = self.grace.get(airing.channel, delivery.DEFAULT_GRACE)
        emergency = bulletin.priority is Priority.emergency
        verdict = delivery.decide(
            channel=airing.channel,
            known=channel is not None,
            emergency=emergency,
            due_at=airing.due_at,
            now=now,
            grace=grace,
            quiet=None if bulletin.kind is BulletinKind.relay else self.quiet,  # a relay airs at its hour
            tz=app.config.tz,
        )
        if verdict is Verdict.hold:
            radio.hold(app, airing_id, now)
            return None
        empty = radio.empty_slot(app, airing, bulletin) if verdict is Verdict.go else None
        if not claims.claim(app, airing_id, now):
            return None
        fresh = claims.load(app, airing_id)  # what the claim won: moved or edited since it was read?
        if (
            fresh is None
            or fresh[1].approval is not Approval.approved
            or fresh[0].due_at != airing.due_at
            or fresh[0].claimed_by != app.node
        ):
            claims.release(app, airing_id)
            return None
        airing, bulletin, station = fresh
        broadcast = Broadcast.of(airing, bulletin, station)
        late = now - airing.due_at
        late_seconds = max(late.total_seconds(), 0.0)
        if verdict is Verdict.skip or channel is None:  # the same: an unknown channel is skipped
            result = delivery.skipped(app, broadcast)
        elif verdict is Verdict.miss:
            result = delivery.missed(app, late, grace)
        elif empty is not None:  # an opening or closing of a slot with nothing in it
            result = empty
        else:
            zone = airing.zone
            watch = radio.StopWatch(app, channel, airing_id, zone)
            with (
                claims.lease_kept(app, airing_id),  # renewed while it waits for its zone too
                self.turns.turn(
                    channel,
                    emergency,
                    zone,
                    priority=bulletin.priority is Priority.priority,
                    relay=bulletin.kind is BulletinKind.relay,
                    airing_id=airing_id,
                ),
                watch.watching(),
            ):
                if not claims.holds(app, airing_id):  # taken over while it waited: the other node airs it
                    note(app, logging.ERROR, "log_claim_lost", airing=airing_id)
                    return None
                started_at = app.clock.now()
                late_seconds = max((started_at - broadcast.due_at).total_seconds(), 0.0)
                if late_seconds >= (1 if broadcast.channel == "radio" else 60):
                    note(
                        app,
                        logging.WARNING,
                        "log_late",
                        airing=airing_id,
                        channel=broadcast.channel,
                        seconds=late_seconds,
                    )
                if watch.check():  # stopped before it began: nothing went out
                    result = delivery.stopped(app, watch.by, interrupted=False)
                else:
                    try:
                        with fenced(airing_id, app.node, app.config.runner.lease_seconds):
                            result = delivery.deliver(
                                app,
                                channel,
                                broadcast,
                                policy=self.policy,
                                stopped=self.stopped,
                                grace=grace,
                                step_aside=(lambda: self.turns.emergency_waiting(zone))
                                if broadcast.channel == "radio" and not emergency
                                else None,
                            )
                    except ClaimLost:  # taken over meanwhile (its lease lapsed): the other node settles it
                        claims.holds(app, airing_id)  # lets it go from this process's hands
                        note(app, logging.ERROR, "log_claim_lost_unsent", airing=airing_id)
                        return None
                    if watch.by is not None and result.error_code == "sink_interrupted":
                        result = delivery.stopped(app, watch.by, interrupted=True)
            now = started_at
        started = None if result.outcome is Outcome.missed else now
        record = claims.finish(
            app,
            airing,
            result,
            started=started,
            late_seconds=late_seconds,
            claimant=app.node,
            observers=self.observers,
            also=followups.follow_up(app, channel, broadcast, result) if channel is not None else None,
        )
        if (
            record is not None
            and result.error_code == "sink_interrupted"
            and app.config.channels.radio.on_interrupt == "requeue"
        ):
            radio.requeue(app, record)
        return record

    def prepare(self, airing_id: int) -> None:
        """Render a radio airing's audio ahead of air time; a failure here is retried at air time."""
        with self.app.reads() as session:
            airing = session.get(Airing, airing_id)
            if airing is None or airing.status is not AiringStatus.pending:
                return
            broadcast = Broadcast.of(
                airing, session.get_one(Bulletin, airing.bulletin_id), session.get_one(Station, airing.station_id)
            )
        channel = self.app.channels.get(broadcast.channel)
        if not isinstance(channel, Preparable):
            return
        try:
            if broadcast.kind == "relay":
                opener = getattr(channel, "open_ahead", None)
                if callable(opener):
                    opener(broadcast)
            else:
                channel.prepare(broadcast)
        except LoaError as exc:
            note(
                self.app,
                logging.WARNING,
                "log_render_failed",
                airing=airing_id,
                reason=render(exc, self.app.config.lang),
            )
        except Exception as exc:  # a bug here must not stop the timers; air time renders again
            note(
                self.app,
                logging.WARNING,
                "log_render_failed",
                exc_info=True,
                airing=airing_id,
                reason=f"{type(exc).__name__}: {exc}",
            )

    # ---- the poll loop --------------------------------------------------------------

    def start(self, scheduler: Any = None) -> None:
        """Connect the radio's kept-up mounts and listeners, then start the in-memory timers, rebuilt from
        the database now and every poll (`Timers.start`). First the node's heartbeat (unless the process owns
        one): NodeNameTaken if another live process runs under this node's name."""
        if self.heartbeat is not None:
            self.heartbeat.start()
        self._connect()
        self.timers.start(scheduler)
        if scheduler is None:  # PostgreSQL: sync at once when woken (a scheduler passed in is a test's, told when)
            self.listener = wake.start_listener(self.app, self.timers.wake)

    def attach(self, scheduler: Any) -> None:
        """Start as one station of a node: its mounts and listeners, its timers on the node's scheduler, which
        the node starts, syncs (`Timers.feed`) and stops."""
        self._connect()
        self.timers.attach(scheduler)

    def _connect(self) -> None:
        radio_channel = self.app.channels.get("radio")
        starter = getattr(radio_channel, "start", None)
        if callable(starter):
            try:
                starter()
            except LoaError as exc:  # a mount down now is retried by its sender; airings still run
                note(self.app, logging.ERROR, "log_radio_start_failed", reason=render(exc, self.app.config.lang))
        self.watch.start()

    def detach(self) -> None:
        """Stop this station's own threads; its timers' jobs stay with the node's scheduler."""
        self.watch.stop()

    def sync(self) -> int:
        """Refresh the timers from the database; return how many airing timers were added."""
        return self.timers.sync()

    def timer_window(self) -> timedelta:
        """How far ahead airings get a timer: a few polls, so a late poll never makes one late."""
        return self.timers.window()

    def done_with(self, airing_id: int) -> None:
        """A timer's airing has been handled (or was not ours): forget it."""
        self.timers.done_with(airing_id)

    def stop(self, wait: bool = True) -> None:
        """Stop the timers; with `wait`, the airings in hand finish and are recorded."""
        listener, self.listener = getattr(self, "listener", None), None
        if listener is not None:
            listener.stop()
        self.watch.stop()
        self.timers.stop(wait)
        if self.heartbeat is not None:
            self.heartbeat.stop()
