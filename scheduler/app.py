"""The one wiring point: `build_app(config)` opens the store and builds the channels.

Nothing is created at import time; tests pass fakes for the clock, the
speech engine, the sink or whole channels.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from audio.engines import engine_type
from audio.engines.base import EngineChain, EngineContext, TtsEngine
from audio.engines.breaker import BreakerEngine
from audio.engines.cache import CachedEngine
from audio.mix import EncodeSettings
from audio.sinks.base import Sink
from audio.sinks.ledger import Book
from audio.speech import Speaker
from audio.text import ReadingOptions
from broadcasts.channels import channel_type
from broadcasts.channels.base import Channel, Closeable, Context
from broadcasts.channels.http import USER_AGENT
from broadcasts.channels.radio import Studio
from broadcasts.channels.radio_zones import zone_sink, zone_table
from broadcasts.channels.script import Script
from broadcasts.evidence import books as evidence_books
from broadcasts.models import Slot, Station
from broadcasts.store import open_store, read_sessions
from scheduler.clock import Clock, SystemClock
from scheduler.config import Config
from scheduler.config.stations import station_config
from scheduler.secrets import Secrets, load_secrets

__all__ = [
    "App",
    "build_app",
    "build_station_app",
    "build_speaker",
    "build_channels",
    "channel_context",
    "node_name",
    "sync_slots",
]


def node_name(config: Config | None = None) -> str:
    """This process as a runner node: `[runner] node`, else $LOA_NODE, else host, pid and a random suffix."""
    named = (config.runner.node if config is not None else "") or os.environ.get("LOA_NODE", "")
    if named.strip():
        return named.strip()[:100]
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
    owns_store: bool = True  # False for the stations of a node, which share its database pool
    # the airings this process holds now (claimed, not yet finished): a claim under this node's name that is
    # not among them was left by an earlier process of the same name, and is settled as abandoned
    in_hand: set[int] = field(default_factory=set)

    def close(self) -> None:
        """Close the channels that hold connections, then the database pool (if it is this app's own)."""
        for channel in self.channels.values():
            if isinstance(channel, Closeable):
                channel.close()
        if self.owns_store:
            self.engine.dispose()

    def __enter__(self) -> App:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


MB = 1024 * 1024


def build_engines(
    config: Config,
    *,
    monotonic: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    secrets: Secrets | None = None,
    only: str | None = None,
) -> EngineChain:
    """The configured speech engines in order, each with its voice, built by the registry (`audio.engines`).

    Online engines are behind a breaker, each engine behind the sentence cache; `only` builds just that engine.
    """
    speech = config.speech
    secrets = secrets or load_secrets(config)  # lazy: read only when a cloud engine asks for its key

    def build(name: str) -> TtsEngine:
        kind = engine_type(name)
        context = EngineContext(
            speech=speech,
            settings=speech.engine(name),
            secret=secrets.get,
            path=config.path,
            monotonic=monotonic,
            sleep=sleep,
        )
        engine = kind.build(context)
        if kind.online:
            engine = BreakerEngine(
                engine, failures=speech.breaker_failures, cooldown=speech.breaker_cooldown_seconds, clock=monotonic
            )
        return engine

    names = [only] if only else list(speech.engines)
    engines = [build(name) for name in names]
    if speech.cache_mb > 0:
        folder = config.cache_dir / "tts"
        engines = [CachedEngine(engine, folder, speech.cache_mb * MB) for engine in engines]
    return EngineChain(engines, [speech.voice_for(name) for name in names])


def radio_script(config: Config) -> Script:
    """How the radio frames each bulletin; with programme announcements the slot has its own greeting."""
    audio = config.audio
    framed = not config.programme.announcements
    return Script(
        greeting=audio.greeting if framed else "",
        closing=audio.closing if framed else "",
        jingle=audio.jingle,
        lunar_date=audio.lunar_date,
        base_dir=config.base_dir,
    )


def build_speaker(config: Config, tts: TtsEngine | None = None) -> Speaker:
    options = ReadingOptions(
        dialect=config.speech.dialect,  # type: ignore[arg-type]
        abbreviations=dict(config.speech.abbreviations),
        pronunciations=dict(config.speech.pronunciations),
    )
    return Speaker(tts or build_engines(config), voice=config.speech.voice, options=options)


def encode_settings(config: Config) -> EncodeSettings:
    a = config.audio
    return EncodeSettings(
        sample_rate=a.sample_rate, bitrate=a.bitrate, target_lufs=a.target_lufs, true_peak_db=a.true_peak_db
    )


def channel_context(
    config: Config,
    *,
    speaker: Speaker | None = None,
    sink: Sink | None = None,
    clock: Clock | None = None,
    secrets: Secrets | None = None,
    sinks: Mapping[str, Sink] | None = None,
    books: Callable[[str, str], Book] | None = None,
) -> Context:
    """What the channels of `config` are built with: its folders, secrets and clock, the radio's studio, and
    where ledgers and journals keep their evidence (`books`; None: files under the data folder)."""
    clock = clock or SystemClock()
    secrets = secrets or load_secrets(config)  # lazy: the secrets file is read only if a secret is asked for
    audio = config.audio
    studio = (
        None
        if speaker is None
        else Studio(
            speaker=speaker,
            encoding=encode_settings(config),
            pause_ms=audio.pause_ms,
            script=radio_script(config),
            render_cache_mb=audio.bulletin_cache_mb,
        )
    )
    return Context(
        base_dir=Path(config.base_dir),
        data_dir=config.data_dir,
        secret=secrets.get,
        now=clock.now,
        sleep=clock.sleep,
        user_agent=f"{USER_AGENT} station/{config.station.code}",
        studio=studio,
        sink=sink,
        sinks=sinks,
        cache_dir=config.cache_dir,
        books=books,
    )


def build_sink(config: Config, secrets: Secrets | None = None, zone: str | None = None) -> Sink:
    """The configured playout sink of a radio zone (the first one by default)."""
    radio = config.channels.radio
    name = zone or next(iter(zone_table(radio)))
    return zone_sink(radio, name, channel_context(config, secrets=secrets), encode_settings(config))


def build_channels(
    config: Config,
    speaker: Speaker,
    sink: Sink | None = None,
    *,
    clock: Clock | None = None,
    secrets: Secrets | None = None,
    sinks: Mapping[str, Sink] | None = None,
    books: Callable[[str, str], Book] | None = None,
) -> dict[str, Channel]:
    """The enabled channels, each built by its registered type from its own settings."""
    context = channel_context(
        config, speaker=speaker, sink=sink, clock=clock, secrets=secrets, sinks=sinks, books=books
    )
    built: dict[str, Channel] = {}
    for name in config.channels.enabled:
        channel = channel_type(name).build(config.channel(name), context)
        if channel is not None:
            built[name] = channel
    return built


def sync_slots(session: Session, station_id: int, config: Config, *, retire: bool = False) -> None:
    """Make the slots of `station_id` those of `config` (by name); `retire` empties the weekdays of a slot
    the configuration no longer has (it never occurs again; airings that used it keep their row)."""
    existing = {s.name: s for s in session.scalars(select(Slot).where(Slot.station_id == station_id))}
    for slot_config in config.slots:
        slot = existing.pop(slot_config.name, None) or Slot(station_id=station_id, name=slot_config.name)
        slot.local_time = slot_config.time
        slot.timezone = config.station.timezone
        slot.weekdays = "".join(str(d) for d in sorted(slot_config.weekdays()))
        slot.max_seconds = slot_config.max_minutes * 60
        slot.channels = ["relay"] if slot_config.relay else list(slot_config.channels)
        session.add(slot)
    if retire:
        for slot in existing.values():
            slot.weekdays = ""


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
        sync_slots(session, station.id, config)
        return station.id


def build_app(
    config: Config,
    *,
    clock: Clock | None = None,
    tts: TtsEngine | None = None,
    sink: Sink | None = None,
    channels: Mapping[str, Channel] | None = None,
    sinks: Mapping[str, Sink] | None = None,
    store: tuple[Engine, sessionmaker[Session]] | None = None,
    station_id: int | None = None,
    node: str | None = None,
) -> App:
    """Open the store and wire the channels for `config`.

    A node serving several stations passes its `store` (one pool for all), the `station_id` of a station
    kept as data (its row is not rewritten from a file) and its `node` name."""
    engine, sessions = store or open_store(config.database_url, busy_timeout_ms=config.database.busy_timeout_ms)
    if station_id is None:
        station_id = _ensure_station(sessions, config)
    speaker = build_speaker(config, tts)
    clock = clock or SystemClock()
    node = node or node_name(config)
    # every node reads every node's ledgers and journals: a takeover never sends again what was sent
    books = evidence_books(engine, config.station.code, node=node, now=clock.now)
    built = build_channels(config, speaker, sink, clock=clock, sinks=sinks, books=books)
    if channels:
        built.update(channels)
    return App(
        config=config,
        engine=engine,
        sessions=sessions,
        reads=read_sessions(engine),
        clock=clock,
        channels=built,
        speaker=speaker,
        station_id=station_id,
        node=node or node_name(config),
        owns_store=store is None,
    )


def build_station_app(
    base: Config,
    row: Station,
    *,
    store: tuple[Engine, sessionmaker[Session]],
    clock: Clock | None = None,
    tts: TtsEngine | None = None,
    node: str | None = None,
) -> App:
    """The App of a station kept as data: its row's settings over the deployment's `base`, on the shared
    `store` (one pool for every station); ConfigError (naming the station) if its settings are wrong.

    How a runner node builds each of its stations, and the console each station it switches to."""
    config = station_config(base, row.settings, code=row.code, name=row.name, timezone=row.timezone)
    return build_app(config, clock=clock, tts=tts, store=store, station_id=row.id, node=node)
