"""Queue bulletins: one airing per channel, at a time or in the next slot with room, and what the operator is told."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from broadcasts.models import Airing, AiringStatus, Approval, Bulletin, BulletinKind, Priority
from broadcasts.wakeups import notify
from scheduler.app import App
from scheduler.errors import UsageError
from scheduler.programme import limits, planner
from scheduler.programme.slots import Occurrence
from scheduler.programme.times import format_local, parse_at
from scheduler.programme.zones import target_zones
from scheduler.services.radio_kinds import RadioKind, resolve_kind

__all__ = ["QueuedAiring", "Queued", "Notice", "queue_bulletin", "replan_with_notices", "default_title"]

PAST_TOLERANCE = timedelta(minutes=1)  # `--at` this much before now still means now (the minute just begun)


@dataclass(frozen=True, kw_only=True)
class QueuedAiring:
    id: int
    channel: str
    due_at: datetime
    zone: str | None = None


@dataclass(frozen=True, kw_only=True)
class Notice:
    """Something the operator should be told about a queued bulletin (a message code and where it went)."""

    code: str
    channel: str
    due_at: datetime
    airing_id: int | None = None

    def as_json(self, tz: ZoneInfo | None = None) -> dict[str, object]:
        return {
            "code": self.code,
            "channel": self.channel,
            "due_at": _iso(self.due_at, tz),
            "airing_id": self.airing_id,
        }


@dataclass(frozen=True, kw_only=True)
class Queued:
    bulletin_id: int
    airings: tuple[QueuedAiring, ...]
    notices: tuple[Notice, ...] = ()
    seconds: float | None = None  # the estimated spoken length on the radio

    def as_json(self, tz: ZoneInfo | None = None) -> dict[str, object]:
        """The result as `loa queue --json` and the API give it; times with the station's offset when `tz` is given."""
        return {
            "bulletin_id": self.bulletin_id,
            "airings": [
                {"id": a.id, "channel": a.channel, "due_at": _iso(a.due_at, tz), "zone": a.zone} for a in self.airings
            ],
            "notices": [n.as_json(tz) for n in self.notices],
            "estimated_seconds": self.seconds,
        }


def _iso(moment: datetime, tz: ZoneInfo | None) -> str:
    return (moment.astimezone(tz) if tz is not None else moment).isoformat()


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


def _radio_seconds(app: App, kind: RadioKind, heading: str, body: str) -> float:
    """How long the bulletin holds the radio: its file, its relay time, or its spoken estimate."""
    if kind.media is not None:
        return round(kind.media.seconds, 1)
    if kind.relay_seconds is not None:
        return kind.relay_seconds
    return limits.bulletin_seconds(app, heading, body)


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
            notices.append(Notice(code="slot_pushed_other", channel="radio", due_at=move.new, airing_id=move.airing_id))
    return notices


def _slot_at(app: App, session: Session, channel: str, moment: datetime | None) -> Occurrence | None:
    """The slot occurrence of `channel` that starts exactly at `moment` (`--at 17:00` for the 17:00 slot), if any."""
    if moment is None:
        return None
    occurrence = planner.first_occurrence(app, session, channel, moment - timedelta(seconds=1))
    return occurrence if occurrence is not None and occurrence.start == moment else None


def queue_bulletin(
    app: App,
    *,
    text: str | None = None,
    item_ref: str | None = None,
    title: str | None = None,
    at: str = "next",
    channels: Sequence[str] | None = None,
    priority: str = "normal",
    origin: str = "operator",
    approval: Approval = Approval.approved,
    zones: Sequence[str] | None = None,
    media_id: int | None = None,
    relay: str | None = None,
    relay_minutes: float | None = None,
    post_text: str | None = None,
    dispatch_id: int | None = None,
) -> Queued:
    """Create a bulletin and one airing per channel, at a time or in the next slot with room.

    A bulletin created as a `draft` waits for approval: the runner airs approved ones only.

    Emergency bulletins are due at once. A normal or priority radio airing
    asked for inside quiet hours waits for the next slot, and one asked for at
    a slot's own start joins that slot. Radio airings in slots are placed in
    running order; one pushed to a later slot is noted.

    Refused before anything is stored: a time already past, a text over the
    size bound, over a chosen social channel's limit, or (on the radio) whose
    estimated spoken length is over `programme.max_bulletin_minutes` or its slot.

    A recorded file (`media_id`, see `scheduler.services.media`) or a relay (`relay`
    for `relay_minutes`) airs instead of the spoken text (`radio_kinds`); the radio
    gets one airing per targeted zone (`zones`; all by default, always all for an emergency).
    A bulletin of a province's dispatch (`dispatch_id`, see `dispatch`) is keyed `dispatch:<id>`.
    """
    limits.check_size(title, text)
    content_item_id = None
    if item_ref is not None:
        content_item_id, text = _item_text(app, item_ref.strip())
    kind = resolve_kind(app, text=text, channels=channels, media_id=media_id, relay=relay, relay_minutes=relay_minutes)
    body = (text or "").strip() or kind.default_body
    if not body and kind.kind is BulletinKind.speech:
        raise UsageError("empty_text")
    limits.check_size(title, body)
    try:
        level = Priority(priority)
    except ValueError:
        raise UsageError("bad_priority", value=priority) from None
    names = _channels(app, kind.channels)
    targets = target_zones(app, zones, emergency=level is Priority.emergency)
    now = app.clock.now()
    moment = now if level is Priority.emergency else parse_at(at, now=now, tz=app.config.tz)
    if moment is not None and moment < now - PAST_TOLERANCE:
        tz = app.config.tz
        raise UsageError("at_in_past", at=format_local(moment, tz, "%Y-%m-%d %H:%M"), now=format_local(now, tz))
    if kind.kind is BulletinKind.relay and moment is None:
        raise UsageError("queue_relay_needs_time")
    heading = (title or kind.default_title or default_title(body)).strip()
    limits.check_channels(app, [n for n in names if n != "radio" or kind.kind is BulletinKind.speech], heading, body)
    seconds = _radio_seconds(app, kind, heading, body) if "radio" in names else None
    # a relay has its own bound (radio_kinds.MAX_RELAY_MINUTES)
    seconds_checked = None if kind.kind is BulletinKind.relay else seconds
    if seconds_checked is not None:
        limits.check_radio(app, seconds_checked)
    quiet = planner.quiet_hours(app)
    notices: list[Notice] = []
    with app.sessions.begin() as session:
        bulletin = Bulletin(
            station_id=app.station_id,
            title=heading,
            body=body,
            priority=level,
            approval=approval,
            content_item_id=content_item_id,
            origin=origin,
            origin_key=f"dispatch:{dispatch_id}" if dispatch_id is not None else None,
            dispatch_id=dispatch_id,
            post_text=post_text,
            kind=kind.kind,
            media_id=kind.media.id if kind.media is not None else None,
            relay=kind.relay,
            relay_seconds=kind.relay_seconds,
            zones=[z for z in targets if z is not None] if zones else None,
            created_at=now,
        )
        session.add(bulletin)
        session.flush()
        notices += [Notice(code=code, channel="radio", due_at=moment or now) for code in kind.notices]
        airings = []
        for name in names:
            due, slot_id, slot_at = moment, None, None
            wait = (
                name == "radio"
                and level is not Priority.emergency
                and moment is not None
                and quiet.contains(moment, app.config.tz)
            )
            occurrence = _slot_at(app, session, name, moment) if level is not Priority.emergency else None
            if occurrence is None and (moment is None or wait):
                occurrence = planner.first_occurrence(app, session, name, now if moment is None else moment)
                if occurrence is None:
                    raise UsageError("no_slot", channel=name)
                if wait:
                    notices.append(Notice(code="quiet_hours_wait", channel=name, due_at=occurrence.start))
            if occurrence is not None:
                due, slot_id, slot_at = occurrence.start, occurrence.slot.id, occurrence.start
                if seconds_checked is not None and name == "radio":
                    limits.check_radio(
                        app, seconds_checked, occurrence.slot.max_seconds
                    )  # nothing is stored: rolled back
            if (
                kind.kind is BulletinKind.relay
            ):  # a relay holds its hour; the spoken slots' running order does not move it
                slot_at = None
            until = due + timedelta(seconds=kind.relay_seconds) if kind.relay_seconds and due is not None else None
            for zone in targets if name == "radio" else [None]:
                airings.append(
                    Airing(
                        bulletin_id=bulletin.id,
                        station_id=app.station_id,
                        channel=name,
                        due_at=due,
                        slot_id=slot_id,
                        slot_at=slot_at,
                        zone=zone,
                        until=until if name == "radio" else None,
                        status=AiringStatus.pending,
                        created_at=now,
                    )
                )
        session.add_all(airings)
        session.flush()
        if any(a.channel == "radio" and a.slot_at is not None for a in airings):
            notices += replan_with_notices(app, session, now, bulletin.id)
        if approval is Approval.approved:  # the runners look at once (PostgreSQL; delivered on commit)
            notify(session, app.station_id, "emergency" if level is Priority.emergency else "queue")
        return Queued(
            bulletin_id=bulletin.id,
            seconds=seconds,
            notices=tuple(notices),
            airings=tuple(QueuedAiring(id=a.id, channel=a.channel, due_at=a.due_at, zone=a.zone) for a in airings),
        )
