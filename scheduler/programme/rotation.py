"""Filling radio slots from the plan: the next item in rotation, the words of announcements, each bulletin once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from broadcasts.channels.script import WEEKDAYS
from broadcasts.models import Airing, AiringStatus, Approval, Bulletin, ContentItem, Plan, Priority
from scheduler.app import App
from scheduler.programme.slots import Occurrence
from scheduler.programme.zones import station_zones

__all__ = [
    "spoken_date",
    "rotation_order",
    "last_rotated",
    "add_generated",
    "origin_key",
    "existing_keys",
    "short_title",
    "ANNOUNCEMENTS",
    "occupied",
    "rotation_channels",
]

ANNOUNCEMENTS = ("opening", "closing")  # the origins of a slot's own announcements


def spoken_date(moment: datetime, app: App) -> dict[str, str]:
    """The words an announcement template may use for `moment`: weekday, date, time, station."""
    local = moment.astimezone(app.config.tz)
    return {
        "weekday": WEEKDAYS[local.weekday()],
        "date": f"{local.day}/{local.month}/{local.year}",
        "time": f"{local:%H:%M}",
        "station": app.config.station.name,
    }


def rotation_order(session: Session, plan_id: int) -> tuple[list[ContentItem], list[ContentItem]]:
    """Items eligible for rotation in their order, and the pinned ones."""
    items = list(session.scalars(select(ContentItem).where(ContentItem.plan_id == plan_id)))
    parents = {i.parent_id for i in items if i.parent_id is not None}
    eligible = [i for i in items if i.rotation != "skipped" and i.id not in parents]  # leaves: the concrete items
    eligible.sort(key=lambda i: i.rotation_order if i.rotation_order is not None else 10_000 + i.position)
    return eligible, [i for i in eligible if i.rotation == "pinned"]


def last_rotated(session: Session, station_id: int, before: datetime) -> int | None:
    """The content item of the latest rotation airing before `before`."""
    return session.scalar(
        select(Bulletin.content_item_id)
        .join(Airing, Airing.bulletin_id == Bulletin.id)
        .where(
            Bulletin.station_id == station_id,
            Bulletin.origin == "rotation",
            Airing.channel == "radio",
            Airing.slot_at < before,
        )
        .order_by(Airing.slot_at.desc(), Bulletin.id.desc())
        .limit(1)
    )


def rotation_channels(app: App, plan: Plan | None) -> tuple[str, ...]:
    """Where a rotated bulletin goes: the radio, then `programme.rotation_channels` or, by default, the channels the
    plan in use names (its import maps "Cổng thông tin điện tử" to `portal`, and so on) that this station delivers."""
    wanted = app.config.programme.rotation_channels or (tuple(plan.channels or ()) if plan is not None else ())
    return ("radio", *dict.fromkeys(c for c in wanted if c != "radio" and c in app.channels))


def add_generated(
    app: App,
    session: Session,
    occurrence: Occurrence,
    origin: str,
    title: str,
    body: str,
    now: datetime,
    item_id: int | None = None,
    channels: tuple[str, ...] = ("radio",),
) -> bool:
    """Create one generated bulletin with its radio airing (and one per other channel); False if another node did."""
    try:
        with session.begin_nested():
            bulletin = Bulletin(
                station_id=app.station_id,
                title=title,
                body=body,
                priority=Priority.normal,
                approval=Approval.approved,
                content_item_id=item_id,
                origin=origin,
                origin_key=origin_key(origin, occurrence),
                created_at=now,
            )
            session.add(bulletin)
            session.flush()
            for channel in channels:
                for zone in station_zones(app) if channel == "radio" else [None]:  # the radio: one per zone
                    session.add(
                        Airing(
                            bulletin_id=bulletin.id,
                            station_id=app.station_id,
                            channel=channel,
                            due_at=occurrence.start,
                            slot_id=occurrence.slot.id,
                            slot_at=occurrence.start,
                            zone=zone,
                            status=AiringStatus.pending,
                            created_at=now,
                        )
                    )
            session.flush()
        return True
    except IntegrityError:
        return False


def origin_key(origin: str, occurrence: Occurrence) -> str:
    """The key that makes a generated bulletin unique: its origin, slot and start."""
    return f"{origin}:{occurrence.slot.id}:{occurrence.start.isoformat()}"


def existing_keys(session: Session, station_id: int, keys: list[str]) -> set[str]:
    """Those of `keys` that a bulletin of the station already carries as its origin key."""
    found: set[str] = set()
    for i in range(0, len(keys), 500):
        found.update(
            session.scalars(
                select(Bulletin.origin_key).where(
                    Bulletin.station_id == station_id, Bulletin.origin_key.in_(keys[i : i + 500])
                )
            )
        )
    return found


def short_title(text: str, limit: int = 70) -> str:
    """`text` on one line, cut at a word to at most `limit` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def occupied(session: Session, station_id: int, since: datetime, until: datetime) -> set[tuple[int | None, datetime]]:
    """(slot id, start) of the radio slot occurrences starting in [since, until] that hold something besides their
    opening and closing: an approved bulletin not cancelled, whether still to air or aired already."""
    rows = session.execute(
        select(Airing.slot_id, Airing.slot_at)
        .join(Bulletin, Bulletin.id == Airing.bulletin_id)
        .where(
            Airing.station_id == station_id,
            Airing.channel == "radio",
            Airing.slot_at >= since,
            Airing.slot_at <= until,
            Airing.status != AiringStatus.cancelled,
            Bulletin.origin.not_in(ANNOUNCEMENTS),
            Bulletin.approval == Approval.approved,
        )
        .distinct()
    ).all()
    return {(slot_id, slot_at) for slot_id, slot_at in rows if slot_at is not None}
