"""Between airings, watch that every kept-up mount is connected: an outage becomes one alert, and its end a note.

A kept-up Icecast source reconnects by itself (audio.sinks.icecast); what the
operator must hear about is an outage that lasts: `UNREACHABLE_AFTER` seconds
without a connection raise one `mount_unreachable` alert for the zone (in the
database, for the Today page and the report, and in `loa run`'s output), and
the reconnection is noted when it comes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from scheduler.app import App
from scheduler.runner import alerts
from scheduler.runner.notes import note

__all__ = ["ZoneWatch", "UNREACHABLE_AFTER"]

UNREACHABLE_AFTER = 30.0  # seconds without a source connection before the operator is told


class ZoneWatch:
    """Looks at each zone's sink status every `every` seconds, in a thread of its own."""

    def __init__(
        self,
        app: App,
        *,
        every: float = 5.0,
        after: float = UNREACHABLE_AFTER,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.every = every
        self.after = after
        self.monotonic = monotonic
        self._down_since: dict[str, float] = {}
        self._told: set[str] = set()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _statuses(self) -> dict[str, Any]:
        radio = self.app.channels.get("radio")
        zones = getattr(radio, "zones", {}) or {}
        out = {}
        for name, zone in zones.items():
            status = getattr(zone.sink, "status", None)
            if callable(status):
                out[name] = status()
        return out

    def check(self) -> None:
        """One look: raise the alerts of outages past `after`, note the reconnections."""
        now = self.monotonic()
        for name, status in self._statuses().items():
            if status.connected:
                self._down_since.pop(name, None)
                if name in self._told:
                    self._told.discard(name)
                    note(self.app, logging.INFO, "log_mount_back", zone=self._label(name))
                continue
            since = self._down_since.setdefault(name, now)
            if now - since >= self.after and name not in self._told:
                self._told.add(name)
                zone = None if name == "main" and not self.app.config.channels.radio.zones else name
                with self.app.sessions.begin() as session:
                    raised = alerts.record_alert(
                        self.app,
                        session,
                        kind="mount_unreachable",
                        zone=zone,
                        at=self.app.clock.now(),
                        seconds=round(now - since, 1),
                        code="alert_mount_down",
                        reason=getattr(status, "last_error", None) or "-",
                    )
                alerts.announce(self.app, [raised])

    def _label(self, name: str) -> str:
        return self.app.config.channels.radio.zone_label(name)

    def start(self) -> None:
        if self._thread is not None or not self._statuses():
            return

        def loop() -> None:
            while not self._stop.wait(self.every):
                try:
                    self.check()
                except Exception:  # the database may be briefly unreachable: look again next time
                    note(self.app, logging.ERROR, "log_sync_failed", exc_info=True)

        self._thread = threading.Thread(target=loop, name="zone-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
