"""Change what is queued before it airs: cancel (and stop the radio), move, edit; each in the audit trail.

Every change is one transaction on rows locked for it (`FOR UPDATE` on
PostgreSQL, `BEGIN IMMEDIATE` on SQLite), so it never crosses the runner's claim:
an airing the runner has claimed is `running` and is not cancelled behind its
back (the radio can be asked to stop: "dừng phát"); a cancelled airing ends with
exactly one final `skipped` record that names who cancelled it, by a
conditional status change. The runner re-reads an airing after its claim, so a
move or an edit that won the race is what airs (`scheduler.runner`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta, tzinfo
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from broadcasts.channels.base import Delivery
from broadcasts.log import new_record
from broadcasts.models import Airing, AiringStatus, Approval, Bulletin, Outcome, Slot
from broadcasts.wakeups import notify
from scheduler.app import App
from scheduler.errors import UsageError
from scheduler.messages import text
from scheduler.programme import limits, planner
from scheduler.programme.slots import occurrences
from scheduler.programme.times import format_local, parse_at
from scheduler.services.bulletins import (
    AiringLine,
    airings_of,
    author_of,
    bulletin_row,
    line_of,
    may_change,
    slot_names,
)
from scheduler.services.queue import Notice, replan_with_notices
from scheduler.services.users import AccessError, Actor, audit, require

__all__ = ["Change", "cancel_bulletin", "move_bulletin", "edit_bulletin"]

MAX_TITLE = 200


@dataclass(frozen=True, kw_only=True)
class Change:
    """What a cancel, move or edit did: the airings changed, those on the air, and the bulletin's approval after."""

    bulletin_id: int
    action: str  # cancel | move | edit
    changed: tuple[AiringLine, ...]
    running: tuple[AiringLine, ...] = ()  # on the air now: not cancelled; `stopping` says whether a stop was asked
    stopping: tuple[int, ...] = ()
    approval: str = Approval.approved.value
    notices: tuple[Notice, ...] = ()

    def as_json(self, tz: tzinfo) -> dict[str, Any]:
        return {
            "bulletin_id": self.bulletin_id,
            "action": self.action,
            "airings": [a.as_json(tz) for a in self.changed],
            "running": [a.as_json(tz) for a in self.running],
            "stopping": list(self.stopping),
            "approval": self.approval,
            "notices": [n.as_json() for n in self.notices],
        }


def _require_change(session: Session, actor: Actor, bulletin: Bulletin) -> None:
    require(actor, "draft")
    if not may_change(actor, bulletin.approval.value, author_of(session, bulletin.id)):
        raise AccessError("bulletin_change_forbidden", id=bulletin.id)


def _chosen(airings: list[Airing], bulletin_id: int, channel: str | None) -> list[Airing]:
    if channel is None:
        return list(airings)
    name = channel.strip().lower()
    chosen = [a for a in airings if a.channel == name]
    if not chosen:
        known = ", ".join(dict.fromkeys(a.channel for a in airings)) or "-"
        raise UsageError("bulletin_no_channel", id=bulletin_id, channel=channel, known=known)
    return chosen


def _updated(session: Session, statement: Any) -> int:
    result = session.execute(statement, execution_options={"synchronize_session": False})
    return cast("CursorResult[Any]", result).rowcount


# ---- cancel ----------------------------------------------------------------------------------------


def cancel_bulletin(
    app: App, actor: Actor, bulletin_id: int, *, channel: str | None = None, stop: bool = False, reason: str = ""
) -> Change:
    """Cancel the pending airings of a bulletin (or of one channel); with `stop`, ask the radio on the air to stop.

    Each pending airing becomes `done` with one final `skipped` record whose
    reason names who cancelled it, by a conditional status change: if the
    runner claimed it first, it is on the air and is listed as `running`.
    """
    reason = reason.strip()[:500]
    now = app.clock.now()
    lang = app.config.lang
    with app.sessions.begin() as session:
        bulletin = bulletin_row(app, session, bulletin_id, lock=True)
        _require_change(session, actor, bulletin)
        slots = slot_names(session, app.station_id)
        chosen = _chosen(airings_of(session, bulletin_id, lock=True), bulletin_id, channel)
        changed: list[AiringLine] = []
        running: list[Airing] = []
        for airing in chosen:
            if airing.status is AiringStatus.running:
                running.append(airing)
                continue
            if airing.status is not AiringStatus.pending:
                continue
            won = _updated(
                session,
                update(Airing)
                .where(Airing.id == airing.id, Airing.status == AiringStatus.pending)
                .values(status=AiringStatus.done, outcome=Outcome.skipped, lease_until=None),
            )
            if won != 1:  # the runner took it meanwhile
                running.append(airing)
                continue
            message = text("bulletin_cancelled_by", lang, user=actor.username, reason=reason or "-")
            delivery = Delivery(outcome=Outcome.skipped, error_code="cancelled", error_message=message)
            detail = {"cancelled_by": actor.username, "reason": reason}
            session.add(new_record(airing, delivery, node=app.node, started=None, finished=now, detail=detail))
            changed.append(
                replace(line_of(airing, slots), status=AiringStatus.done.value, outcome=Outcome.skipped.value)
            )
        stopping: list[int] = []
        if stop:
            for airing in running:
                if airing.channel != "radio":
                    continue
                asked = _updated(
                    session,
                    update(Airing)
                    .where(Airing.id == airing.id, Airing.status == AiringStatus.running)
                    .values(stop_requested_by=actor.username[:64]),
                )
                if asked == 1:
                    stopping.append(airing.id)
        if not changed and not running:
            raise UsageError("bulletin_nothing_pending", id=bulletin_id)
        notify(session, app.station_id, "cancel")  # the runners drop its timers at once
        result = Change(
            bulletin_id=bulletin_id,
            action="cancel",
            changed=tuple(changed),
            running=tuple(line_of(a, slots) for a in running),
            stopping=tuple(stopping),
            approval=bulletin.approval.value,
        )
    trail: dict[str, Any] = {"airings": [a.id for a in result.changed], "reason": reason}
    if channel:
        trail["channel"] = channel
    audit(app, actor, "bulletin_cancel", f"bulletin:{bulletin_id}", **trail)
    if result.stopping:
        audit(app, actor, "radio_stop", f"bulletin:{bulletin_id}", airings=list(result.stopping))
    return result


# ---- move ------------------------------------------------------------------------------------------


def _find_slot(session: Session, station_id: int, wanted: str) -> Slot:
    slots = list(session.scalars(select(Slot).where(Slot.station_id == station_id).order_by(Slot.id)))
    key = wanted.strip().casefold()
    for slot in slots:
        if key in (slot.name.casefold(), str(slot.id), slot.local_time):
            return slot
    known = ", ".join(f"{s.name} ({s.local_time})" for s in slots) or "-"
    raise UsageError("bulletin_unknown_slot", slot=wanted, known=known)


def move_bulletin(
    app: App,
    actor: Actor,
    bulletin_id: int,
    *,
    at: str | None = None,
    slot: str | None = None,
    channel: str | None = None,
) -> Change:
    """Move the pending airings of a bulletin (or of one channel) to another time (`at`) or slot (`slot`)."""
    if (at is None) == (slot is None) or (at is not None and not at.strip()) or (slot is not None and not slot.strip()):
        raise UsageError("bulletin_move_how")
    now = app.clock.now()
    tz = app.config.tz
    moment = parse_at(at, now=now, tz=tz) if at is not None else None
    if moment is not None and moment < now - timedelta(seconds=1):
        raise UsageError("bulletin_move_past", at=format_local(moment, tz, "%Y-%m-%d %H:%M"))
    with app.sessions.begin() as session:
        bulletin = bulletin_row(app, session, bulletin_id, lock=True)
        _require_change(session, actor, bulletin)
        target = _find_slot(session, app.station_id, slot) if slot is not None else None
        chosen = [a for a in _chosen(airings_of(session, bulletin_id, lock=True), bulletin_id, channel)]
        pending = [a for a in chosen if a.status is AiringStatus.pending]
        running = [a for a in chosen if a.status is AiringStatus.running]
        if not pending:
            raise UsageError("bulletin_nothing_pending", id=bulletin_id)
        specs = planner.slot_specs(session, app.station_id)
        for airing in pending:
            if target is not None:
                spec = [s for s in specs if s.id == target.id]
                found = occurrences(spec, tz, now, now + timedelta(days=8))
                if not found:
                    raise UsageError("bulletin_unknown_slot", slot=slot, known=target.name)
                airing.due_at, airing.slot_id, airing.slot_at = found[0].start, target.id, found[0].start
            elif moment is None:  # "next": the next slot carrying the channel
                occurrence = planner.first_occurrence(app, session, airing.channel, now)
                if occurrence is None:
                    raise UsageError("no_slot", channel=airing.channel)
                airing.due_at, airing.slot_id, airing.slot_at = occurrence.start, occurrence.slot.id, occurrence.start
            else:
                airing.due_at, airing.slot_id, airing.slot_at = moment, None, None
        session.flush()
        notices: list[Notice] = []
        if any(a.channel == "radio" and a.slot_at is not None for a in pending):
            notices = replan_with_notices(app, session, now, bulletin_id)
        notify(session, app.station_id, "move")
        slots = slot_names(session, app.station_id)
        result = Change(
            bulletin_id=bulletin_id,
            action="move",
            changed=tuple(line_of(a, slots) for a in pending),
            running=tuple(line_of(a, slots) for a in running),
            approval=bulletin.approval.value,
            notices=tuple(notices),
        )
    audit(
        app,
        actor,
        "bulletin_move",
        f"bulletin:{bulletin_id}",
        to=at if at is not None else f"slot:{slot}",
        airings={str(a.id): a.due_at.isoformat() for a in result.changed},
    )
    return result


# ---- edit ------------------------------------------------------------------------------------------


def _check_limits(app: App, session: Session, pending: list[Airing], title: str, body: str) -> None:
    """The queue's own limits on an edited text: each channel's text limit, and on the radio the spoken length
    against the maximum and the airing's slot. A refusal raises inside the transaction: nothing is changed."""
    limits.check_channels(app, {a.channel for a in pending}, title, body)
    radio = [a for a in pending if a.channel == "radio"]
    if not radio:
        return
    seconds = limits.bulletin_seconds(app, title, body)
    limits.check_radio(app, seconds)
    for airing in radio:
        slot = session.get(Slot, airing.slot_id) if airing.slot_id is not None else None
        if slot is not None:
            limits.check_radio(app, seconds, slot.max_seconds)


def edit_bulletin(
    app: App, actor: Actor, bulletin_id: int, *, body: str | None = None, title: str | None = None
) -> Change:
    """Change the text and/or title of a bulletin before it airs.

    Refused while one of its airings is on the air. Under `require_approval`,
    an approved bulletin goes back to `draft` and waits for an approver again.
    """
    new_body = body.strip() if body is not None else None
    new_title = title.strip() if title is not None else None
    if new_body is None and new_title is None:
        raise UsageError("bulletin_edit_nothing")
    if new_body is not None and not new_body:
        raise UsageError("empty_text")
    if new_title is not None and not new_title:
        raise UsageError("bulletin_title_empty")
    if new_title is not None and len(new_title) > MAX_TITLE:
        raise UsageError("bulletin_title_long", limit=MAX_TITLE)
    limits.check_size(new_title, new_body)
    with app.sessions.begin() as session:
        bulletin = bulletin_row(app, session, bulletin_id, lock=True)
        _require_change(session, actor, bulletin)
        airings = airings_of(session, bulletin_id, lock=True)
        if any(a.status is AiringStatus.running for a in airings):
            raise UsageError("bulletin_on_air", id=bulletin_id)
        pending = [a for a in airings if a.status is AiringStatus.pending]
        if not pending:
            raise UsageError("bulletin_nothing_pending", id=bulletin_id)
        before = {"title": bulletin.title, "body": bulletin.body}
        _check_limits(app, session, pending, new_title or bulletin.title, new_body or bulletin.body)
        if new_body is not None:
            bulletin.body = new_body
        if new_title is not None:
            bulletin.title = new_title
        back_to_draft = app.config.require_approval and bulletin.approval is Approval.approved
        if back_to_draft:
            bulletin.approval = Approval.draft
        notify(session, app.station_id, "edit")
        slots = slot_names(session, app.station_id)
        result = Change(
            bulletin_id=bulletin_id,
            action="edit",
            changed=tuple(line_of(a, slots) for a in pending),
            approval=bulletin.approval.value,
        )
    audit(
        app,
        actor,
        "bulletin_edit",
        f"bulletin:{bulletin_id}",
        before=before,
        title=new_title,
        body=new_body,
        back_to_draft=back_to_draft,
    )
    return result
