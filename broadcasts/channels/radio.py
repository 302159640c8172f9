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
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

from audio.engines.base import Clip, identity
from audio.engines.cache import LruFolder
from audio.errors import AudioError, tagged
from audio.jingle import jingle_identity, load_jingle
from audio.mix import EncodeSettings
from audio.sinks.base import Sink
from audio.speech import Rendered, Speaker, render_script
from broadcasts.channels.base import Broadcast, ChannelType, Context, Delivery, Problem
from broadcasts.channels.playout import (
    DEFAULT_ZONE,
    SINK_NAMES,
    CommandSinkSettings,
    DeviceSinkSettings,
    FolderSinkSettings,
    IcecastSinkSettings,
    RelaySettings,
    ZoneSettings,
)
from broadcasts.channels.radio_live import LiveRelays, heard_delivery
from broadcasts.channels.radio_zones import Zone, build_zones, zone_problems, zone_table
from broadcasts.channels.rendered import from_cache, prepared, read_sidecar, to_cache, write_sidecar
from broadcasts.channels.script import Script, spoken_parts
from broadcasts.models import Outcome

__all__ = ["RadioChannel", "RadioSettings", "Studio", "build", "problems", "CHANNEL"]

log = logging.getLogger(__name__)

RENDER_VERSION = 2  # change it when the same inputs start to sound different
MB = 1024 * 1024
_QUIET = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d\s*-\s*([01]?\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True, kw_only=True)
class RadioSettings:
    """The `[channels.radio]` table: the playout sink and its settings, lateness, quiet hours, interruptions;
    the loudspeaker zones (each a sink of its own), the relayed streams, and the limits of recorded audio."""

    sink: str = "folder"
    grace_minutes: float = 10.0
    render_lead_seconds: float = 120.0
    quiet_hours: str = ""
    on_interrupt: str = "requeue"
    folder: FolderSinkSettings = field(default_factory=FolderSinkSettings)
    device: DeviceSinkSettings = field(default_factory=DeviceSinkSettings)
    icecast: IcecastSinkSettings = field(default_factory=IcecastSinkSettings)
    command: CommandSinkSettings = field(default_factory=CommandSinkSettings)
    zones: Mapping[str, ZoneSettings] = field(default_factory=dict)
    relays: Mapping[str, RelaySettings] = field(default_factory=dict)
    media_min_seconds: float = 1.0
    media_max_seconds: float = 1800.0
    media_max_mb: float = 100.0

    def zone_names(self) -> list[str]:
        """The station's zones, in the order of the config (`main` for a station without zones)."""
        return list(zone_table(self))

    def zone_label(self, name: str | None) -> str:
        table = zone_table(self)
        zone = table.get(name or DEFAULT_ZONE)
        return (zone.label or name or DEFAULT_ZONE) if zone is not None else (name or "")


@dataclass(frozen=True, kw_only=True)
class Studio:
    """How the radio speaks and frames a bulletin (from the [speech], [audio] and [programme] tables)."""

    speaker: Speaker
    encoding: EncodeSettings
    pause_ms: int = 700
    script: Script = field(default_factory=Script)
    render_cache_mb: int = 0  # rendered bulletins kept for other airings of the same text; 0: none


class RadioChannel:
    """Renders Vietnamese speech, plays recorded files and relays streams, into one sink per zone.

    Each zone airs one thing at a time (the runner's turns); zones play in parallel.
    """

    name = "radio"

    def __init__(
        self,
        *,
        speaker: Speaker,
        archive_dir: Path,
        settings: EncodeSettings,
        sink: Sink | None = None,
        zones: Mapping[str, Zone] | None = None,
        media_dir: Path | None = None,
        relays: LiveRelays | None = None,
        pause_ms: int = 700,
        script: Script | None = None,
        render_cache: LruFolder | None = None,
        wall: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if zones is None:
            if sink is None:
                raise ValueError("the radio channel needs a sink or zones")
            zones = {DEFAULT_ZONE: Zone(name=DEFAULT_ZONE, label=DEFAULT_ZONE, sink=sink)}
        self.zones = dict(zones)
        self.speaker = speaker
        self.archive_dir = Path(archive_dir)
        self.media_dir = Path(media_dir) if media_dir is not None else self.archive_dir.parent
        self.settings = settings
        self.relays = relays or LiveRelays({}, encoding=settings, path=Path)
        self.pause_ms = pause_ms
        self.script = script or Script()
        self.render_cache = render_cache
        self.wall = wall
        self.sleep = sleep
        self._jingle: tuple[str, Clip | None] | None = None
        self._started = False

    @property
    def sink(self) -> Sink:
        """The sink of the first zone (the only one of a station without zones)."""
        return next(iter(self.zones.values())).sink

    def zone(self, name: str | None) -> Zone:
        """The zone an airing plays in: by name, or the first one for an airing without a zone."""
        if name is None:
            return next(iter(self.zones.values()))
        zone = self.zones.get(name)
        if zone is None:
            raise AudioError("zone_unknown", zone=name, zones=", ".join(self.zones))
        return zone

    def start(self) -> None:
        """Connect what stays connected: kept-up Icecast sources and the listeners on their mounts."""
        if self._started:
            return
        self._started = True
        for zone in self.zones.values():
            starter = getattr(zone.sink, "start", None)
            if callable(starter):
                starter()
            if zone.listener is not None:
                zone.listener.start()

    def close(self) -> None:
        """Disconnect sources, listeners and relay streams opened ahead; safe to call twice."""
        self.relays.close()
        for zone in self.zones.values():
            if zone.listener is not None:
                zone.listener.close()
            closer = getattr(zone.sink, "close", None)
            if callable(closer):
                closer()
        self._started = False

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
        urgent = broadcast.priority == "emergency"  # on the air within a second: one loudness pass
        return render_script(
            parts, self.speaker, path, settings=self.settings, pause_ms=self.pause_ms, verify=not urgent
        )

    def prepare(self, broadcast: Broadcast) -> Rendered:
        """Render the bulletin to its archive path (with a sidecar), unless it is already rendered as is;
        a recorded bulletin is its stored file; a relay opens its stream ahead (`open_ahead`)."""
        if broadcast.kind == "audio":
            return self.media(broadcast)
        if broadcast.kind == "relay":
            raise ValueError("a relay is not rendered; open its stream with open_ahead")
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

    def media(self, broadcast: Broadcast) -> Rendered:
        """A recorded bulletin's stored file, checked against the digest it was stored with."""
        path = self.media_dir / (broadcast.media_path or "")
        if not broadcast.media_path or not path.is_file():
            raise AudioError("media_missing", path=str(path))
        return Rendered(
            path=path, sha256=broadcast.media_sha256 or "", seconds=broadcast.media_seconds or 0.0, engine="file"
        )

    def open_ahead(self, broadcast: Broadcast) -> None:
        """A relay: connect to its stream before the start, so it is on the air on the second."""
        if broadcast.kind == "relay":
            self.relays.open_ahead(broadcast)

    def publish(self, broadcast: Broadcast) -> Delivery:
        zone = self.zone(broadcast.zone)
        if broadcast.kind == "relay":
            return self.relays.play(broadcast, zone, self._now_of(broadcast))
        rendered = self.prepare(broadcast)
        zone.stop.clear()
        start = self.wall()
        played = zone.sink.play(rendered.path, key=broadcast.key)
        end = self.wall()
        delivery = Delivery(
            outcome=Outcome.aired,
            tts_engine=None if broadcast.kind == "audio" else rendered.engine,
            audio_path=str(rendered.path),
            audio_sha256=rendered.sha256,
            audio_seconds=rendered.seconds,
            external_id=played.target,
            detail={"sink": played.sink, **({"voice": rendered.voice} if rendered.voice else {})},
        )
        return heard_delivery(delivery, zone, broadcast, start, end, self.sleep)

    def _now_of(self, broadcast: Broadcast) -> Callable[[], object]:
        from datetime import UTC, datetime

        return lambda: datetime.fromtimestamp(self.wall(), UTC)

    def interrupt(self, zone: str | None = None) -> None:
        """Cut what is playing now, for an emergency: in one zone, or in all of them."""
        for each in self.zones.values() if zone is None else [self.zone(zone)]:
            each.stop.set()
            each.sink.stop()

    def recover(self, broadcast: Broadcast) -> Delivery | None:
        zone = self.zone(broadcast.zone)
        played = zone.sink.was_played(broadcast.key)
        if played is False:
            return None
        if played is None:
            return Delivery(outcome=Outcome.unknown, error_code="crashed_unclear")
        if broadcast.kind != "speech":  # a recorded file or a relay: nothing was rendered for it
            audio = broadcast.kind == "audio"
            return Delivery(
                outcome=Outcome.aired,
                audio_path=str(self.media_dir / broadcast.media_path) if audio and broadcast.media_path else None,
                audio_sha256=broadcast.media_sha256 if audio else None,
                audio_seconds=broadcast.media_seconds if audio else broadcast.relay_seconds,
                detail={"sink": zone.sink.name, "recovered": True, **({"relay": broadcast.relay} if not audio else {})},
            )
        path = self.archive_path(broadcast)
        meta = read_sidecar(path)
        return Delivery(
            outcome=Outcome.aired,
            tts_engine=meta.get("engine"),
            audio_path=str(path),
            audio_sha256=meta.get("sha256"),
            audio_seconds=meta.get("seconds"),
            detail={
                "sink": zone.sink.name,
                "recovered": True,
                **({"voice": meta["voice"]} if meta.get("voice") else {}),
            },
        )


def build(settings: RadioSettings, context: Context) -> RadioChannel:
    """The radio channel: the context's studio speaking into each zone's sink (or the context's own sinks)."""
    studio = context.studio
    if studio is None:
        raise ValueError("the radio channel needs a studio (a speaker) in its context")
    cache = studio.render_cache_mb
    return RadioChannel(
        speaker=studio.speaker,
        zones=build_zones(settings, context, studio.encoding),
        archive_dir=context.data_dir / "audio",
        media_dir=context.data_dir,
        relays=LiveRelays(dict(settings.relays), encoding=studio.encoding, path=context.path),
        settings=studio.encoding,
        pause_ms=studio.pause_ms,
        script=studio.script,
        render_cache=LruFolder(context.caches / "bulletins", cache * MB) if cache > 0 else None,
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
    yield from zone_problems(settings)
    for name, relay in settings.relays.items():
        if not relay.url.startswith(("http://", "https://")):
            yield Problem(key=f"relays.{name}.url", expected="exp_stream_url", value=relay.url)
        for key in ("max_gap_seconds", "connect_timeout_seconds", "reconnect_seconds"):
            if getattr(relay, key) <= 0:
                yield Problem(key=f"relays.{name}.{key}", expected="exp_positive", value=getattr(relay, key))
        if relay.preroll_seconds < 0:
            yield Problem(
                key=f"relays.{name}.preroll_seconds", expected="exp_non_negative", value=relay.preroll_seconds
            )
    for key in ("media_min_seconds", "media_max_seconds", "media_max_mb"):
        if getattr(settings, key) <= 0:
            yield Problem(key=key, expected="exp_positive", value=getattr(settings, key))


CHANNEL = ChannelType(settings=RadioSettings, build=build, problems=problems)
