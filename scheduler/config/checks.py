"""Checks across values of a Config that types alone cannot express; each failure names the file and the key."""

from __future__ import annotations

import dataclasses
import re
import string
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from audio.engines import engine_names, engine_type
from broadcasts.channels import channel_names, channel_type
from scheduler.config.loader import bad
from scheduler.errors import ConfigError

if TYPE_CHECKING:
    from scheduler.config import Config

__all__ = ["check", "ENGINE_NAMES", "DAYS", "HHMM"]

ENGINE_NAMES = engine_names()  # the registry's (audio.engines.ENGINES); kept for older imports
HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
DAYS = {"mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7}


def check(config: Config) -> None:
    """Checks across values that types alone cannot express."""
    src = config.source
    try:
        ZoneInfo(config.station.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        bad(src, "station.timezone", "exp_iana_zone", config.station.timezone)
    if config.station.language not in ("vi", "en"):
        bad(src, "station.language", "exp_choices", config.station.language, choices='"vi" | "en"')
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", config.station.code):
        bad(src, "station.code", "exp_station_code", config.station.code)
    known = channel_names()
    for name in config.channels.enabled:
        if name not in known:
            raise ConfigError("config_unknown_channel", path=src, channel=name, known=", ".join(known))
    if not config.speech.engines:
        bad(src, "speech.engines", "exp_one_engine", [])
    engines = engine_names()
    for i, name in enumerate(config.speech.engines):
        if name not in engines:
            bad(src, f"speech.engines[{i}]", "exp_choices", name, choices=" | ".join(engines))
    if config.speech.dialect not in ("north", "south"):
        bad(src, "speech.dialect", "exp_choices", config.speech.dialect, choices='"north" | "south"')
    _check_speech(config)
    _check_channels(config)
    if config.archive.keep_days <= 0:
        bad(src, "archive.keep_days", "exp_positive_days", config.archive.keep_days)
    _check_bounds(config)
    web = config.web
    if not 0 < web.port < 65536 or web.session_minutes <= 0 or web.lockout_threshold < 1 or web.lockout_minutes < 0:
        bad(src, "web", "exp_web_numbers", dataclasses.asdict(web))
    if not 1 <= web.threads <= 256:
        bad(src, "web.threads", "exp_range", web.threads, low=1, high=256)
    if not 0 <= web.trusted_proxies <= 5:
        bad(src, "web.trusted_proxies", "exp_proxies", web.trusted_proxies)
    for key in ("login_attempts", "api_requests"):
        if getattr(web, key) < 0:
            bad(
                src,
                f"web.{key}",
                "exp_limit",
                getattr(web, key),
            )
    for key in ("login_window_seconds", "api_window_seconds"):
        if getattr(web, key) <= 0:
            bad(src, f"web.{key}", "exp_positive_seconds", getattr(web, key))
    if config.runner.poll_seconds <= 0 or config.runner.lease_seconds <= 0 or config.runner.workers < 1:
        bad(src, "runner", "exp_positive_numbers", dataclasses.asdict(config.runner))
    names = [slot.name for slot in config.slots]
    longest = config.programme.max_bulletin_minutes
    if not 0 < longest <= 24 * 60:  # NaN fails too
        bad(src, "programme.max_bulletin_minutes", "exp_positive", longest)
    for i, name in enumerate(config.programme.rotation_slots):
        if name not in names:
            bad(
                src,
                f"programme.rotation_slots[{i}]",
                "exp_choices" if names else "exp_no_slots",
                name,
                choices=" | ".join(names),
            )
    for i, name in enumerate(config.programme.rotation_channels):
        if name not in channel_names():
            bad(src, f"programme.rotation_channels[{i}]", "exp_choices", name, choices=" | ".join(channel_names()))
    for key in ("rotation_template", "opening", "closing"):
        template = getattr(config.programme, key)
        try:
            _plain_fields(template)
            template.format(text="", station="", weekday="", date="", slot="", time="")
        except (KeyError, IndexError, ValueError):
            bad(
                src,
                f"programme.{key}",
                "exp_template",
                template,
                fields="{text} {station} {weekday} {date} {slot} {time}",
            )
    if len(set(names)) != len(names):
        bad(src, "slots", "exp_unique_slots", names)
    for i, slot in enumerate(config.slots):
        key = f"slots[{i}]"
        if not HHMM.match(slot.time):
            bad(src, f"{key}.time", "exp_hhmm", slot.time)
        for day in slot.days:
            if day != "daily" and day not in DAYS:
                bad(src, f"{key}.days", "exp_days", day)
        for channel in slot.channels:
            if channel not in known:
                raise ConfigError("config_unknown_channel", path=src, channel=channel, known=", ".join(known))
        if slot.max_minutes <= 0:
            bad(src, f"{key}.max_minutes", "exp_positive", slot.max_minutes)
        radio = config.channels.radio
        if slot.relay and slot.relay not in radio.relays:
            choices = ", ".join(radio.relays) or "-"
            bad(src, f"{key}.relay", "exp_choices", slot.relay, choices=choices)
        for zone in slot.zones:
            if zone not in radio.zones:
                bad(src, f"{key}.zones", "exp_choices", zone, choices=", ".join(radio.zones) or "-")


def _check_speech(config: Config) -> None:
    """The [speech] engines and the [audio] bulletin framing."""
    src, speech, audio = config.source, config.speech, config.audio
    if not re.match(r"^https?://", speech.gtts_url):
        bad(src, "speech.gtts_url", "exp_url", speech.gtts_url)
    if speech.gtts_timeout_seconds <= 0:
        bad(src, "speech.gtts_timeout_seconds", "exp_positive", speech.gtts_timeout_seconds)
    if "piper" in speech.engines and not speech.piper_voice.strip():
        bad(
            src,
            "speech.piper_voice",
            "exp_piper_voice",
            speech.piper_voice,
        )
    _check_voices(config)
    if speech.breaker_failures < 1 or speech.breaker_cooldown_seconds < 0:
        bad(
            src,
            "speech.breaker_failures",
            "exp_breaker",
            [speech.breaker_failures, speech.breaker_cooldown_seconds],
        )
    for key, value in (
        ("speech.cache_mb", speech.cache_mb),
        ("audio.bulletin_cache_mb", audio.bulletin_cache_mb),
        ("audio.pause_ms", audio.pause_ms),
    ):
        if value < 0:
            bad(src, key, "exp_non_negative", value)
    if not -70 <= audio.target_lufs <= -5 or not -20 <= audio.true_peak_db <= 0:
        bad(src, "audio.target_lufs", "exp_loudness", [audio.target_lufs, audio.true_peak_db])
    for key in ("greeting", "closing"):
        template = getattr(audio, key)
        try:
            _plain_fields(template)
            template.format(station="", weekday="", date="", time="", lunar="", lunar_date="")
        except (KeyError, IndexError, ValueError):
            bad(
                src,
                f"audio.{key}",
                "exp_template",
                template,
                fields="{station} {weekday} {date} {time} {lunar} {lunar_date}",
            )
    jingle = audio.jingle.strip()
    if jingle and jingle.lower() != "none" and not config.path(jingle).is_file():
        bad(
            src,
            "audio.jingle",
            "exp_jingle",
            audio.jingle,
        )


def _check_voices(config: Config) -> None:
    """A voice per engine that the engine has, and each registered engine's own checks of `[speech.<name>]`."""
    src, speech = config.source, config.speech
    names = engine_names()
    for name, voice in speech.voices.items():
        if name not in names:
            bad(src, f"speech.voices.{name}", "exp_engine_voice", voice, choices=" | ".join(names))
        kind = engine_type(name)
        if kind.voices and voice not in kind.voice_ids():
            bad(src, f"speech.voices.{name}", "exp_voice", voice, engine=name, choices=" | ".join(kind.voice_ids()))
        if not voice.strip() or len(voice) > 100:
            bad(src, f"speech.voices.{name}", "exp_string", voice)
    for name in names:
        for problem in engine_type(name).problems(speech.engine(name), name in speech.engines):
            bad(src, f"speech.{name}.{problem.key}", problem.expected, problem.value, **problem.params)


def _check_channels(config: Config) -> None:
    """Each registered channel's own checks of its settings (`[channels.<name>]`), in the registry's order."""
    for name in channel_names():
        settings = config.channels.settings[name]
        for item in dataclasses.fields(settings):  # any template of any channel: field names only, no attributes
            value = getattr(settings, item.name)
            if isinstance(value, str) and "{" in value:
                try:
                    _plain_fields(value)
                except (KeyError, ValueError):
                    bad(config.source, f"channels.{name}.{item.name}", "exp_plain_fields", value)
        for problem in channel_type(name).problems(settings, name in config.channels.enabled):
            bad(config.source, f"channels.{name}.{problem.key}", problem.expected, problem.value, **problem.params)


# Settings whose values, beyond these bounds, are no station's choice but a typo (or a probe): key -> (low, high).
BOUNDS: dict[str, tuple[float, float]] = {
    "archive.keep_days": (1, 36_500),
    "runner.poll_seconds": (0.01, 3_600),
    "runner.lease_seconds": (1, 86_400),
    "runner.heartbeat_seconds": (0.1, 600),
    "runner.zone_lease_seconds": (1, 3_600),
    "runner.horizon_hours": (1, 8_784),
    "runner.workers": (1, 64),
    "speech.rate": (80, 450),
    "speech.gtts_timeout_seconds": (0.1, 600),
    "audio.pause_ms": (0, 10_000),
    "audio.sample_rate": (8_000, 192_000),
    "database.busy_timeout_ms": (0, 600_000),
}
GRACE_MINUTES = (0, 1_440)  # every channel's grace window: at most a day
_BITRATE = re.compile(r"^(\d{1,3})k$")


def _check_bounds(config: Config) -> None:
    """Numbers within what a station can mean, the bitrate ffmpeg takes, and a data folder that is a folder."""
    src = config.source
    for key, (low, high) in BOUNDS.items():
        section, name = key.split(".")
        value = getattr(getattr(config, section), name)
        if not low <= value <= high:
            bad(src, key, "exp_range", value, low=low, high=high)
    for name in channel_names():
        grace = getattr(config.channels.settings[name], "grace_minutes", 0)
        if not GRACE_MINUTES[0] <= grace <= GRACE_MINUTES[1]:
            bad(src, f"channels.{name}.grace_minutes", "exp_range", grace, low=GRACE_MINUTES[0], high=GRACE_MINUTES[1])
    match = _BITRATE.match(config.audio.bitrate)
    if not match or not 8 <= int(match.group(1)) <= 320:
        bad(src, "audio.bitrate", "exp_bitrate", config.audio.bitrate)
    data_dir = config.data_dir
    if data_dir.exists() and not data_dir.is_dir():
        bad(src, "paths.data_dir", "exp_folder", config.paths.data_dir)


def _plain_fields(template: str) -> None:
    """Raise KeyError for a field with attribute or index access ({station.__init__}, {date[0]}): names only."""
    for _, name, spec, _ in string.Formatter().parse(template):
        if name is not None and (not name.isidentifier() or (spec and "{" in spec)):
            raise KeyError(name)
