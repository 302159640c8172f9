"""The settings of the radio's playout sinks: one table each under `[channels.radio]`, and their names."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "SINK_NAMES",
    "FolderSinkSettings",
    "DeviceSinkSettings",
    "IcecastSinkSettings",
    "CommandSinkSettings",
]

SINK_NAMES = ("folder", "device", "icecast", "command")


@dataclass(frozen=True, kw_only=True)
class FolderSinkSettings:
    outbox: str = "outbox"


@dataclass(frozen=True, kw_only=True)
class DeviceSinkSettings:
    player: str = "auto"
    device: str = "default"


@dataclass(frozen=True, kw_only=True)
class IcecastSinkSettings:
    url: str = "http://127.0.0.1:8000/loa.mp3"
    user: str = "source"
    password_env: str = "LOA_ICECAST_PASSWORD"
    timeout_seconds: float = 10.0


@dataclass(frozen=True, kw_only=True)
class CommandSinkSettings:
    command: str = ""
    timeout_seconds: float = 3600.0
