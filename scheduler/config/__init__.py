"""Configuration: TOML into frozen dataclasses, defaults in code, errors that name the key.

`load_config(path)` reads the file, rejects unknown keys (a typo must not be
silently ignored) and values of the wrong type (loader.py), checks values
against each other (checks.py), and resolves relative paths against the folder
of the file. Each channel owns its settings: `[channels.<name>]` is read into
the settings dataclass of the registered channel (`broadcasts.channels`).
Secrets never live here: channels name the environment variables that hold them.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from audio.engines import engine_names, engine_type
from broadcasts.channels import channel_names, channel_type, default_channels
from scheduler.config.checks import DAYS, ENGINE_NAMES, HHMM, check
from scheduler.config.loader import build, build_channels, build_speech, field_names, read_table, unknown
from scheduler.errors import ConfigError

__all__ = [
    "Config",
    "StationConfig",
    "DatabaseConfig",
    "PathsConfig",
    "ArchiveConfig",
    "RunnerConfig",
    "SpeechConfig",
    "AudioConfig",
    "SlotConfig",
    "ProgrammeConfig",
    "ChannelsConfig",
    "WebConfig",
    "ENGINE_NAMES",
    "load_config",
    "parse_config",
    "default_config",
    "config_path",
    "ConfigError",
]


@dataclass(frozen=True, kw_only=True)
class StationConfig:
    name: str = "Đài truyền thanh xã"
    code: str = "station"
    timezone: str = "Asia/Ho_Chi_Minh"
    language: str = "vi"


@dataclass(frozen=True, kw_only=True)
class DatabaseConfig:
    url: str = "sqlite:///loa.db"
    busy_timeout_ms: int = 10_000


@dataclass(frozen=True, kw_only=True)
class PathsConfig:
    data_dir: str = "data"
    secrets_file: str = ""
    # the speech and bulletin caches; "": data_dir/cache. The stations of a province share it, so the same
    # text for 200 stations is spoken once (a folder every node can reach, for several machines)
    cache_dir: str = ""


@dataclass(frozen=True, kw_only=True)
class ArchiveConfig:
    keep_days: int = 730


@dataclass(frozen=True, kw_only=True)
class RunnerConfig:
    poll_seconds: float = 5.0
    lease_seconds: int = 60
    horizon_hours: int = 48
    workers: int = 4
    # this node's name in the log and the console; "" takes $LOA_NODE, else host-pid
    node: str = ""
    # the station codes this node serves; empty: the station of this file; ["*"]: every station of the database
    stations: tuple[str, ...] = ()
    heartbeat_seconds: float = 5.0
    listen: bool = True  # PostgreSQL: wake at once on LISTEN/NOTIFY; polling stays the fallback
    # a radio zone's lease across nodes: renewed every third of it; a dead node's zone is free after it
    zone_lease_seconds: float = 15.0


@dataclass(frozen=True, kw_only=True)
class SpeechConfig:
    """The [speech] table: the engine order, the voices, and each registered engine's `[speech.<name>]` table.

    `voices` names a voice per engine (`{ fpt = "banmai", viettel = "hn-quynhanh" }`); an engine without one
    speaks `voice` when it has that voice, else its own voice of `dialect`. `settings` holds each engine's
    own settings dataclass (`audio.engines.<module>`), by engine name.
    """

    engines: tuple[str, ...] = ("espeak",)
    voice: str = "vi"
    voices: Mapping[str, str] = field(default_factory=dict)
    rate: int = 150
    dialect: str = "north"
    gtts_url: str = "https://translate.google.com"
    gtts_lang: str = "vi"
    gtts_timeout_seconds: float = 10.0
    piper_voice: str = ""
    breaker_failures: int = 3
    breaker_cooldown_seconds: float = 300.0
    cache_mb: int = 200
    abbreviations: Mapping[str, str] = field(default_factory=dict)
    pronunciations: Mapping[str, str] = field(default_factory=dict)
    settings: Mapping[str, Any] = field(default_factory=lambda: _engine_settings())

    def engine(self, name: str) -> Any:
        """The settings of the engine called `name` (`[speech.<name>]`)."""
        return self.settings[name]

    def voice_for(self, name: str) -> str:
        """The voice the engine `name` speaks with: its own entry in `voices`, else `voice`, else its dialect's."""
        if self.voices.get(name):
            return self.voices[name]
        kind = engine_type(name)
        if kind.voices:
            return self.voice if self.voice in kind.voice_ids() else kind.default_voice(self.dialect)
        return kind.default_voice(self.dialect) or self.voice


def _engine_settings() -> dict[str, Any]:
    return {name: engine_type(name).settings() for name in engine_names()}


@dataclass(frozen=True, kw_only=True)
class AudioConfig:
    sample_rate: int = 44_100
    bitrate: str = "128k"
    target_lufs: float = -16.0
    true_peak_db: float = -1.0
    pause_ms: int = 700
    jingle: str = ""
    greeting: str = "{station} xin kính chào quý vị và các bạn. Hôm nay là {weekday}, ngày {date}{lunar}."
    closing: str = "Bản tin của {station} đến đây là kết thúc. Xin cảm ơn quý vị và các bạn đã lắng nghe."
    lunar_date: bool = False
    bulletin_cache_mb: int = 500


@dataclass(frozen=True, kw_only=True)
class SlotConfig:
    name: str
    time: str
    days: tuple[str, ...] = ("daily",)
    max_minutes: int = 30
    channels: tuple[str, ...] = ("radio",)
    relay: str = ""  # a relay slot (tiếp âm): the name of a [channels.radio.relays] stream, aired the whole slot
    zones: tuple[str, ...] = ()  # the loudspeaker zones of a relay slot (all when empty)

    def weekdays(self) -> frozenset[int]:
        """ISO weekdays (1 = Monday) this slot airs on."""
        if "daily" in self.days:
            return frozenset(range(1, 8))
        return frozenset(DAYS[d] for d in self.days)

    def hour_minute(self) -> tuple[int, int]:
        match = HHMM.match(self.time)
        assert match is not None  # checked at load
        return int(match.group(1)), int(match.group(2))


def _channel_settings() -> dict[str, Any]:
    return {name: channel_type(name).settings() for name in channel_names()}


@dataclass(frozen=True, kw_only=True)
class ChannelsConfig:
    """The [channels] table: the enabled channels, and the settings of every registered channel by name.

    A channel's settings are its own dataclass (`broadcasts.channels.<name>`),
    also reachable as an attribute: `config.channels.radio.grace_minutes`.
    """

    enabled: tuple[str, ...] = field(default_factory=default_channels)
    settings: Mapping[str, Any] = field(default_factory=_channel_settings)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name == "settings":
            raise AttributeError(name)
        try:
            return self.settings[name]
        except KeyError:
            raise AttributeError(f"no channel called {name!r}") from None


@dataclass(frozen=True, kw_only=True)
class ProgrammeConfig:
    rotate_plan: bool = False
    rotation_slots: tuple[str, ...] = ()
    # the channels of a rotated bulletin besides the radio; empty: those the plan in use names that Loa delivers
    rotation_channels: tuple[str, ...] = ()
    rotation_template: str = "Tuyên truyền cải cách hành chính. {text}"
    announcements: bool = False
    opening: str = "{station} xin kính chào quý vị và các bạn. Hôm nay là {weekday}, ngày {date}."
    closing: str = "{station} vừa kết thúc chương trình phát thanh {slot}. Xin cảm ơn quý vị và các bạn đã lắng nghe."
    max_bulletin_minutes: float = 5.0  # the longest radio bulletin, estimated from its text at speech.rate
    announce_empty_slots: bool = False  # air the opening and closing of a slot with nothing else in it


@dataclass(frozen=True, kw_only=True)
class WebConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    secret_key_env: str = "LOA_WEB_SECRET_KEY"
    session_minutes: int = 480
    lockout_threshold: int = 5
    lockout_minutes: int = 15
    secure_cookies: bool = False
    threads: int = 8
    trusted_proxies: int = 0
    login_attempts: int = 10
    login_window_seconds: int = 300
    api_requests: int = 120
    api_window_seconds: int = 60


def _default_slots() -> tuple[SlotConfig, ...]:
    return (
        SlotConfig(name="Buổi sáng", time="06:00"),
        SlotConfig(name="Buổi chiều", time="17:00"),
    )


@dataclass(frozen=True, kw_only=True)
class Config:
    station: StationConfig = field(default_factory=StationConfig)
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    paths: PathsConfig = field(default_factory=PathsConfig)
    archive: ArchiveConfig = field(default_factory=ArchiveConfig)
    runner: RunnerConfig = field(default_factory=RunnerConfig)
    speech: SpeechConfig = field(default_factory=SpeechConfig)
    audio: AudioConfig = field(default_factory=AudioConfig)
    slots: tuple[SlotConfig, ...] = field(default_factory=_default_slots)
    programme: ProgrammeConfig = field(default_factory=ProgrammeConfig)
    channels: ChannelsConfig = field(default_factory=ChannelsConfig)
    require_approval: bool = False
    web: WebConfig = field(default_factory=WebConfig)
    source: str = "<defaults>"
    base_dir: str = "."

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.station.timezone)

    @property
    def lang(self) -> str:
        return self.station.language

    def path(self, value: str) -> Path:
        """Resolve a configured path against the folder of the config file."""
        p = Path(value).expanduser()
        return p if p.is_absolute() else Path(self.base_dir) / p

    @property
    def data_dir(self) -> Path:
        return self.path(self.paths.data_dir)

    @property
    def cache_dir(self) -> Path:
        return self.path(self.paths.cache_dir) if self.paths.cache_dir else self.data_dir / "cache"

    @property
    def database_url(self) -> str:
        """The database URL with a relative SQLite path made absolute."""
        url = self.database.url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
            return prefix + str(self.path(url[len(prefix) :]).resolve())
        return url

    def channel(self, name: str) -> Any:
        """The settings of the channel called `name`."""
        return self.channels.settings[name]


def config_path(explicit: str | None) -> Path:
    """The config file to use: --config, else $LOA_CONFIG, else ./config.toml."""
    return Path(explicit or os.environ.get("LOA_CONFIG") or "config.toml")


def default_config(base_dir: Path | str = ".") -> Config:
    """The embedded defaults, as if from an empty file in `base_dir`."""
    return dataclasses.replace(Config(), base_dir=str(Path(base_dir).resolve()))


def load_config(path: Path | str) -> Config:
    """Read and check a TOML configuration file."""
    path = Path(path)
    return parse_config(read_table(path), source=str(path), base_dir=path.resolve().parent)


def parse_config(table: Mapping[str, Any], *, source: str, base_dir: Path | str) -> Config:
    """Build a Config from a parsed TOML table."""
    table = dict(table)
    for reserved in ("source", "base_dir"):
        if reserved in table:
            unknown(source, reserved, field_names(Config))

    def channels(value: Any) -> ChannelsConfig:
        return ChannelsConfig(**build_channels(value, source))

    def speech(value: Any) -> SpeechConfig:
        return build_speech(SpeechConfig, value, source)

    config = build(Config, table, source, "", readers={"channels": channels, "speech": speech})
    config = dataclasses.replace(config, source=source, base_dir=str(Path(base_dir).resolve()))
    check(config)
    return config
