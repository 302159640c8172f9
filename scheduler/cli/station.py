"""`loa station add | list | show | edit`: the stations of a deployment, kept in the database."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from scheduler.cli.options import common_options, say
from scheduler.cli.options import state as current_state
from scheduler.messages import render, text

if TYPE_CHECKING:
    from scheduler.services.stations import StationView

__all__ = ["station"]


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser() or "cli"
    except (KeyError, OSError):  # no name for this uid (a container)
        return "cli"


_BY = click.option(
    "--by",
    metavar="NAME",
    help="Người thực hiện ghi vào nhật ký (mặc định: tài khoản máy) / who "
    "did it, for the audit trail (default: the OS user).",
)
_JSON = click.option("--json", "as_json", is_flag=True, help="In JSON / print JSON.")
_FILE = click.option(
    "--file",
    "settings_file",
    metavar="PATH",
    help="Tệp TOML chứa các bảng của đài (station, slots, channels, speech, audio, programme) / a TOML file "
    "with the station's tables.",
)


@click.group("station")
@common_options
def station() -> None:
    """Các đài (lưu trong cơ sở dữ liệu) / the stations, kept in the database."""


def _json(value: Any) -> None:
    say(json.dumps(value, ensure_ascii=False, indent=2))


def _yes(value: bool, lang: str) -> str:
    return text("w_station_active" if value else "w_station_inactive", lang)


def _names(values: tuple[str, ...] | None) -> str:
    return "?" if values is None else ", ".join(values) or "-"


def _show(view: StationView, source: str, lang: str) -> None:
    rows = [
        ("w_station_code", view.code),
        ("w_station_name", view.name),
        ("w_district", view.district or "-"),
        ("w_timezone", view.timezone),
        ("w_status", _yes(view.active, lang)),
        ("w_settings_source", text("w_source_file" if view.from_file else "w_source_data", lang)),
        ("w_slot_count", str(view.slots)),
        ("w_zone_list", _names(view.zones)),
        ("w_channels_enabled", _names(view.channels)),
        ("w_served_by", ", ".join(view.nodes) or "-"),
    ]
    width = max(len(text(code, lang)) for code, _ in rows)
    for code, value in rows:
        say(f"{text(code, lang):<{width}}  {value}")
    if view.problem is not None:
        say("! " + text("station_settings_broken", lang, reason=render(view.problem, lang)))
    say("")
    say(f"# {text('w_settings', lang)}")
    if view.settings is None:
        say("# " + text("station_settings_elsewhere", lang))
    else:
        if view.from_file:
            say("# " + text("station_settings_file", lang, path=source))
        say(view.settings_toml().rstrip("\n"))


def _settings(settings_file: str | None, from_config: bool, config: Any) -> dict[str, Any] | None:
    from scheduler.config.stations import station_settings
    from scheduler.errors import UsageError
    from scheduler.services.stations import read_settings_file

    if settings_file and from_config:
        raise UsageError("station_file_and_config")
    if settings_file:
        return read_settings_file(settings_file)
    if from_config:
        return station_settings(config)
    return None


@station.command("add")
@click.argument("code")
@click.option("--name", required=True, help="Tên đài / the station's name.")
@click.option("--district", help="Huyện / district.")
@click.option("--timezone", metavar="TZ", help="Múi giờ IANA (mặc định của tệp cấu hình) / IANA time zone.")
@_FILE
@click.option(
    "--from-config",
    is_flag=True,
    help="Lấy các bảng của đài từ tệp cấu hình này / take the station tables of this config file.",
)
@_BY
@_JSON
@common_options
def add_command(
    code: str,
    name: str,
    district: str | None,
    timezone: str | None,
    settings_file: str | None,
    from_config: bool,
    by: str | None,
    as_json: bool,
) -> None:
    """Thêm một đài / add a station.

    CODE: chữ thường không dấu, chữ số, - hoặc _ / lower case letters, digits, - or _.
    """
    from scheduler.services.stations import add_station

    state = current_state()
    with state.app() as app:
        settings = _settings(settings_file, from_config, app.config)
        view = add_station(
            app, code, name, district=district, timezone=timezone, settings=settings, by=by or _os_user()
        )
        tz = app.config.tz
    if as_json:
        _json(view.as_json(tz, full=True))
        return
    say(text("station_added", state.language, station=view.code, name=view.name))


@station.command("list")
@_JSON
@common_options
def list_command(as_json: bool) -> None:
    """Liệt kê các đài / list the stations."""
    from scheduler.cli.output import table
    from scheduler.services.stations import list_stations

    state = current_state()
    with state.app() as app:
        views = list_stations(app)
        tz = app.config.tz
    lang = state.language
    if as_json:
        _json([v.as_json(tz) for v in views])
        return
    if not views:
        say(text("station_list_empty", lang))
        return
    headers = [
        text(code, lang)
        for code in (
            "w_station_code",
            "w_station_name",
            "w_district",
            "w_status",
            "w_slot_count",
            "w_zone_list",
            "w_channels_enabled",
            "w_served_by",
        )
    ]
    rows = [
        [
            v.code,
            v.name,
            v.district or "-",
            _yes(v.active, lang),
            str(v.slots),
            _names(v.zones),
            _names(v.channels),
            ", ".join(v.nodes) or "-",
        ]
        for v in views
    ]
    say(table(headers, rows))


@station.command("show")
@click.argument("code")
@_JSON
@common_options
def show_command(code: str, as_json: bool) -> None:
    """Một đài và cấu hình của nó (TOML) / one station and its settings (TOML)."""
    from scheduler.services.stations import show_station

    state = current_state()
    with state.app() as app:
        view = show_station(app, code)
        tz, source = app.config.tz, app.config.source
    if as_json:
        _json(view.as_json(tz, full=True))
        return
    _show(view, source, state.language)


@station.command("edit")
@click.argument("code")
@click.option("--name", help="Tên mới / a new name.")
@click.option("--district", help="Huyện ('' để bỏ) / district ('' to clear).")
@click.option("--timezone", metavar="TZ", help="Múi giờ IANA / IANA time zone.")
@click.option("--active/--inactive", default=None, help="Bật hoặc tắt đài / switch the station on or off.")
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="KEY=VALUE",
    help="Đặt một khóa, giá trị viết như TOML (speech.rate=170) / set one key, the value written as TOML.",
)
@_FILE
@_BY
@_JSON
@common_options
def edit_command(
    code: str,
    name: str | None,
    district: str | None,
    timezone: str | None,
    active: bool | None,
    sets: tuple[str, ...],
    settings_file: str | None,
    by: str | None,
    as_json: bool,
) -> None:
    """Sửa một đài (kiểm tra trước khi lưu) / change a station (checked first)."""
    from scheduler.services.stations import edit_station, read_settings_file

    state = current_state()
    settings = read_settings_file(settings_file) if settings_file else None
    with state.app() as app:
        view = edit_station(
            app,
            code,
            name=name,
            district=district,
            timezone=timezone,
            active=active,
            sets=sets,
            settings=settings,
            by=by or _os_user(),
        )
        tz = app.config.tz
    if as_json:
        _json(view.as_json(tz, full=True))
        return
    say(text("station_changed", state.language, station=view.code, name=view.name))
