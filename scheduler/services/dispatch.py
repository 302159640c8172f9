"""One bulletin to many stations (gửi bản tin cho nhiều đài): a province or district account drafts it once.

`send_dispatch` checks everything it can before it stores anything (the text,
the priority, the time, the recipients: a district account reaches its own
district only), then stores the `Dispatch` and queues one Bulletin per active
station through `queue_bulletin`, each in its own transaction, in that
station's own next slot and time zone (or at once for an emergency). A station
either gets its whole bulletin with its airings or nothing, and the answer
names each station: queued, skipped (inactive) or not queued, and why (the
reason is kept in that station's audit trail, so `dispatch_status` says it
later too).

Approval: the bulletins of a dispatch are drafts where the station requires
approval and the sender may not approve (a province operator); a province
approver's or admin's dispatch, and every emergency, is approved at once. A
draft is approved on the station's console by its approvers or a province or
district approver who reaches it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from audio.errors import LoaError
from broadcasts.accounts import AuditEntry
from broadcasts.errors import NotFoundError, TextError
from broadcasts.models import Approval, Dispatch, Priority, Station
from broadcasts.store import BAD_CHARACTERS
from scheduler.app import App, build_channels
from scheduler.config.stations import station_config
from scheduler.errors import UsageError
from scheduler.messages import render
from scheduler.programme import limits
from scheduler.programme.times import parse_at
from scheduler.services.queue import queue_bulletin
from scheduler.services.scope import stations_of
from scheduler.services.users import AccessError, Actor, can, require

__all__ = ["CLI_ACTOR", "StationSent", "Sent", "parse_target", "send_dispatch", "station_app", "list_dispatches"]

WIDER = ("district", "province")
# `loa dispatch` runs on the deployment's own machine: its administrator, reaching every station.
CLI_ACTOR = Actor(id=0, username="cli", role="admin", scope="province")


@dataclass(frozen=True, kw_only=True)
class StationSent:
    """What one station got of a dispatch when it was sent."""

    code: str
    name: str
    status: str  # queued | skipped | not_queued
    bulletin_id: int | None = None
    due_at: datetime | None = None
    timezone: str = "Asia/Ho_Chi_Minh"
    reason: str | None = None  # a message code (dispatch_inactive, no_slot, ...)
    message: str | None = None  # the reason in the sender's language

    def as_json(self) -> dict[str, Any]:
        due = self.due_at.astimezone(ZoneInfo(self.timezone)).isoformat() if self.due_at else None
        return {
            "station": self.code,
            "name": self.name,
            "status": self.status,
            "bulletin_id": self.bulletin_id,
            "due_at": due,
            "reason": self.reason,
            "message": self.message,
        }


@dataclass(frozen=True, kw_only=True)
class Sent:
    dispatch_id: int
    approval: str
    stations: tuple[StationSent, ...]

    def count(self, status: str) -> int:
        return sum(1 for s in self.stations if s.status == status)

    def as_json(self) -> dict[str, Any]:
        return {
            "dispatch_id": self.dispatch_id,
            "approval": self.approval,
            "queued": self.count("queued"),
            "skipped": self.count("skipped"),
            "not_queued": self.count("not_queued"),
            "stations": [s.as_json() for s in self.stations],
        }


def parse_target(
    to: str | None = None, *, district: str | None = None, stations: Sequence[str] | str | None = None
) -> dict[str, Any]:
    """The recipients as stored: {"all": true}, {"district": D} or {"stations": [codes]}; exactly one of them."""
    chosen = [bool(to), district is not None, stations is not None]
    if sum(chosen) > 1 or (to and to.strip().lower() != "all"):
        raise UsageError("dispatch_bad_target", target=to or "")
    if district is not None:
        if not district.strip() or BAD_CHARACTERS.search(district):
            raise UsageError("dispatch_bad_target", target=BAD_CHARACTERS.sub("?", district))
        return {"district": district.strip()}
    if stations is not None:
        codes = stations.split(",") if isinstance(stations, str) else list(stations)
        if not all(isinstance(c, str) for c in codes):
            raise UsageError("dispatch_bad_target", target=str(stations)[:80])
        wanted = list(dict.fromkeys(c.strip() for c in codes if c.strip()))
        if not wanted:
            raise UsageError("dispatch_no_station")
        return {"stations": wanted}
    return {"all": True}


def _recipients(session: Session, actor: Actor, target: Mapping[str, Any]) -> list[Station]:
    """The stations `target` names, all within `actor`'s reach, by code; a refusal names what is wrong."""
    reach = stations_of(session, actor)
    if "district" in target:
        if actor.scope == "district" and target["district"] != actor.district:
            raise UsageError("dispatch_other_district", district=actor.district or "", target=target["district"])
        found = session.scalars(select(Station).where(Station.district == target["district"], Station.id.in_(reach)))
        stations = list(found)
    elif "stations" in target:
        by_code = {s.code: s for s in session.scalars(select(Station).where(Station.id.in_(reach)))}
        for code in target["stations"]:
            if code not in by_code:
                raise UsageError("dispatch_unknown_station", station=BAD_CHARACTERS.sub("?", code)[:40])
        stations = [by_code[code] for code in target["stations"]]
    else:
        stations = list(session.scalars(select(Station).where(Station.id.in_(reach))))
    if not stations:
        raise UsageError("dispatch_no_station")
    return sorted(stations, key=lambda s: s.code)


def station_app(app: App, station: Station) -> App:
    """`app` acting for `station`: its id, its configuration (its own tables, else the file's) and channels.

    The database, the clock and the speech engines are shared; a station of the
    file's configuration (`settings` None) keeps the App's channels."""
    if station.id == app.station_id:
        return app
    if station.settings is None:
        identity = replace(app.config.station, code=station.code, name=station.name, timezone=station.timezone)
        return replace(app, station_id=station.id, config=replace(app.config, station=identity))
    config = station_config(
        app.config, station.settings, code=station.code, name=station.name, timezone=station.timezone
    )
    channels = build_channels(config, app.speaker, clock=app.clock)
    return replace(app, station_id=station.id, config=config, channels=channels)


def _clean(value: str | None, field: str) -> str | None:
    if value is not None and BAD_CHARACTERS.search(value):
        raise TextError(field=field)
    return value.strip() if value is not None else None


def _note(session: Session, station: Station, actor: Actor, action: str, dispatch_id: int, **detail: Any) -> None:
    session.add(
        AuditEntry(
            station_id=station.id,
            at=detail.pop("at"),
            username=actor.username[:64],
            action=action,
            target=f"dispatch:{dispatch_id}",
            detail=detail or None,
        )
    )


def send_dispatch(
    app: App,
    actor: Actor,
    *,
    text: str,
    title: str | None = None,
    post_text: str | None = None,
    target: Mapping[str, Any] | None = None,
    at: str = "next",
    priority: str = "normal",
    channels: Sequence[str] | None = None,
    lang: str = "vi",
) -> Sent:
    """Send one bulletin to the stations of `target` (see the module's docstring); returns what each one got."""
    if actor.scope not in WIDER:
        raise AccessError("dispatch_needs_scope")
    require(actor, "draft")
    body, heading, post = _clean(text, "text") or "", _clean(title, "title"), _clean(post_text, "post_text")
    if not body:
        raise UsageError("empty_text")
    limits.check_size(heading, body, post)
    try:
        level = Priority(priority)
    except ValueError:
        raise UsageError("bad_priority", value=priority) from None
    if level is Priority.emergency:
        require(actor, "emergency")
    when = "now" if level is Priority.emergency else (_clean(at, "at") or "next")
    now = app.clock.now()
    parse_at(when, now=now, tz=app.config.tz)  # the syntax, before anything is stored (each station reads it again)
    names = [c.strip().lower() for c in channels or () if c.strip()] or None
    wanted = dict(target or {"all": True})
    with app.reads() as session:
        recipients = [s.id for s in _recipients(session, actor, wanted)]
    with app.sessions.begin() as session:
        dispatch = Dispatch(
            title=heading or "",
            body=body,
            post_text=post,
            priority=level.value,
            channels=names or [],
            target=wanted,
            at=when,
            created_by=actor.username[:64],
            created_at=now,
        )
        session.add(dispatch)
        session.flush()
        dispatch_id = dispatch.id
    results = []
    drafts = False
    for station_id in recipients:
        with app.reads() as session:
            station = session.get_one(Station, station_id)
            session.expunge(station)
        sent = _send_one(app, actor, station, dispatch_id, body, heading, post, when, level, names, lang)
        drafts = drafts or sent[1]
        results.append(sent[0])
    return Sent(dispatch_id=dispatch_id, approval="draft" if drafts else "approved", stations=tuple(results))


def _send_one(
    app: App,
    actor: Actor,
    station: Station,
    dispatch_id: int,
    body: str,
    heading: str | None,
    post: str | None,
    when: str,
    level: Priority,
    names: list[str] | None,
    lang: str,
) -> tuple[StationSent, bool]:
    """Queue the dispatch's bulletin on one station, or say why not; its audit trail keeps what happened."""
    now = app.clock.now()

    def result(status: str, **more: Any) -> StationSent:
        return StationSent(code=station.code, name=station.name, timezone=station.timezone, status=status, **more)

    if not station.active:
        reason = render(UsageError("dispatch_inactive"), lang)
        with app.sessions.begin() as session:
            _note(
                session,
                station,
                actor,
                "dispatch_skipped",
                dispatch_id,
                at=now,
                code="dispatch_inactive",
                message=reason,
            )
        return result("skipped", reason="dispatch_inactive", message=reason), False
    try:
        view = station_app(app, station)
        draft = view.config.require_approval and level is not Priority.emergency and not can(actor, "approve")
        queued = queue_bulletin(
            view,
            text=body,
            title=heading,
            at=when,
            channels=names,
            priority=level.value,
            origin="province",
            approval=Approval.draft if draft else Approval.approved,
            post_text=post,
            dispatch_id=dispatch_id,
        )
    except LoaError as exc:
        message = render(exc, lang)
        with app.sessions.begin() as session:
            _note(session, station, actor, "dispatch_failed", dispatch_id, at=now, code=exc.code, message=message)
        return result("not_queued", reason=exc.code, message=message), False
    with app.sessions.begin() as session:
        _note(session, station, actor, "dispatch", dispatch_id, at=now, bulletin=queued.bulletin_id, draft=draft)
    due = min((a.due_at for a in queued.airings), default=None)
    return result("queued", bulletin_id=queued.bulletin_id, due_at=due), draft


def list_dispatches(app: App, actor: Actor, limit: int = 50) -> list[Dispatch]:
    """The newest dispatches that reached one of `actor`'s stations (or that `actor` sent)."""
    from broadcasts.models import Bulletin

    with app.reads() as session:
        reach = stations_of(session, actor)
        reached = select(Bulletin.dispatch_id).where(Bulletin.station_id.in_(reach), Bulletin.dispatch_id.is_not(None))
        noted = select(AuditEntry.target).where(AuditEntry.station_id.in_(reach), AuditEntry.target.like("dispatch:%"))
        keys = {t for t in session.scalars(noted) if t}
        ids = set(session.scalars(reached)) | {int(k.split(":", 1)[1]) for k in keys if k.split(":", 1)[1].isdigit()}
        stmt = select(Dispatch).where(Dispatch.id.in_(ids) | (Dispatch.created_by == actor.username))
        return list(session.scalars(stmt.order_by(Dispatch.id.desc()).limit(limit)))


def get_dispatch(session: Session, actor: Actor, dispatch_id: int) -> Dispatch:
    """The dispatch, if `actor` sent it or it reached one of `actor`'s stations; else NotFoundError."""
    dispatch = session.get(Dispatch, dispatch_id)
    if dispatch is None or (dispatch.created_by != actor.username and dispatch_id not in _reached(session, actor)):
        raise NotFoundError(kind="dispatch", id=dispatch_id)
    return dispatch


def _reached(session: Session, actor: Actor) -> set[int]:
    reach = stations_of(session, actor)
    noted = select(AuditEntry.target).where(AuditEntry.station_id.in_(reach), AuditEntry.target.like("dispatch:%"))
    return {int(t.split(":", 1)[1]) for t in session.scalars(noted) if t and t.split(":", 1)[1].isdigit()}
