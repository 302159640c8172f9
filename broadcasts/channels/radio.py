"""The radio channel: frame the bulletin, speak it, archive the MP3, hand it to the playout sink.

On air a bulletin is: the jingle, the greeting, the title, the body and the
closing, with pauses between. Greeting and closing are templates with the
station name, the weekday and the date in words, and optionally the lunar
date. The rendered MP3 is kept under a fingerprint of everything that changes
the sound, so an unchanged bulletin is never rendered twice.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from audio.engines.base import Clip, identity
from audio.engines.cache import LruFolder
from audio.errors import AudioError, tagged
from audio.jingle import NO_JINGLE, jingle_identity, load_jingle
from audio.mix import EncodeSettings, sha256_file
from audio.sinks.base import Sink
from audio.sinks.folder import FolderSink
from audio.speech import Rendered, Speaker, render_script
from audio.text.lunar import read_lunar_date, solar_to_lunar
from audio.text.numbers import Dialect, read_month, read_number, read_time
from broadcasts.channels.base import Broadcast, ChannelType, Context, Delivery, Problem
from broadcasts.models import Outcome

__all__ = [
    "RadioChannel",
    "RadioSettings",
    "FolderSinkSettings",
    "DeviceSinkSettings",
    "IcecastSinkSettings",
    "CommandSinkSettings",
    "SINK_NAMES",
    "Studio",
    "Script",
    "build",
    "build_sink",
    "problems",
    "CHANNEL",
    "spoken_parts",
    "script_values",
    "TEMPLATE_FIELDS",
    "WEEKDAYS",
]

WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
TEMPLATE_FIELDS = ("station", "weekday", "date", "time", "lunar", "lunar_date")
log = logging.getLogger(__name__)

RENDER_VERSION = 2  # change it when the same inputs start to sound different
SINK_NAMES = ("folder", "device", "icecast", "command")
MB = 1024 * 1024
_QUIET = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d\s*-\s*([01]?\d|2[0-3]):[0-5]\d$")


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


@dataclass(frozen=True, kw_only=True)
class RadioSettings:
    """The `[channels.radio]` table: the playout sink and its settings, lateness, quiet hours, interruptions."""

    sink: str = "folder"
    grace_minutes: float = 10.0
    render_lead_seconds: float = 120.0
    quiet_hours: str = ""
    on_interrupt: str = "requeue"
    folder: FolderSinkSettings = field(default_factory=FolderSinkSettings)
    device: DeviceSinkSettings = field(default_factory=DeviceSinkSettings)
    icecast: IcecastSinkSettings = field(default_factory=IcecastSinkSettings)
    command: CommandSinkSettings = field(default_factory=CommandSinkSettings)


@dataclass(frozen=True, kw_only=True)
class Script:
    """How a bulletin is framed on air: greeting and closing templates, the jingle, the lunar date."""

    greeting: str = ""
    closing: str = ""
    jingle: str = NO_JINGLE  # "" for the generated chime, a sound file, or "none"
    lunar_date: bool = False
    base_dir: str = "."  # where a relative jingle path starts


@dataclass(frozen=True, kw_only=True)
class Studio:
    """How the radio speaks and frames a bulletin (from the [speech], [audio] and [programme] tables)."""

    speaker: Speaker
    encoding: EncodeSettings
    pause_ms: int = 700
    script: Script = field(default_factory=Script)
    render_cache_mb: int = 0  # rendered bulletins kept for other airings of the same text; 0: none


def script_values(broadcast: Broadcast, *, lunar: bool = False, dialect: str = "north") -> dict[str, str]:
    """The template variables for a bulletin, in words, on its station-local air date."""
    local = broadcast.local_due
    spoken: Dialect = "south" if dialect == "south" else "north"
    lunar_words = read_lunar_date(solar_to_lunar(local.date()))
    return {
        "station": broadcast.station_name,
        "weekday": WEEKDAYS[local.weekday()],
        "date": f"{read_number(local.day, spoken)} tháng {read_month(local.month, spoken)} "
        f"năm {read_number(local.year, spoken)}",
        "time": read_time(local.hour, local.minute, dialect=spoken),
        "lunar_date": lunar_words,
        "lunar": f", tức ngày {lunar_words}" if lunar else "",
    }


def _fill(template: str, values: dict[str, str]) -> str:
    try:
        return template.format_map(values).strip()
    except (KeyError, IndexError, ValueError) as exc:
        raise AudioError("audio_failed", reason=f"bad template {template!r}: {exc}") from exc


def spoken_parts(broadcast: Broadcast, script: Script | None = None, *, dialect: str = "north") -> list[str]:
    """What the radio reads for a bulletin: the greeting, its title, its body, then the closing."""
    title = broadcast.title.strip()
    body = broadcast.body.strip()
    parts = [title, body] if title and title not in body else [body]
    if script is None or not (script.greeting.strip() or script.closing.strip()):
        return parts
    values = script_values(broadcast, lunar=script.lunar_date, dialect=dialect)
    return [_fill(script.greeting, values), *parts, _fill(script.closing, values)]


class RadioChannel:
    """Renders Vietnamese speech and plays it out through one sink; one airing at a time."""

    name = "radio"

    def __init__(
        self,
        *,
        speaker: Speaker,
        sink: Sink,
        archive_dir: Path,
        settings: EncodeSettings,
        pause_ms: int = 700,
        script: Script | None = None,
        render_cache: LruFolder | None = None,
    ) -> None:
        self.speaker = speaker
        self.sink = sink
        self.archive_dir = Path(archive_dir)
        self.settings = settings
        self.pause_ms = pause_ms
        self.script = script or Script()
        self.render_cache = render_cache
        self._jingle: tuple[str, Clip | None] | None = None

    def archive_path(self, broadcast: Broadcast) -> Path:
        """Where an airing's MP3 is kept: archive/YYYY/MM/DD/<key>.mp3 (station-local date)."""
        return self.archive_dir / f"{broadcast.local_due:%Y/%m/%d}" / f"{broadcast.key}.mp3"

    def parts(self, broadcast: Broadcast) -> list[str]:
        """The texts read for a bulletin, greeting and closing filled in."""
        return spoken_parts(broadcast, self.script, dialect=self.speaker.options.dialect)

    def _jingle_identity(self) -> str:
        return jingle_identity(self.script.jingle, Path(self.script.base_dir))

    def jingle(self) -> Clip | None:
        """The intro jingle's audio (loaded once per file version), or None without one."""
        key = self._jingle_identity()
        if self._jingle is None or self._jingle[0] != key:
            self._jingle = (key, load_jingle(self.script.jingle, Path(self.script.base_dir)))
        return self._jingle[1]

    def fingerprint(self, broadcast: Broadcast) -> str:
        """What the audio depends on: texts, reading options, voice, engines, jingle, pauses and encoding."""
        options = self.speaker.options
        material = json.dumps(
            [
                RENDER_VERSION,
                self.parts(broadcast),
                options.dialect,
                sorted(options.abbreviations.items()),
                sorted(options.pronunciations.items()),
                self.speaker.voice,
                identity(self.speaker.engine),
                self._jingle_identity(),
                self.pause_ms,
                asdict(self.settings),
            ],
            ensure_ascii=False,
        )
        return hashlib.sha256(material.encode("utf-8")).hexdigest()

    def _prepared(self, broadcast: Broadcast, fingerprint: str) -> Rendered | None:
        path = self.archive_path(broadcast)
        try:
            meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if meta.get("fingerprint") != fingerprint or not path.exists():
            return None
        return Rendered(path=path, sha256=meta["sha256"], seconds=meta["seconds"], engine=meta["engine"])

    def _from_cache(self, fingerprint: str, path: Path) -> Rendered | None:
        """Place a bulletin rendered before (for another airing) at `path`, if the cache has it intact."""
        if self.render_cache is None:
            return None
        try:
            meta = json.loads(self.render_cache.read(f"{fingerprint}.json") or b"null")
            source = self.render_cache.lookup(f"{fingerprint}.mp3")
            if not isinstance(meta, dict) or source is None:
                return None
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".loa-", suffix=".mp3.part", dir=path.parent)
            os.close(fd)
            try:
                os.unlink(tmp)
                try:
                    os.link(source, tmp)
                except OSError:
                    shutil.copyfile(source, tmp)
                if sha256_file(Path(tmp)) != meta.get("sha256"):
                    return None
                os.replace(tmp, path)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
            return Rendered(path=path, sha256=meta["sha256"], seconds=meta["seconds"], engine=meta["engine"])
        except (OSError, ValueError, KeyError):
            return None

    def _to_cache(self, fingerprint: str, rendered: Rendered) -> None:
        if self.render_cache is None:
            return
        meta = {"sha256": rendered.sha256, "seconds": rendered.seconds, "engine": rendered.engine}
        try:
            self.render_cache.add(f"{fingerprint}.mp3", rendered.path)
            self.render_cache.write(f"{fingerprint}.json", json.dumps(meta).encode("utf-8"))
        except OSError:
            pass  # the cache only saves time

    def render(self, broadcast: Broadcast, path: Path) -> Rendered:
        """Render the bulletin, framed by the script, to `path`."""
        try:
            jingle = self.jingle()
        except AudioError as exc:  # a lost sound file must not keep a bulletin off the air
            log.warning(
                "bulletin %s goes out without its jingle: %s",
                broadcast.key,
                exc,
                extra=tagged("log_no_jingle", bulletin=broadcast.bulletin_id, error=exc),
            )
            jingle = None
        parts: list[str | Clip] = [jingle] if jingle is not None else []
        parts.extend(self.parts(broadcast))
        return render_script(parts, self.speaker, path, settings=self.settings, pause_ms=self.pause_ms)

    def prepare(self, broadcast: Broadcast) -> Rendered:
        """Render the bulletin to its archive path (with a sidecar), unless it is already rendered as is."""
        fingerprint = self.fingerprint(broadcast)
        ready = self._prepared(broadcast, fingerprint)
        if ready is not None:
            return ready
        path = self.archive_path(broadcast)
        rendered = self._from_cache(fingerprint, path)
        if rendered is None:
            rendered = self.render(broadcast, path)
            self._to_cache(fingerprint, rendered)
        sidecar = path.with_suffix(".json")
        tmp = sidecar.with_suffix(".json.part")
        tmp.write_text(
            json.dumps(
                {
                    "sha256": rendered.sha256,
                    "seconds": rendered.seconds,
                    "engine": rendered.engine,
                    "airing_id": broadcast.airing_id,
                    "fingerprint": fingerprint,
                }
            ),
            encoding="utf-8",
        )
        os.replace(tmp, sidecar)
        return rendered

    def publish(self, broadcast: Broadcast) -> Delivery:
        rendered = self.prepare(broadcast)
        played = self.sink.play(rendered.path, key=broadcast.key)
        return Delivery(
            outcome=Outcome.aired,
            tts_engine=rendered.engine,
            audio_path=str(rendered.path),
            audio_sha256=rendered.sha256,
            audio_seconds=rendered.seconds,
            external_id=played.target,
            detail={"sink": played.sink},
        )

    def interrupt(self) -> None:
        """Cut what is playing now, for an emergency."""
        self.sink.stop()

    def recover(self, broadcast: Broadcast) -> Delivery | None:
        played = self.sink.was_played(broadcast.key)
        if played is False:
            return None
        if played is None:
            return Delivery(outcome=Outcome.unknown, error_code="crashed_unclear")
        path = self.archive_path(broadcast)
        try:
            meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = {}
        return Delivery(
            outcome=Outcome.aired,
            tts_engine=meta.get("engine"),
            audio_path=str(path),
            audio_sha256=meta.get("sha256"),
            audio_seconds=meta.get("seconds"),
            detail={"sink": self.sink.name, "recovered": True},
        )


def build_sink(settings: RadioSettings, context: Context) -> Sink:
    """The configured playout sink; each keeps its hand-over ledger under the data dir."""
    ledger = context.data_dir / "ledger"
    if settings.sink == "device":
        from audio.sinks.device import DeviceSink

        return DeviceSink(player=settings.device.player, device=settings.device.device, ledger=ledger)
    if settings.sink == "icecast":
        from audio.sinks.icecast import IcecastSink

        return IcecastSink(
            url=settings.icecast.url,
            user=settings.icecast.user,
            password=context.secret(settings.icecast.password_env) or "",
            timeout=settings.icecast.timeout_seconds,
            ledger=ledger,
        )
    if settings.sink == "command":
        from audio.sinks.command import CommandSink

        return CommandSink(command=settings.command.command, timeout=settings.command.timeout_seconds, ledger=ledger)
    return FolderSink(context.path(settings.folder.outbox), ledger)


def build(settings: RadioSettings, context: Context) -> RadioChannel:
    """The radio channel: the context's studio speaking into the configured sink (or the context's own)."""
    studio = context.studio
    if studio is None:
        raise ValueError("the radio channel needs a studio (a speaker) in its context")
    cache = studio.render_cache_mb
    return RadioChannel(
        speaker=studio.speaker,
        sink=context.sink or build_sink(settings, context),
        archive_dir=context.data_dir / "audio",
        settings=studio.encoding,
        pause_ms=studio.pause_ms,
        script=studio.script,
        render_cache=LruFolder(context.data_dir / "cache" / "bulletins", cache * MB) if cache > 0 else None,
    )


def problems(settings: RadioSettings, listed: bool) -> Iterator[Problem]:
    """What the radio cannot use: an unknown sink, a command without {file}, bad quiet hours or lead."""
    if settings.sink not in SINK_NAMES:
        yield Problem(key="sink", expected=" | ".join(SINK_NAMES), value=settings.sink)
    if settings.sink == "command" and "{file}" not in settings.command.command:
        yield Problem(
            key="command.command",
            expected="một lệnh có {file} / a command containing {file}",
            value=settings.command.command,
        )
    if settings.quiet_hours and not _QUIET.match(settings.quiet_hours):
        yield Problem(key="quiet_hours", expected='"HH:MM-HH:MM" hoặc "" / or ""', value=settings.quiet_hours)
    if settings.on_interrupt not in ("requeue", "drop"):
        yield Problem(key="on_interrupt", expected='"requeue" | "drop"', value=settings.on_interrupt)
    if settings.render_lead_seconds < 0:
        yield Problem(
            key="render_lead_seconds",
            expected="một số không âm / a non-negative number",
            value=settings.render_lead_seconds,
        )


CHANNEL = ChannelType(settings=RadioSettings, build=build, problems=problems)
