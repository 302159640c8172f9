"""The station switcher: a district or province account works on every station it reaches from one console.

The console is bound to its own station (`flask.extensions["loa"]`). An account
whose scope is wider than a station chooses another one in the page header
(POST /station, with the CSRF token of every form); the choice is kept in the
Flask session and every page then acts on that station: `g.loa` is that
station's App, built once per station by `build_station_app` (as a runner node
builds its stations) on the console's own database pool, kept in the process
and rebuilt when the station's row changes.

The stations one may choose: the console's own, and the active stations kept
as data (their settings are in the database) within the account's reach. A
station of another config file is configured by that file, which this console
does not have: it is not offered (its own console serves it). Choosing a
station out of reach is refused (403) and leaves the session as it was; a
choice that no longer holds (the station removed, switched off or out of
reach) falls back to the console's own station. A station account sees no
switcher and cannot use the route to reach another station.

The API takes the same choice as `?station=CODE` on any route with a token,
with the same checks (`for_api`).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from sqlalchemy import and_, false, or_, select

from audio.engines.base import TtsEngine
from audio.errors import LoaError
from broadcasts.models import Station
from scheduler.app import App, build_station_app
from scheduler.errors import UsageError
from scheduler.messages import render
from scheduler.services import scope
from scheduler.services.users import AccessError, Actor
from scheduler.web.auth import current, login_required, safe_next
from scheduler.web.pages import _t
from scheduler.web.pages import bp as pages_bp

__all__ = ["Choice", "StationApps", "init_app", "choices", "for_api", "KEY"]

log = logging.getLogger("loa.web")

KEY = "station"  # the session's chosen station id (absent: the console's own)


@dataclass(frozen=True, kw_only=True)
class Choice:
    """A station the account may switch to, as the header lists it."""

    id: int
    code: str
    name: str
    timezone: str
    updated_at: datetime | None

    @property
    def stamp(self) -> tuple[Any, ...]:
        """What its App is built from, besides its settings (an edit of the settings moves `updated_at`)."""
        return (self.code, self.name, self.timezone, self.updated_at)


class StationApps:
    """The Apps of the stations this console switches to: built once each, shared by every request thread."""

    def __init__(self, home: App, tts: TtsEngine | None = None) -> None:
        self.home = home
        self.tts = tts  # None: each station speaks with its own configured engines (tests pass a fake)
        self._lock = threading.Lock()
        self._built: dict[int, tuple[tuple[Any, ...], App]] = {}

    def get(self, choice: Choice) -> App | None:
        """The App of `choice` (the console's own for its station); None if its settings no longer build."""
        if choice.id == self.home.station_id:
            return self.home
        with self._lock:
            held = self._built.get(choice.id)
            if held is not None and held[0] == choice.stamp:
                return held[1]
            with self.home.reads() as session:
                row = session.get(Station, choice.id)
                if row is not None:
                    session.expunge(row)
            if row is None or row.settings is None:
                return None
            try:
                app = build_station_app(
                    self.home.config,
                    row,
                    store=(self.home.engine, self.home.sessions),
                    clock=self.home.clock,
                    tts=self.tts,
                    node=self.home.node,
                )
            except LoaError as exc:
                log.warning("station %s: %s", row.code, render(exc, "en"))
                return None
            self._built[choice.id] = ((row.code, row.name, row.timezone, row.updated_at), app)
            if held is not None:
                held[1].close()  # its channels only: the pool is the console's
            return app

    def close(self) -> None:
        with self._lock:
            for _, app in self._built.values():
                app.close()
            self._built.clear()


def choices(home: App, actor: Actor) -> tuple[Choice, ...]:
    """The stations `actor` may switch to on `home`'s console, by name (one query); none for a station account."""
    if actor.scope not in ("district", "province"):
        return ()
    columns = select(Station.id, Station.code, Station.name, Station.timezone, Station.updated_at)
    query = columns.where(
        or_(Station.id == home.station_id, and_(Station.settings.is_not(None), Station.active.is_(True)))
    )
    if actor.scope == "district":
        query = query.where(Station.district == actor.district) if actor.district else query.where(false())
    with home.reads() as session:
        rows = session.execute(query.order_by(Station.name, Station.code)).all()
    return tuple(Choice(id=r.id, code=r.code, name=r.name, timezone=r.timezone, updated_at=r.updated_at) for r in rows)


def _apps() -> StationApps:
    apps: StationApps = current_app.extensions["loa_stations"]
    return apps


def _refusal(home: App, actor: Actor, **where: Any) -> LoaError:
    """Why `actor` cannot switch to the station `where` names (id= or code=): out of reach or unknown (403,
    the same answer for both, so a code is not confirmed), else reached but not served here (400)."""
    column = Station.id if "id" in where else Station.code
    with home.reads() as session:
        row = session.scalar(select(Station).where(column == next(iter(where.values()))))
        if row is None or not scope.reaches(actor, row):
            return AccessError("station_not_reached")
        return UsageError("station_not_switchable", station=row.code)


def for_api(actor: Actor, code: str) -> App:
    """The App of station `code` for an API call with `?station=CODE`: 403 out of `actor`'s reach (or unknown),
    400 if it is reached but not served by this console (another config file's station, broken settings)."""
    apps = _apps()
    home = apps.home
    if code == home.config.station.code:
        return home
    found = next((c for c in choices(home, actor) if c.code == code), None)
    app = apps.get(found) if found is not None else None
    if app is None:
        raise _refusal(home, actor, code=code)
    return app


def _next_page() -> str:
    """Where a switch from this page goes: the same list page (its filters kept), else Today (a row's page
    names a row of the station being left)."""
    rule = request.url_rule
    if request.method == "GET" and rule is not None and not rule.arguments:
        return request.full_path.rstrip("?")
    return url_for("pages.today")


def init_app(flask: Flask, tts: TtsEngine | None = None) -> None:
    """Bind `g.loa` to the chosen station of each console request (after the user is loaded) and offer the
    switcher to the templates."""
    flask.extensions["loa_stations"] = StationApps(flask.extensions["loa"], tts)

    @flask.before_request
    def _switch() -> None:
        g.stations = ()
        if request.blueprint == "api" or request.path.startswith("/api/") or request.endpoint == "static":
            return  # the API: tokens, not the session (`?station=CODE`, for_api); static files: no station
        actor = g.get("actor")
        if actor is None:
            return
        apps = _apps()
        g.stations = choices(apps.home, actor)
        chosen = session.get(KEY)
        if chosen is None:
            return
        found = next((c for c in g.stations if c.id == chosen), None) if isinstance(chosen, int) else None
        app = apps.get(found) if found is not None else None
        if app is None:  # removed, switched off, out of reach or broken: back to the console's own station
            session.pop(KEY, None)
            return
        g.loa = app

    @flask.context_processor
    def _switcher() -> dict[str, Any]:
        stations = g.get("stations", ())
        loa = g.get("loa")
        return {
            "stations": stations if len(stations) > 1 else (),
            "switch_next": _next_page,
            "here_id": getattr(loa, "station_id", None),
            "config_station_name": lambda: loa.config.station.name if loa is not None else "",
        }


@pages_bp.route("/station", methods=["POST"])
@login_required()
def choose_station() -> Any:
    """Work on another station reached by the account (403 if it is not; the session is then unchanged)."""
    raw = request.form.get("station", "").strip()
    wanted = int(raw) if raw.isdigit() and len(raw) <= 9 else 0
    apps = _apps()
    home = apps.home
    if wanted == home.station_id:
        session.pop(KEY, None)
        name, code = home.config.station.name, home.config.station.code
    else:
        found = next((c for c in g.get("stations", ()) if c.id == wanted), None)
        if found is None or apps.get(found) is None:
            raise _refusal(home, current(), id=wanted)
        session[KEY] = found.id
        name, code = found.name, found.code
    flash(_t("station_switched", station=code, name=name))
    return redirect(safe_next(request.form.get("next", "")) or url_for("pages.today"))
