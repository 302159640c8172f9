"""The station's alerts (cảnh báo) as the console's Today page and `GET /api/alerts` show them, newest first.

The rows are written by `scheduler.runner.alerts` (dead air, a mount nobody can
reach, a relay's gaps or fallback); this module only reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from sqlalchemy import select

from broadcasts.models import Alert
from scheduler.app import App

__all__ = ["AlertInfo", "list_alerts", "recent_alerts"]

MAX_ALERTS = 500


@dataclass(frozen=True, kw_only=True)
class AlertInfo:
    id: int
    kind: str
    zone: str | None
    zone_label: str
    airing_id: int | None
    at: datetime
    seconds: float | None
    message: str

    def as_json(self, tz: tzinfo) -> dict[str, object]:
        return {
            "id": self.id,
            "kind": self.kind,
            "zone": self.zone,
            "zone_label": self.zone_label,
            "airing_id": self.airing_id,
            "at": self.at.astimezone(tz).isoformat(),
            "seconds": None if self.seconds is None else round(self.seconds, 1),
            "message": self.message,
        }


def list_alerts(
    app: App, *, since: datetime | None = None, until: datetime | None = None, limit: int = 100
) -> list[AlertInfo]:
    """Alerts at or after `since` and before `until`, newest first, at most `limit` (and never more than 500)."""
    stmt = select(Alert).where(Alert.station_id == app.station_id)
    if since is not None:
        stmt = stmt.where(Alert.at >= since)
    if until is not None:
        stmt = stmt.where(Alert.at < until)
    stmt = stmt.order_by(Alert.at.desc(), Alert.id.desc()).limit(max(1, min(limit, MAX_ALERTS)))
    radio = app.config.channels.radio
    with app.reads() as session:
        return [
            AlertInfo(
                id=a.id,
                kind=a.kind,
                zone=a.zone,
                zone_label=radio.zone_label(a.zone),
                airing_id=a.airing_id,
                at=a.at,
                seconds=a.seconds,
                message=a.message,
            )
            for a in session.scalars(stmt)
        ]


def recent_alerts(app: App, hours: int = 24) -> list[AlertInfo]:
    """The alerts of the last `hours` hours (Today's list)."""
    return list_alerts(app, since=app.clock.now() - timedelta(hours=hours))
