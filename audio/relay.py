"""A relay ("tiếp âm") of a live stream: MP3 frames for a set time, live when the source flows, filled when not.

An ffmpeg subprocess reads the source URL (an Icecast/HTTP stream of MP3 or
AAC, or an HLS `.m3u8` playlist, RFC 8216) and re-encodes it to constant-bitrate
MP3 at the station's rate on a pipe; a reader thread cuts the pipe into whole
frames (audio.mp3.split_frames). The encoder runs without the bit reservoir
(`-reservoir 0`, libmp3lame in https://ffmpeg.org/ffmpeg-codecs.html) so every
frame decodes on its own and live frames, silence and the fallback can be
spliced anywhere; the MP3 muxer writes no ID3 tag or Xing frame
(`-id3v2_version 0 -write_xing 0`, https://ffmpeg.org/ffmpeg-formats.html#mp3)
and flushes each packet (`-flush_packets 1`) so frames arrive as they are made.
Network reads give up after `connect_timeout` (`-rw_timeout`, in microseconds,
https://ffmpeg.org/ffmpeg-protocols.html) and only network protocols are
allowed (`-protocol_whitelist`), so a playlist cannot make ffmpeg open local
files. A connection that ends or stalls is retried every `reconnect_seconds`.

Icecast sends a new listener a burst of recent audio first (`burst-size`,
https://icecast.org/docs/icecast-2.4.1/config-file.html), so a relay usually
starts with a few seconds in hand; call `open(wait=...)` a little before the
slot. `frames()` is paced by its consumer (the sink sends in real time): it
hands out live frames as they come, waits at most WAIT_SECONDS for late ones,
and otherwise yields silence (or, when the source was down at the start or a
gap outlasts `max_gap_seconds`, the fallback file, looped), so the stream on
air never starves. Time is counted in frames yielded, so the relay lasts
exactly as long as asked, to one frame.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit

from audio.errors import AudioError
from audio.mix import EncodeSettings, ffmpeg_exe
from audio.mp3 import scan, split_frames
from audio.sinks.icecast import silent_frame

__all__ = ["Gap", "RelayReport", "RelaySource"]

log = logging.getLogger(__name__)

WAIT_SECONDS = 0.3  # how long frames() waits for late live audio before filling (keep well under the sink's lead)
LIVE_CHUNK_FRAMES = 8  # at most this many frames per yield (about 0.2 s at 44.1 kHz)
FILL_CHUNK_FRAMES = 4  # filler is yielded in small steps so live audio takes over soon after it returns
BUFFER_SECONDS = 30.0  # the reader stops reading (back-pressure) when this much audio waits
POLL_SECONDS = 0.2  # the reader thread's wake-up, to notice a stall or close()
PREPARE_TIMEOUT = 60.0  # encoding the silence frame and the fallback file
PROTOCOLS = "http,https,tcp,tls,crypto,httpproxy"
DOWN_AT_START, DROPPED = "down_at_start", "dropped"
SILENCE, FALLBACK = "silence", "fallback"


@dataclass(frozen=True)
class Gap:
    """A stretch of the relay without live audio: where it starts in the relay, how long, why, what filled it."""

    start_seconds: float
    seconds: float
    reason: str  # "down_at_start" (no live audio yet) or "dropped" (the source went away after playing)
    filled_with: str  # "silence" or "fallback"


@dataclass(frozen=True)
class RelayReport:
    """What a relay aired: its length and the share of live audio, fallback and silence in it."""

    seconds: float
    on_air_seconds: float  # live audio from the source
    fallback_seconds: float
    silence_seconds: float
    gaps: tuple[Gap, ...]
    reconnects: int  # connections after the first that brought audio again
    stopped: bool  # ended early by the stop event


def _redacted(url: str) -> str:
    """The URL without a user or password in it."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return parts._replace(netloc=netloc, query="").geturl()


def encoder_args(encoding: EncodeSettings) -> list[str]:
    """ffmpeg output options for the relay's MP3: mono CBR at the station's rate, every frame standing alone."""
    return [
        *("-vn", "-ac", "1", "-ar", str(encoding.sample_rate)),
        *("-c:a", "libmp3lame", "-b:a", encoding.bitrate, "-reservoir", "0"),
        *("-id3v2_version", "0", "-write_xing", "0", "-f", "mp3"),
    ]


class RelaySource:
    """A live stream as MP3 frames for the Icecast (or any) sink; see the module docstring."""

    def __init__(
        self,
        url: str,
        *,
        encoding: EncodeSettings,
        fallback: Path | None = None,
        connect_timeout: float = 5.0,
        max_gap_seconds: float = 10.0,
        reconnect_seconds: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        ffmpeg: str | None = None,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise AudioError("relay_bad_url", url=_redacted(url) if parts.hostname else "(not a URL)")
        self.url = url
        self.shown_url = _redacted(url)
        self.encoding = encoding
        self.fallback = Path(fallback) if fallback is not None else None
        self.connect_timeout = connect_timeout
        self.max_gap_seconds = max_gap_seconds
        self.reconnect_seconds = reconnect_seconds
        self._clock = clock
        self._ffmpeg = ffmpeg
        self._cond = threading.Condition()
        self._buffer: deque[bytes] = deque()
        self._closed = threading.Event()
        self._thread: threading.Thread | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._opened_at: float | None = None
        self._first_attempt_over = False
        self._had_audio = False
        self._reconnects = 0
        self.last_error = ""
        self._silence = b""
        self._frame_seconds = 1152 / encoding.sample_rate
        self._fallback_frames: list[bytes] = []
        self._counts = {"live": 0, FALLBACK: 0, SILENCE: 0}
        self._gaps: list[Gap] = []
        self._stopped = False

    def _encode(self, inputs: list[str], what: str) -> list[bytes]:
        """The frames of `inputs` encoded like the relay; AudioError naming `what` when that fails."""
        command = [self._exe(), "-hide_banner", "-loglevel", "error", "-nostdin", *inputs]
        command += [*encoder_args(self.encoding), "pipe:1"]
        code, params = ("audio_failed", {}) if what == "silence" else ("relay_fallback_unreadable", {"path": what})
        try:
            result = subprocess.run(command, capture_output=True, timeout=PREPARE_TIMEOUT, check=False)
            lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
            if result.returncode != 0:
                raise ValueError(lines[-1] if lines else "ffmpeg failed")
            frames = scan(result.stdout)
        except (subprocess.TimeoutExpired, OSError, ValueError) as exc:
            raise AudioError(code, **params, reason=str(exc)) from exc
        return [result.stdout[f.offset : f.offset + f.length] for f in frames]

    def _exe(self) -> str:
        return self._ffmpeg or ffmpeg_exe()

    def _prepare(self) -> None:
        """The silence frame (from the encoder itself, so its header matches) and the fallback, re-encoded once."""
        rate = self.encoding.sample_rate
        silent = self._encode(["-f", "lavfi", "-i", f"anullsrc=r={rate}:cl=mono", "-t", "0.5"], "silence")
        middle = silent[len(silent) // 2]
        frame = scan(middle)[0]
        self._silence = silent_frame(frame, middle)
        self._frame_seconds = frame.seconds
        if self.fallback is not None:
            if not self.fallback.is_file():
                raise AudioError("relay_fallback_unreadable", path=str(self.fallback), reason="no such file")
            self._fallback_frames = self._encode(["-i", str(self.fallback)], str(self.fallback))

    def open(self, wait: float | None = None) -> bool:
        """Start connecting (once); with `wait`, wait that long for audio. Whether live audio has arrived."""
        if self._closed.is_set():
            return False
        if self._thread is None:
            self._opened_at = self._clock()
            self._prepare()
            self._thread = threading.Thread(target=self._run, name=f"relay {self.shown_url}", daemon=True)
            self._thread.start()
        deadline = time.monotonic() + (wait or 0.0)
        with self._cond:
            while not self._buffer and not self._closed.is_set() and (left := deadline - time.monotonic()) > 0:
                self._cond.wait(min(left, POLL_SECONDS))
            return bool(self._buffer) or self._had_audio

    def _command(self) -> list[str]:
        timeout_us = str(int(self.connect_timeout * 1_000_000))
        inputs = ["-protocol_whitelist", PROTOCOLS, "-rw_timeout", timeout_us, "-i", self.url, "-map", "0:a:0"]
        head = [self._exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-nostats", *inputs]
        return [*head, *encoder_args(self.encoding), "-flush_packets", "1", "pipe:1"]

    def _run(self) -> None:
        while not self._closed.is_set():
            try:
                delivered = self._connect_once()
            except OSError as exc:
                delivered, self.last_error = False, f"cannot run ffmpeg: {exc}"
            with self._cond:
                self._first_attempt_over = True
                self._cond.notify_all()
            if not delivered:
                log.debug("relay %s: no audio (%s)", self.shown_url, self.last_error)
            if self._closed.wait(self.reconnect_seconds):
                break

    def _push(self, frames: list[bytes]) -> None:
        """Add frames for frames() to take, waiting (back-pressure) while the buffer is full."""
        cap = int(BUFFER_SECONDS / self._frame_seconds)
        with self._cond:
            while len(self._buffer) >= cap and not self._closed.is_set():
                self._cond.wait(POLL_SECONDS)
            self._buffer.extend(frames)
            self._cond.notify_all()

    def _connect_once(self) -> bool:
        """One ffmpeg connection, read to its end or stall; whether it brought audio."""
        proc = subprocess.Popen(
            self._command(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        with self._cond:
            self._proc = proc
        if self._closed.is_set():  # close() came while starting: it may have missed this process
            proc.kill()
        assert proc.stdout is not None and proc.stderr is not None
        out, err = proc.stdout.fileno(), proc.stderr.fileno()
        watched, pending, delivered, errors = [out, err], b"", False, b""
        last = self._clock()
        try:
            while not self._closed.is_set():
                ready, _, _ = select.select(watched, [], [], POLL_SECONDS)
                if err in ready:
                    chunk = os.read(err, 4096)
                    errors = (errors + chunk)[-2048:]
                    if not chunk:
                        watched.remove(err)
                if out in ready:
                    chunk = os.read(out, 65536)
                    if not chunk:
                        break
                    frames, pending = split_frames(pending + chunk)
                    if frames:
                        if not delivered:
                            delivered = True
                            with self._cond:
                                self._reconnects += self._had_audio
                                self._had_audio = True
                        self._push(frames)
                        last = self._clock()
                elif self._clock() - last > self.connect_timeout:
                    errors += f"\nno audio for {self.connect_timeout:g} s".encode()
                    break
        finally:
            self._stop(proc)
            lines = [ln for ln in errors.decode("utf-8", "replace").splitlines() if ln.strip()]
            self.last_error = self._hide(lines[-1] if lines else "the stream ended")
        return delivered

    def _hide(self, message: str) -> str:
        """`message` without the URL's user, password or query (ffmpeg may echo the URL)."""
        parts = urlsplit(self.url)
        message = message.replace(self.url, self.shown_url)
        for secret in (parts.password, parts.query):
            if secret:
                message = message.replace(secret, "***")
        return message

    def _stop(self, proc: subprocess.Popen[bytes]) -> None:
        with contextlib.suppress(OSError):
            proc.kill()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL is not refused
            log.warning("relay %s: ffmpeg %s did not exit", self.shown_url, proc.pid)
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()
        with self._cond:
            if self._proc is proc:
                self._proc = None

    def _take(self, count: int, wait: float) -> list[bytes]:
        deadline = time.monotonic() + wait
        with self._cond:
            while not self._buffer and not self._closed.is_set() and (left := deadline - time.monotonic()) > 0:
                self._cond.wait(left)
            taken = [self._buffer.popleft() for _ in range(min(count, len(self._buffer)))]
            if taken:
                self._cond.notify_all()
            return taken

    def _source_down(self) -> bool:
        """At the start: whether the source counts as down (a first attempt failed, or it is taking too long)."""
        with self._cond:
            if self._first_attempt_over:
                return True
        return self._opened_at is not None and self._clock() - self._opened_at >= self.connect_timeout

    def frames(self, seconds: float, stop: threading.Event) -> Iterator[bytes]:
        """MP3 data (whole frames) for `seconds` of audio, or until `stop` is set (or close() called); see the module
        docstring. It ends with `report().stopped` when cut short."""
        self.open()
        total = max(0, round(seconds / self._frame_seconds))
        done, live_seen = 0, False
        outage: int | None = None  # the frame where the present gap started
        segment: tuple[int, str, str] | None = None  # (first frame, reason, filled with) of the gap's present part
        fallback_at = 0
        try:
            while done < total:
                if stop.is_set() or self._closed.is_set():
                    self._stopped = True
                    break
                live = self._take(min(total - done, LIVE_CHUNK_FRAMES), 0.0 if outage is not None else WAIT_SECONDS)
                if live:
                    if segment is not None:
                        self._record(segment, done)
                    outage, segment, live_seen = None, None, True
                    done += len(live)
                    self._counts["live"] += len(live)
                    yield b"".join(live)
                    continue
                if outage is None:
                    outage, fallback_at = done, 0
                reason = DROPPED if live_seen else DOWN_AT_START
                filled = self._filler(reason, segment, (done - outage) * self._frame_seconds)
                if segment is None or segment[2] != filled:
                    if segment is not None:
                        self._record(segment, done)
                    segment = (done, reason, filled)
                count = min(total - done, FILL_CHUNK_FRAMES)
                if filled == FALLBACK:
                    n = len(self._fallback_frames)
                    chunk = b"".join(self._fallback_frames[(fallback_at + i) % n] for i in range(count))
                    fallback_at += count
                else:
                    chunk = self._silence * count
                done += count
                self._counts[filled] += count
                yield chunk
        finally:
            if segment is not None:
                self._record(segment, done)

    def _filler(self, reason: str, segment: tuple[int, str, str] | None, outage_seconds: float) -> str:
        if not self._fallback_frames:
            return SILENCE
        if segment is not None and segment[2] == FALLBACK:
            return FALLBACK
        if reason == DOWN_AT_START:
            return FALLBACK if self._source_down() else SILENCE
        return FALLBACK if outage_seconds >= self.max_gap_seconds else SILENCE

    def _record(self, segment: tuple[int, str, str], end: int) -> None:
        start, reason, filled = segment
        if end > start:
            fs = self._frame_seconds
            self._gaps.append(Gap(round(start * fs, 3), round((end - start) * fs, 3), reason, filled))

    def report(self) -> RelayReport:
        fs = self._frame_seconds
        live, fallback, silence = self._counts["live"], self._counts[FALLBACK], self._counts[SILENCE]
        return RelayReport(
            seconds=round((live + fallback + silence) * fs, 3),
            on_air_seconds=round(live * fs, 3),
            fallback_seconds=round(fallback * fs, 3),
            silence_seconds=round(silence * fs, 3),
            gaps=tuple(self._gaps),
            reconnects=self._reconnects,
            stopped=self._stopped,
        )

    def close(self) -> None:
        """Stop reading and kill ffmpeg; safe to call more than once."""
        self._closed.set()
        with self._cond:
            proc = self._proc
            self._cond.notify_all()
        if proc is not None:
            with contextlib.suppress(OSError):
                proc.kill()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(10)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()
