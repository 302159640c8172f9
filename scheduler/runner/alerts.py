"""Alerts (cảnh báo): dead air, a mount nobody can reach, a relay's gaps, written with the record and told at once.

An alert is a row of `alerts` (the console's Today page and the monthly
report read them) and a WARNING line of `loa run`, in the station's language.
The channel says what it saw (`Delivery.alerts`); the rows are added in the
transaction that writes the log record, so a record never lacks its alerts.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from broadcasts.channels.base import Delivery
from broadcasts.models import Airing, Alert
from scheduler.app import App
from scheduler.runner.notes import note, say

__all__ = ["ALERT_KINDS", "add_alerts", "announce", "record_alert"]

ALERT_KINDS = ("dead_air", "mount_unreachable", "relay_gap", "relay_fallback")


def _label(app: App, zone: str | None) -> str:
    return app.config.channels.radio.zone_label(zone)


def record_alert(
    app: App,
    session: Session,
    *,
    kind: str,
    zone: str | None,
    at: datetime,
    seconds: float | None,
    airing_id: int | None = None,
    code: str | None = None,
    **params: Any,
) -> Alert:
    """Add one alert row (its message, `alert_<kind>` or `code`, in the station's language)."""
    words = {"zone": _label(app, zone), "seconds": seconds, "airing": airing_id, **params}
    alert = Alert(
        station_id=app.station_id,
        zone=zone,
        kind=kind,
        airing_id=airing_id,
        at=at,
        seconds=seconds,
        message=say(app, code or f"alert_{kind}", **words),
        created_at=at,
    )
    session.add(alert)
    return alert


def add_alerts(app: App, session: Session, airing: Airing, delivery: Delivery, at: datetime) -> list[Alert]:
    """The rows of what the channel saw during `airing`."""
    return [
        record_alert(
            app,
            session,
            kind=kind,
            zone=airing.zone,
            at=at,
            seconds=seconds,
            airing_id=airing.id,
            **{k: v for k, v in params.items() if k != "zone"},
        )
        for kind, seconds, params in delivery.alerts
    ]


def announce(app: App, alerts: list[Alert]) -> None:
    """Tell the operator in `loa run`'s output."""
    for alert in alerts:
        note(app, logging.WARNING, "log_alert", zone=_label(app, alert.zone), message=alert.message)
