"""The programme planner: places radio airings in slot occurrences and fills slots from the plan.

`replan` applies the pure running order of `scheduler.programme.slots` to the
pending slot airings in the database; `materialize` creates the rotation and
announcement bulletins of the coming occurrences, once each (a unique
`origin_key` guards against two nodes doing it twice), from the pieces in
`scheduler.programme.rotation`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from audio.errors import tagged
from broadcasts.models import Airing, AiringStatus, Approval, Bulletin, ContentItem, Plan, Slot
from scheduler.app import App
from scheduler.messages import Phrase, text
from scheduler.programme import limits
from scheduler.programme.relays import materialize_relays
from scheduler.programme.rotation import (
    ANNOUNCEMENTS,
    add_generated,
    existing_keys,
    last_rotated,
    occupied,
    origin_key,
    rotation_channels,
    rotation_order,
    short_title,
    spoken_date,
)
from scheduler.programme.slots import (
    Entry,
    Occurrence,
    QuietHours,
    SlotSpec,
    fill_slots,
    next_rotation_item,
    occurrences,
)

__all__ = [
    "Moved",
    "active_plan",
    "plan_item",
    "slot_specs",
    "radio_chain",
    "first_occurrence",
    "replan",
    "materialize",
    "quiet_hours",
    "OPENING_RANK",
    "CLOSING_RANK",
    "rank_of",
]

PLAN_DAYS = 14
log = logging.getLogger("loa.programme")
OPENING_RANK = -1
CLOSING_RANK = 9


@dataclass(frozen=True, kw_only=True)
class Moved:
    airing_id: int
    bulletin_id: int
    old: datetime
    new: datetime
    carried: bool  # pushed to another slot occurrence, not only shifted within its own


def quiet_hours(app: App) -> QuietHours:
    return QuietHours.parse(app.config.channels.radio.quiet_hours)


def slot_specs(session: Session, station_id: int) -> list[SlotSpec]:
    specs = []
    for slot in session.scalars(select(Slot).where(Slot.station_id == station_id).order_by(Slot.id)):
        hour, minute = (int(x) for x in slot.local_time.split(":"))
        specs.append(
            SlotSpec(
                id=slot.id,
                name=slot.name,
                hour=hour,
                minute=minute,
                weekdays=frozenset(int(d) for d in slot.weekdays),
                max_seconds=slot.max_seconds,
                channels=tuple(slot.channels),
            )
        )
    return specs


def radio_chain(app: App, session: Session, after: datetime, days: int = PLAN_DAYS) -> list[Occurrence]:
    """Upcoming radio occurrences, without those inside quiet hours."""
    quiet = quiet_hours(app)
    return [
        o
        for o in occurrences(
            slot_specs(session, app.station_id), app.config.tz, after, after + timedelta(days=days), "radio"
        )
        if not quiet.contains(o.start, app.config.tz)
    ]


def first_occurrence(app: App, session: Session, channel: str, after: datetime) -> Occurrence | None:
    """The next occurrence for `channel`: a radio slot outside quiet hours, else any slot carrying it."""
    if channel == "radio":
        chain = radio_chain(app, session, after)
        return chain[0] if chain else None
    found = occurrences(slot_specs(session, app.station_id), app.config.tz, after, after + timedelta(days=8), channel)
    if not found:
        found = occurrences(slot_specs(session, app.station_id), app.config.tz, after, after + timedelta(days=8))
    return found[0] if found else None


def rank_of(bulletin: Bulletin) -> int:
    if bulletin.origin == "opening":
        return OPENING_RANK
    if bulletin.origin == "closing":
        return CLOSING_RANK
    return bulletin.priority.rank


def replan(app: App, session: Session, now: datetime) -> list[Moved]:
    """Re-place pending radio slot airings in running order; return those whose time changed."""
    chain = radio_chain(app, session, now - timedelta(seconds=1))
    if not chain:
        return []
    rows = session.execute(
        select(Airing, Bulletin)
        .join(Bulletin, Bulletin.id == Airing.bulletin_id)
        .where(
            Airing.station_id == app.station_id,
            Airing.channel == "radio",
            Airing.status == AiringStatus.pending,
            Airing.slot_at.is_not(None),
            Airing.slot_at >= chain[0].start,
            Bulletin.approval == Approval.approved,
        )
    ).all()
    airings = {a.id: (a, b) for a, b in rows}
    zones: dict[str | None, list[Entry]] = {}  # each loudspeaker zone has its own running order
    for a, b in rows:
        if a.slot_at is not None:
            zones.setdefault(a.zone, []).append(
                Entry(
                    airing_id=a.id,
                    rank=rank_of(b),
                    order=a.id,
                    seconds=limits.airtime_seconds(app, b),
                    occurrence=a.slot_at,
                )
            )
    moved: list[Moved] = []
    placements = [p for entries in zones.values() for p in fill_slots(entries, chain)]
    for placement in placements:
        airing, bulletin = airings[placement.airing_id]
        new_slot_at = (
            next(o.start for o in chain if o.start <= placement.due_at and o.slot.id == placement.slot_id)
            if placement.carried
            else airing.slot_at
        )
        if airing.due_at != placement.due_at:
            moved.append(
                Moved(
                    airing_id=airing.id,
                    bulletin_id=bulletin.id,
                    old=airing.due_at,
                    new=placement.due_at,
                    carried=new_slot_at != airing.slot_at,
                )
            )
            airing.due_at = placement.due_at
        airing.slot_id, airing.slot_at = placement.slot_id, new_slot_at
    return moved


def materialize(app: App, now: datetime, until: datetime) -> int:
    """Create the rotation and announcement bulletins of radio occurrences in (now, until]; return how many."""
    programme = app.config.programme
    with app.sessions.begin() as session:
        relayed = materialize_relays(app, session, now, until)
    if not (programme.rotate_plan or programme.announcements) or "radio" not in app.channels:
        return relayed
    created = relayed
    with app.sessions.begin() as session:
        chain = [o for o in radio_chain(app, session, now, days=max(1, (until - now).days + 1)) if o.start <= until]
        if not chain:
            return created
        kinds = [
            k
            for k, on in (
                ("opening", programme.announcements),
                ("closing", programme.announcements),
                ("rotation", programme.rotate_plan),
            )
            if on
        ]
        existing = existing_keys(session, app.station_id, [origin_key(k, o) for o in chain for k in kinds])
        plan = active_plan(session, app.station_id)
        eligible, pinned = rotation_order(session, plan.id) if plan is not None else ([], [])
        by_id = {i.id: i for i in eligible}
        targets = rotation_channels(app, plan)
        last_id = last_rotated(session, app.station_id, chain[0].start)
        last_ref = by_id[last_id].ref if last_id in by_id else None
        for occurrence in chain:
            words = {**spoken_date(occurrence.start, app), "slot": occurrence.slot.name.lower()}
            if programme.announcements:
                for origin, title, template in (
                    ("opening", "Lời mở đầu", programme.opening),
                    ("closing", "Lời kết thúc", programme.closing),
                ):
                    if origin_key(origin, occurrence) in existing:
                        continue
                    body = template.format(**words)
                    refusal = limits.generated_refusal(app, title, body, occurrence.slot.max_seconds)
                    if refusal is not None:
                        _skipped(app, occurrence, "announcement_too_long", refusal, origin=origin)
                        continue
                    created += add_generated(app, session, occurrence, origin, title, body, now)
            rotating = not programme.rotation_slots or occurrence.slot.name in programme.rotation_slots
            if not (programme.rotate_plan and eligible and rotating):
                continue
            if origin_key("rotation", occurrence) in existing:
                last_id = last_rotated(session, app.station_id, occurrence.start + timedelta(seconds=1))
                last_ref = by_id[last_id].ref if last_id in by_id else last_ref
                continue
            tried: set[str] = set()
            ref = next_rotation_item([i.ref for i in eligible], last_ref, pinned=[i.ref for i in pinned])
            while ref is not None and ref not in tried:  # an item too long for the slot is skipped, the next tried
                tried.add(ref)
                item = next(i for i in eligible if i.ref == ref)
                title = f"Tuyên truyền: {short_title(item.text)}"
                body = programme.rotation_template.format(text=item.text, **words)
                refusal = limits.generated_refusal(app, title, body, occurrence.slot.max_seconds)
                if refusal is None:
                    if add_generated(app, session, occurrence, "rotation", title, body, now, item.id, targets):
                        created += 1
                        last_ref = ref
                    break
                _skipped(app, occurrence, "rotation_item_too_long", refusal, ref=ref)
                ref = next_rotation_item([i.ref for i in eligible], ref, pinned=[i.ref for i in pinned])
        if created:
            replan(app, session, now)
    return created


def _skipped(app: App, occurrence: Occurrence, code: str, refusal: tuple[str, dict[str, str]], **params: str) -> None:
    """Log why a generated bulletin of `occurrence` was not made (too long for the radio or its slot)."""
    at = occurrence.start.astimezone(app.config.tz).strftime("%Y-%m-%d %H:%M")
    reason = Phrase(refusal[0], refusal[1])
    log.warning(
        "%s",
        text(code, app.config.lang, slot=occurrence.slot.name, at=at, reason=reason, **params),
        extra=tagged(code, slot=occurrence.slot.name, at=at, reason=reason, **params),
    )


@dataclass(frozen=True, kw_only=True)
class ProgrammeLine:
    """One airing of the coming programme, as the operator sees it."""

    airing_id: int
    channel: str
    due_at: datetime
    slot: str | None
    priority: str
    origin: str
    title: str
    status: str
    seconds: float | None = None  # the estimated spoken length, for the radio
    zone: str | None = None  # the loudspeaker zone of a radio airing (None: the station's only zone)
    kind: str = "speech"  # speech | audio | relay
    until: datetime | None = None  # a relay ends then

    def as_json(self, tz: ZoneInfo | None = None) -> dict[str, Any]:
        """The line as `loa programme --json` and the API's /programme show it (times in `tz` when given)."""
        return {
            "airing_id": self.airing_id,
            "channel": self.channel,
            "due_at": (self.due_at.astimezone(tz) if tz is not None else self.due_at).isoformat(),
            "slot": self.slot,
            "priority": self.priority,
            "origin": self.origin,
            "title": self.title,
            "status": self.status,
            "estimated_seconds": self.seconds,
            "zone": self.zone,
            "kind": self.kind,
            "until": None if self.until is None else (self.until.astimezone(tz) if tz else self.until).isoformat(),
        }


def upcoming(app: App, now: datetime, days: int) -> list[ProgrammeLine]:
    """Pending and running airings of the next `days` days, in air order; without the opening and closing of a
    slot with nothing else in it, which the runner skips (unless `programme.announce_empty_slots`)."""
    with app.reads() as session:
        names = {s.id: s.name for s in session.scalars(select(Slot).where(Slot.station_id == app.station_id))}
        rows = session.execute(
            select(Airing, Bulletin)
            .join(Bulletin, Bulletin.id == Airing.bulletin_id)
            .where(
                Airing.station_id == app.station_id,
                Airing.status.in_([AiringStatus.pending, AiringStatus.running]),
                Airing.due_at <= now + timedelta(days=days),
            )
            .order_by(Airing.due_at, Airing.id)
        ).all()
        if not app.config.programme.announce_empty_slots:  # the runner skips the announcements of an empty slot
            filled = occupied(session, app.station_id, now - timedelta(days=1), now + timedelta(days=days + 1))
            rows = [r for r in rows if r[1].origin not in ANNOUNCEMENTS or (r[0].slot_id, r[0].slot_at) in filled]
    return [
        ProgrammeLine(
            airing_id=a.id,
            channel=a.channel,
            due_at=a.due_at,
            slot=names.get(a.slot_id or -1),
            priority=b.priority.value,
            origin=b.origin,
            title=b.title,
            status=a.status.value,
            seconds=limits.airtime_seconds(app, b) if a.channel == "radio" else None,
            zone=a.zone,
            kind=b.kind.value,
            until=a.until,
        )
        for a, b in rows
    ]


def active_plan(session: Session, station_id: int) -> Plan | None:
    """The plan in use: the station's active plan (at most one; chosen with `loa plan use`)."""
    return session.scalar(
        select(Plan)
        .where(Plan.station_id == station_id, Plan.active.is_(True))
        .order_by(Plan.imported_at.desc(), Plan.id.desc())
    )


def plan_item(session: Session, station_id: int, ref: str, plan_id: int | None = None) -> ContentItem:
    """Content item `ref` of the plan in use (or of plan `plan_id`), or a clear error."""
    from scheduler.errors import NotFoundError, UsageError

    if plan_id is not None:
        plan = session.get(Plan, plan_id)
        if plan is None or plan.station_id != station_id:
            raise NotFoundError(kind="plan", id=plan_id)
    else:
        plan = active_plan(session, station_id)
    if plan is None:
        raise UsageError("no_plan_in_use")
    item = session.scalar(select(ContentItem).where(ContentItem.plan_id == plan.id, ContentItem.ref == ref))
    if item is None:
        if plan_id is not None:
            raise UsageError("plan_item_not_in_plan", ref=ref, plan=plan_id)
        raise UsageError("plan_item_not_found", ref=ref)
    return item


def set_rotation(
    app: App, ref: str, *, mode: str | None = None, order: int | None = None, plan_id: int | None = None
) -> ContentItem:
    """Pin, skip or reorder a content item of the plan in use (or of plan `plan_id`) in the rotation."""
    with app.sessions.begin() as session:
        item = plan_item(session, app.station_id, ref, plan_id)
        if mode is not None:
            item.rotation = mode
        if order is not None:
            item.rotation_order = order
        return item
