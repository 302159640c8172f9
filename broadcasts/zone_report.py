"""The report's loudspeaker zones and alerts: which hamlets heard what, and when the air went dead.

Per zone (cụm loa), from the last record of each radio airing in the period:
how many airings aired, their minutes, how many were heard back by the
zone's listener and their mean delay from due time to first audible audio,
and how many alerts each kind raised. Every alert of the period is listed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcasts.models import Alert, Outcome

__all__ = ["ZoneRow", "AlertRow", "zone_rows", "alert_rows", "zones_json"]


@dataclass(frozen=True, kw_only=True)
class ZoneRow:
    zone: str  # "" for a station without zones
    airings: int
    aired: int
    minutes: float
    heard: int  # airings the zone's listener heard audio of
    mean_delay_ms: float | None
    dead_air: int
    unreachable: int
    relay_gaps: int


@dataclass(frozen=True, kw_only=True)
class AlertRow:
    at: datetime
    zone: str
    kind: str
    seconds: float | None
    airing_id: int | None
    message: str


def alert_rows(session: Session, station_id: int, since: datetime, until: datetime) -> list[AlertRow]:
    """Every alert of the station in [since, until), oldest first."""
    alerts = session.scalars(
        select(Alert)
        .where(Alert.station_id == station_id, Alert.at >= since, Alert.at < until)
        .order_by(Alert.at, Alert.id)
    ).all()
    return [
        AlertRow(at=a.at, zone=a.zone or "", kind=a.kind, seconds=a.seconds, airing_id=a.airing_id, message=a.message)
        for a in alerts
    ]


def zone_rows(rows: list[Any], alerts: list[AlertRow]) -> list[ZoneRow]:
    """One row per zone of the radio's records (`rows`: the last record of each airing)."""
    radio = [r for r in rows if r.channel == "radio"]
    zones = sorted({r.zone or "" for r in radio} | {a.zone for a in alerts})
    counted: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for alert in alerts:
        counted[alert.zone][alert.kind] += 1
    out = []
    for zone in zones:
        mine = [r for r in radio if (r.zone or "") == zone]
        aired = [r for r in mine if r.outcome is Outcome.aired]
        delays = [r.heard_delay_ms for r in aired if r.heard_delay_ms is not None]
        kinds = counted[zone]
        out.append(
            ZoneRow(
                zone=zone,
                airings=len(mine),
                aired=len(aired),
                minutes=round(sum(r.audio_seconds or 0 for r in aired) / 60, 1),
                heard=sum(1 for r in aired if (r.heard_seconds or 0) > 0),
                mean_delay_ms=round(sum(delays) / len(delays), 1) if delays else None,
                dead_air=kinds["dead_air"],
                unreachable=kinds["mount_unreachable"],
                relay_gaps=kinds["relay_gap"] + kinds["relay_fallback"],
            )
        )
    return out


def zones_json(zones: list[ZoneRow], alerts: list[AlertRow], tz: ZoneInfo) -> dict[str, Any]:
    """The zones and alerts of a report as plain JSON values."""
    return {
        "zones": [dict(z.__dict__) for z in zones],
        "alerts": [{**a.__dict__, "at": a.at.astimezone(tz).isoformat()} for a in alerts],
    }
