"""The radio channel: frame the bulletin, speak it, archive the MP3, hand it to the playout sink.

On air a bulletin is: the jingle, the greeting, the title, the body and the
closing, with pauses between. Greeting and closing are templates with the
station name, the weekday and the date in words, and optionally the lunar
date. The rendered MP3 is kept under a fingerprint of everything that changes
the sound, so an unchanged bulletin is never rendered twice. The framing is
in `script`, the sinks' tables in `playout`, the archive and render cache in `rendered`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from audio.engines.base import Clip, identity
from audio.engines.cache import LruFolder
from audio.errors import AudioError, tagged
from audio.jingle import jingle_identity, load_jingle
from audio.mix import EncodeSettings
from audio.sinks.base import Sink
from audio.sinks.folder import FolderSink
from audio.speech import Rendered, Speaker, render_script
from broadcasts.channels.base import Broadcast, ChannelType, Context, Delivery, Problem
from broadcasts.channels.playout import (
    SINK_NAMES,
    CommandSinkSettings,
    DeviceSinkSettings,
    FolderSinkSettings,
    IcecastSinkSettings,
)
from broadcasts.channels.rendered import from_cache, prepared, read_sidecar, to_cache, write_sidecar
from broadcasts.channels.script import Script, spoken_parts
from broadcasts.models import Outcome

__all__ = ["RadioChannel", "RadioSettings", "Studio", "build", "build_sink", "problems", "CHANNEL"]

log = logging.getLogger(__name__)

RENDER_VERSION = 2  # change it when the same inputs start to sound different
MB = 1024 * 1024
_QUIET = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d\s*-\s*([01]?\d|2[0-3]):[0-5]\d$")


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
class Studio:
    """How the radio speaks and frames a bulletin (from the [speech], [audio] and [programme] tables)."""

    speaker: Speaker
    encoding: EncodeSettings
    pause_ms: int = 700
    script: Script = field(default_factory=Script)
    render_cache_mb: int = 0  # rendered bulletins kept for other airings of the same text; 0: none


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
        path = self.archive_path(broadcast)
        ready = prepared(path, fingerprint)
        if ready is not None:
            return ready
        rendered = from_cache(self.render_cache, fingerprint, path)
        if rendered is None:
            rendered = self.render(broadcast, path)
            to_cache(self.render_cache, fingerprint, rendered)
        write_sidecar(path, rendered, airing_id=broadcast.airing_id, fingerprint=fingerprint)
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
            detail={"sink": played.sink, **({"voice": rendered.voice} if rendered.voice else {})},
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
        meta = read_sidecar(path)
        return Delivery(
            outcome=Outcome.aired,
            tts_engine=meta.get("engine"),
            audio_path=str(path),
            audio_sha256=meta.get("sha256"),
            audio_seconds=meta.get("seconds"),
            detail={
                "sink": self.sink.name,
                "recovered": True,
                **({"voice": meta["voice"]} if meta.get("voice") else {}),
            },
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
        yield Problem(
            key="sink", expected="exp_choices", params={"choices": " | ".join(SINK_NAMES)}, value=settings.sink
        )
    if settings.sink == "command" and "{file}" not in settings.command.command:
        yield Problem(
            key="command.command",
            expected="exp_command_file",
            value=settings.command.command,
        )
    if settings.quiet_hours and not _QUIET.match(settings.quiet_hours):
        yield Problem(key="quiet_hours", expected="exp_quiet_hours", value=settings.quiet_hours)
    if settings.on_interrupt not in ("requeue", "drop"):
        yield Problem(
            key="on_interrupt",
            expected="exp_choices",
            params={"choices": '"requeue" | "drop"'},
            value=settings.on_interrupt,
        )
    if settings.render_lead_seconds < 0:
        yield Problem(
            key="render_lead_seconds",
            expected="exp_non_negative",
            value=settings.render_lead_seconds,
        )


CHANNEL = ChannelType(settings=RadioSettings, build=build, problems=problems)
