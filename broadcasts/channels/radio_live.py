"""What the radio does on the air beyond a spoken bulletin: a relay (tiếp âm) and the proof of airing.

- A relay plays a live stream (`audio.relay.RelaySource`) for a set time into
  one zone's sink. The source is opened a little ahead of the start
  (`open_ahead`), so the stream is flowing on the second; the relay ends on
  the second too (its length is counted in MP3 frames), or early when the zone
  is interrupted. Sinks that stream (Icecast, the folder) take it live;
  others (the sound card, a command) get it in consecutive segments.
- The proof of airing asks the zone's listener (`audio.listen.MountListener`,
  connected to the mount as a loudspeaker is) what arrived between the start
  and the end of the airing: the first audible audio relative to the due time,
  the heard and silent seconds, the longest silence. Silence of the zone's
  `dead_air_seconds` or more, or a mount it cannot reach, becomes an alert.
"""

from __future__ import annotations

import logging
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from audio.errors import AudioError
from audio.mix import EncodeSettings
from audio.mp3 import scan
from audio.sinks.base import Played, Sink
from broadcasts.channels.base import Broadcast, Delivery
from broadcasts.channels.playout import RelaySettings
from broadcasts.channels.radio_zones import Zone
from broadcasts.models import Outcome

__all__ = ["StreamSink", "LiveRelays", "play_stream", "heard_delivery", "LISTEN_TAIL_SECONDS"]

log = logging.getLogger(__name__)

LISTEN_TAIL_SECONDS = 1.5  # the listener hears the end of an airing this much after the sink sent it
SEGMENT_SECONDS = 5.0  # a relay to a sink that takes whole files goes out in files this long


@runtime_checkable
class StreamSink(Protocol):
    """A sink that takes a live stream of MP3 data (Icecast, the folder)."""

    def play_stream(self, chunks: Iterable[bytes], *, key: str) -> Played: ...


def _segments(chunks: Iterable[bytes], seconds_per_chunk: Callable[[bytes], float]) -> Iterator[bytes]:
    """Consecutive pieces of about SEGMENT_SECONDS of the stream."""
    part: list[bytes] = []
    length = 0.0
    for chunk in chunks:
        part.append(chunk)
        length += seconds_per_chunk(chunk)
        if length >= SEGMENT_SECONDS:
            yield b"".join(part)
            part, length = [], 0.0
    if part:
        yield b"".join(part)


def play_stream(sink: Sink, chunks: Iterable[bytes], *, key: str, encoding: EncodeSettings) -> Played:
    """Send a live stream to `sink`: as a stream where it takes one, else as consecutive files."""
    if isinstance(sink, StreamSink):
        return sink.play_stream(chunks, key=key)
    played: Played | None = None
    with tempfile.TemporaryDirectory(prefix="loa-relay-") as folder:
        for n, piece in enumerate(_segments(chunks, lambda c: sum(f.seconds for f in scan(c)))):
            path = Path(folder) / f"{key}-{n}.mp3"
            path.write_bytes(piece)
            played = sink.play(path, key=f"{key}-{n}" if n else key)
    if played is None:
        raise AudioError("relay_nothing", key=key)
    return played


class LiveRelays:
    """The relay sources of a channel: opened ahead of their start, played once, then closed."""

    def __init__(
        self,
        relays: dict[str, RelaySettings],
        *,
        encoding: EncodeSettings,
        path: Callable[[str], Path],
        wall: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.sleep = sleep
        self.relays = relays
        self.encoding = encoding
        self.path = path
        self.wall = wall
        self._open: dict[int, Any] = {}  # airing id -> RelaySource
        self._timers: dict[int, threading.Timer] = {}  # airing id -> the timer that opens it ahead
        self._lock = threading.Lock()

    def source(self, broadcast: Broadcast) -> Any:
        """The airing's relay source, opened now unless it was opened ahead."""
        with self._lock:
            timer = self._timers.pop(broadcast.airing_id, None)
            source = self._open.pop(broadcast.airing_id, None)
        if timer is not None:
            timer.cancel()
        return source if source is not None else self._new(broadcast)

    def _new(self, broadcast: Broadcast) -> Any:
        from audio.relay import RelaySource

        settings = self.relays.get(broadcast.relay or "")
        if settings is None or not settings.url:
            raise AudioError("relay_unknown", relay=broadcast.relay or "")
        source = RelaySource(
            settings.url,
            encoding=self.encoding,
            fallback=self.path(settings.fallback) if settings.fallback else None,
            connect_timeout=settings.connect_timeout_seconds,
            max_gap_seconds=settings.max_gap_seconds,
            reconnect_seconds=settings.reconnect_seconds,
        )
        source.open(wait=0)
        return source

    def open_ahead(self, broadcast: Broadcast) -> None:
        """Start connecting to the source `preroll_seconds` before the start, so the stream flows on the second."""
        wait = broadcast.due_at.timestamp() - self.preroll(broadcast.relay) - self.wall()
        if wait > 0:
            timer = threading.Timer(wait, self._open_now, args=(broadcast,))
            timer.daemon = True
            with self._lock:
                old_timer = self._timers.pop(broadcast.airing_id, None)
                self._timers[broadcast.airing_id] = timer
            if old_timer is not None:
                old_timer.cancel()
            timer.start()
            return
        self._open_now(broadcast)

    def _open_now(self, broadcast: Broadcast) -> None:
        with self._lock:
            self._timers.pop(broadcast.airing_id, None)
            if broadcast.airing_id in self._open:
                return
        try:
            source = self._new(broadcast)
        except Exception:  # the airing opens it again at its start, and says why it cannot
            log.warning("relay %s could not be opened ahead", broadcast.relay, exc_info=True)
            return
        with self._lock:
            old = self._open.pop(broadcast.airing_id, None)
            self._open[broadcast.airing_id] = source
        if old is not None:
            old.close()

    def preroll(self, name: str | None) -> float:
        settings = self.relays.get(name or "")
        return settings.preroll_seconds if settings is not None else 0.0

    def close(self) -> None:
        with self._lock:
            sources, self._open = list(self._open.values()), {}
            timers, self._timers = list(self._timers.values()), {}
        for timer in timers:
            timer.cancel()
        for source in sources:
            source.close()

    def play(self, broadcast: Broadcast, zone: Zone, now: Callable[[], Any]) -> Delivery:
        """Relay the stream into the zone until the airing's end; the log gets on-air seconds and gaps."""
        if broadcast.until is not None:
            seconds = (broadcast.until - now()).total_seconds()
        else:
            seconds = broadcast.relay_seconds or 0.0
        if seconds <= 0:
            return Delivery(outcome=Outcome.missed, error_code="relay_over")
        source = self.source(broadcast)
        zone.stop.clear()
        start = self.wall()
        cut = False
        try:
            played = play_stream(
                zone.sink, source.frames(seconds, zone.stop), key=broadcast.key, encoding=self.encoding
            )
        except AudioError as exc:
            if exc.code != "sink_interrupted":
                raise
            cut = True  # the sink was stopped (an emergency): what aired until then is still recorded
            played = Played(sink=zone.sink.name, target=broadcast.key)
        finally:
            report = source.report()
            source.close()
        end = self.wall()
        gaps = [
            {
                "at": round(g.start_seconds, 1),
                "seconds": round(g.seconds, 1),
                "reason": g.reason,
                "filled": g.filled_with,
            }
            for g in report.gaps
        ]
        detail: dict[str, Any] = {
            "sink": played.sink,
            "relay": broadcast.relay,
            "on_air_seconds": round(report.on_air_seconds, 1),
            "fallback_seconds": round(report.fallback_seconds, 1),
            "silence_seconds": round(report.silence_seconds, 1),
            "reconnects": report.reconnects,
            "gaps": gaps,
        }
        alerts: list[tuple[str, float | None, dict[str, Any]]] = []
        if report.gaps:
            lost = sum(g.seconds for g in report.gaps)
            kind = "relay_fallback" if report.fallback_seconds > 0 else "relay_gap"
            alerts.append((kind, round(lost, 1), {"relay": broadcast.relay, "gaps": len(report.gaps)}))
        delivery = Delivery(
            outcome=Outcome.aired,
            audio_seconds=round(report.seconds, 1),
            external_id=played.target,
            detail=detail,
            alerts=tuple(alerts),
        )
        cut = cut or report.stopped
        # cut short, the zone is wanted at once: what the listener heard so far is taken without waiting
        delivery = heard_delivery(delivery, zone, broadcast, start, end, (lambda _: None) if cut else self.sleep)
        if cut:
            raise AudioError("sink_interrupted", delivery=delivery)
        return delivery


def heard_delivery(
    delivery: Delivery,
    zone: Zone,
    broadcast: Broadcast,
    start: float,
    end: float,
    sleep: Callable[[float], None] = time.sleep,
) -> Delivery:
    """`delivery` with what the zone's listener heard between `start` and `end` (wall clock), and its alerts."""
    if zone.listener is None:
        return delivery
    sleep(LISTEN_TAIL_SECONDS)  # the listener hears the end of the airing a little after it was sent
    heard = zone.listener.heard(start, end + LISTEN_TAIL_SECONDS)
    alerts = list(delivery.alerts)
    if not heard.reachable:
        alerts.append(("mount_unreachable", round(heard.unreachable_seconds, 1), {"zone": zone.label}))
        return replace(delivery, alerts=tuple(alerts))
    due = broadcast.due_at.timestamp()
    delay = None if heard.first_audible_at is None else max(heard.first_audible_at - due, 0.0) * 1000
    longest = heard.longest_silence_seconds
    if heard.first_audible_at is None:
        longest = max(longest, end - start)
    if longest >= zone.dead_air_seconds:
        alerts.append(("dead_air", round(longest, 1), {"zone": zone.label}))
    return replace(
        delivery,
        heard_delay_ms=None if delay is None else round(delay, 1),
        heard_seconds=round(heard.heard_seconds, 1),
        silent_seconds=round(heard.silent_seconds, 1),
        longest_silence_seconds=round(longest, 1),
        alerts=tuple(alerts),
    )
