"""The settings of the radio's playout sinks: one table each under `[channels.radio]`, and their names."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "SINK_NAMES",
    "DEFAULT_ZONE",
    "LIVE_SINKS",
    "ZoneSettings",
    "RelaySettings",
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
    """An Icecast mount. `keep_up` keeps the source connected between airings, sending silence or the
    `carrier` file, so loudspeakers stay connected; `listen` connects Loa's own listener to the mount to
    measure what was heard; silence of `dead_air_seconds` or more during an airing raises a dead-air alert."""

    url: str = "http://127.0.0.1:8000/loa.mp3"
    user: str = "source"
    password_env: str = "LOA_ICECAST_PASSWORD"
    timeout_seconds: float = 10.0
    keep_up: bool = True
    carrier: str = ""
    listen: bool = True
    listen_url: str = ""  # where loudspeakers hear the mount, if not at `url`
    dead_air_seconds: float = 5.0


@dataclass(frozen=True, kw_only=True)
class CommandSinkSettings:
    command: str = ""
    timeout_seconds: float = 3600.0


DEFAULT_ZONE = "main"  # the zone of a station that lists none: the top-level sink of [channels.radio]
LIVE_SINKS = ("icecast",)  # sinks a listener can hear back (a mount it connects to)


@dataclass(frozen=True, kw_only=True)
class ZoneSettings:
    """One loudspeaker zone (cụm loa): `[channels.radio.zones.<name>]`, its own sink and how it is watched.

    An empty folder outbox means `outbox/<zone>`.
    """

    label: str = ""
    sink: str = "folder"
    folder: FolderSinkSettings = FolderSinkSettings(outbox="")
    device: DeviceSinkSettings = DeviceSinkSettings()
    icecast: IcecastSinkSettings = IcecastSinkSettings()
    command: CommandSinkSettings = CommandSinkSettings()


@dataclass(frozen=True, kw_only=True)
class RelaySettings:
    """A stream the radio relays (tiếp âm): `[channels.radio.relays.<name>]`.

    `url` is an Icecast/HTTP MP3 or AAC stream or an HLS playlist; when it is down at the start or for
    `max_gap_seconds`, the `fallback` file plays (silence without one). The source is opened
    `preroll_seconds` before the start, so the relay is on the air on the second.
    """

    url: str = ""
    label: str = ""
    fallback: str = ""
    max_gap_seconds: float = 10.0
    connect_timeout_seconds: float = 5.0
    reconnect_seconds: float = 2.0
    preroll_seconds: float = 5.0
