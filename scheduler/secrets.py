"""Secrets (page tokens, app secrets, refresh tokens): from the environment, else from a 0600 secrets file.

Never from `config.toml`. The file named by `[paths] secrets_file` is TOML
(`LOA_FACEBOOK_PAGE_TOKEN = "..."`) or `KEY=value` lines; on POSIX it must be
readable by its owner only. Each value read is remembered by
`broadcasts.redact`, so it is masked in every log line and traceback.
"""

from __future__ import annotations

import os
import stat
import threading
import tomllib
from collections.abc import Mapping
from pathlib import Path

from broadcasts.redact import remember
from scheduler.config import Config
from scheduler.errors import ConfigError

__all__ = ["Secrets", "load_secrets", "read_secrets_file"]


def _parse_lines(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def read_secrets_file(path: Path) -> dict[str, str]:
    """The secrets in `path`; ConfigError if it is missing, unreadable or readable by others."""
    try:
        info = path.stat()
        raw = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigError("file_unreadable", path=str(path), reason=exc.strerror or type(exc).__name__) from None
    if os.name == "posix" and info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError("secrets_file_mode", path=str(path), mode=oct(stat.S_IMODE(info.st_mode))[2:])
    try:
        table = tomllib.loads(raw)
    except tomllib.TOMLDecodeError:
        return _parse_lines(raw)
    return {str(k): v for k, v in table.items() if isinstance(v, str)}


class Secrets:
    """Looks a secret up by name: the environment first, then the secrets file (read once, when first needed)."""

    def __init__(self, path: Path | None = None, environ: Mapping[str, str] | None = None) -> None:
        self.path = path
        self._environ = environ if environ is not None else os.environ
        self._file: dict[str, str] | None = None
        self._lock = threading.Lock()

    def _from_file(self) -> dict[str, str]:
        if self.path is None:
            return {}
        with self._lock:
            if self._file is None:
                self._file = read_secrets_file(self.path)
            return self._file

    def get(self, name: str) -> str | None:
        """The secret called `name`, or None; ConfigError if the secrets file cannot be used."""
        value = (self._environ.get(name) or "").strip() or (self._from_file().get(name) or "").strip()
        if value:
            remember(value)
        return value or None

    def source(self, name: str) -> str:
        """Where `name` comes from: "env", "file" or "" (for `loa channels check`)."""
        if (self._environ.get(name) or "").strip():
            return "env"
        try:
            return "file" if (self._from_file().get(name) or "").strip() else ""
        except ConfigError:
            return ""


def load_secrets(config: Config, environ: Mapping[str, str] | None = None) -> Secrets:
    """The secrets of `config`: the environment and, if set, `[paths] secrets_file`."""
    name = config.paths.secrets_file.strip()
    return Secrets(config.path(name) if name else None, environ)
