"""Stations kept as data: add, list, show and edit the stations of a deployment, each change audited.

A station's row holds its identity (code, name, time zone), its district and
whether it is active; `settings` holds its own tables of the configuration
(`scheduler.config.stations.STATION_TABLES`), or None for the station of a
config file (configured from that file at every start, as before). Every
change is checked with the same loader as the file (`station_config`) before
anything is written, and is one transaction: the row, its slots (kept equal to
its settings, as `build_app` does for the file's station) and the audit entry.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from broadcasts.accounts import AuditEntry
from broadcasts.channels.radio_zones import zone_table
from broadcasts.errors import NotFoundError
from broadcasts.models import Node, Slot, Station
from scheduler.app import App, sync_slots
from scheduler.config import Config
from scheduler.config.dump import toml_text
from scheduler.config.loader import field_names, parse_toml
from scheduler.config.stations import STATION_TABLES, station_config, station_settings
from scheduler.errors import ConfigError, UsageError
from scheduler.services.station_input import clean_settings, parse_pair, parse_set, set_path

__all__ = [
    "StationView",
    "add_station",
    "list_stations",
    "show_station",
    "edit_station",
    "read_settings_file",
    "parse_settings_text",
    "parse_set",
    "MAX_FILE_BYTES",
]

CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")  # a [station] code, in lower case: it names a folder and URLs
CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
MAX_FILE_BYTES = 256 * 1024


@dataclass(frozen=True, kw_only=True)
class StationView:
    """A station as people see it: its row, what its configuration makes of it, and which nodes serve it."""

    code: str
    name: str
    timezone: str
    district: str | None
    active: bool
    from_file: bool  # settings None: configured by a config file
    slots: int  # slots that still air
    zones: tuple[str, ...] | None  # None: not known here (another file's station, or broken settings)
    channels: tuple[str, ...] | None
    nodes: tuple[str, ...]
    created_at: datetime | None
    updated_at: datetime | None
    settings: dict[str, Any] | None  # the station's tables (for the file's own station: the file's)
    problem: ConfigError | None = None

    def settings_toml(self) -> str:
        return toml_text(self.settings or {})

    def as_json(self, tz: tzinfo | None = None, *, full: bool = False) -> dict[str, Any]:
        def iso(moment: datetime | None) -> str | None:
            return moment.astimezone(tz).isoformat() if moment is not None else None

        out: dict[str, Any] = {
            "code": self.code,
            "name": self.name,
            "timezone": self.timezone,
            "district": self.district,
            "active": self.active,
            "source": "file" if self.from_file else "data",
            "slots": self.slots,
            "zones": list(self.zones) if self.zones is not None else None,
            "channels": list(self.channels) if self.channels is not None else None,
            "nodes": list(self.nodes),
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
            "problem": None if self.problem is None else {"error": self.problem.code},
        }
        if full:
            out["settings"] = self.settings
            out["settings_toml"] = self.settings_toml() if self.settings is not None else None
        return out


# ---- input ------------------------------------------------------------------------------------------------------


def _code(code: str) -> str:
    if not isinstance(code, str) or not CODE.fullmatch(code):
        shown = CONTROL.sub("?", code if isinstance(code, str) else repr(code))[:60]
        raise UsageError("station_bad_code", station=shown)
    return code


def _name(name: str) -> str:
    name = name.strip() if isinstance(name, str) else ""
    if not name or len(name) > 200 or CONTROL.search(name):
        raise UsageError("station_bad_name")
    return name


def _district(district: str | None) -> str | None:
    if district is None:
        return None
    if not isinstance(district, str) or len(district.strip()) > 100 or CONTROL.search(district):
        raise UsageError("station_bad_district")
    return district.strip() or None


def _timezone(timezone: str) -> str:
    shown = CONTROL.sub("?", str(timezone))[:80]
    if not isinstance(timezone, str) or not timezone or CONTROL.search(timezone) or len(timezone) > 64:
        raise UsageError("station_bad_timezone", timezone=shown)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise UsageError("station_bad_timezone", timezone=shown) from None
    return timezone


def read_settings_file(path: Path | str) -> dict[str, Any]:
    """The station tables of the TOML file at `path` (a full config.toml's deployment tables are left out;
    any other table is refused, so a typo is never silently dropped)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UsageError("station_file_too_big", path=str(path), size=size, limit=MAX_FILE_BYTES)
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError("config_missing", path=str(path)) from None
    except OSError as exc:
        raise ConfigError("file_unreadable", path=str(path), reason=exc.strerror) from exc
    table = parse_toml(raw, path)
    deployment = set(field_names(Config)) - set(STATION_TABLES)
    return {key: value for key, value in table.items() if key not in deployment}


# ---- reading ----------------------------------------------------------------------------------------------------


def _row(session: Session, code: str, *, lock: bool = False) -> Station:
    stmt = select(Station).where(Station.code == code)
    station = session.scalar(stmt.with_for_update() if lock else stmt)
    if station is None:
        raise NotFoundError("station_unknown", station=code)
    return station


def _config(app: App, station: Station) -> Config:
    if station.settings is None:
        if station.code != app.config.station.code:
            raise LookupError(station.code)  # another config file's station: not known here
        return app.config
    return station_config(app.config, station.settings, code=station.code, name=station.name, timezone=station.timezone)


def _nodes(session: Session) -> list[Node]:
    return list(session.scalars(select(Node).where(Node.stopped_at.is_(None)).order_by(Node.name)))


def _view(app: App, session: Session, station: Station, nodes: Iterable[Node]) -> StationView:
    zones: tuple[str, ...] | None = None
    channels: tuple[str, ...] | None = None
    problem = None
    try:
        config = _config(app, station)
    except ConfigError as exc:
        problem = exc
    except LookupError:
        pass
    else:
        zones, channels = tuple(zone_table(config.channels.radio)), tuple(config.channels.enabled)
    slots = session.scalar(
        select(func.count()).select_from(Slot).where(Slot.station_id == station.id, Slot.weekdays != "")
    )
    own_file = station.settings is None and station.code == app.config.station.code
    settings = station.settings
    if own_file:
        settings = _without_identity(station_settings(app.config))
    return StationView(
        code=station.code,
        name=station.name,
        timezone=station.timezone,
        district=station.district,
        active=station.active,
        from_file=station.settings is None,
        slots=int(slots or 0),
        zones=zones,
        channels=channels,
        nodes=tuple(n.name for n in nodes if n.stations is None or station.code in n.stations),
        created_at=station.created_at,
        updated_at=station.updated_at,
        settings=dict(settings) if settings is not None else None,
        problem=problem,
    )


def _without_identity(settings: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(settings)
    if isinstance(out.get("station"), dict):
        out["station"] = {k: v for k, v in out["station"].items() if k not in ("code", "name", "timezone")}
    return out


def list_stations(app: App, *, codes: Iterable[str] | None = None) -> list[StationView]:
    """Every station (or those of `codes`), by code."""
    with app.reads() as session:
        stmt = select(Station).order_by(Station.code)
        if codes is not None:
            stmt = stmt.where(Station.code.in_(list(codes)))
        nodes = _nodes(session)
        return [_view(app, session, station, nodes) for station in session.scalars(stmt)]


def show_station(app: App, code: str) -> StationView:
    """One station, settings included; NotFoundError if there is none with `code`."""
    with app.reads() as session:
        return _view(app, session, _row(session, code), _nodes(session))


# ---- writing ----------------------------------------------------------------------------------------------------


def _entry(app: App, station_id: int, by: str, action: str, code: str, detail: dict[str, Any]) -> AuditEntry:
    return AuditEntry(
        station_id=station_id, at=app.clock.now(), username=(by or "?")[:64], action=action, target=code, detail=detail
    )


def add_station(
    app: App,
    code: str,
    name: str,
    *,
    district: str | None = None,
    timezone: str | None = None,
    settings: Mapping[str, Any] | None = None,
    by: str,
) -> StationView:
    """A new data station; its settings checked by the loader first. UsageError if `code` is taken."""
    code, name, district = _code(code), _name(name), _district(district)
    given = dict(settings or {})
    station_table = given["station"] if isinstance(given.get("station"), dict) else {}
    timezone = _timezone(timezone or str(station_table.get("timezone") or app.config.station.timezone))
    cleaned = clean_settings(given)
    config = station_config(app.config, cleaned, code=code, name=name, timezone=timezone)
    now = app.clock.now()
    try:
        with app.sessions.begin() as session:
            if session.scalar(select(Station.id).where(Station.code == code)) is not None:
                raise UsageError("station_exists", station=code)
            station = Station(
                code=code,
                name=name,
                timezone=timezone,
                district=district,
                settings=cleaned,
                active=True,
                created_at=now,
                updated_at=now,
            )
            session.add(station)
            session.flush()
            sync_slots(session, station.id, config, retire=True)
            detail = {"name": name, "district": district, "timezone": timezone, "tables": sorted(cleaned)}
            session.add(_entry(app, station.id, by, "station_add", code, detail))
    except IntegrityError:  # the same code added at the same moment by someone else
        raise UsageError("station_exists", station=code) from None
    return show_station(app, code)


def edit_station(
    app: App,
    code: str,
    *,
    name: str | None = None,
    district: str | None = None,
    timezone: str | None = None,
    active: bool | None = None,
    sets: Iterable[str | tuple[str, Any]] = (),
    settings: Mapping[str, Any] | None = None,
    by: str,
) -> StationView:
    """Change a station: its name, district, time zone, whether it is active, settings by path (`sets`:
    "speech.rate=170", or (key, value) pairs) or all of them (`settings`). Checked by the loader before
    anything is written."""
    code = _code(code)
    changes = [parse_set(item) if isinstance(item, str) else parse_pair(*item) for item in sets]
    name = _name(name) if name is not None else None
    district_given = district is not None
    district = _district(district)
    timezone = _timezone(timezone) if timezone is not None else None
    nothing = name is None and not district_given and timezone is None and active is None
    if nothing and not changes and settings is None:
        raise UsageError("station_nothing_to_change")
    with app.sessions.begin() as session:
        station = _row(session, code, lock=True)
        detail: dict[str, Any] = {}
        if station.settings is None and (name is not None or timezone is not None or changes or settings is not None):
            raise UsageError("station_from_file", station=code, path=app.config.source)
        new = dict(station.settings) if station.settings is not None else None
        if settings is not None:
            new = clean_settings(settings)
            detail["tables"] = sorted(new)
        for path, value in changes:
            new = set_path(new or {}, path, value)
        if changes:
            detail["set"] = {".".join(path): value for path, value in changes}
            new = clean_settings(new or {})
        for field, value in (("name", name), ("timezone", timezone), ("active", active)):
            if value is not None and getattr(station, field) != value:
                detail[field] = value
                setattr(station, field, value)
        if district_given and station.district != district:
            detail["district"] = district
            station.district = district
        if new is not None:
            config = station_config(app.config, new, code=code, name=station.name, timezone=station.timezone)
            if new != station.settings:
                station.settings = new
            sync_slots(session, station.id, config, retire=True)
        if detail:
            station.updated_at = app.clock.now()
            session.add(_entry(app, station.id, by, "station_change", code, json.loads(json.dumps(detail))))
    return show_station(app, code)


def parse_settings_text(text: str, source: str = "<settings>") -> dict[str, Any]:
    """A station's settings from TOML text (the console's form, the API); ConfigError if it is not TOML."""
    raw = text.encode("utf-8", "surrogatepass")
    if len(raw) > MAX_FILE_BYTES:
        raise UsageError("station_settings_too_big", size=len(raw), limit=MAX_FILE_BYTES)
    try:
        return parse_toml(raw, source)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:  # pragma: no cover - parse_toml words them
        raise ConfigError("config_syntax", path=source, reason=str(exc)[:200]) from exc
