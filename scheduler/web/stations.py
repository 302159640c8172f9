"""The stations of a deployment in the console (/stations) and the API (/api/stations).

Who may: a province administrator (role admin, scope "province") adds and edits
every station; a district administrator sees the stations of their district
and a station administrator their own, read-only; anyone else is refused (403).
A station one may not see is unknown (404), so its code is not confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import flash, g, redirect, render_template, request, url_for

from broadcasts.accounts import User
from broadcasts.errors import NotFoundError, TextError
from scheduler.errors import ConfigError, UsageError
from scheduler.services import scope, stations
from scheduler.services.users import AccessError, Actor
from scheduler.web.api import bp as api_bp
from scheduler.web.api import token_required
from scheduler.web.auth import current, login_required
from scheduler.web.pages import _t
from scheduler.web.pages import bp as pages_bp

__all__ = ["Reach", "reach"]


@dataclass(frozen=True, kw_only=True)
class Reach:
    """Which stations a user may see (by id) and whether they may change them."""

    province: bool  # sees and changes every station
    ids: frozenset[int]  # the stations the account reaches (scheduler.services.scope.stations_of)

    def sees(self, station_id: int | None) -> bool:
        return self.province or (station_id is not None and station_id in self.ids)


def reach(actor: Actor) -> Reach:
    """What `actor` may do with stations, read from their account (role, scope, district); 403 if nothing."""
    with g.loa.reads() as session:
        user = session.get(User, actor.id)
        if user is None or user.role != "admin":
            raise AccessError("forbidden", role=user.role if user is not None else actor.role, right="admin")
        return Reach(province=user.scope == "province", ids=frozenset(scope.stations_of(session, user)))


def _writer(actor: Actor) -> Reach:
    found = reach(actor)
    if not found.province:
        raise AccessError("station_forbidden")
    return found


def _ids() -> dict[str, int]:
    from sqlalchemy import select

    from broadcasts.models import Station

    with g.loa.reads() as session:
        return {code: id_ for code, id_ in session.execute(select(Station.code, Station.id))}


def _visible(found: Reach) -> list[stations.StationView]:
    ids = _ids()
    return [v for v in stations.list_stations(g.loa) if found.sees(ids.get(v.code))]


def _one(found: Reach, code: str) -> stations.StationView:
    view = stations.show_station(g.loa, code)
    if not found.sees(_ids().get(code)):
        raise NotFoundError("station_unknown", station=code)
    return view


# ---- pages ------------------------------------------------------------------------------------------------------


def _form_settings(current_toml: str | None = None) -> dict[str, Any] | None:
    """The settings typed in the form, or None when left as they were."""
    typed = request.form.get("settings")
    if typed is None or (current_toml is not None and typed.replace("\r\n", "\n").strip() == current_toml.strip()):
        return None
    return stations.parse_settings_text(typed, "settings")


@pages_bp.route("/stations", methods=["GET", "POST"])
@login_required("admin")
def stations_page() -> Any:
    found = reach(current())
    error, form = None, {}
    if request.method == "POST":
        _writer(current())
        form = request.form.to_dict()
        try:
            view = stations.add_station(
                g.loa,
                form.get("code", "").strip(),
                form.get("name", ""),
                district=form.get("district") or None,
                timezone=form.get("timezone") or None,
                settings=_form_settings() or {},
                by=current().username,
            )
        except (UsageError, ConfigError, TextError) as exc:
            from scheduler.messages import render
            from scheduler.web import lang

            error = render(exc, lang())
        else:
            flash(_t("station_added", station=view.code, name=view.name))
            return redirect(url_for("pages.station_page", code=view.code))
    page = render_template("stations.html", stations=_visible(found), writer=found.province, error=error, form=form)
    return page, 400 if error else 200


@pages_bp.route("/stations/<code>", methods=["GET", "POST"])
@login_required("admin")
def station_page(code: str) -> Any:
    found = reach(current())
    view = _one(found, code)
    error = None
    if request.method == "POST":
        _writer(current())
        form = request.form
        try:
            changed = {
                "name": form.get("name") if form.get("name", view.name) != view.name else None,
                "timezone": form.get("timezone") if form.get("timezone", view.timezone) != view.timezone else None,
            }
            settings = None if view.from_file else _form_settings(view.settings_toml())
            view = stations.edit_station(
                g.loa,
                code,
                name=changed["name"],
                timezone=changed["timezone"],
                district=form.get("district", view.district or ""),
                active=form.get("active") == "yes",
                settings=settings,
                by=current().username,
            )
        except (UsageError, ConfigError, TextError) as exc:
            from scheduler.messages import render
            from scheduler.web import lang

            error = render(exc, lang())
        else:
            flash(_t("station_changed", station=view.code, name=view.name))
            return redirect(url_for("pages.station_page", code=view.code))
    problem = None
    if view.problem is not None:
        from scheduler.messages import render
        from scheduler.web import lang

        problem = render(view.problem, lang())
    page = render_template("station.html", station=view, writer=found.province, error=error, problem=problem)
    return page, 400 if error else 200


# ---- the API ----------------------------------------------------------------------------------------------------


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise UsageError("api_body_object")
    return data


def _field(data: dict[str, Any], key: str, kind: type | tuple[type, ...], expected: str) -> Any:
    value = data.get(key)
    if value is not None and (not isinstance(value, kind) or isinstance(value, bool) != (kind is bool)):
        raise UsageError("api_station_body", key=key, expected=expected)
    return value


def _settings(data: dict[str, Any]) -> dict[str, Any] | None:
    settings = _field(data, "settings", dict, "object")
    toml = _field(data, "settings_toml", str, "string")
    if settings is not None and toml is not None:
        raise UsageError("api_station_body", key="settings", expected="settings | settings_toml")
    return stations.parse_settings_text(toml, "settings_toml") if toml is not None else settings


@api_bp.get("/stations")
@token_required("admin")
def api_stations() -> Any:
    found = reach(g.actor)
    return {"stations": [v.as_json(g.loa.config.tz) for v in _visible(found)]}


@api_bp.post("/stations")
@token_required("admin")
def api_add_station() -> Any:
    _writer(g.actor)
    data = _body()
    view = stations.add_station(
        g.loa,
        _field(data, "code", str, "string") or "",
        _field(data, "name", str, "string") or "",
        district=_field(data, "district", str, "string"),
        timezone=_field(data, "timezone", str, "string"),
        settings=_settings(data) or {},
        by=g.actor.username,
    )
    return view.as_json(g.loa.config.tz, full=True), 201


@api_bp.get("/stations/<code>")
@token_required("admin")
def api_station(code: str) -> Any:
    return _one(reach(g.actor), code).as_json(g.loa.config.tz, full=True)


@api_bp.patch("/stations/<code>")
@token_required("admin")
def api_edit_station(code: str) -> Any:
    _writer(g.actor)
    data = _body()
    sets = _field(data, "set", dict, "object") or {}
    view = stations.edit_station(
        g.loa,
        code,
        name=_field(data, "name", str, "string"),
        district=_field(data, "district", str, "string"),
        timezone=_field(data, "timezone", str, "string"),
        active=_field(data, "active", bool, "boolean"),
        sets=list(sets.items()),
        settings=_settings(data),
        by=g.actor.username,
    )
    return view.as_json(g.loa.config.tz, full=True)
