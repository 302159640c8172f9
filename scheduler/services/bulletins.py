"""Bulletins as the operator sees them before they air: list, show, and who may change one.

The changes themselves (cancel, move, edit, stop the radio) are in `changes`.
Who may: an approver or an admin changes any bulletin; an operator only the
drafts they wrote (`may_change`; the author is read from the audit trail).
"""

from __future__ import annotations

import getpass
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcasts.accounts import AuditEntry
from broadcasts.errors import NotFoundError
from broadcasts.models import Airing, AiringStatus, Approval, Bulletin, Slot
from scheduler.app import App
from scheduler.services.media import MediaInfo
from scheduler.services.users import Actor, can

__all__ = [
    "AiringLine",
    "BulletinDetail",
    "machine_actor",
    "list_bulletins",
    "show_bulletin",
    "bulletin_of_airing",
    "may_change",
    "airings_of",
    "author_of",
    "bulletin_row",
    "line_of",
    "slot_names",
]

OPEN = (AiringStatus.pending, AiringStatus.running, AiringStatus.unknown)


def _iso(moment: datetime | None, tz: tzinfo) -> str | None:
    return moment.astimezone(tz).isoformat() if moment is not None else None


@dataclass(frozen=True, kw_only=True)
class AiringLine:
    """One airing of a bulletin: where and when, and where it is in its life."""

    id: int
    channel: str
    due_at: datetime
    slot: str | None
    status: str
    outcome: str | None
    stop_requested_by: str | None = None
    zone: str | None = None
    until: datetime | None = None

    def as_json(self, tz: tzinfo) -> dict[str, Any]:
        return {
            "id": self.id,
            "channel": self.channel,
            "zone": self.zone,
            "until": _iso(self.until, tz),
            "due_at": _iso(self.due_at, tz),
            "slot": self.slot,
            "status": self.status,
            "outcome": self.outcome,
            "stop_requested_by": self.stop_requested_by,
        }


@dataclass(frozen=True, kw_only=True)
class BulletinDetail:
    """A bulletin with all its airings, as `loa bulletin show` and the bulletin's page show it."""

    id: int
    title: str
    body: str
    post_text: str | None
    priority: str
    approval: str
    origin: str
    author: str | None
    created_at: datetime
    airings: tuple[AiringLine, ...]
    kind: str = "speech"  # speech | audio | relay
    media: MediaInfo | None = None
    relay: str | None = None
    relay_seconds: float | None = None
    zones: tuple[str, ...] = ()

    @property
    def pending(self) -> bool:
        """Whether something of it has yet to air (cancel, move and edit have work to do)."""
        return any(a.status == "pending" for a in self.airings)

    @property
    def running(self) -> bool:
        return any(a.status == "running" for a in self.airings)

    def as_json(self, tz: tzinfo) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "body": self.body,
            "post_text": self.post_text,
            "priority": self.priority,
            "approval": self.approval,
            "origin": self.origin,
            "author": self.author,
            "created_at": _iso(self.created_at, tz),
            "airings": [a.as_json(tz) for a in self.airings],
            "kind": self.kind,
            "media": None if self.media is None else self.media.as_json(),
            "relay": self.relay,
            "relay_seconds": self.relay_seconds,
            "zones": list(self.zones),
        }


def machine_actor() -> Actor:
    """Who acts from the command line: the login of the station's machine, with an admin's rights."""
    try:
        login = getpass.getuser()
    except (OSError, KeyError):  # no login name in a bare container
        login = "?"
    return Actor(id=0, username=f"cli:{login}"[:64], role="admin")


# ---- reading -------------------------------------------------------------------------------------


def slot_names(session: Session, station_id: int) -> dict[int, str]:
    return {s.id: s.name for s in session.scalars(select(Slot).where(Slot.station_id == station_id))}


def line_of(airing: Airing, slots: dict[int, str]) -> AiringLine:
    return AiringLine(
        id=airing.id,
        channel=airing.channel,
        due_at=airing.due_at,
        slot=slots.get(airing.slot_id or -1),
        status=airing.status.value,
        outcome=airing.outcome.value if airing.outcome else None,
        stop_requested_by=airing.stop_requested_by,
        zone=airing.zone,
        until=airing.until,
    )


def author_of(session: Session, bulletin_id: int) -> str | None:
    """Who queued or drafted a bulletin in the console or the API (the first such audit entry), if anyone."""
    return session.scalar(
        select(AuditEntry.username)
        .where(AuditEntry.target == f"bulletin:{bulletin_id}", AuditEntry.action.in_(("draft", "queue", "emergency")))
        .order_by(AuditEntry.id)
        .limit(1)
    )


def _detail(session: Session, bulletin: Bulletin, airings: Sequence[Airing]) -> BulletinDetail:
    slots = slot_names(session, bulletin.station_id)
    return BulletinDetail(
        id=bulletin.id,
        title=bulletin.title,
        body=bulletin.body,
        post_text=bulletin.post_text,
        priority=bulletin.priority.value,
        approval=bulletin.approval.value,
        origin=bulletin.origin,
        author=author_of(session, bulletin.id),
        created_at=bulletin.created_at,
        airings=tuple(line_of(a, slots) for a in airings),
        kind=bulletin.kind.value,
        media=MediaInfo.of(bulletin.media) if bulletin.media is not None else None,
        relay=bulletin.relay,
        relay_seconds=bulletin.relay_seconds,
        zones=tuple(bulletin.zones or ()),
    )


def airings_of(session: Session, bulletin_id: int, *, lock: bool = False) -> list[Airing]:
    stmt = select(Airing).where(Airing.bulletin_id == bulletin_id).order_by(Airing.due_at, Airing.id)
    return list(session.scalars(stmt.with_for_update() if lock else stmt))


def bulletin_row(app: App, session: Session, bulletin_id: int, *, lock: bool = False) -> Bulletin:
    """The station's bulletin; with `lock`, its row locked against other changes for the transaction.

    The lock is PostgreSQL's FOR NO KEY UPDATE (`key_share`): a plain FOR UPDATE would also block the
    foreign-key check of a log record the runner writes for one of its airings, and the runner, holding
    that airing, and a cancel, holding the bulletin and waiting for the airing, would deadlock."""
    stmt = select(Bulletin).where(Bulletin.id == bulletin_id)
    bulletin = session.scalar(stmt.with_for_update(key_share=True) if lock else stmt)
    if bulletin is None or bulletin.station_id != app.station_id:
        raise NotFoundError(kind="bulletin", id=bulletin_id)
    return bulletin


def list_bulletins(app: App, *, every: bool = False, limit: int = 50) -> list[BulletinDetail]:
    """Bulletins with something still to air (or on the air, or unclear), next first; `every`: the newest ones."""
    with app.reads() as session:
        if every:
            stmt = select(Bulletin).order_by(Bulletin.created_at.desc(), Bulletin.id.desc())
        else:
            open_ids = select(Airing.bulletin_id).where(Airing.station_id == app.station_id, Airing.status.in_(OPEN))
            stmt = select(Bulletin).where(Bulletin.id.in_(open_ids)).order_by(Bulletin.id)
        bulletins = list(session.scalars(stmt.where(Bulletin.station_id == app.station_id).limit(limit)))
        details = [_detail(session, b, airings_of(session, b.id)) for b in bulletins]
    if not every:
        far = datetime.max.replace(tzinfo=app.clock.now().tzinfo)
        details.sort(
            key=lambda d: min((a.due_at for a in d.airings if a.status in ("pending", "running")), default=far)
        )
    return details


def show_bulletin(app: App, bulletin_id: int) -> BulletinDetail:
    """One bulletin with all its airings."""
    with app.reads() as session:
        bulletin = bulletin_row(app, session, bulletin_id)
        return _detail(session, bulletin, airings_of(session, bulletin_id))


def bulletin_of_airing(app: App, airing_id: int) -> tuple[int, str]:
    """The bulletin and channel of an airing (the console's buttons act on one line of the programme)."""
    with app.reads() as session:
        airing = session.get(Airing, airing_id)
        if airing is None or airing.station_id != app.station_id:
            raise NotFoundError(kind="airing", id=airing_id)
        return airing.bulletin_id, airing.channel


# ---- who may ---------------------------------------------------------------------------------------


def may_change(actor: Actor, approval: str, author: str | None) -> bool:
    """Approvers and admins change any bulletin; an operator only a draft of their own."""
    if can(actor, "approve"):
        return True
    return can(actor, "draft") and approval == Approval.draft.value and author == actor.username
