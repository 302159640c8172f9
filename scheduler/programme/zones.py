"""Which loudspeaker zones (cụm loa) a radio airing goes to.

A station without `[channels.radio.zones]` has one zone and its airings carry
no zone (None), as before zones existed. A station with zones gets one radio
airing per targeted zone: all of them by default, and always all of them for
an emergency.
"""

from __future__ import annotations

from collections.abc import Sequence

from scheduler.app import App
from scheduler.errors import UsageError

__all__ = ["station_zones", "target_zones"]


def station_zones(app: App) -> list[str | None]:
    """The zones a radio airing can be in: the configured ones, or [None] for a station without zones."""
    zones = app.config.channels.radio.zones
    return list(zones) if zones else [None]


def target_zones(app: App, requested: Sequence[str] | None, *, emergency: bool = False) -> list[str | None]:
    """The zones an airing goes to: `requested` checked against the station's, or all of them."""
    every = station_zones(app)
    wanted = [z.strip() for z in requested or () if z.strip()]
    if emergency or not wanted:
        return every
    known = [z for z in every if z is not None]
    chosen: list[str | None] = []
    for name in wanted:
        if name not in known:
            raise UsageError("queue_unknown_zone", zone=name, zones=", ".join(known) or "-")
        if name not in chosen:
            chosen.append(name)
    return chosen
