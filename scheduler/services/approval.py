"""Approval of bulletins (sau khi được lãnh đạo duyệt): drafts, approve, reject, emergency, with the audit trail.

The console and the API call these; `queue_bulletin` does the scheduling and
this module decides whether the result is a draft waiting for an approver.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from broadcasts.errors import NotFoundError
from broadcasts.models import Airing, AiringStatus, Approval, Bulletin, Priority
from broadcasts.wakeups import notify
from scheduler.app import App
from scheduler.errors import UsageError
from scheduler.programme import planner
from scheduler.services.media import MediaInfo
from scheduler.services.queue import Notice, Queued, queue_bulletin, replan_with_notices
from scheduler.services.users import Actor, audit, can, require

__all__ = [
    "Submitted",
    "BulletinView",
    "submit_bulletin",
    "send_emergency",
    "approve",
    "reject",
    "pending",
    "get_bulletin",
    "recent_bulletins",
]


@dataclass(frozen=True, kw_only=True)
class Submitted:
    """A queued bulletin and whether it waits for approval."""

    queued: Queued
    approval: str

    def as_json(self, tz: ZoneInfo | None = None) -> dict[str, object]:
        return {**self.queued.as_json(tz), "approval": self.approval}


@dataclass(frozen=True, kw_only=True)
class BulletinView:
    """A bulletin with its airings, for the approval and status pages."""

    id: int
    title: str
    body: str
    priority: str
    approval: str
    origin: str
    created_at: datetime
    airings: tuple[tuple[int, str, datetime, str], ...]
    notices: tuple[Notice, ...] = ()
    kind: str = "speech"  # speech | audio | relay
    media: MediaInfo | None = None
    relay: str | None = None
    relay_seconds: float | None = None
    zones: tuple[str, ...] = ()
    airing_zones: tuple[str | None, ...] = ()  # the zone of each of `airings`, in the same order

    def as_json(self, tz: ZoneInfo | None = None) -> dict[str, Any]:
        """The bulletin as the API gives it; times with the station's offset when `tz` is given."""

        def iso(moment: datetime) -> str:
            return (moment.astimezone(tz) if tz is not None else moment).isoformat()

        return {
            "id": self.id,
            "title": self.title,
            "body": self.body,
            "priority": self.priority,
            "approval": self.approval,
            "origin": self.origin,
            "created_at": iso(self.created_at),
            "airings": [
                {"id": i, "channel": c, "due_at": iso(d), "status": s, "zone": z}
                for (i, c, d, s), z in zip(self.airings, self.airing_zones or [None] * len(self.airings), strict=True)
            ],
            "notices": [n.as_json(tz) for n in self.notices],
            "kind": self.kind,
            "media": None if self.media is None else self.media.as_json(),
            "relay": self.relay,
            "relay_seconds": self.relay_seconds,
            "zones": list(self.zones),
        }


def _view(bulletin: Bulletin, airings: Sequence[Airing], notices: Sequence[Notice] = ()) -> BulletinView:
    return BulletinView(
        id=bulletin.id,
        title=bulletin.title,
        body=bulletin.body,
        priority=bulletin.priority.value,
        approval=bulletin.approval.value,
        origin=bulletin.origin,
        created_at=bulletin.created_at,
        airings=tuple((a.id, a.channel, a.due_at, a.status.value) for a in airings),
        notices=tuple(notices),
        kind=bulletin.kind.value,
        media=MediaInfo.of(bulletin.media) if bulletin.media is not None else None,
        relay=bulletin.relay,
        relay_seconds=bulletin.relay_seconds,
        zones=tuple(bulletin.zones or ()),
        airing_zones=tuple(a.zone for a in airings),
    )


def _take_slot_room(
    app: App, session: Any, bulletin: Bulletin, airings: Sequence[Airing], now: datetime
) -> list[Notice]:
    """An approved draft now counts in its slot's running order: re-place the radio slots.

    A draft whose slot went by while it waited takes the next slot (outside quiet
    hours); one that no longer fits is carried on, and so may others of lower rank.
    """
    notices: list[Notice] = []
    in_slots = [
        a for a in airings if a.status is AiringStatus.pending and a.channel == "radio" and a.slot_at is not None
    ]
    if not in_slots:
        return notices
    chain = planner.radio_chain(app, session, now - timedelta(seconds=1))
    if not chain:
        return notices
    for airing in in_slots:
        if airing.slot_at is not None and airing.slot_at < chain[0].start:
            airing.due_at, airing.slot_id, airing.slot_at = chain[0].start, chain[0].slot.id, chain[0].start
            notices.append(Notice(code="slot_passed_moved", channel="radio", due_at=chain[0].start))
    session.flush()
    return notices + replan_with_notices(app, session, now, bulletin.id)


def submit_bulletin(
    app: App,
    actor: Actor,
    *,
    text: str,
    title: str | None = None,
    at: str = "next",
    channels: Sequence[str] | None = None,
    priority: str = "normal",
    zones: Sequence[str] | None = None,
    media_id: int | None = None,
    relay: str | None = None,
    relay_minutes: float | None = None,
) -> Submitted:
    """Queue a bulletin; under `require_approval` one from an operator becomes a draft.

    A recorded file (`media_id`) or a relay goes through the same rules as text."""
    require(actor, "draft")
    if priority == Priority.emergency.value:
        require(actor, "emergency")
    needs_approval = app.config.require_approval and not can(actor, "approve")
    state = Approval.draft if needs_approval else Approval.approved
    queued = queue_bulletin(
        app,
        text=text,
        title=title,
        at=at,
        channels=channels,
        priority=priority,
        origin="web",
        approval=state,
        zones=zones,
        media_id=media_id,
        relay=relay,
        relay_minutes=relay_minutes,
    )
    extra: dict[str, object] = {}
    if media_id is not None:
        extra["media"] = media_id
    if relay is not None:
        extra["relay"] = relay
    if zones:
        extra["zones"] = sorted({a.zone for a in queued.airings if a.zone})
    audit(
        app,
        actor,
        "draft" if needs_approval else "queue",
        f"bulletin:{queued.bulletin_id}",
        priority=priority,
        channels=list(dict.fromkeys(a.channel for a in queued.airings)),
        **extra,
    )
    return Submitted(queued=queued, approval=state.value)


def send_emergency(app: App, actor: Actor, *, text: str, channels: Sequence[str] | None = None) -> Submitted:
    """Air an emergency bulletin at once on every chosen channel (approvers and admins)."""
    require(actor, "emergency")
    queued = queue_bulletin(app, text=text, at="now", channels=channels, priority="emergency", origin="web")
    audit(app, actor, "emergency", f"bulletin:{queued.bulletin_id}", channels=[a.channel for a in queued.airings])
    return Submitted(queued=queued, approval=Approval.approved.value)


def _decide(app: App, actor: Actor, bulletin_id: int, decision: Approval, comment: str) -> BulletinView:
    require(actor, "approve")
    now = app.clock.now()
    with app.sessions.begin() as session:
        bulletin = session.get(Bulletin, bulletin_id)
        if bulletin is None or bulletin.station_id != app.station_id:
            raise NotFoundError(kind="bulletin", id=bulletin_id)
        if bulletin.approval is not Approval.draft:
            raise UsageError("not_a_draft", id=bulletin_id, approval=bulletin.approval.value)
        bulletin.approval = decision
        airings = list(session.scalars(select(Airing).where(Airing.bulletin_id == bulletin_id).order_by(Airing.id)))
        for airing in airings:
            if airing.status is not AiringStatus.pending:
                continue
            if decision is Approval.rejected:
                airing.status = AiringStatus.cancelled
            elif airing.slot_at is None and airing.due_at < now:
                airing.due_at = now  # a timed bulletin approved after its time airs at once
        notices = _take_slot_room(app, session, bulletin, airings, now) if decision is Approval.approved else []
        notify(session, app.station_id, "approve" if decision is Approval.approved else "cancel")
        view = _view(bulletin, airings, notices)
    audit(app, actor, decision.value, f"bulletin:{bulletin_id}", comment=comment.strip())
    return view


def approve(app: App, actor: Actor, bulletin_id: int, comment: str = "") -> BulletinView:
    """Approve a draft so the runner airs it."""
    return _decide(app, actor, bulletin_id, Approval.approved, comment)


def reject(app: App, actor: Actor, bulletin_id: int, comment: str) -> BulletinView:
    """Reject a draft with a reason; its airings are cancelled."""
    if not comment.strip():
        raise UsageError("reject_needs_comment")
    return _decide(app, actor, bulletin_id, Approval.rejected, comment)


def _views(app: App, stmt: Any) -> list[BulletinView]:
    with app.reads() as session:
        bulletins = list(session.scalars(stmt))
        out = []
        for bulletin in bulletins:
            airings = session.scalars(select(Airing).where(Airing.bulletin_id == bulletin.id).order_by(Airing.id))
            out.append(_view(bulletin, list(airings)))
        return out


def pending(app: App) -> list[BulletinView]:
    """Drafts waiting for approval, oldest first."""
    return _views(
        app,
        select(Bulletin)
        .where(Bulletin.station_id == app.station_id, Bulletin.approval == Approval.draft)
        .order_by(Bulletin.created_at, Bulletin.id),
    )


def recent_bulletins(app: App, limit: int = 20) -> list[BulletinView]:
    """The newest bulletins drafted or queued in the console."""
    return _views(
        app,
        select(Bulletin)
        .where(Bulletin.station_id == app.station_id, Bulletin.origin == "web")
        .order_by(Bulletin.created_at.desc(), Bulletin.id.desc())
        .limit(limit),
    )


def get_bulletin(app: App, bulletin_id: int) -> BulletinView:
    """One bulletin with its airings."""
    views = _views(app, select(Bulletin).where(Bulletin.id == bulletin_id, Bulletin.station_id == app.station_id))
    if not views:
        raise NotFoundError(kind="bulletin", id=bulletin_id)
    return views[0]
