"""Follow-up airings: the rest of a delivery a channel held for later (a Zalo broadcast at night).

A channel that could not send one step now (Zalo takes no broadcasts 22:00-06:00)
sends the others, journals the held step as `deferred`, and returns a Delivery
with `resume_at`. The runner then adds, in the same transaction that records the
airing, a new pending airing of the same bulletin and channel due at
`resume_at` (`retry_of` names the first), started with what already went out
(`Resumable.carry_over`), so the follow-up sends only the held step. Nothing is
lost: the follow-up is committed with the first record or not at all (then the
first airing runs again); nothing is sent twice: the carried steps are `done`.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from broadcasts import evidence
from broadcasts.channels.base import Broadcast, Channel, Delivery, Resumable
from broadcasts.models import Airing, AiringStatus, LogRecord
from scheduler.app import App
from scheduler.runner.notes import note

__all__ = ["follow_up"]

AddFollowUp = Callable[[Session, LogRecord], None]


def follow_up(app: App, channel: Channel, broadcast: Broadcast, delivery: Delivery) -> AddFollowUp | None:
    """What adds the follow-up airing of `delivery` in the recording transaction; None when nothing was held."""
    resume_at = delivery.resume_at
    if resume_at is None:
        return None
    if not isinstance(channel, Resumable):  # it could not start from what went out: never resend it all
        note(app, logging.ERROR, "log_follow_up_impossible", airing=broadcast.airing_id, channel=channel.name)
        return None

    def add(session: Session, record: LogRecord) -> None:
        now = app.clock.now()
        new = Airing(
            bulletin_id=record.bulletin_id,
            station_id=record.station_id,
            channel=record.channel,
            due_at=resume_at,
            status=AiringStatus.pending,
            retry_of=record.airing_id,
            created_at=now,
        )
        session.add(new)
        session.flush()
        # before the commit, so no runner sees the follow-up without what went out (as `loa retry` does)
        with evidence.within(session):  # the journal's copy commits with the follow-up
            carried = channel.carry_over(broadcast, dataclasses.replace(broadcast, airing_id=new.id, due_at=resume_at))
        detail: dict[str, Any] = dict(record.detail or {})
        held = dict(detail.get("broadcast_deferred") or {})
        detail["broadcast_deferred"] = {**held, "follow_up": new.id, "carried": carried}
        record.detail = detail
        local = resume_at.astimezone(app.config.tz)
        note(
            app,
            logging.INFO,
            "log_deferred",
            airing=record.airing_id,
            channel=record.channel,
            at=f"{local:%H:%M %d/%m}",
            new=new.id,
        )

    return add
