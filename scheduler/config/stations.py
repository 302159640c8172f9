"""A station kept as data: its own tables of the configuration over the deployment's file.

A province's deployment has one `config.toml` for what the nodes share (the
database, the runner, the web console, the secrets file) and a row per station
whose `settings` hold that station's own tables, as TOML would give them:
`station`, `slots`, `channels`, `speech`, `audio`, `programme` and
`require_approval`. `station_config` lays those over the file and checks the
result with the same loader, so a station's settings are refused with the same
one-line errors as the file's.

Each station lives in a folder of its own (`<data_dir>/stations/<code>`: its
outbox, ledgers, journals and archive); the speech and bulletin caches stay the
deployment's (`[paths] cache_dir`), so the same sentence is spoken once for all.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from scheduler.config import Config, parse_config
from scheduler.config.loader import read_table

__all__ = ["STATION_TABLES", "station_config", "station_settings", "file_table", "station_folder"]

# The tables a station owns; everything else is the deployment's.
STATION_TABLES = ("station", "slots", "channels", "speech", "audio", "programme", "require_approval")


def file_table(base: Config) -> dict[str, Any]:
    """The TOML table `base` was read from (empty for the embedded defaults)."""
    path = Path(base.source)
    if base.source.startswith("<") or not path.is_file():
        return {}
    return read_table(path)


def station_folder(base: Config, code: str) -> Path:
    """The folder a data station keeps its files in."""
    return base.data_dir / "stations" / code


def station_settings(base: Config) -> dict[str, Any]:
    """The station tables of the file `base` was read from: what `loa station add --from-config` stores."""
    table = file_table(base)
    return {key: table[key] for key in STATION_TABLES if key in table}


def station_config(base: Config, settings: Mapping[str, Any] | None, *, code: str, name: str, timezone: str) -> Config:
    """The configuration of station `code`: the deployment's tables of `base`, the station's `settings` over
    them, its identity from its row; ConfigError (naming `station <code>`) if the settings are wrong."""
    table = {key: value for key, value in file_table(base).items() if key not in STATION_TABLES}
    for key, value in (settings or {}).items():
        table[key] = value
    station = dict(table.get("station") or {}) if isinstance(table.get("station"), dict) else {}
    station.update(code=code, name=name, timezone=timezone)
    table["station"] = station
    folder = station_folder(base, code)
    paths = dict(table.get("paths") or {})
    paths["data_dir"] = str(folder / "data")
    paths["cache_dir"] = str(base.cache_dir)
    if base.paths.secrets_file:
        paths["secrets_file"] = str(base.path(base.paths.secrets_file))
    table["paths"] = paths
    database = dict(table.get("database") or {})
    database["url"] = base.database_url
    table["database"] = database
    return parse_config(table, source=f"station {code}", base_dir=folder)
