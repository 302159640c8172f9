"""Configuration: TOML into frozen dataclasses, defaults in code, errors that name the key.

`load_config(path)` reads the file, rejects unknown keys (a typo must not be
silently ignored) and values of the wrong type, and resolves relative paths
against the folder of the file. Secrets never live here: channels name the
environment variables that hold them.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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
    "RadioConfig",
    "FolderSinkConfig",
    "DeviceSinkConfig",
    "IcecastSinkConfig",
    "CommandSinkConfig",
    "SINK_NAMES",
    "FacebookConfig",
    "ZaloConfig",
    "WebConfig",
    "CHANNEL_NAMES",
    "ENGINE_NAMES",
    "load_config",
    "default_config",
    "config_path",
]

CHANNEL_NAMES = ("radio", "facebook", "zalo")
ENGINE_NAMES = ("espeak", "gtts", "piper")
SINK_NAMES = ("folder", "device", "icecast", "command")
_QUIET = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d\s*-\s*([01]?\d|2[0-3]):[0-5]\d$")
_SECRET_WORDS = re.compile(r"token|secret|password|passwd|api_key|apikey", re.I)
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_DAYS = {"mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7}


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


@dataclass(frozen=True, kw_only=True)
class ArchiveConfig:
    keep_days: int = 730


@dataclass(frozen=True, kw_only=True)
class RunnerConfig:
    poll_seconds: float = 5.0
    lease_seconds: int = 900
    horizon_hours: int = 48
    workers: int = 4


@dataclass(frozen=True, kw_only=True)
class SpeechConfig:
    engines: tuple[str, ...] = ("espeak",)
    voice: str = "vi"
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

    def weekdays(self) -> frozenset[int]:
        """ISO weekdays (1 = Monday) this slot airs on."""
        if "daily" in self.days:
            return frozenset(range(1, 8))
        return frozenset(_DAYS[d] for d in self.days)

    def hour_minute(self) -> tuple[int, int]:
        match = _HHMM.match(self.time)
        assert match is not None  # checked at load
        return int(match.group(1)), int(match.group(2))


@dataclass(frozen=True, kw_only=True)
class FolderSinkConfig:
    outbox: str = "outbox"


@dataclass(frozen=True, kw_only=True)
class DeviceSinkConfig:
    player: str = "auto"
    device: str = "default"


@dataclass(frozen=True, kw_only=True)
class IcecastSinkConfig:
    url: str = "http://127.0.0.1:8000/loa.mp3"
    user: str = "source"
    password_env: str = "LOA_ICECAST_PASSWORD"
    timeout_seconds: float = 10.0


@dataclass(frozen=True, kw_only=True)
class CommandSinkConfig:
    command: str = ""
    timeout_seconds: float = 3600.0


@dataclass(frozen=True, kw_only=True)
class RadioConfig:
    sink: str = "folder"
    grace_minutes: float = 10.0
    render_lead_seconds: float = 120.0
    quiet_hours: str = ""
    on_interrupt: str = "requeue"
    folder: FolderSinkConfig = field(default_factory=FolderSinkConfig)
    device: DeviceSinkConfig = field(default_factory=DeviceSinkConfig)
    icecast: IcecastSinkConfig = field(default_factory=IcecastSinkConfig)
    command: CommandSinkConfig = field(default_factory=CommandSinkConfig)


# The default post template of the social channels (the same as broadcasts.channels.posts.DEFAULT_TEMPLATE).
POST_TEMPLATE = "{text}\n\n{link}\n\n{hashtags}\n\n{station} · {key}"


@dataclass(frozen=True, kw_only=True)
class FacebookConfig:
    enabled: bool = True
    dry_run: bool = True
    page_id: str = ""
    graph_url: str = "https://graph.facebook.com/v25.0"
    token_env: str = "LOA_FACEBOOK_PAGE_TOKEN"
    timeout_seconds: float = 20.0
    grace_minutes: float = 120.0
    hashtags: tuple[str, ...] = ()
    link: str = ""
    template: str = POST_TEMPLATE
    max_wait_seconds: float = 300.0


@dataclass(frozen=True, kw_only=True)
class ZaloConfig:
    enabled: bool = True
    dry_run: bool = True
    app_id: str = ""
    api_url: str = "https://openapi.zalo.me"
    oauth_url: str = "https://oauth.zaloapp.com/v4/oa/access_token"
    app_secret_env: str = "LOA_ZALO_APP_SECRET"
    refresh_token_env: str = "LOA_ZALO_REFRESH_TOKEN"
    token_file: str = "zalo-token.json"
    group_ids: tuple[str, ...] = ()
    broadcast: bool = False
    author: str = ""
    cover_url: str = ""
    link: str = ""
    template: str = POST_TEMPLATE
    hashtags: tuple[str, ...] = ()
    verify_attempts: int = 5
    verify_interval_seconds: float = 2.0
    timeout_seconds: float = 20.0
    grace_minutes: float = 120.0


@dataclass(frozen=True, kw_only=True)
class ChannelsConfig:
    enabled: tuple[str, ...] = CHANNEL_NAMES
    radio: RadioConfig = field(default_factory=RadioConfig)
    facebook: FacebookConfig = field(default_factory=FacebookConfig)
    zalo: ZaloConfig = field(default_factory=ZaloConfig)


@dataclass(frozen=True, kw_only=True)
class ProgrammeConfig:
    rotate_plan: bool = False
    rotation_slots: tuple[str, ...] = ()
    rotation_template: str = "Tuyên truyền cải cách hành chính. {text}"
    announcements: bool = False
    opening: str = "{station} xin kính chào quý vị và các bạn. Hôm nay là {weekday}, ngày {date}."
    closing: str = "{station} vừa kết thúc chương trình phát thanh {slot}. Xin cảm ơn quý vị và các bạn đã lắng nghe."


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
    def database_url(self) -> str:
        """The database URL with a relative SQLite path made absolute."""
        url = self.database.url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
            return prefix + str(self.path(url[len(prefix):]).resolve())
        return url

    def channel(self, name: str) -> Any:
        return getattr(self.channels, name)


def config_path(explicit: str | None) -> Path:
    """The config file to use: --config, else $LOA_CONFIG, else ./config.toml."""
    return Path(explicit or os.environ.get("LOA_CONFIG") or "config.toml")


def default_config(base_dir: Path | str = ".") -> Config:
    """The embedded defaults, as if from an empty file in `base_dir`."""
    return dataclasses.replace(Config(), base_dir=str(Path(base_dir).resolve()))


def load_config(path: Path | str) -> Config:
    """Read and check a TOML configuration file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError("config_missing", path=str(path)) from None
    except OSError as exc:
        raise ConfigError("file_unreadable", path=str(path), reason=exc.strerror) from exc
    try:
        table = tomllib.loads(raw.decode("utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError("config_syntax", path=str(path), reason=str(exc)) from exc
    return parse_config(table, source=str(path), base_dir=path.resolve().parent)


def parse_config(table: Mapping[str, Any], *, source: str, base_dir: Path | str) -> Config:
    """Build a Config from a parsed TOML table."""
    table = dict(table)
    for reserved in ("source", "base_dir"):
        if reserved in table:
            _unknown(source, reserved, _field_names(Config))
    config = _build(Config, table, source, "")
    config = dataclasses.replace(config, source=source, base_dir=str(Path(base_dir).resolve()))
    _check(config)
    return config


def _field_names(cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(cls) if f.name not in ("source", "base_dir")]


def _unknown(source: str, key: str, allowed: list[str]) -> typing.NoReturn:
    leaf = key.rsplit(".", 1)[-1]
    if _SECRET_WORDS.search(leaf):
        raise ConfigError("config_secret_in_file", path=source, key=key, env="LOA_…")
    raise ConfigError("config_unknown_key", path=source, key=key, allowed=", ".join(allowed))


def _bad(source: str, key: str, expected: str, value: Any) -> typing.NoReturn:
    raise ConfigError("config_bad_value", path=source, key=key, expected=expected, got=repr(value))


def _build(cls: type, table: Any, source: str, prefix: str) -> Any:
    if not isinstance(table, dict):
        _bad(source, prefix.rstrip(".") or "(root)", "một bảng / a table", table)
    hints = typing.get_type_hints(cls)
    names = _field_names(cls)
    for key in table:
        if key not in names:
            _unknown(source, prefix + key, names)
    kwargs = {name: _coerce(hints[name], table[name], source, prefix + name) for name in names if name in table}
    try:
        return cls(**kwargs)
    except TypeError:
        missing = [f.name for f in dataclasses.fields(cls) if f.name not in kwargs
                   and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
        _bad(source, prefix + (missing[0] if missing else "?"), "một giá trị / a value", None)


def _coerce(hint: Any, value: Any, source: str, key: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, source, key + ".")
    if origin is tuple:
        if not isinstance(value, list):
            _bad(source, key, "một danh sách / a list", value)
        return tuple(_coerce(args[0], v, source, f"{key}[{i}]") for i, v in enumerate(value))
    if hint is Mapping[str, str] or origin in (Mapping, dict, typing.Mapping):
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            _bad(source, key, "một bảng chữ / a table of strings", value)
        return dict(value)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        return _coerce(next(a for a in args if a is not type(None)), value, source, key)
    if hint is bool:
        if not isinstance(value, bool):
            _bad(source, key, "true/false", value)
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            _bad(source, key, "một số nguyên / an integer", value)
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            _bad(source, key, "một số / a number", value)
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            _bad(source, key, "một chuỗi / a string", value)
        return value
    raise AssertionError(f"unsupported config type {hint!r}")  # a programming error


def _check(config: Config) -> None:
    """Checks across values that types alone cannot express."""
    src = config.source
    try:
        ZoneInfo(config.station.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        _bad(src, "station.timezone", "một múi giờ IANA như Asia/Ho_Chi_Minh / an IANA zone", config.station.timezone)
    if config.station.language not in ("vi", "en"):
        _bad(src, "station.language", '"vi" hoặc "en"', config.station.language)
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", config.station.code):
        _bad(src, "station.code", "chữ không dấu, số, - hoặc _ / letters, digits, - or _", config.station.code)
    for i, name in enumerate(config.channels.enabled):
        if name not in CHANNEL_NAMES:
            raise ConfigError("config_unknown_channel", path=src, channel=name, known=", ".join(CHANNEL_NAMES))
    if not config.speech.engines:
        _bad(src, "speech.engines", "ít nhất một bộ đọc / at least one engine", [])
    for i, name in enumerate(config.speech.engines):
        if name not in ENGINE_NAMES:
            _bad(src, f"speech.engines[{i}]", " | ".join(ENGINE_NAMES), name)
    if config.speech.dialect not in ("north", "south"):
        _bad(src, "speech.dialect", '"north" hoặc "south"', config.speech.dialect)
    _check_speech(config)
    radio = config.channels.radio
    if radio.sink not in SINK_NAMES:
        _bad(src, "channels.radio.sink", " | ".join(SINK_NAMES), radio.sink)
    if radio.sink == "command" and "{file}" not in radio.command.command:
        _bad(src, "channels.radio.command.command", "một lệnh có {file} / a command containing {file}",
             radio.command.command)
    if radio.quiet_hours and not _QUIET.match(radio.quiet_hours):
        _bad(src, "channels.radio.quiet_hours", '"HH:MM-HH:MM" hoặc "" / or ""', radio.quiet_hours)
    if radio.on_interrupt not in ("requeue", "drop"):
        _bad(src, "channels.radio.on_interrupt", '"requeue" | "drop"', radio.on_interrupt)
    if radio.render_lead_seconds < 0:
        _bad(src, "channels.radio.render_lead_seconds", "một số không âm / a non-negative number",
             radio.render_lead_seconds)
    _check_social(config)
    if config.archive.keep_days <= 0:
        _bad(src, "archive.keep_days", "một số ngày dương / a positive number of days", config.archive.keep_days)
    web = config.web
    if not 0 < web.port < 65536 or web.session_minutes <= 0 or web.lockout_threshold < 1 or web.lockout_minutes < 0:
        _bad(src, "web", "cổng 1–65535 và các số dương / a port 1-65535 and positive numbers", dataclasses.asdict(web))
    if not 1 <= web.threads <= 256:
        _bad(src, "web.threads", "1–256", web.threads)
    if not 0 <= web.trusted_proxies <= 5:
        _bad(src, "web.trusted_proxies", "0–5 (số proxy phía trước / proxies in front)", web.trusted_proxies)
    for key in ("login_attempts", "api_requests"):
        if getattr(web, key) < 0:
            _bad(src, f"web.{key}", "một số không âm (0 = không giới hạn) / a non-negative number (0 = no limit)",
                 getattr(web, key))
    for key in ("login_window_seconds", "api_window_seconds"):
        if getattr(web, key) <= 0:
            _bad(src, f"web.{key}", "một số giây dương / a positive number of seconds", getattr(web, key))
    if config.runner.poll_seconds <= 0 or config.runner.lease_seconds <= 0 or config.runner.workers < 1:
        _bad(src, "runner", "các số dương / positive numbers", dataclasses.asdict(config.runner))
    names = [slot.name for slot in config.slots]
    for i, name in enumerate(config.programme.rotation_slots):
        if name not in names:
            _bad(src, f"programme.rotation_slots[{i}]", " | ".join(names) or "(không có khung giờ / no slots)", name)
    for key in ("rotation_template", "opening", "closing"):
        template = getattr(config.programme, key)
        try:
            template.format(text="", station="", weekday="", date="", slot="", time="")
        except (KeyError, IndexError, ValueError):
            _bad(src, f"programme.{key}", "{text} {station} {weekday} {date} {slot} {time}", template)
    if len(set(names)) != len(names):
        _bad(src, "slots", "tên khung giờ không trùng nhau / unique slot names", names)
    for i, slot in enumerate(config.slots):
        key = f"slots[{i}]"
        if not _HHMM.match(slot.time):
            _bad(src, f"{key}.time", "giờ dạng HH:MM / a time as HH:MM", slot.time)
        for day in slot.days:
            if day != "daily" and day not in _DAYS:
                _bad(src, f"{key}.days", '"daily" hoặc / or mon, tue, wed, thu, fri, sat, sun', day)
        for channel in slot.channels:
            if channel not in CHANNEL_NAMES:
                raise ConfigError("config_unknown_channel", path=src, channel=channel, known=", ".join(CHANNEL_NAMES))
        if slot.max_minutes <= 0:
            _bad(src, f"{key}.max_minutes", "một số dương / a positive number", slot.max_minutes)


def _check_speech(config: Config) -> None:
    """The [speech] engines and the [audio] bulletin framing."""
    src, speech, audio = config.source, config.speech, config.audio
    if not re.match(r"^https?://", speech.gtts_url):
        _bad(src, "speech.gtts_url", "một địa chỉ http(s):// / an http(s):// URL", speech.gtts_url)
    if speech.gtts_timeout_seconds <= 0:
        _bad(src, "speech.gtts_timeout_seconds", "một số dương / a positive number", speech.gtts_timeout_seconds)
    if "piper" in speech.engines and not speech.piper_voice.strip():
        _bad(src, "speech.piper_voice", "tệp giọng .onnx khi dùng piper / a .onnx voice file when piper is used",
             speech.piper_voice)
    if speech.breaker_failures < 1 or speech.breaker_cooldown_seconds < 0:
        _bad(src, "speech.breaker_failures", "số lần lỗi >= 1, thời gian nghỉ >= 0 / failures >= 1, cool-down >= 0",
             [speech.breaker_failures, speech.breaker_cooldown_seconds])
    for key, value in (("speech.cache_mb", speech.cache_mb), ("audio.bulletin_cache_mb", audio.bulletin_cache_mb),
                       ("audio.pause_ms", audio.pause_ms)):
        if value < 0:
            _bad(src, key, "một số không âm / a non-negative number", value)
    if not -70 <= audio.target_lufs <= -5 or not -20 <= audio.true_peak_db <= 0:
        _bad(src, "audio.target_lufs", "LUFS -70..-5, dBTP -20..0", [audio.target_lufs, audio.true_peak_db])
    for key in ("greeting", "closing"):
        template = getattr(audio, key)
        try:
            template.format(station="", weekday="", date="", time="", lunar="", lunar_date="")
        except (KeyError, IndexError, ValueError):
            _bad(src, f"audio.{key}", "{station} {weekday} {date} {time} {lunar} {lunar_date}", template)
    jingle = audio.jingle.strip()
    if jingle and jingle.lower() != "none" and not config.path(jingle).is_file():
        _bad(src, "audio.jingle", '"" (tiếng chuông), "none" hoặc một tệp âm thanh có thật / '
             '"" (chime), "none" or an existing sound file', audio.jingle)


def _check_social(config: Config) -> None:
    """The Facebook and Zalo tables: templates, endpoints, and what posting for real needs."""
    from broadcasts.channels.posts import check_template

    src = config.source
    for name in ("facebook", "zalo"):
        table = config.channel(name)
        key = f"channels.{name}"
        problem = check_template(table.template)
        if problem:
            _bad(src, f"{key}.template", "{text} {title} {body} {hashtags} {link} {station} {date} và / and {key}"
                 f" ({problem})", table.template)
        if table.timeout_seconds <= 0:
            _bad(src, f"{key}.timeout_seconds", "một số dương / a positive number", table.timeout_seconds)
        urls = ("graph_url",) if name == "facebook" else ("api_url", "oauth_url")
        for field_name in urls:
            if not re.match(r"^https?://", getattr(table, field_name)):
                _bad(src, f"{key}.{field_name}", "một địa chỉ http(s):// / an http(s):// URL",
                     getattr(table, field_name))
        live = table.enabled and not table.dry_run and name in config.channels.enabled
        if live and name == "facebook" and not table.page_id.strip():
            _bad(src, f"{key}.page_id", "mã Trang Facebook khi dry_run = false / the Page id when dry_run = false",
                 table.page_id)
        if live and name == "zalo":
            if not table.app_id.strip():
                _bad(src, f"{key}.app_id", "mã ứng dụng Zalo khi dry_run = false / the app id when dry_run = false",
                     table.app_id)
            if not re.match(r"^https?://", table.cover_url):
                _bad(src, f"{key}.cover_url", "ảnh bìa http(s):// (Zalo bắt buộc) / a cover image URL (required)",
                     table.cover_url)
    zalo = config.channels.zalo
    if zalo.verify_attempts < 1 or zalo.verify_interval_seconds < 0:
        _bad(src, "channels.zalo.verify_attempts", "một số dương / a positive number",
             [zalo.verify_attempts, zalo.verify_interval_seconds])
    if config.channels.facebook.max_wait_seconds < 0:
        _bad(src, "channels.facebook.max_wait_seconds", "một số không âm / a non-negative number",
             config.channels.facebook.max_wait_seconds)
