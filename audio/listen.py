"""Proof of airing: listen to an Icecast mount as an IP loudspeaker would and measure what arrives.

A listener is an HTTP GET of the mount (Icecast sends the stream as the body of
the answer, after a burst of recent audio when `burst-on-connect` is set). The
MP3 frames are cut with audio.mp3 as they arrive and each frame's wall-clock
arrival is noted; ffmpeg (imageio-ffmpeg's) decodes them to mono 16-bit PCM at
8 kHz and the RMS of each window (`window_seconds`) is measured. A window is
stamped with the arrival time of the MP3 frame that completed it, not with the
time ffmpeg hands its samples over, so ffmpeg's own buffering (small anyway with
`-probesize 32 -analyzeduration 0 -fflags nobuffer -flush_packets 1`, see
ffmpeg-formats(1), "Format options") does not shift the measurement: a stamp is
late by at most one MP3 frame (26 ms at 44.1 kHz) plus socket reads.
`wait_audible` returns only once ffmpeg has decoded the window: measured 1-2 ms
after the stamp for a kept-up mount on loopback (which sends an airing's first
second at once), about 50 ms for frames arriving at real-time pace.

Arrival is not playback: a loudspeaker plays what it received in order, behind
its own buffer (which Icecast's burst-on-connect fills), so it hears an airing
later than it arrives, by that buffer plus the silence queued before it.

A window louder than `threshold_dbfs` is audible. When the mount cannot be
reached, or the stream drops or stalls for `timeout`, the listener reconnects
(every RETRY seconds) and records the unreachable period.
"""

from __future__ import annotations

import bisect
import contextlib
import math
import socket
import subprocess
import threading
import time
from array import array
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from audio.mix import ffmpeg_exe
from audio.mp3 import stream_frames

__all__ = ["Heard", "MountListener"]

RATE = 8000  # Hz of the decoded mono PCM
RETRY = 0.5  # seconds between connection attempts


@dataclass(frozen=True)
class Heard:
    """What arrived at the listener between two wall times."""

    reachable: bool
    first_audible_at: float | None
    heard_seconds: float
    silent_seconds: float
    longest_silence_seconds: float
    unreachable_seconds: float


class MountListener:
    """A loudspeaker inside Loa: stays connected to `url` and keeps per-window loudness with arrival times."""

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 5.0,
        threshold_dbfs: float = -45.0,
        window_seconds: float = 0.1,
        keep_seconds: float = 3600.0,
        wall: Callable[[], float] = time.time,
        ffmpeg: str | None = None,
    ) -> None:
        parts = urlsplit(url)
        self.host = parts.hostname or ""
        self.port = parts.port or 80
        self.path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.url = f"{parts.scheme}://{self.host}:{self.port}{parts.path}"  # never with credentials
        self.timeout = timeout
        self.threshold = threshold_dbfs
        self.window = window_seconds
        self.keep = keep_seconds
        self.wall = wall
        self.ffmpeg = ffmpeg
        self._cond = threading.Condition()
        self._windows: deque[tuple[float, float]] = deque()  # (arrival wall time, dBFS)
        self._down: list[list[float | None]] = []  # unreachable periods [start, end or None]
        self._connected = False
        self._closed = False
        self._sock: socket.socket | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._thread = threading.Thread(target=self._run, name="mount-listener", daemon=True)

    # -- public --------------------------------------------------------------------

    def start(self) -> None:
        """Start listening in the background (AudioError when there is no ffmpeg)."""
        self.ffmpeg = self.ffmpeg or ffmpeg_exe()
        if not self._thread.is_alive() and not self._closed:
            self._thread.start()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            sock, proc = self._sock, self._proc
            self._cond.notify_all()
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        if proc is not None:
            with contextlib.suppress(OSError):
                proc.kill()
        if self._thread.is_alive():
            self._thread.join(self.timeout + 5)

    @property
    def connected(self) -> bool:
        with self._cond:
            return self._connected

    def heard(self, start: float, end: float) -> Heard:
        """What arrived between wall times `start` and `end` (epoch seconds)."""
        with self._cond:
            windows = [(at, db) for at, db in self._windows if start <= at < end]
            unreachable = 0.0
            now = self.wall()
            for down_start, down_end in self._down:
                stop = now if down_end is None else down_end
                assert down_start is not None
                unreachable += max(0.0, min(end, stop) - max(start, down_start))
        first = next((at for at, db in windows if db > self.threshold), None)
        audible = sum(1 for _, db in windows if db > self.threshold)
        longest = run = 0
        for _, db in windows:
            run = 0 if db > self.threshold else run + 1
            longest = max(longest, run)
        span = max(end - start, 0.0)
        return Heard(
            reachable=bool(windows) or unreachable < span - self.window,
            first_audible_at=first,
            heard_seconds=round(audible * self.window, 3),
            silent_seconds=round((len(windows) - audible) * self.window, 3),
            longest_silence_seconds=round(longest * self.window, 3),
            unreachable_seconds=round(unreachable, 3),
        )

    def wait_audible(self, after: float, timeout: float) -> float | None:
        """Block until an audible window arrives after wall time `after`; its arrival time, None after `timeout` s."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                if found := next((at for at, db in self._windows if at >= after and db > self.threshold), None):
                    return found
                left = deadline - time.monotonic()
                if left <= 0 or self._closed:
                    return None
                self._cond.wait(min(left, 0.05))

    # -- the listening thread ------------------------------------------------------

    def _mark(self, connected: bool, since: float | None = None) -> None:
        """Note that the mount is reached, or not (since wall time `since`: when the failed attempt began)."""
        with self._cond:
            now = self.wall()
            if connected and self._down and self._down[-1][1] is None:
                self._down[-1][1] = now
            elif not connected and not (self._down and self._down[-1][1] is None):
                self._down.append([now if since is None else since, None])
            self._connected = connected
            while self._down and self._down[0][1] is not None and self._down[0][1] < now - self.keep:
                self._down.pop(0)
            self._cond.notify_all()

    def _run(self) -> None:
        while not self._closed:
            attempt = self.wall()
            sock = self._get()
            if sock is None:
                self._mark(False, since=attempt)  # a host that never answers is down from the attempt on
                with self._cond:
                    if not self._closed:
                        self._cond.wait(RETRY)
                continue
            self._mark(True)
            try:
                self._listen(sock)
            except OSError:  # ffmpeg could not run: like a drop, retried
                pass
            finally:
                sock.close()
                with self._cond:
                    self._sock = None
            if not self._closed:
                self._mark(False)
                with self._cond:
                    self._cond.wait(RETRY / 5)  # a dropped stream is retried soon, never in a tight loop

    def _get(self) -> socket.socket | None:
        """Connect and send the GET; the socket positioned at the stream, or None when the mount is not there."""
        try:
            sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        except OSError:
            return None
        with self._cond:
            self._sock = sock
        try:
            request = f"GET {self.path} HTTP/1.0\r\nHost: {self.host}:{self.port}\r\nUser-Agent: Loa listener\r\n\r\n"
            sock.sendall(request.encode("latin-1"))
            head = b""
            while b"\r\n\r\n" not in head and len(head) < 16_384:
                byte = sock.recv(1)
                if not byte:
                    break
                head += byte
            words = head.split(b"\r\n", 1)[0].split(b" ")
            if len(words) >= 2 and words[1] == b"200":
                return sock
        except OSError:
            pass
        sock.close()
        with self._cond:
            self._sock = None
        return None

    def _chunks(self, sock: socket.socket, arrivals: list[tuple[int, float]]) -> Iterator[bytes]:
        """The stream's bytes as they come, noting (bytes received so far, wall time) for each read."""
        received = 0
        while not self._closed:
            try:
                chunk = sock.recv(4096)
            except OSError:
                return
            if not chunk:
                return
            received += len(chunk)
            arrivals.append((received, self.wall()))
            yield chunk

    def _listen(self, sock: socket.socket) -> None:
        """Decode the stream of one connection until it ends; windows are stamped by frame arrival."""
        command = [self.ffmpeg or "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin"]
        command += ["-fflags", "nobuffer", "-probesize", "32", "-analyzeduration", "0", "-f", "mp3", "-i", "pipe:0"]
        command += ["-ac", "1", "-ar", str(RATE), "-flush_packets", "1", "-f", "s16le", "pipe:1"]
        proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        with self._cond:
            self._proc = proc
        ends: list[float] = []  # stream seconds at the end of each frame fed
        stamps: list[float] = []  # arrival wall time of each frame
        reader = threading.Thread(target=self._read, args=(proc, ends, stamps), daemon=True)
        reader.start()
        arrivals: list[tuple[int, float]] = []
        position = 0.0
        assert proc.stdin is not None
        try:
            for data, frame in stream_frames(self._chunks(sock, arrivals)):
                end = frame.offset + frame.length
                while len(arrivals) > 1 and arrivals[1][0] < end:
                    arrivals.pop(0)
                at = next((t for n, t in arrivals if n >= end), arrivals[-1][1])
                position += frame.seconds
                with self._cond:
                    ends.append(position)
                    stamps.append(at)
                proc.stdin.write(data)
                proc.stdin.flush()
        except (OSError, ValueError):
            pass  # ffmpeg went away: the connection is treated as dropped
        finally:
            with contextlib.suppress(OSError):
                proc.stdin.close()
            reader.join(2.0)
            with contextlib.suppress(OSError):
                proc.kill()
            proc.wait(5)
            reader.join(2.0)
            if proc.stdout is not None:
                proc.stdout.close()
            with self._cond:
                self._proc = None

    def _read(self, proc: subprocess.Popen[bytes], ends: list[float], stamps: list[float]) -> None:
        """Measure each window of decoded PCM and stamp it with the arrival of the frame that completed it."""
        size = max(int(RATE * self.window), 1) * 2
        buffer = b""
        windows = 0
        assert proc.stdout is not None
        while True:
            chunk = proc.stdout.read1(size)  # type: ignore[attr-defined]
            if not chunk:
                return
            buffer += chunk
            while len(buffer) >= size:
                samples = array("h", buffer[:size])
                buffer = buffer[size:]
                windows += 1
                rms = math.sqrt(sum(s * s for s in samples) / len(samples))
                dbfs = 20 * math.log10(rms / 32768) if rms > 0 else -120.0
                with self._cond:
                    index = bisect.bisect_left(ends, windows * self.window - 1e-9)
                    at = stamps[min(index, len(stamps) - 1)] if stamps else self.wall()
                    if index > 4096:  # frames behind the decoder are needed no more
                        del ends[:index], stamps[:index]
                    self._windows.append((at, dbfs))
                    while self._windows and self._windows[0][0] < at - self.keep:
                        self._windows.popleft()
                    self._cond.notify_all()
