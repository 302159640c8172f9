"""The runner's wake-ups: on PostgreSQL a `Listener` (broadcasts.wakeups) makes the timers sync at once.

A queue, an approval, an emergency, a move or a cancel from any process notifies `loa_airings` in its own
transaction; the listener calls `wake(station_id, reason)`, which runs the sync now for this station's
runner (`Timers.wake`). Polling (`runner.poll_seconds`) stays the fallback: a lost listener is said once,
and when it is back the timers sync at once for what was sent meanwhile. SQLite (or `runner.listen = false`)
starts nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from broadcasts.wakeups import Listener
from scheduler.app import App
from scheduler.runner.notes import note

__all__ = ["listens", "start_listener"]


def listens(app: App) -> bool:
    """True if this app's runner is woken through LISTEN/NOTIFY (PostgreSQL and `runner.listen`)."""
    return app.config.runner.listen and app.engine.dialect.name == "postgresql"


def start_listener(app: App, wake: Callable[[], object]) -> Listener | None:
    """Start the listener that calls `wake()` for this station's notifications; None when this app only polls."""
    if not listens(app):
        return None
    station_id = app.station_id

    def woken(station: int, reason: str) -> None:
        if station == station_id:
            wake()

    def lost(reason: str) -> None:
        note(app, logging.WARNING, "log_wakeups_lost", reason=reason, poll=app.config.runner.poll_seconds)

    def back(seconds: float) -> None:
        note(app, logging.WARNING, "log_wakeups_back", seconds=seconds)
        wake()  # whatever was notified while it was gone

    url = app.engine.url.render_as_string(hide_password=False)
    return Listener(url, woken, on_lost=lost, on_back=back).start()
