"""Use cases shared by the CLI and the web console: queue bulletins, read the log.

Each takes an App, does one unit of work in one transaction, and returns
plain dataclasses or models.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcasts.log import LogQuery, query_log
from broadcasts.models import Airing, AiringStatus, Approval, Bulletin, ContentItem, LogRecord, Plan, Priority
from scheduler.programme import planner
from scheduler.app import App
from scheduler.plans.documents import read_plan_text
from scheduler.errors import NotFoundError, PlanError, UsageError
from scheduler.plans.parse import ParsedPlan, parse_plan
from scheduler.programme.times import parse_at

__all__ = ["QueuedAiring", "Queued", "Notice", "queue_bulletin", "replan_with_notices", "read_log", "default_title",
           "Imported", "import_plan", "list_plans", "get_plan"]


@dataclass(frozen=True, kw_only=True)
class QueuedAiring:
    id: int
    channel: str
    due_at: datetime


@dataclass(frozen=True, kw_only=True)
class Notice:
    """Something the operator should be told about a queued bulletin (a message code and where it went)."""

    code: str
    channel: str
    due_at: datetime
    airing_id: int | None = None

    def as_json(self) -> dict[str, object]:
        return {"code": self.code, "channel": self.channel, "due_at": self.due_at.isoformat(),
                "airing_id": self.airing_id}


@dataclass(frozen=True, kw_only=True)
class Queued:
    bulletin_id: int
    airings: tuple[QueuedAiring, ...]
    notices: tuple[Notice, ...] = ()

    def as_json(self) -> dict[str, object]:
        return {"bulletin_id": self.bulletin_id,
                "airings": [{"id": a.id, "channel": a.channel, "due_at": a.due_at.isoformat()} for a in self.airings],
                "notices": [n.as_json() for n in self.notices]}


def default_title(text: str, limit: int = 80) -> str:
    """A title from the first line or sentence of a text."""
    first = text.strip().splitlines()[0].strip() if text.strip() else ""
    for stop in (". ", "; ", ": "):
        if stop in first:
            first = first.split(stop, 1)[0]
    if len(first) > limit:
        first = first[:limit].rsplit(" ", 1)[0] + "…"
    return first.rstrip(".")


def _channels(app: App, requested: Sequence[str] | None) -> list[str]:
    enabled = list(app.channels)
    if not requested:
        return enabled
    chosen: list[str] = []
    for name in requested:
        name = name.strip().lower()
        if not name:
            continue
        if name not in app.channels:
            raise UsageError("unknown_channel", channel=name, known=", ".join(enabled))
        if name not in chosen:
            chosen.append(name)
    if not chosen:
        raise UsageError("unknown_channel", channel="", known=", ".join(enabled))
    return chosen


def _item_text(app: App, ref: str) -> tuple[int, str]:
    with app.reads() as session:
        item = planner.plan_item(session, app.station_id, ref)
        return item.id, item.text


def replan_with_notices(app: App, session: Session, now: datetime, bulletin_id: int) -> list[Notice]:
    """Re-place the radio slots after `bulletin_id` joined them; say who was carried to a later slot."""
    notices = []
    for move in planner.replan(app, session, now):
        if not move.carried:
            continue
        if move.bulletin_id == bulletin_id:
            notices.append(Notice(code="slot_full_moved", channel="radio", due_at=move.new))
        else:
            notices.append(Notice(code="slot_pushed_other", channel="radio", due_at=move.new,
                                  airing_id=move.airing_id))
    return notices


def queue_bulletin(app: App, *, text: str | None = None, item_ref: str | None = None, title: str | None = None,
                   at: str = "next", channels: Sequence[str] | None = None, priority: str = "normal",
                   origin: str = "operator", approval: Approval = Approval.approved) -> Queued:
    """Create a bulletin and one airing per channel, at a time or in the next slot with room.

    A bulletin created as a `draft` waits for approval: the runner airs approved ones only.

    Emergency bulletins are due at once. A normal or priority radio airing
    asked for inside quiet hours waits for the next slot. Radio airings in
    slots are placed in running order; one pushed to a later slot is noted.
    """
    content_item_id = None
    if item_ref is not None:
        content_item_id, text = _item_text(app, item_ref.strip())
    body = (text or "").strip()
    if not body:
        raise UsageError("empty_text")
    try:
        level = Priority(priority)
    except ValueError:
        raise UsageError("usage", reason=f"priority: normal | priority | emergency ({priority!r})") from None
    names = _channels(app, channels)
    now = app.clock.now()
    moment = now if level is Priority.emergency else parse_at(at, now=now, tz=app.config.tz)
    quiet = planner.quiet_hours(app)
    notices: list[Notice] = []
    with app.sessions.begin() as session:
        bulletin = Bulletin(station_id=app.station_id, title=(title or default_title(body)).strip(), body=body,
                            priority=level, approval=approval, content_item_id=content_item_id,
                            origin=origin, created_at=now)
        session.add(bulletin)
        session.flush()
        airings = []
        for name in names:
            due, slot_id, slot_at = moment, None, None
            wait = name == "radio" and level is not Priority.emergency and moment is not None \
                and quiet.contains(moment, app.config.tz)
            if moment is None or wait:
                occurrence = planner.first_occurrence(app, session, name, now if moment is None else moment)
                if occurrence is None:
                    raise UsageError("no_slot", channel=name)
                due, slot_id, slot_at = occurrence.start, occurrence.slot.id, occurrence.start
                if wait:
                    notices.append(Notice(code="quiet_hours_wait", channel=name, due_at=due))
            airings.append(Airing(bulletin_id=bulletin.id, station_id=app.station_id, channel=name, due_at=due,
                                  slot_id=slot_id, slot_at=slot_at, status=AiringStatus.pending, created_at=now))
        session.add_all(airings)
        session.flush()
        if any(a.channel == "radio" and a.slot_at is not None for a in airings):
            notices += replan_with_notices(app, session, now, bulletin.id)
        return Queued(bulletin_id=bulletin.id, notices=tuple(notices),
                      airings=tuple(QueuedAiring(id=a.id, channel=a.channel, due_at=a.due_at) for a in airings))


def read_log(app: App, query: LogQuery) -> list[LogRecord]:
    """Log records of this station matching `query`, oldest first."""
    with app.reads() as session:
        return query_log(session, app.station_id, query)


@dataclass(frozen=True, kw_only=True)
class Imported:
    """The result of a plan import: what was read and where it is stored."""

    parsed: ParsedPlan
    sha256: str
    plan_id: int | None
    duplicate: bool = False


def import_plan(app: App, path: Path, *, dry_run: bool = False) -> Imported:
    """Read a plan document and store it with its items; the same file twice is stored once."""
    path = Path(path)
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        raise PlanError("plan_unreadable", path=str(path), reason="không có tệp / no such file") from None
    except OSError as exc:
        raise PlanError("plan_unreadable", path=str(path), reason=exc.strerror or str(exc)) from exc
    parsed = parse_plan(read_plan_text(path), source=str(path))
    if dry_run:
        return Imported(parsed=parsed, sha256=digest, plan_id=None)
    with app.sessions.begin() as session:
        existing = session.scalar(select(Plan).where(Plan.station_id == app.station_id, Plan.sha256 == digest))
        if existing is not None:
            return Imported(parsed=parsed, sha256=digest, plan_id=existing.id, duplicate=True)
        plan = Plan(station_id=app.station_id, title=parsed.title, year=parsed.year, issuer=parsed.issuer,
                    channels=list(parsed.channels), source_name=path.name, sha256=digest,
                    imported_at=app.clock.now(), active=True)
        session.add(plan)
        session.flush()
        by_ref: dict[str, ContentItem] = {}
        for position, item in enumerate(parsed.items):
            row = ContentItem(plan_id=plan.id, ref=item.ref, label=item.label, text=item.text, position=position,
                              parent_id=by_ref[item.parent].id if item.parent in by_ref else None)
            session.add(row)
            session.flush()
            by_ref[item.ref] = row
        return Imported(parsed=parsed, sha256=digest, plan_id=plan.id)


def list_plans(app: App) -> list[tuple[Plan, int]]:
    """Stored plans of this station, newest first, with their item counts."""
    from sqlalchemy import func

    with app.reads() as session:
        rows = session.execute(
            select(Plan, func.count(ContentItem.id)).outerjoin(ContentItem, ContentItem.plan_id == Plan.id)
            .where(Plan.station_id == app.station_id).group_by(Plan.id)
            .order_by(Plan.imported_at.desc(), Plan.id.desc())
        ).all()
        return [(plan, count) for plan, count in rows]


def get_plan(app: App, plan_id: int) -> tuple[Plan, list[ContentItem]]:
    """One stored plan and its items in document order."""
    with app.reads() as session:
        plan = session.get(Plan, plan_id)
        if plan is None or plan.station_id != app.station_id:
            raise NotFoundError(kind="kế hoạch / plan", id=plan_id)
        items = list(session.scalars(select(ContentItem).where(ContentItem.plan_id == plan_id)
                                     .order_by(ContentItem.position)))
        return plan, items
