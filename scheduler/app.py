"""The one wiring point: `build_app(config)` opens the store and builds the channels.

Nothing is created at import time; tests pass fakes for the clock, the
speech engine, the sink or whole channels.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass, field
from typing import Mapping

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from audio.engine import EngineChain, TtsEngine
from audio.espeak import EspeakEngine
from audio.folder import FolderSink
from audio.mix import EncodeSettings
from audio.sink import Sink
from audio.speech import Speaker
from audio.text import ReadingOptions
from broadcasts.channel import Channel
from broadcasts.facebook import FacebookChannel, FacebookSettings
from broadcasts.models import Slot, Station
from broadcasts.radio import RadioChannel
from broadcasts.store import open_store, read_sessions
from broadcasts.zalo import ZaloChannel, ZaloSettings
from scheduler.clock import Clock, SystemClock
from scheduler.config import Config

__all__ = ["App", "build_app", "build_speaker", "node_name"]


def node_name() -> str:
    """This process as a runner node: host, pid and a random suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass(kw_only=True)
class App:
    config: Config
    engine: Engine
    sessions: sessionmaker[Session]
    reads: sessionmaker[Session]
    clock: Clock
    channels: dict[str, Channel]
    speaker: Speaker
    station_id: int
    node: str = field(default_factory=node_name)

    def close(self) -> None:
        self.engine.dispose()


def build_engines(config: Config) -> TtsEngine:
    """The configured speech engines, in order, with fallback."""
    factories = {"espeak": lambda: EspeakEngine(rate=config.speech.rate)}
    return EngineChain([factories[name]() for name in config.speech.engines])


def build_speaker(config: Config, tts: TtsEngine | None = None) -> Speaker:
    options = ReadingOptions(dialect=config.speech.dialect,  # type: ignore[arg-type]
                             abbreviations=dict(config.speech.abbreviations),
                             pronunciations=dict(config.speech.pronunciations))
    return Speaker(tts or build_engines(config), voice=config.speech.voice, options=options)


def encode_settings(config: Config) -> EncodeSettings:
    a = config.audio
    return EncodeSettings(sample_rate=a.sample_rate, bitrate=a.bitrate,
                          target_lufs=a.target_lufs, true_peak_db=a.true_peak_db)


def build_sink(config: Config) -> Sink:
    """The configured radio playout sink; each keeps its hand-over ledger under the data dir."""
    radio = config.channels.radio
    ledger = config.data_dir / "ledger"
    if radio.sink == "device":
        from audio.device import DeviceSink
        return DeviceSink(player=radio.device.player, device=radio.device.device, ledger=ledger)
    if radio.sink == "icecast":
        from audio.icecast import IcecastSink
        return IcecastSink(url=radio.icecast.url, user=radio.icecast.user,
                           password=os.environ.get(radio.icecast.password_env, ""),
                           timeout=radio.icecast.timeout_seconds, ledger=ledger)
    if radio.sink == "command":
        from audio.command import CommandSink
        return CommandSink(command=radio.command.command, timeout=radio.command.timeout_seconds, ledger=ledger)
    return FolderSink(config.path(radio.folder.outbox), ledger)


def build_channels(config: Config, speaker: Speaker, sink: Sink | None = None) -> dict[str, Channel]:
    built: dict[str, Channel] = {}
    for name in config.channels.enabled:
        if name == "radio":
            built[name] = RadioChannel(
                speaker=speaker,
                sink=sink or build_sink(config),
                archive_dir=config.data_dir / "audio",
                settings=encode_settings(config),
                pause_ms=config.audio.pause_ms,
            )
        elif name == "facebook":
            fb = config.channels.facebook
            built[name] = FacebookChannel(FacebookSettings(page_id=fb.page_id, graph_url=fb.graph_url,
                                                           dry_run=fb.dry_run, timeout_seconds=fb.timeout_seconds,
                                                           hashtags=fb.hashtags))
        elif name == "zalo":
            zl = config.channels.zalo
            built[name] = ZaloChannel(ZaloSettings(api_url=zl.api_url, dry_run=zl.dry_run, group_ids=zl.group_ids,
                                                   broadcast=zl.broadcast, timeout_seconds=zl.timeout_seconds))
    return built


def _ensure_station(sessions: sessionmaker[Session], config: Config) -> int:
    """Create or update this station and its slots from the configuration."""
    with sessions.begin() as session:
        station = session.scalar(select(Station).where(Station.code == config.station.code))
        if station is None:
            station = Station(code=config.station.code, name=config.station.name, timezone=config.station.timezone)
            session.add(station)
            session.flush()
        else:
            station.name = config.station.name
            station.timezone = config.station.timezone
        existing = {s.name: s for s in session.scalars(select(Slot).where(Slot.station_id == station.id))}
        for slot_config in config.slots:
            slot = existing.get(slot_config.name) or Slot(station_id=station.id, name=slot_config.name)
            slot.local_time = slot_config.time
            slot.timezone = config.station.timezone
            slot.weekdays = "".join(str(d) for d in sorted(slot_config.weekdays()))
            slot.max_seconds = slot_config.max_minutes * 60
            slot.channels = list(slot_config.channels)
            session.add(slot)
        return station.id


def build_app(config: Config, *, clock: Clock | None = None, tts: TtsEngine | None = None,
              sink: Sink | None = None, channels: Mapping[str, Channel] | None = None) -> App:
    """Open the store and wire the channels for `config`."""
    engine, sessions = open_store(config.database_url, busy_timeout_ms=config.database.busy_timeout_ms)
    station_id = _ensure_station(sessions, config)
    speaker = build_speaker(config, tts)
    built = build_channels(config, speaker, sink)
    if channels:
        built.update(channels)
    return App(config=config, engine=engine, sessions=sessions, reads=read_sessions(engine),
               clock=clock or SystemClock(),
               channels=built, speaker=speaker, station_id=station_id)
