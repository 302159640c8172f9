"""What a station's settings may hold, and `--set key=value` on a settings path ("speech.rate=170")."""

from __future__ import annotations

import copy
import json
import re
import tomllib
from collections.abc import Mapping
from typing import Any

from broadcasts.errors import TextError
from scheduler.config.stations import STATION_TABLES
from scheduler.errors import UsageError

__all__ = ["clean_settings", "parse_set", "parse_pair", "set_path", "IDENTITY", "MAX_SETTINGS_BYTES"]

IDENTITY = ("code", "name", "timezone")  # the row's, never the settings'
MAX_SETTINGS_BYTES = 256 * 1024
_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
_BAD = re.compile("[\x00\ud800-\udfff]")  # what no database keeps (broadcasts.store.BAD_CHARACTERS)


def _plain(value: Any, key: str) -> None:
    """Refuse what JSON cannot keep (a TOML date, a time), naming where it is."""
    if isinstance(value, Mapping):
        for k, v in value.items():
            where = f"{key}.{k}" if key else str(k)
            if not isinstance(k, str) or _BAD.search(k):
                raise TextError(field=_CONTROL.sub("?", where)[:60])
            _plain(v, where)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _plain(v, f"{key}[{i}]")
    elif isinstance(value, str) and _BAD.search(value):
        raise TextError(field=_CONTROL.sub("?", key)[:60])
    elif not isinstance(value, (str, int, float, bool)) or (isinstance(value, float) and value != value):
        raise UsageError("station_bad_value", key=key)


def clean_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """A fresh copy of `settings` as a station keeps them: only its own tables, no identity in [station]
    (its row holds it), only JSON values, at most MAX_SETTINGS_BYTES. UsageError naming what is wrong."""
    for key in settings:
        if key not in STATION_TABLES:
            shown = _CONTROL.sub("?", str(key))[:60]
            raise UsageError("station_not_own_table", key=shown, allowed=", ".join(STATION_TABLES))
    _plain(settings, "")
    cleaned = copy.deepcopy(dict(settings))
    station = cleaned.get("station")
    if isinstance(station, dict):
        cleaned["station"] = {k: v for k, v in station.items() if k not in IDENTITY}
    size = len(json.dumps(cleaned, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    if size > MAX_SETTINGS_BYTES:
        raise UsageError("station_settings_too_big", size=size, limit=MAX_SETTINGS_BYTES)
    return cleaned


def _value(text: str) -> Any:
    """A TOML value; a bare word that is not one (`en`, `vbee`) is the string it spells."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except (tomllib.TOMLDecodeError, RecursionError):
        if text and not text.startswith(('"', "'", "[", "{")) and "\n" not in text and not _CONTROL.search(text):
            return text
        raise


def parse_set(item: str) -> tuple[tuple[str, ...], Any]:
    """`speech.rate=170` -> (("speech", "rate"), 170); the value is read as TOML."""
    key, sep, text = item.partition("=")
    path = tuple(part.strip() for part in key.strip().split("."))
    shown = _CONTROL.sub("?", item)[:80]
    if not sep or not all(_KEY.fullmatch(part) for part in path) or len(path) > 8 or len(text) > 64 * 1024:
        raise UsageError("station_bad_set", item=shown)
    try:
        value = _value(text.strip())
    except (tomllib.TOMLDecodeError, RecursionError):
        raise UsageError("station_bad_set", item=shown) from None
    return _checked(path), value


def parse_pair(key: str, value: Any) -> tuple[tuple[str, ...], Any]:
    """A settings path given apart from its value (the API's `{"speech.rate": 170}`)."""
    path = tuple(key.split(".")) if isinstance(key, str) else ()
    if not path or not all(_KEY.fullmatch(part) for part in path) or len(path) > 8:
        raise UsageError("station_bad_set", item=_CONTROL.sub("?", str(key))[:80])
    return _checked(path), value


def _checked(path: tuple[str, ...]) -> tuple[str, ...]:
    if path[0] not in STATION_TABLES:
        raise UsageError("station_not_own_table", key=path[0], allowed=", ".join(STATION_TABLES))
    if path[0] == "station" and len(path) == 2 and path[1] in IDENTITY:
        raise UsageError("station_set_identity", key=".".join(path))
    return path


def set_path(settings: Mapping[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    """A copy of `settings` with the value at `path` replaced (tables on the way made as needed)."""
    out = copy.deepcopy(dict(settings))
    table: dict[str, Any] = out
    for depth, part in enumerate(path[:-1]):
        inner = table.setdefault(part, {})
        if not isinstance(inner, dict):
            raise UsageError("station_set_not_table", key=".".join(path), parent=".".join(path[: depth + 1]))
        table = inner
    table[path[-1]] = value
    return out
