"""The benchmark's listener: what a loudspeaker hears on a mount, measured without any of Loa's code.

A raw HTTP/1.0 GET of the mount (the request an IP loudspeaker sends; Icecast
answers 200 and streams the MP3 for as long as a source feeds the mount), whose
bytes are piped into ffmpeg decoding to 44.1 kHz mono signed 16-bit PCM on its
stdout (the clips' rate: no resampling, which delays a frame). The PCM of each
read from ffmpeg is cut into windows of at most WINDOW_MS (a window never
waits for the next read); each window gets its RMS level in dBFS and the time
(``time.time()``) its read came out of ffmpeg. "First audible audio" is the
first window at or above AUDIBLE_DBFS. When the mount is down (404) or the
stream ends, the listener asks again every RECONNECT_SECONDS, as a loudspeaker
retries; the same ffmpeg keeps decoding across connections.

ffmpeg's MP3 demuxer reads 1024-byte packets (libavformat/mp3dec.c,
MP3_PACKET_SIZE), so frames that have arrived would wait for more bytes (up to
~80 ms with Liquidsoap, whose output reaches the listener as 1400 bytes every
80 ms): the listener cuts what it receives into whole frames (its own small
Layer III header parser) and writes each batch followed by 1024 zero bytes,
which ffmpeg's parser skips as junk between frames.

The listener's own latency (socket to ffmpeg, decoding, pipe, windowing) is
measured by `calibrate`: a local server streams silence frames at their
real-time pace and, at an instant it notes, the first frame of a tone; the
listener's onset minus that instant is the listener's latency (about 1 ms on
the benchmark machine), included equally in both sides' numbers.

ffmpeg options relied on (https://ffmpeg.org/ffmpeg-formats.html#Format-Options):
``-fflags nobuffer``, ``-probesize 32`` and ``-analyzeduration 0`` to start
decoding at once, ``-flush_packets 1`` to write each decoded packet at once.
"""

from __future__ import annotations

import contextlib
import math
import os
import socket
import subprocess
import threading
import time
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

__all__ = ["AUDIBLE_DBFS", "Listener", "Window", "calibrate", "first_audible", "level_dbfs"]

RATE = 44_100  # Hz of the decoded PCM: the clips' rate, so ffmpeg does not resample (which delays a frame)
WINDOW_MS = 10
AUDIBLE_DBFS = -40.0  # the clips are tones near -15 dBFS RMS; silence decodes to digital zero
RECONNECT_SECONDS = 0.02
SILENT_DBFS = -120.0
# ffmpeg's MP3 demuxer reads 1024-byte packets (libavformat/mp3dec.c, MP3_PACKET_SIZE) and would hold
# the frames that arrived until the next 1024 bytes do; zeros after each batch of whole frames fill the
# packet and are skipped by its parser as bytes between frames
FILLER = bytes(1024)


def level_dbfs(samples: Sequence[int]) -> float:
    """RMS level of signed 16-bit samples in dBFS (SILENT_DBFS for digital silence or no samples)."""
    if not samples:
        return SILENT_DBFS
    power = sum(s * s for s in samples) / len(samples)
    if power <= 0:
        return SILENT_DBFS
    return max(10 * math.log10(power / (32768.0 * 32768.0)), SILENT_DBFS)


class Window(NamedTuple):
    """One window of decoded audio: when it came out of ffmpeg, its level, where it starts in the stream."""

    at: float  # time.time() of arrival
    dbfs: float
    position: float  # seconds of audio decoded before it since the listener started


def first_audible(
    windows: Sequence[Window], start: float, end: float, threshold: float = AUDIBLE_DBFS
) -> Window | None:
    """The first window at or above `threshold` that arrived within [start, end)."""
    for window in windows:
        if start <= window.at < end and window.dbfs >= threshold:
            return window
    return None


_KBPS = {
    3: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),  # MPEG-1 Layer III
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),  # MPEG-2 and 2.5 Layer III
}
_HZ = {3: (44_100, 48_000, 32_000), 2: (22_050, 24_000, 16_000), 0: (11_025, 12_000, 8_000)}


def frame_length(header: bytes) -> int | None:
    """The length in bytes of the MPEG Layer III frame whose 4-byte header this is, or None if it is not one."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return None
    version, layer = (header[1] >> 3) & 3, (header[1] >> 1) & 3
    index, rate, padding = header[2] >> 4, (header[2] >> 2) & 3, (header[2] >> 1) & 1
    if version == 1 or layer != 1 or index in (0, 15) or rate == 3:
        return None
    kbps = _KBPS[3 if version == 3 else 2][index]
    return (144 if version == 3 else 72) * kbps * 1000 // _HZ[version][rate] + padding


class FrameSplitter:
    """Cuts a byte stream into whole MP3 frames, skipping what is not one (a stream joined mid-frame)."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        self.buffer += data
        frames: list[bytes] = []
        pos = 0
        while len(self.buffer) - pos >= 4:
            length = frame_length(bytes(self.buffer[pos : pos + 4]))
            if length is None:
                pos += 1
                continue
            if len(self.buffer) - pos < length:
                break
            frames.append(bytes(self.buffer[pos : pos + length]))
            pos += length
        del self.buffer[:pos]
        return frames


def ffmpeg_decoder(ffmpeg: str) -> list[str]:
    """The ffmpeg command that decodes an MP3 byte stream on stdin to raw PCM on stdout, with no buffering."""
    return [
        ffmpeg,
        "-hide_banner",
        "-loglevel",
        "error",
        "-fflags",
        "nobuffer",
        "-probesize",
        "32",
        "-analyzeduration",
        "0",
        "-f",
        "mp3",
        "-i",
        "pipe:0",
        "-ac",
        "1",
        "-ar",
        str(RATE),
        "-f",
        "s16le",
        "-flush_packets",
        "1",
        "pipe:1",
    ]


def _get(port: int, mount: str, timeout: float) -> tuple[int, socket.socket]:
    """A raw GET of the mount; returns (status, socket positioned at the body)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        sock.sendall(f"GET {mount} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: onair-listener\r\n\r\n".encode())
        head = b""
        while b"\r\n\r\n" not in head and len(head) < 16_384:
            chunk = sock.recv(1)
            if not chunk:
                break
            head += chunk
        words = head.split(b"\r\n", 1)[0].split(b" ")
        return (int(words[1]) if len(words) > 1 and words[1].isdigit() else 0), sock
    except BaseException:
        sock.close()
        raise


class Listener:
    """Listens to one mount from `start` to `stop`; `windows` holds a Window per WINDOW_MS of audio."""

    def __init__(self, port: int, mount: str, *, ffmpeg: str, timeout: float = 5.0) -> None:
        self.port = port
        self.mount = mount
        self.ffmpeg = ffmpeg
        self.timeout = timeout
        self.windows: list[Window] = []
        self.joins: list[float] = []  # when each connection was answered 200
        self.connected = threading.Event()  # set at the first 200 answer
        self._stopping = threading.Event()
        self._proc: subprocess.Popen[bytes] | None = None
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        self._proc = subprocess.Popen(
            ffmpeg_decoder(self.ffmpeg), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self._threads = [
            threading.Thread(target=self._fetch, name=f"listen{self.mount}", daemon=True),
            threading.Thread(target=self._decode, name=f"decode{self.mount}", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def _fetch(self) -> None:
        assert self._proc is not None and self._proc.stdin is not None
        sink = self._proc.stdin
        while not self._stopping.is_set():
            try:
                status, sock = _get(self.port, self.mount, self.timeout)
            except OSError:
                self._stopping.wait(RECONNECT_SECONDS)
                continue
            with sock:
                if status != 200:
                    self._stopping.wait(RECONNECT_SECONDS)
                    continue
                self.joins.append(time.time())
                splitter = FrameSplitter()
                self.connected.set()
                sock.settimeout(0.5)
                while not self._stopping.is_set():
                    try:
                        chunk = sock.recv(65_536)
                    except TimeoutError:
                        continue
                    except OSError:
                        break
                    if not chunk:
                        break
                    frames = splitter.feed(chunk)
                    if not frames:
                        continue
                    try:
                        sink.write(b"".join(frames) + FILLER)
                        sink.flush()
                    except (BrokenPipeError, ValueError):
                        return
            self._stopping.wait(RECONNECT_SECONDS)

    def _decode(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        size = RATE * WINDOW_MS // 1000 * 2
        odd = b""  # a byte left over from a read that split a sample
        position = 0.0
        while True:
            chunk = os.read(fd, 65_536)
            now = time.time()
            if not chunk:
                return
            chunk, odd = odd + chunk, b""
            if len(chunk) % 2:
                chunk, odd = chunk[:-1], chunk[-1:]
            for start in range(0, len(chunk), size):  # windows never wait for the next read
                samples = array("h", chunk[start : start + size])
                self.windows.append(Window(now, level_dbfs(samples), position))
                position += len(samples) / RATE

    def stop(self) -> None:
        self._stopping.set()
        proc = self._proc
        if proc is not None:
            if proc.stdin is not None:
                with contextlib.suppress(OSError):
                    proc.stdin.close()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        for thread in self._threads:
            thread.join(5)


@dataclass(frozen=True)
class Calibration:
    latencies_ms: list[float]  # onset at the listener minus the instant the first tone frame was sent

    @property
    def median_ms(self) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[len(ordered) // 2] if ordered else float("nan")

    @property
    def max_ms(self) -> float:
        return max(self.latencies_ms) if self.latencies_ms else float("nan")


def _frames(path: Path) -> list[tuple[bytes, float]]:
    """The audio frames of an MP3 with their play time (Loa's frame parser, used here only to pace the server)."""
    from audio.mp3 import read_mp3

    mp3 = read_mp3(path)
    return [(mp3.data[f.offset : f.offset + f.length], f.seconds) for f in mp3.frames]


def _blocks(frames: list[tuple[bytes, float]], block_bytes: int) -> Iterator[tuple[int, bytes, float]]:
    """Whole frames grouped in blocks of about `block_bytes` (0: one frame each): (first index, bytes, seconds)."""
    start = 0
    while start < len(frames):
        end, size = start, 0
        while end < len(frames) and (size < block_bytes or end == start):
            size += len(frames[end][0])
            end += 1
        yield start, b"".join(f for f, _ in frames[start:end]), sum(s for _, s in frames[start:end])
        start = end


def calibrate(ffmpeg: str, tone: Path, silence: Path, *, rounds: int = 6, block_bytes: int = 0) -> Calibration:
    """The listener's own latency: against a local server pacing silence, then a tone, at real time.

    The server sends one frame at a time when it is due (or blocks of about
    `block_bytes` of whole frames), after two seconds of warm-up; the instant
    the tone's first frame is sent is the reference.
    """
    tone_frames, silent_frames = _frames(tone), _frames(silence)
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(10)
    port = int(server.getsockname()[1])
    sent_at: list[float] = []
    done = threading.Event()

    def serve() -> None:
        try:
            conn, _ = server.accept()
        except OSError:
            return
        with conn:
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = conn.recv(1024)
                if not chunk:
                    return
                request += chunk
            conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: audio/mpeg\r\n\r\n")
            clock = time.time()
            try:
                for _, block, seconds in _blocks(silent_frames * 2, block_bytes):  # warm-up, as in the run
                    time.sleep(max(clock - time.time(), 0.0))
                    conn.sendall(block)
                    clock += seconds
                for _ in range(rounds):
                    for part, marks in ((silent_frames, False), (tone_frames, True)):
                        for start, block, seconds in _blocks(part, block_bytes):
                            delay = clock - time.time()
                            if delay > 0:
                                time.sleep(delay)
                            if marks and start == 0:
                                sent_at.append(time.time())
                            conn.sendall(block)
                            clock += seconds
                time.sleep(1.0)
                conn.sendall(b"".join(frame for frame, _ in silent_frames))  # push the last tone out
            except OSError:
                pass
            done.set()

    thread = threading.Thread(target=serve, daemon=True)
    listener = Listener(port, "/calibration.mp3", ffmpeg=ffmpeg)
    thread.start()
    listener.start()
    try:
        done.wait(rounds * 10 + 20)
        time.sleep(0.3)
    finally:
        listener.stop()
        server.close()
        thread.join(5)
    latencies = []
    for at in sent_at:
        onset = first_audible(listener.windows, at - 0.2, at + 1.0)
        if onset is not None:
            latencies.append((onset.at - at) * 1000)
    return Calibration(latencies)
