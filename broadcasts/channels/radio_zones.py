"""The radio's loudspeaker zones (cụm loa): a sink each, and for an Icecast zone a listener on its mount.

A station lists its zones under `[channels.radio.zones.<name>]`; one that lists
none has a single zone, `main`, made of the top-level sink settings of
`[channels.radio]` (what every station had before zones). Each zone is
exclusive on its own and zones play in parallel (the runner's `RadioTurns`);
each keeps its hand-over ledger in a folder (or a database book) of its own, so
the same airing key can never be taken for another zone's.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from audio.mix import EncodeSettings
from audio.sinks.base import Sink
from audio.sinks.folder import FolderSink
from audio.sinks.ledger import Book
from broadcasts.channels.base import Context, Problem
from broadcasts.channels.playout import (
    DEFAULT_ZONE,
    SINK_NAMES,
    CommandSinkSettings,
    DeviceSinkSettings,
    FolderSinkSettings,
    IcecastSinkSettings,
    ZoneSettings,
)

if TYPE_CHECKING:
    from broadcasts.channels.radio import RadioSettings

__all__ = ["Zone", "Listener", "zone_table", "build_sink", "zone_sink", "build_zones", "zone_problems", "ZONE_NAME"]

ZONE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


class Listener(Protocol):
    """What hears a zone back as a loudspeaker does (audio.listen.MountListener)."""

    def start(self) -> None: ...

    def close(self) -> None: ...

    def heard(self, start: float, end: float) -> Any:
        """What arrived between two wall-clock instants (an audio.listen.Heard)."""
        ...


@dataclass(kw_only=True)
class Zone:
    """One output of the station: its sink, the listener on it (Icecast only) and its dead-air threshold."""

    name: str
    label: str
    sink: Sink
    listener: Listener | None = None
    dead_air_seconds: float = 5.0
    stop: threading.Event = field(default_factory=threading.Event)  # set: the live relay on this zone ends


def zone_table(settings: RadioSettings) -> dict[str, ZoneSettings]:
    """The station's zones by name; the top-level sink as `main` when it lists none."""
    if settings.zones:
        return dict(settings.zones)
    return {
        DEFAULT_ZONE: ZoneSettings(
            sink=settings.sink,
            folder=settings.folder,
            device=settings.device,
            icecast=settings.icecast,
            command=settings.command,
        )
    }


def build_sink(
    kind: str,
    *,
    folder: FolderSinkSettings,
    device: DeviceSinkSettings,
    icecast: IcecastSinkSettings,
    command: CommandSinkSettings,
    context: Context,
    ledger: Path | Book,
    encoding: EncodeSettings | None = None,
) -> Sink:
    """One configured playout sink, keeping its hand-over ledger in `ledger` (a folder or a book)."""
    if kind == "device":
        from audio.sinks.device import DeviceSink

        return DeviceSink(player=device.player, device=device.device, ledger=ledger)
    if kind == "icecast":
        from audio.sinks.icecast import IcecastSink

        return IcecastSink(
            url=icecast.url,
            user=icecast.user,
            password=context.secret(icecast.password_env) or "",
            timeout=icecast.timeout_seconds,
            ledger=ledger,
            keep_up=icecast.keep_up,
            carrier=context.path(icecast.carrier) if icecast.carrier else None,
            encoding=encoding,
        )
    if kind == "command":
        from audio.sinks.command import CommandSink

        return CommandSink(command=command.command, timeout=command.timeout_seconds, ledger=ledger)
    return FolderSink(context.path(folder.outbox), ledger)


def zone_sink(settings: RadioSettings, name: str, context: Context, encoding: EncodeSettings | None) -> Sink:
    """The configured sink of zone `name`: its ledger in a folder of its own (the top-level one for a station
    without zones), its folder outbox `outbox/<zone>` unless it names one."""
    zone = zone_table(settings)[name]
    return build_sink(
        zone.sink,
        folder=zone.folder if zone.folder.outbox else FolderSinkSettings(outbox=f"outbox/{name}"),
        device=zone.device,
        icecast=zone.icecast,
        command=zone.command,
        context=context,
        ledger=context.evidence(
            "ledger", name, context.data_dir / "ledger" / name if settings.zones else context.data_dir / "ledger"
        ),
        encoding=encoding,
    )


def _listener(icecast: IcecastSinkSettings) -> Listener:
    from audio.listen import MountListener

    return MountListener(icecast.listen_url or icecast.url, timeout=icecast.timeout_seconds)


def build_zones(settings: RadioSettings, context: Context, encoding: EncodeSettings) -> dict[str, Zone]:
    """Every zone with its sink: the context's own sinks (tests, benchmarks) where it gives them."""
    zones: dict[str, Zone] = {}
    table = zone_table(settings)
    given: Mapping[str, Sink] = context.sinks or ({DEFAULT_ZONE: context.sink} if context.sink is not None else {})
    for name, zone in table.items():
        provided = given.get(name) or (next(iter(given.values())) if len(table) == 1 and given else None)
        sink = provided or zone_sink(settings, name, context, encoding)
        listens = zone.sink == "icecast" and zone.icecast.listen and provided is None
        zones[name] = Zone(
            name=name,
            label=zone.label or name,
            sink=sink,
            listener=_listener(zone.icecast) if listens else None,
            dead_air_seconds=zone.icecast.dead_air_seconds,
        )
    return zones


def zone_problems(settings: RadioSettings) -> Iterator[Problem]:
    """Zones the radio cannot use: a bad name, an unknown sink, a command without {file}, a bad threshold."""
    for name, zone in settings.zones.items():
        prefix = f"zones.{name}."
        if not ZONE_NAME.match(name):
            yield Problem(key=f"zones.{name}", expected="exp_zone_name", value=name)
        if zone.sink not in SINK_NAMES:
            yield Problem(
                key=prefix + "sink", expected="exp_choices", params={"choices": " | ".join(SINK_NAMES)}, value=zone.sink
            )
        if zone.sink == "command" and "{file}" not in zone.command.command:
            yield Problem(key=prefix + "command.command", expected="exp_command_file", value=zone.command.command)
        if zone.icecast.dead_air_seconds <= 0:
            yield Problem(
                key=prefix + "icecast.dead_air_seconds", expected="exp_positive", value=zone.icecast.dead_air_seconds
            )
