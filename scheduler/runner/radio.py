"""The radio's turns: one airing at a time, an emergency interrupts and goes first; held and requeued airings."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from broadcasts.channels.base import Channel, Interruptible
from broadcasts.models import Airing, AiringStatus, LogRecord
from scheduler.app import App
from scheduler.programme import planner
from scheduler.runner.notes import note

__all__ = ["RadioTurns", "hold", "requeue"]


class RadioTurns:
    """The radio is exclusive in this process: one airing at a time; an emergency interrupts and goes first."""

    def __init__(self) -> None:
        self._radio = threading.Condition()
        self._busy = False
        self._emergencies = 0

    def emergency_waiting(self) -> bool:
        """Whether an emergency waits for the radio (one waiting for the data folder should step aside)."""
        with self._radio:
            return self._emergencies > 0

    @contextmanager
    def turn(self, channel: Channel, emergency: bool) -> Iterator[None]:
        """Wait for the radio's turn (other channels go at once), then hold it until the block ends."""
        if channel.name != "radio":
            yield
            return
        interrupt = channel.interrupt if isinstance(channel, Interruptible) else None
        with self._radio:
            if emergency:
                self._emergencies += 1
                while self._busy:
                    if interrupt is not None:
                        interrupt()
                    self._radio.wait(0.2)
                self._emergencies -= 1
            else:
                while self._busy or self._emergencies:
                    self._radio.wait()
            self._busy = True
        try:
            yield
        finally:
            with self._radio:
                self._busy = False
                self._radio.notify_all()


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
    """Air an interrupted bulletin again, right after what interrupted it."""
    now = app.clock.now()
    with app.sessions.begin() as session:
        session.add(
            Airing(
                bulletin_id=record.bulletin_id,
                station_id=record.station_id,
                channel=record.channel,
                due_at=now,
                status=AiringStatus.pending,
                created_at=now,
            )
        )
    note(app, logging.INFO, "log_requeued", airing=record.airing_id, bulletin=record.bulletin_id)
