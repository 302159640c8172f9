"""The radio's turns: one airing at a time, an emergency interrupts and goes first; held and requeued airings."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import select

from broadcasts.channels.base import Channel, Delivery, Interruptible
from broadcasts.models import Airing, AiringStatus, Bulletin, LogRecord, Outcome, Slot
from broadcasts.wakeups import notify
from scheduler.app import App
from scheduler.programme import planner
from scheduler.programme.rotation import ANNOUNCEMENTS, occupied
from scheduler.runner.notes import note, say
from scheduler.runner.zone_lease import ZoneLeases, holds_of

__all__ = ["RadioTurns", "StopWatch", "hold", "requeue", "empty_slot"]


class RadioTurns:
    """Each radio zone is exclusive: one airing at a time in it, an emergency interrupts and goes first;
    zones play in parallel. An airing without a zone is in the station's only zone.

    The condition here orders the airings of this process; with `leases` (`zone_lease.ZoneLeases`), an
    airing also holds the zone's row in the database while it plays, which makes the zone exclusive
    across processes and nodes (see that module for the guarantee)."""

    def __init__(self, leases: ZoneLeases | None = None) -> None:
        self.leases = leases
        self._radio = threading.Condition()
        self._busy: set[str | None] = set()
        self._emergencies: dict[str | None, int] = {}
        self._relays: set[str | None] = set()  # zones a relay holds (a priority bulletin may cut it)
        self._cut: set[str | None] = set()  # zones another node asked for (an emergency there)
        self._ending: set[str | None] = set()  # zones whose airing has ended and is giving the zone up

    def emergency_waiting(self, zone: str | None = None) -> bool:
        """Whether an emergency waits for the zone, here or on another node (one waiting for the data folder
        should step aside)."""
        with self._radio:
            return self._emergencies.get(zone, 0) > 0 or zone in self._cut

    @contextmanager
    def turn(
        self,
        channel: Channel,
        emergency: bool,
        zone: str | None = None,
        *,
        priority: bool = False,
        relay: bool = False,
        airing_id: int | None = None,
    ) -> Iterator[None]:
        """Wait for the zone's turn (other channels go at once), then hold it until the block ends.

        An emergency interrupts whatever holds the zone; a priority bulletin interrupts a relay (tiếp âm)
        but waits for anything else; a relay itself is marked so. With `leases` and an `airing_id`, the
        zone's database lease is taken too (a non-emergency waiting for it steps back when an emergency of
        this process wants the zone), kept while the block runs and given up at its end."""
        if channel.name != "radio":
            yield
            return
        interrupt = channel.interrupt if isinstance(channel, Interruptible) else None
        leases = self.leases if airing_id is not None else None
        holds = holds_of(emergency=emergency, priority=priority, relay=relay)
        while True:
            self._enter(zone, emergency, priority, relay, interrupt)
            if leases is None or airing_id is None:
                break
            try:
                got = leases.acquire(
                    zone, airing_id, holds, give_up=None if emergency else lambda: self.emergency_waiting(zone)
                )
            except BaseException:
                self._leave(zone)
                raise
            if got:
                break
            self._leave(zone)  # an emergency of this process goes first; then wait for the turn again
        try:
            if leases is None or airing_id is None:
                yield
            else:
                with leases.kept(
                    zone,
                    airing_id,
                    holds,
                    on_cut=lambda: self._cut_by_another(zone, interrupt),
                    keep=lambda: self._emergencies.get(zone, 0) > 0,
                ):
                    try:
                        yield
                    finally:
                        with self._radio:  # what played is over: a waiting emergency stops cutting the zone
                            self._ending.add(zone)
        finally:
            self._leave(zone)

    def _enter(
        self,
        zone: str | None,
        emergency: bool,
        priority: bool,
        relay: bool,
        interrupt: Callable[[str | None], None] | None,
    ) -> None:
        with self._radio:
            cutting = emergency or (priority and zone in self._relays)
            if cutting:
                self._emergencies[zone] = self._emergencies.get(zone, 0) + 1
                while zone in self._busy and (emergency or zone in self._relays):
                    if interrupt is not None and zone not in self._ending:
                        interrupt(zone)
                    self._radio.wait(0.2)
                self._emergencies[zone] -= 1
            while zone in self._busy or (not cutting and self._emergencies.get(zone, 0)):
                self._radio.wait()
            self._busy.add(zone)
            if relay:
                self._relays.add(zone)

    def _leave(self, zone: str | None) -> None:
        with self._radio:
            self._busy.discard(zone)
            self._relays.discard(zone)
            self._cut.discard(zone)
            self._ending.discard(zone)
            self._radio.notify_all()

    def _cut_by_another(self, zone: str | None, interrupt: Callable[[str | None], None] | None) -> None:
        """Another node wants the zone (or took it): step aside and cut what plays."""
        with self._radio:
            self._cut.add(zone)
        if interrupt is not None:
            interrupt(zone)


class StopWatch:
    """While an airing is on the radio, look every poll whether someone asked to stop it ("dừng phát").

    The request is a column of the airing (`stop_requested_by`), so a cancel
    from the console or another machine reaches the node that plays it; the
    watch then interrupts the channel, and `by` says who stopped it.
    """

    def __init__(self, app: App, channel: Channel, airing_id: int, zone: str | None = None) -> None:
        self.app = app
        self.channel = channel
        self.airing_id = airing_id
        self.zone = zone
        self.by: str | None = None

    def check(self) -> bool:
        """Whether a stop was asked; the first time, interrupt what plays."""
        if self.by is not None:
            return True
        if self.channel.name != "radio":  # only the radio is stopped on the air
            return False
        with self.app.reads() as session:
            by = session.scalar(select(Airing.stop_requested_by).where(Airing.id == self.airing_id))
        if not by:
            return False
        self.by = by
        note(self.app, logging.WARNING, "log_operator_stop", airing=self.airing_id, user=by)
        if isinstance(self.channel, Interruptible):
            self.channel.interrupt(self.zone)
        return True

    @contextmanager
    def watching(self) -> Iterator[StopWatch]:
        """Check every `poll_seconds` in a thread until the block ends (only for a channel that can stop)."""
        if not isinstance(self.channel, Interruptible):
            yield self
            return
        done = threading.Event()

        def watch() -> None:
            interrupt = self.channel.interrupt if isinstance(self.channel, Interruptible) else None
            while not done.wait(self.app.config.runner.poll_seconds):
                try:
                    if self.by is not None and interrupt is not None:
                        interrupt(
                            self.zone
                        )  # again: a stop asked while the audio was still being rendered cuts its playout
                    else:
                        self.check()
                except Exception:  # the database may be briefly unreachable: look again at the next poll
                    note(self.app, logging.ERROR, "log_sync_failed", exc_info=True)

        watcher = threading.Thread(target=watch, name=f"stop-{self.airing_id}", daemon=True)
        watcher.start()
        try:
            yield self
        finally:
            done.set()
            watcher.join(timeout=5)


def hold(app: App, airing_id: int, now: datetime) -> None:
    """Quiet hours: move a pending normal or priority radio airing to the next slot outside them."""
    with app.sessions.begin() as session:
        airing = session.get(Airing, airing_id)
        if airing is None or airing.status is not AiringStatus.pending:
            return
        occurrence = planner.first_occurrence(app, session, "radio", now)
        if occurrence is None:
            return
        airing.due_at, airing.slot_id, airing.slot_at = occurrence.start, occurrence.slot.id, occurrence.start
        note(app, logging.INFO, "log_quiet_wait", airing=airing.id, at=occurrence.start.isoformat())


def requeue(app: App, record: LogRecord) -> None:
    """Air an interrupted bulletin again, right after what interrupted it, in the same zone;
    a relay goes on until its end, and is not requeued once that has passed."""
    now = app.clock.now()
    with app.sessions.begin() as session:
        old = session.get(Airing, record.airing_id)
        until = old.until if old is not None else None
        if until is not None and until <= now:
            return
        session.add(
            Airing(
                bulletin_id=record.bulletin_id,
                station_id=record.station_id,
                channel=record.channel,
                due_at=now,
                status=AiringStatus.pending,
                zone=record.zone,
                until=until,
                created_at=now,
            )
        )
        notify(session, record.station_id, "queue")  # due now: this runner's timers (or another node's) look at once
    note(app, logging.INFO, "log_requeued", airing=record.airing_id, bulletin=record.bulletin_id)


def empty_slot(app: App, airing: Airing, bulletin: Bulletin) -> Delivery | None:
    """The `skipped` delivery of a slot's opening or closing when nothing else is in that slot, unless
    `programme.announce_empty_slots`; None when the announcement airs."""
    if bulletin.origin not in ANNOUNCEMENTS or app.config.programme.announce_empty_slots or airing.slot_at is None:
        return None
    with app.reads() as session:
        if (airing.slot_id, airing.slot_at) in occupied(session, airing.station_id, airing.slot_at, airing.slot_at):
            return None
        slot = session.get(Slot, airing.slot_id) if airing.slot_id is not None else None
    at = airing.slot_at.astimezone(app.config.tz).strftime("%Y-%m-%d %H:%M")
    return Delivery(
        outcome=Outcome.skipped,
        error_code="slot_empty_skipped",
        error_message=say(app, "slot_empty_skipped", slot=slot.name if slot is not None else "", at=at),
    )
