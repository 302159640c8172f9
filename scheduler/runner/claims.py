"""Airings in the database: load, claim, finish, lease renewal and recovery of abandoned claims.

An airing is claimed by a conditional update (pending -> running, with this
node's name and a lease) committed before any side effect; the final LogRecord
and the status change are written in one transaction, so every airing ends with
exactly one final record. A claim is abandoned when its lease expired, when its
node's heartbeat went stale or the node stopped (`heartbeat`), when it carries
this node's name but this process does not hold it (an earlier process of the
same name), or when it was made by an unnamed process on this host that no
longer exists. It is settled by asking the channel what happened
(`Channel.recover`), which reads the delivery evidence every node writes to the
database, so a takeover never sends again what the dead node sent.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Update, bindparam, select, update
from sqlalchemy.orm import Session

from broadcasts import evidence
from broadcasts.channels.base import Broadcast, Channel, Delivery
from broadcasts.log import new_record
from broadcasts.models import FINAL_OUTCOMES, Airing, AiringStatus, Approval, Bulletin, LogRecord, Outcome, Station
from scheduler.app import App
from scheduler.messages import Label
from scheduler.runner import alerts
from scheduler.runner.heartbeat import node_alive, stale_after, unnamed_claimant_gone
from scheduler.runner.notes import note, say
from scheduler.runner.outage import is_store_error

__all__ = [
    "Observer",
    "abandoned",
    "claim",
    "due_ids",
    "extend_lease",
    "finish",
    "holds",
    "lease_kept",
    "load",
    "recover",
    "release",
]

Observer = Callable[[LogRecord], None]

# The hot statements, built once: an airing with its bulletin and station; the claim; the finish.
_LOAD = (
    select(Airing, Bulletin, Station)
    .join(Bulletin, Bulletin.id == Airing.bulletin_id)
    .join(Station, Station.id == Airing.station_id)
    .where(Airing.id == bindparam("airing_id"))
)
_CLAIM = (
    update(Airing)
    .where(Airing.id == bindparam("airing_id"), Airing.status == AiringStatus.pending)
    .values(
        status=AiringStatus.running,
        claimed_by=bindparam("node"),
        claimed_at=bindparam("now"),
        lease_until=bindparam("lease_until"),
        attempts=Airing.attempts + 1,
    )
)
_FINISH = (
    update(Airing)
    .where(
        Airing.id == bindparam("airing_id"),
        Airing.status == AiringStatus.running,
        Airing.claimed_by == bindparam("claimant"),
    )
    .values(status=bindparam("status"), outcome=bindparam("outcome"), lease_until=None)
)


def load(app: App, airing_id: int) -> tuple[Airing, Bulletin, Station] | None:
    """An airing with its bulletin and station, or None if it is gone."""
    with app.reads() as session:
        row = session.execute(_LOAD, {"airing_id": airing_id}).first()
    if row is None:
        return None
    airing, bulletin, station = row
    return airing, bulletin, station


def due_ids(app: App, now: datetime) -> list[int]:
    """Pending, approved airings of this station due at `now`, in air order."""
    with app.reads() as session:
        rows = session.execute(
            select(Airing.id, Airing.due_at, Bulletin.priority)
            .join(Bulletin, Bulletin.id == Airing.bulletin_id)
            .where(
                Airing.station_id == app.station_id,
                Airing.status == AiringStatus.pending,
                Airing.due_at <= now,
                Bulletin.approval == Approval.approved,
            )
            .order_by(Airing.due_at, Airing.id)
        ).all()
    return [r.id for r in sorted(rows, key=lambda r: (r.due_at, r.priority.rank, r.id))]


_hands = threading.Lock()  # guards every App.in_hand


def _hold(app: App, airing_id: int) -> bool:
    """Count `airing_id` as in hand before its claim commits (so `recover` never sees it running and
    unheld); True if it was not held already."""
    with _hands:
        added = airing_id not in app.in_hand
        app.in_hand.add(airing_id)
    return added


def _let_go(app: App, airing_id: int) -> None:
    with _hands:
        app.in_hand.discard(airing_id)


def claim(app: App, airing_id: int, now: datetime) -> bool:
    """Take a pending airing for this node with a fresh lease, committed at once; False if another has it."""
    added = _hold(app, airing_id)
    try:
        with app.sessions.begin() as session:
            claimed = _updated(
                session,
                _CLAIM,
                {
                    "airing_id": airing_id,
                    "node": app.node,
                    "now": now,
                    "lease_until": now + timedelta(seconds=app.config.runner.lease_seconds),
                },
            )
    except BaseException:
        if added:
            _let_go(app, airing_id)
        raise
    if claimed != 1 and added:
        _let_go(app, airing_id)
    return claimed == 1


def release(app: App, airing_id: int) -> None:
    """Give back a claim taken on stale facts (the airing was moved, or its bulletin edited back to a draft)."""
    with app.sessions.begin() as session:
        session.execute(
            update(Airing)
            .where(Airing.id == airing_id, Airing.status == AiringStatus.running, Airing.claimed_by == app.node)
            .values(
                status=AiringStatus.pending,
                claimed_by=None,
                claimed_at=None,
                lease_until=None,
                attempts=Airing.attempts - 1,
            )
        )
    _let_go(app, airing_id)


def holds(app: App, airing_id: int) -> bool:
    """Whether this node still holds its claim on the airing (not settled or taken over by another node)."""
    with app.reads() as session:
        row = session.execute(select(Airing.status, Airing.claimed_by).where(Airing.id == airing_id)).first()
    if row is not None and row.status is AiringStatus.running and row.claimed_by == app.node:
        return True
    _let_go(app, airing_id)
    return False


@contextmanager
def lease_kept(app: App, airing_id: int) -> Iterator[None]:
    """Renew this node's lease on an airing in hand every third of the lease, until it is done."""
    lease = app.config.runner.lease_seconds
    done = threading.Event()

    def renew() -> None:
        while not done.wait(lease / 3):
            try:
                with app.sessions.begin() as session:
                    session.execute(
                        update(Airing)
                        .where(
                            Airing.id == airing_id, Airing.claimed_by == app.node, Airing.status == AiringStatus.running
                        )
                        .values(lease_until=app.clock.now() + timedelta(seconds=lease))
                    )
            except Exception as exc:  # the next renewal tries again; the lease is long
                quiet = is_store_error(exc)  # an outage: its one line is the timers'; no traceback here
                note(app, logging.ERROR, "log_lease_renew_failed", exc_info=not quiet, airing=airing_id)

    keeper = threading.Thread(target=renew, name=f"lease-{airing_id}", daemon=True)
    keeper.start()
    try:
        yield
    finally:
        done.set()
        keeper.join(timeout=5)


def extend_lease(app: App, airing_id: int, wait: float) -> None:
    """Before waiting to retry, keep the claim for the wait plus a whole lease."""
    until = app.clock.now() + timedelta(seconds=wait + app.config.runner.lease_seconds)
    with app.sessions.begin() as session:
        session.execute(
            update(Airing)
            .where(Airing.id == airing_id, Airing.status == AiringStatus.running, Airing.claimed_by == app.node)
            .values(lease_until=until)
        )


def finish(
    app: App,
    airing: Airing,
    delivery: Delivery,
    *,
    started: datetime | None,
    late_seconds: float | None,
    claimant: str | None,
    observers: list[Observer],
    also: Callable[[Session, LogRecord], None] | None = None,
) -> LogRecord | None:
    """Write the record and the airing's new status in one transaction, if the claim is still ours;
    `also` adds what must be committed with the record (a follow-up airing)."""
    finished = app.clock.now()
    final = delivery.outcome in FINAL_OUTCOMES
    message = delivery.error_message
    if delivery.error_code and not message:  # a channel's own words: its code with `detail["error_params"]`
        message = say(app, delivery.error_code, **((delivery.detail or {}).get("error_params") or {}))
    try:
        with app.sessions.begin() as session:
            changed = _updated(
                session,
                _FINISH,
                {
                    "airing_id": airing.id,
                    "claimant": claimant,
                    "outcome": delivery.outcome,
                    "status": AiringStatus.done if final else AiringStatus.unknown,
                },
            )
            if changed != 1:
                note(app, logging.ERROR, "log_claim_lost", airing=airing.id)
                return None
            record = new_record(
                airing,
                delivery,
                node=app.node,
                started=started,
                finished=finished,
                late_seconds=late_seconds,
                error_message=message,
            )
            session.add(record)
            raised = alerts.add_alerts(app, session, airing, delivery, finished)
            if also is not None:
                also(session, record)
    finally:
        if claimant == app.node:
            _let_go(app, airing.id)  # after the commit: `recover` never sees it running and unheld
    alerts.announce(app, raised)
    note(
        app,
        logging.INFO,
        "log_outcome",
        airing=airing.id,
        channel=record.channel,
        outcome=Label("OUTCOME_LABELS", record.outcome.value),
    )
    for observer in observers:
        observer(record)
    return record


def abandoned(app: App, session: Session, airing: Airing, now: datetime) -> bool:
    """Whether a `running` airing is no longer in anyone's hands: not held by this process, and its lease
    expired, or its node stopped or stopped beating, or it carries this node's name (an earlier process of
    the same name), or an unnamed process on this host made it and is gone."""
    if airing.id in app.in_hand:
        return False
    if airing.claimed_by == app.node:
        return True
    if airing.lease_until is not None and airing.lease_until < now:
        return True
    if not airing.claimed_by:
        return False
    alive = node_alive(session, airing.claimed_by, now, stale_after(app.config.runner.heartbeat_seconds))
    return alive is False or unnamed_claimant_gone(airing.claimed_by)


def recover(app: App, now: datetime, observers: list[Observer]) -> list[LogRecord]:
    """Settle airings left `running` by a node that died, stopped, or lost its lease (`abandoned`), as the
    channel's evidence says: aired or posted, unknown, or (surely nothing went out) pending again."""
    with app.reads() as session:
        rows = session.execute(
            select(Airing, Bulletin, Station)
            .join(Bulletin, Bulletin.id == Airing.bulletin_id)
            .join(Station, Station.id == Airing.station_id)
            .where(Airing.station_id == app.station_id, Airing.status == AiringStatus.running)
        ).all()
        left = [row for row in rows if abandoned(app, session, row[0], now)]
    records: list[LogRecord] = []
    for airing, bulletin, station in left:
        if not _still_running(app, airing):  # finished meanwhile by the process that holds it
            continue
        note(app, logging.WARNING, "log_abandoned", airing=airing.id, channel=airing.channel, node=airing.claimed_by)
        broadcast = Broadcast.of(airing, bulletin, station)
        channel = app.channels.get(airing.channel)
        delivery = (
            channel.recover(broadcast) if channel else Delivery(outcome=Outcome.unknown, error_code="crashed_unclear")
        )
        if delivery is None and channel is not None:
            delivery = _rerun_if_nothing_went_out(app, channel, broadcast, airing)
        if delivery is None:  # made pending again, or settled meanwhile by its holder
            continue
        record = finish(
            app,
            airing,
            delivery,
            started=airing.claimed_at,
            late_seconds=max((airing.claimed_at - airing.due_at).total_seconds(), 0.0) if airing.claimed_at else None,
            claimant=airing.claimed_by,
            observers=observers,
        )
        if record is not None:
            records.append(record)
    return records


def _rerun_if_nothing_went_out(app: App, channel: Channel, broadcast: Broadcast, airing: Airing) -> Delivery | None:
    """Make an abandoned airing pending again if, read again under its row lock, the evidence still says
    nothing went out: None once reset (or settled meanwhile by its holder); else what the evidence now says.

    The lock is what makes a fenced hand-over (`evidence.fenced`) and this reset exclude each other: a node
    whose lease lapsed cannot hand over after the reset, nor be reset after it handed over."""
    with app.sessions.begin() as session, evidence.within(session):
        locked = _updated(
            session,
            update(Airing)
            .where(
                Airing.id == airing.id,
                Airing.status == AiringStatus.running,
                Airing.claimed_by == airing.claimed_by,
                Airing.attempts == airing.attempts,
            )
            .values(lease_until=Airing.lease_until)
            .execution_options(synchronize_session=False),
            {},
        )
        if locked != 1:  # finished or taken meanwhile
            return None
        again = channel.recover(broadcast)
        if again is not None:
            return again
        session.execute(
            update(Airing)
            .where(Airing.id == airing.id)
            .values(status=AiringStatus.pending, claimed_by=None, lease_until=None)
            .execution_options(synchronize_session=False)
        )
    note(app, logging.WARNING, "log_rerun", airing=airing.id, channel=airing.channel)
    return None


def _still_running(app: App, airing: Airing) -> bool:
    """The airing is still `running` under the claim `recover` saw (and not taken in hand since)."""
    if airing.id in app.in_hand:
        return False
    with app.reads() as session:
        fresh = session.get(Airing, airing.id, populate_existing=True)
        return (
            fresh is not None
            and fresh.status is AiringStatus.running
            and fresh.claimed_by == airing.claimed_by
            and fresh.claimed_at == airing.claimed_at
        )


def _updated(session: Session, statement: Update, params: dict[str, Any]) -> int:
    """Run an UPDATE; return how many rows it changed."""
    return cast("CursorResult[Any]", session.execute(statement, params)).rowcount
