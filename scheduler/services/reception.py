"""What each station did with a dispatch: aired, pending, failed, missed (with why), skipped or not queued.

Read from the station bulletins of the dispatch (`dispatch_id`), their airings
and the final log record of each airing; a station that got no bulletin has the
reason its audit trail kept when the dispatch was sent (`dispatch.send_dispatch`).
Only the stations the reader reaches are shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from broadcasts.accounts import AuditEntry
from broadcasts.models import Airing, AiringStatus, Approval, Bulletin, Dispatch, LogRecord, Outcome, Station
from scheduler.app import App
from scheduler.services.dispatch import get_dispatch
from scheduler.services.scope import stations_of
from scheduler.services.users import Actor

__all__ = ["STATUS_MESSAGES", "StationState", "DispatchState", "dispatch_status"]

DONE = {Outcome.aired, Outcome.posted, Outcome.dry_run}
# the message of each status a station has of a dispatch (queued: just sent)
STATUS_MESSAGES = {
    "queued": "queued_short",
    "aired": "dispatch_status_aired",
    "pending": "dispatch_status_pending",
    "draft": "dispatch_status_draft",
    "failed": "dispatch_status_failed",
    "missed": "dispatch_status_missed",
    "cancelled": "dispatch_status_cancelled",
    "skipped": "dispatch_status_skipped",
    "not_queued": "dispatch_status_not_queued",
}


@dataclass(frozen=True, kw_only=True)
class StationState:
    code: str
    name: str
    status: str  # aired | pending | draft | failed | missed | cancelled | skipped | not_queued
    bulletin_id: int | None
    due_at: datetime | None
    timezone: str
    why: str | None

    def as_json(self) -> dict[str, Any]:
        due = self.due_at.astimezone(ZoneInfo(self.timezone)).isoformat() if self.due_at else None
        return {
            "station": self.code,
            "name": self.name,
            "status": self.status,
            "bulletin_id": self.bulletin_id,
            "due_at": due,
            "why": self.why,
        }


@dataclass(frozen=True, kw_only=True)
class DispatchState:
    id: int
    title: str
    body: str
    priority: str
    target: dict[str, Any]
    created_by: str | None
    created_at: datetime
    stations: tuple[StationState, ...]

    def as_json(self) -> dict[str, Any]:
        counts: dict[str, int] = {}
        for s in self.stations:
            counts[s.status] = counts.get(s.status, 0) + 1
        return {
            "id": self.id,
            "title": self.title,
            "body": self.body,
            "priority": self.priority,
            "target": self.target,
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat(),
            "counts": counts,
            "stations": [s.as_json() for s in self.stations],
        }


def _state(bulletin: Bulletin, airings: list[Airing], last: dict[int, LogRecord]) -> tuple[str, str | None]:
    """A station's status from its bulletin's airings and their final log records."""
    if bulletin.approval is Approval.rejected:
        return "cancelled", "rejected"
    records = [last[a.id] for a in airings if a.id in last]
    for outcome, status in ((Outcome.failed, "failed"), (Outcome.unknown, "failed"), (Outcome.missed, "missed")):
        hit = next((r for r in records if r.outcome is outcome), None)
        if hit is not None:
            return status, f"{hit.channel}: {hit.error_code or outcome.value}: {hit.error_message or ''}".strip(": ")
    skipped = next((r for r in records if r.outcome is Outcome.skipped), None)
    if skipped is not None:
        return "missed", f"{skipped.channel}: {skipped.error_code or 'skipped'}: {skipped.error_message or ''}".strip(
            ": "
        )
    if airings and all(a.status is AiringStatus.cancelled for a in airings):
        return "cancelled", None
    live = [a for a in airings if a.status is not AiringStatus.cancelled]
    if live and all(a.id in last and last[a.id].outcome in DONE for a in live):
        return "aired", None
    if bulletin.approval is Approval.draft:
        return "draft", None
    return "pending", None


def dispatch_status(app: App, actor: Actor, dispatch_id: int) -> DispatchState:
    """Each reached station's state of dispatch `dispatch_id` (NotFoundError if `actor` may not see it)."""
    with app.reads() as session:
        dispatch: Dispatch = get_dispatch(session, actor, dispatch_id)
        reach = stations_of(session, actor)
        stations = {s.id: s for s in session.scalars(select(Station).where(Station.id.in_(reach)))}
        bulletins = {
            b.station_id: b
            for b in session.scalars(
                select(Bulletin).where(Bulletin.dispatch_id == dispatch_id, Bulletin.station_id.in_(reach))
            )
        }
        airings: dict[int, list[Airing]] = {}
        for airing in session.scalars(
            select(Airing).where(Airing.bulletin_id.in_([b.id for b in bulletins.values()])).order_by(Airing.id)
        ):
            airings.setdefault(airing.bulletin_id, []).append(airing)
        last: dict[int, LogRecord] = {}
        for record in session.scalars(
            select(LogRecord)
            .where(LogRecord.bulletin_id.in_([b.id for b in bulletins.values()]))
            .order_by(LogRecord.id)
        ):
            last[record.airing_id] = record
        notes: dict[int, AuditEntry] = {
            e.station_id: e
            for e in session.scalars(
                select(AuditEntry)
                .where(AuditEntry.target == f"dispatch:{dispatch_id}", AuditEntry.station_id.in_(reach))
                .order_by(AuditEntry.id)
            )
            if e.station_id is not None
        }
        rows = []
        for station_id in sorted(set(bulletins) | set(notes), key=lambda i: stations[i].code):
            station = stations[station_id]
            bulletin = bulletins.get(station_id)
            base = {"code": station.code, "name": station.name, "timezone": station.timezone}
            if bulletin is None:
                note = notes[station_id]
                detail = note.detail or {}
                status = "skipped" if note.action == "dispatch_skipped" else "not_queued"
                reason = str(detail.get("message") or detail.get("code") or note.action)
                rows.append(StationState(**base, status=status, bulletin_id=None, due_at=None, why=reason))
                continue
            own = airings.get(bulletin.id, [])
            status, why = _state(bulletin, own, last)
            due = min((a.due_at for a in own), default=None)
            rows.append(StationState(**base, status=status, bulletin_id=bulletin.id, due_at=due, why=why))
        return DispatchState(
            id=dispatch.id,
            title=dispatch.title,
            body=dispatch.body,
            priority=dispatch.priority,
            target=dict(dispatch.target),
            created_by=dispatch.created_by,
            created_at=dispatch.created_at,
            stations=tuple(rows),
        )
