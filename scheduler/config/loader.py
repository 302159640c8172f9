"""Reading TOML into frozen dataclasses: unknown keys, wrong types and misplaced secrets are one clear error.

Each error is a ConfigError that names the file and the key. The channels'
tables are read through the registry: `[channels.<name>]` into the settings
dataclass of the channel called `name`.
"""

from __future__ import annotations

import dataclasses
import math
import re
import tomllib
import types
import typing
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from audio.engines import engine_names, engine_type
from broadcasts.channels import channel_names, channel_type
from scheduler.errors import ConfigError
from scheduler.messages import Phrase

__all__ = ["read_table", "parse_toml", "build", "build_channels", "build_speech", "field_names", "unknown", "bad"]

_SECRET_WORDS = re.compile(r"token|secret|password|passwd|api_key|apikey", re.I)
MAX_NUMBER = 1_000_000_000  # no setting needs more; beyond it, times and sizes overflow
MAX_NESTING = 20  # TOML arrays and tables deeper than this are refused (a 5,000-deep array overflows the parser)


def read_table(path: Path) -> dict[str, Any]:
    """The TOML table in `path`; ConfigError if it is missing, unreadable or not TOML."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError("config_missing", path=str(path)) from None
    except OSError as exc:
        raise ConfigError("file_unreadable", path=str(path), reason=exc.strerror) from exc
    return parse_toml(raw, path)


def parse_toml(raw: bytes, path: Path | str) -> dict[str, Any]:
    """The TOML table in `raw`; ConfigError if it is not TOML, or nests deeper than anyone writes by hand."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError("config_syntax", path=str(path), reason=Phrase("toml_encoding")) from exc
    depth = _nesting(text)
    if depth > MAX_NESTING:
        raise ConfigError("config_too_deep", path=str(path), depth=depth, limit=MAX_NESTING)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("config_syntax", path=str(path), reason=toml_where(exc)) from exc
    except RecursionError as exc:
        raise ConfigError("config_too_deep", path=str(path), depth=depth, limit=MAX_NESTING) from exc


def toml_where(exc: tomllib.TOMLDecodeError) -> Phrase:
    """Where the TOML parser stopped, worded in the station's language (its own English as the detail)."""
    message = str(exc)
    found = re.search(r"\(at line (\d+), column (\d+)\)$", message)
    detail = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)$", "", message)[:300]
    if found:
        return Phrase("toml_at_line", {"line": found.group(1), "column": found.group(2), "detail": detail})
    return Phrase("toml_at_end", {"detail": detail})


def _nesting(text: str) -> int:
    """How deep brackets and braces nest outside strings and comments (a bound, before the parser recurses)."""
    depth = deepest = 0
    quote = ""
    i = 0
    while i < len(text):
        char = text[i]
        if quote:
            if char == "\\" and quote in ('"', '"""'):
                i += 2
                continue
            if text.startswith(quote, i):
                i += len(quote)
                quote = ""
                continue
        elif char == "#":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
            continue
        elif char in "\"'":
            quote = char * 3 if text.startswith(char * 3, i) else char
            i += len(quote)
            continue
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(depth - 1, 0)
        i += 1
    return deepest


def field_names(cls: type) -> list[str]:
    """The keys a table read into `cls` may have."""
    return [f.name for f in dataclasses.fields(cls) if f.name not in ("source", "base_dir")]


def unknown(source: str, key: str, allowed: list[str]) -> typing.NoReturn:
    """Refuse a key nobody reads (a typo must not be silently ignored), or a secret written into the file."""
    leaf = key.rsplit(".", 1)[-1]
    if _SECRET_WORDS.search(leaf):
        raise ConfigError("config_secret_in_file", path=source, key=key, env="LOA_…")
    raise ConfigError("config_unknown_key", path=source, key=key, allowed=", ".join(allowed))


def bad(source: str, key: str, expected: str, value: Any, **params: Any) -> typing.NoReturn:
    """Refuse the value of `key`; `expected` is the message code (with `params`) that says what was expected."""
    raise ConfigError("config_bad_value", path=source, key=key, expected=Phrase(expected, params), got=repr(value))


def build(
    cls: type, table: Any, source: str, prefix: str, readers: Mapping[str, Callable[[Any], Any]] | None = None
) -> Any:
    """An instance of the dataclass `cls` from `table` (keys under `prefix`); `readers` read some fields their way."""
    if not isinstance(table, dict):
        bad(source, prefix.rstrip(".") or "(root)", "exp_table", table)
    hints = typing.get_type_hints(cls)
    names = field_names(cls)
    for key in table:
        if key not in names:
            unknown(source, prefix + key, names)
    readers = readers or {}
    kwargs = {
        name: readers[name](table[name])
        if name in readers
        else _coerce(hints[name], table[name], source, prefix + name)
        for name in names
        if name in table
    }
    try:
        return cls(**kwargs)
    except TypeError:
        missing = [
            f.name
            for f in dataclasses.fields(cls)
            if f.name not in kwargs and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        ]
        bad(source, prefix + (missing[0] if missing else "?"), "exp_value", None)


def build_channels(table: Any, source: str) -> dict[str, Any]:
    """The arguments of ChannelsConfig from the `[channels]` table: `enabled`, and each registered channel's table."""
    if not isinstance(table, dict):
        bad(source, "channels", "exp_table", table)
    names = channel_names()
    allowed = ["enabled", *names]
    for key in table:
        if key not in allowed:
            unknown(source, "channels." + key, allowed)
    out: dict[str, Any] = {}
    if "enabled" in table:
        out["enabled"] = _coerce(tuple[str, ...], table["enabled"], source, "channels.enabled")
    out["settings"] = {
        name: build(channel_type(name).settings, table.get(name, {}), source, f"channels.{name}.") for name in names
    }
    return out


def build_speech(cls: type, table: Any, source: str) -> Any:
    """The [speech] table: its own keys into `cls`, and each registered engine's `[speech.<name>]` table."""
    if not isinstance(table, dict):
        bad(source, "speech", "exp_table", table)
    names = engine_names()
    own = {k: v for k, v in table.items() if k not in names}
    if "settings" in own:
        unknown(source, "speech.settings", [*field_names(cls), *names])
    settings = {
        name: build(engine_type(name).settings, table.get(name, {}), source, f"speech.{name}.") for name in names
    }
    return dataclasses.replace(build(cls, own, source, "speech."), settings=settings)


def _coerce(hint: Any, value: Any, source: str, key: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if dataclasses.is_dataclass(hint):
        return build(typing.cast(type, hint), value, source, key + ".")
    if origin is tuple:
        if not isinstance(value, list):
            bad(source, key, "exp_list", value)
        return tuple(_coerce(args[0], v, source, f"{key}[{i}]") for i, v in enumerate(value))
    if origin in (Mapping, dict) and len(args) == 2 and dataclasses.is_dataclass(args[1]):
        if not isinstance(value, dict):
            bad(source, key, "exp_table", value)
        return {
            name: build(typing.cast(type, args[1]), table, source, f"{key}.{name}.") for name, table in value.items()
        }
    if hint is Mapping[str, str] or origin in (Mapping, dict, typing.Mapping):
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            bad(source, key, "exp_string_table", value)
        return dict(value)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        return _coerce(next(a for a in args if a is not type(None)), value, source, key)
    if hint is bool:
        if not isinstance(value, bool):
            bad(source, key, "exp_bool", value)
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            bad(source, key, "exp_integer", value)
        if abs(value) > MAX_NUMBER:
            bad(source, key, "exp_range", value, low=-MAX_NUMBER, high=MAX_NUMBER)
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            bad(source, key, "exp_number", value)
        if not math.isfinite(value) or abs(value) > MAX_NUMBER:  # nan, inf, 1e300: no setting means that
            bad(source, key, "exp_range", value, low=-MAX_NUMBER, high=MAX_NUMBER)
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            bad(source, key, "exp_string", value)
        return value
    raise AssertionError(f"unsupported config type {hint!r}")  # a programming error
