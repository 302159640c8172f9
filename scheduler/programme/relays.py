"""Relay slots (tiếp âm): a slot with `relay = "<name>"` airs that stream for its whole length, every time it comes.

`[[slots]] name = "Tiếp âm VOV1", time = "06:00", max_minutes = 30, relay = "vov1"`
makes, for each occurrence in the runner's horizon, one relay bulletin with a
radio airing per zone (the slot's `zones`, or all), due at the start and
ending at start + max_minutes (`Airing.until`). The slot is stored with the
pseudo-channel `relay`, so spoken bulletins never fill it; its airings have
no `slot_at`, so the running order of the spoken slots leaves them alone.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from broadcasts.models import Airing, AiringStatus, Approval, Bulletin, BulletinKind, Priority
from scheduler.app import App
from scheduler.programme.rotation import existing_keys, origin_key
from scheduler.programme.slots import Occurrence, occurrences
from scheduler.programme.zones import target_zones

__all__ = ["RELAY_CHANNEL", "materialize_relays"]

RELAY_CHANNEL = "relay"  # the pseudo-channel of a relay slot in the slots table


def materialize_relays(app: App, session: Session, now: datetime, until: datetime) -> int:
    """Create the relay bulletins of relay slot occurrences in (now, until]; return how many."""
    from scheduler.programme.planner import slot_specs

    if "radio" not in app.channels:
        return 0
    configs = {s.name: s for s in app.config.slots if s.relay}
    if not configs:
        return 0
    found = [
        o
        for o in occurrences(slot_specs(session, app.station_id), app.config.tz, now, until, RELAY_CHANNEL)
        if o.slot.name in configs
    ]
    existing = existing_keys(session, app.station_id, [origin_key("relay", o) for o in found])
    created = 0
    for occurrence in found:
        if origin_key("relay", occurrence) not in existing:
            created += _add(app, session, occurrence, configs[occurrence.slot.name], now)
    return created


def _add(app: App, session: Session, occurrence: Occurrence, slot: object, now: datetime) -> bool:
    relay = getattr(slot, "relay", "")
    settings = app.config.channels.radio.relays.get(relay)
    label = (settings.label if settings is not None else "") or relay
    seconds = float(getattr(slot, "max_minutes", 30) * 60)
    try:
        with session.begin_nested():
            bulletin = Bulletin(
                station_id=app.station_id,
                title=f"Tiếp âm {label}",
                body=f"Tiếp âm {label}",
                priority=Priority.normal,
                approval=Approval.approved,
                origin="relay",
                origin_key=origin_key("relay", occurrence),
                kind=BulletinKind.relay,
                relay=relay,
                relay_seconds=seconds,
                zones=list(getattr(slot, "zones", ())) or None,
                created_at=now,
            )
            session.add(bulletin)
            session.flush()
            for zone in target_zones(app, getattr(slot, "zones", ())):
                session.add(
                    Airing(
                        bulletin_id=bulletin.id,
                        station_id=app.station_id,
                        channel="radio",
                        due_at=occurrence.start,
                        slot_id=occurrence.slot.id,
                        zone=zone,
                        until=occurrence.start + timedelta(seconds=seconds),
                        status=AiringStatus.pending,
                        created_at=now,
                    )
                )
            session.flush()
        return True
    except IntegrityError:  # another node made it first
        return False
