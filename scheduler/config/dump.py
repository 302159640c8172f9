"""Writing a table back as TOML text: a station's settings shown as the file they could be read from.

Only what JSON holds (tables, arrays, strings, numbers, booleans), which is what a
station's stored settings are; `tomllib.loads(toml_text(table)) == table`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["toml_text"]

_BARE = re.compile(r"[A-Za-z0-9_-]+")


def _key(key: str) -> str:
    return key if _BARE.fullmatch(key) else _string(key)


def _string(value: str) -> str:
    # JSON's escapes are TOML's; DEL is the one control character JSON leaves raw
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"not a TOML value: {type(value).__name__}")


def _tables(value: Any) -> bool:
    """Whether `value` is written as an array of tables ([[name]])."""
    return isinstance(value, (list, tuple)) and bool(value) and all(isinstance(v, Mapping) for v in value)


def _section(path: list[str], table: Mapping[str, Any], out: list[str], *, header: str = "") -> None:
    plain = {k: v for k, v in table.items() if not isinstance(v, Mapping) and not _tables(v)}
    nested = {k: v for k, v in table.items() if k not in plain}
    if header:
        out.append(header)
    out.extend(f"{_key(k)} = {_value(v)}" for k, v in plain.items())
    for key, value in nested.items():
        inner = [*path, _key(key)]
        if isinstance(value, Mapping):
            if out:
                out.append("")
            _section(inner, value, out, header=f"[{'.'.join(inner)}]")
        else:
            for item in value:
                if out:
                    out.append("")
                _section(inner, item, out, header=f"[[{'.'.join(inner)}]]")


def toml_text(table: Mapping[str, Any]) -> str:
    """`table` as TOML text: its plain keys first, then its tables and arrays of tables."""
    out: list[str] = []
    _section([], table, out)
    return "\n".join(out) + ("\n" if out else "")
