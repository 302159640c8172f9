"""The Icecast sink: be the live source of an Icecast mount that IP loudspeakers pull.

Icecast 2.4 takes a source as an HTTP PUT to the mount (Basic auth, Content-Type,
ice-* headers) and reads the body as a live stream; it does not accept a
chunked body, so a per-airing request carries the exact Content-Length. Servers older
than 2.4 only know the legacy SOURCE method, which is tried when PUT is refused
as unknown. The MP3 frames are sent at the pace they play (a little ahead), so
listeners hear the bulletin live, followed by half a second of silence that
flushes Icecast's last block; `play` returns when the last frame is due.
The password never appears in errors or logs.

With `keep_up`, the mount stays up between airings instead (audio/sinks/live.py):
`start()` connects a sender thread that sends silence, or a looped carrier,
at the pace it plays; `play` and `play_stream` queue an airing's frames right
after what was already sent and return when its last frame is due; `stop()`
interrupts the airing but the mount stays up; the sender reconnects by itself. A play while the
mount is down waits up to the sink's timeout for it, then fails ("sink_failed", the last error).
"""

from __future__ import annotations

import base64
import contextlib
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import urlsplit

from audio.errors import AudioError
from audio.mix import EncodeSettings
from audio.mp3 import Frame, Mp3, read_mp3, scan
from audio.sinks.base import Played
from audio.sinks.filler import filler_frames, mp3_frames, zeroed_frame
from audio.sinks.ledger import Book, Ledger
from audio.sinks.live import Item, LiveSource, MountStatus

__all__ = ["IcecastSink", "MountStatus", "stream_payload"]

LEAD_SECONDS = 1.0  # how far ahead of real time audio is sent (absorbs network jitter)
STEP_SECONDS = 0.1  # how often the sender wakes up to send what is due
UNKNOWN_METHOD = (400, 405, 501)  # a server that does not take PUT sources
FLUSH_BYTES = 8192  # silence after the audio: twice Icecast's 4 KiB block


def silent_frame(frame: Frame, data: bytes) -> bytes:
    """A frame like `frame` (no padding, no CRC) whose all-zero content decodes to silence."""
    return zeroed_frame(data, frame.offset, frame.length)


def stream_payload(mp3: Mp3) -> tuple[bytes, list[tuple[int, float]]]:
    """The audio frames and a silent tail, with the end offset and play time of each frame.

    Icecast hands MP3 data to listeners in whole blocks of 4 KiB, so the last
    partial block of a source would never be heard: the tail of silence
    (FLUSH_BYTES) pushes the end of the bulletin out.
    """
    parts: list[bytes] = []
    marks: list[tuple[int, float]] = []
    end = 0
    for frame in mp3.frames:
        parts.append(mp3.data[frame.offset : frame.offset + frame.length])
        end += frame.length
        marks.append((end, frame.seconds))
    last = mp3.frames[-1]
    silence = silent_frame(last, mp3.data)
    for _ in range(-(-FLUSH_BYTES // len(silence))):
        parts.append(silence)
        end += len(silence)
        marks.append((end, last.seconds))
    return b"".join(parts), marks


class _Refused(Exception):
    """The server answered the source request with an error status."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(status, text)
        self.status = status
        self.text = text


class IcecastSink:
    """Streams each MP3 live to an Icecast mount as its source."""

    name = "icecast"

    def __init__(
        self,
        *,
        url: str,
        user: str,
        password: str,
        timeout: float,
        ledger: Path | Book,
        keep_up: bool = False,
        carrier: Path | None = None,
        encoding: EncodeSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        parts = urlsplit(url)
        self.host = parts.hostname or ""
        self.tls = parts.scheme == "https"
        try:
            self.port = parts.port or (443 if self.tls else 80)
        except ValueError:
            self.port = 0
        self.mount = parts.path or "/"
        self.netloc = f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"
        self.url = f"{parts.scheme}://{self.netloc}{self.mount}"  # never with credentials
        if parts.scheme not in ("http", "https") or not self.host or not self.port or self.mount == "/":
            raise self._fail("the URL must look like http://host:port/mount.mp3")
        self.user = user or "source"
        self.password = password
        self.timeout = timeout
        self.ledger = Ledger(ledger)
        self._lock, self._start_lock = threading.Lock(), threading.Lock()
        self._sock: socket.socket | None = None
        self._stopping = threading.Event()
        self.keep_up = keep_up
        self.carrier = carrier
        self.encoding = encoding or EncodeSettings()
        self._clock = clock
        self._sleep = sleep
        self._live: LiveSource | None = None
        self._header_frame: Frame | None = None

    def _fail(self, reason: str) -> AudioError:
        return AudioError("sink_failed", sink=f"{self.name} {self.url}", reason=self._redact(reason))

    def _redact(self, text: str) -> str:
        password = getattr(self, "password", "")
        return text.replace(password, "***") if len(password) >= 4 else text  # reasons never quote it anyway

    # -- connection ----------------------------------------------------------------

    def _connect(self) -> socket.socket:
        try:
            sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        except socket.gaierror as exc:
            raise self._fail(f"unknown host {self.host}: {exc.strerror or exc}") from exc
        except ConnectionRefusedError as exc:
            raise self._fail(f"connection refused by {self.host}:{self.port} (is Icecast running?)") from exc
        except TimeoutError as exc:
            raise self._fail(f"no connection to {self.host}:{self.port} within {self.timeout:g} s") from exc
        except OSError as exc:
            raise self._fail(f"cannot connect to {self.host}:{self.port}: {exc.strerror or exc}") from exc
        if self.tls:
            try:
                sock = ssl.create_default_context().wrap_socket(sock, server_hostname=self.host)
            except (OSError, ssl.SSLError) as exc:
                sock.close()
                raise self._fail(f"TLS handshake with {self.host}:{self.port} failed: {exc}") from exc
        return sock

    def _request(self, method: str, length: int | None, frame: Frame) -> bytes:
        token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii")
        version = "HTTP/1.1" if method == "PUT" else "HTTP/1.0"
        lines = [
            f"{method} {self.mount} {version}",
            f"Host: {self.netloc}",
            f"Authorization: Basic {token}",
            "User-Agent: Loa",
            "Content-Type: audio/mpeg",
            # a kept-up source streams until it closes: no length, like libshout (see audio/sinks/live.py)
            f"Content-Length: {length}" if length is not None else ("Expect: 100-continue" if method == "PUT" else ""),
            "Ice-Name: Loa",
            "Ice-Description: Loa bulletin",
            "Ice-Public: 0",
            f"Ice-Bitrate: {frame.bitrate}",
            f"Ice-Audio-Info: samplerate={frame.sample_rate};channels={frame.channels};bitrate={frame.bitrate}",
        ]
        return ("\r\n".join(line for line in lines if line) + "\r\n\r\n").encode("latin-1")

    def _answer(self, sock: socket.socket) -> tuple[int, str]:
        """Read the server's answer to the source request: (status, reason text); 100 Continue is skipped."""
        buffer = b""
        while True:
            while b"\r\n\r\n" not in buffer:
                chunk = sock.recv(4096)
                if not chunk:
                    if self._stopping.is_set():
                        raise AudioError("sink_interrupted")
                    raise self._fail("the server closed the connection without answering")
                buffer += chunk
                if len(buffer) > 65_536:
                    raise self._fail("the server's answer is not HTTP")
            head, _, buffer = buffer.partition(b"\r\n\r\n")
            status_line = head.split(b"\r\n", 1)[0].decode("latin-1")
            words = status_line.split(" ", 2)
            if len(words) < 2 or not words[1].isdigit():
                raise self._fail(f"unexpected answer from the server: {status_line[:80]!r}")
            status = int(words[1])
            if status == 100:
                continue
            body = buffer.decode("utf-8", "replace").strip().splitlines()
            if not body and status >= 300:
                body = self._rest(sock).strip().splitlines()
            reason = words[2] if len(words) > 2 else ""
            return status, (body[0][:160] if body and "<" not in body[0] else reason)

    def _rest(self, sock: socket.socket) -> str:
        """What follows an error answer (Icecast says why in a short body), read for at most a second."""
        sock.settimeout(min(self.timeout, 1.0))
        chunks: list[bytes] = []
        try:
            while sum(map(len, chunks)) < 4096 and (chunk := sock.recv(4096)):
                chunks.append(chunk)
        except OSError:
            pass
        return b"".join(chunks).decode("utf-8", "replace")

    def _open(self, frame: Frame, length: int | None) -> socket.socket:
        """Connect and become the mount's source (PUT, then SOURCE if PUT is unknown)."""
        for method in ("PUT", "SOURCE"):
            sock = self._connect()
            with self._lock:
                self._sock = sock
            try:
                sock.sendall(self._request(method, length, frame))
                status, text = self._answer(sock)
                if 200 <= status < 300:
                    return sock
                raise _Refused(status, text)
            except _Refused as exc:
                self._close()
                if exc.status in UNKNOWN_METHOD and method == "PUT":
                    continue
                raise self._fail(self._refusal(exc)) from None
            except TimeoutError as exc:
                self._close()
                raise self._fail(f"the server did not answer within {self.timeout:g} s") from exc
            except OSError as exc:
                self._close()
                if self._stopping.is_set():
                    raise AudioError("sink_interrupted") from exc
                raise self._fail(f"connection lost before streaming: {exc.strerror or exc}") from exc
            except BaseException:
                self._close()
                raise
        raise AssertionError("unreachable")

    def _refusal(self, exc: _Refused) -> str:
        if exc.status == 401:
            return f"wrong source user or password for {self.mount} (401 Unauthorized)"
        if exc.status == 403:
            return f"the server refused the source for {self.mount} (403 {exc.text or 'Forbidden'})"
        return f"the server refused the source for {self.mount} ({exc.status} {exc.text})".rstrip()

    def _close(self) -> None:
        with self._lock:
            sock, self._sock = self._sock, None
        if sock is not None:
            sock.close()

    # -- streaming -----------------------------------------------------------------

    def _stream(self, sock: socket.socket, payload: bytes, marks: list[tuple[int, float]]) -> None:
        """Send the frames at the pace they play, LEAD_SECONDS ahead; return when the last one is due."""
        start = time.monotonic()
        due = 0.0  # play time of the audio sent so far
        sent = index = 0
        while index < len(marks):
            ahead = due - (time.monotonic() - start)
            if ahead > LEAD_SECONDS:
                if self._stopping.wait(min(ahead - LEAD_SECONDS, STEP_SECONDS)):
                    return
                continue
            horizon = time.monotonic() - start + LEAD_SECONDS + STEP_SECONDS
            end = sent
            while index < len(marks) and due < horizon:
                end, seconds = marks[index]
                due += seconds
                index += 1
            sock.sendall(payload[sent:end])
            sent = end
        self._stopping.wait(max(due - (time.monotonic() - start), 0.0))

    def play(self, audio: Path, *, key: str) -> Played:
        try:
            mp3 = read_mp3(audio)
        except (OSError, ValueError) as exc:
            raise self._fail(f"cannot read {audio}: {getattr(exc, 'strerror', None) or exc}") from exc
        if self.keep_up:
            item = Item()
            for data, seconds in mp3_frames(mp3):
                item.push(data, seconds)
            item.complete = True
            return self._air(item, key)
        payload, marks = stream_payload(mp3)
        self._stopping.clear()
        sock = self._open(mp3.frames[0], len(payload))
        try:
            try:
                self.ledger.mark(key, "pending", target=self.url)
            except OSError as exc:
                raise self._fail(f"cannot record the hand-over: {exc.strerror or exc}") from exc
            self._stream(sock, payload, marks)
        except TimeoutError as exc:
            if not self._stopping.is_set():
                raise self._fail(f"the server stopped taking audio for {self.timeout:g} s") from exc
        except OSError as exc:
            if not self._stopping.is_set():
                raise self._fail(f"the connection broke while streaming: {exc.strerror or exc}") from exc
        finally:
            self._close()
        if self._stopping.is_set():
            self.ledger.mark(key, "interrupted", target=self.url)
            raise AudioError("sink_interrupted")
        self.ledger.mark(key, "done", target=self.url)
        return Played(sink=self.name, target=self.url)

    def was_played(self, key: str) -> bool | None:
        return self.ledger.was_played(key)

    def stop(self) -> None:
        """End the airing now: wake the sender and shut the connection down (a kept-up mount stays up)."""
        if self._live is not None:
            self._live.cancel_all()
            return
        with self._lock:
            sock = self._sock
            if sock is None:
                return
            self._stopping.set()
            with contextlib.suppress(OSError):  # already closed
                sock.shutdown(socket.SHUT_RDWR)

    # -- a kept-up mount -------------------------------------------------------------

    def start(self) -> None:
        """With `keep_up`, keep the mount up from now on (AudioError if the filler cannot be made)."""
        with self._start_lock:
            if not self.keep_up or self._live is not None:
                return
            filler = filler_frames(self.carrier, self.encoding)
            self._header_frame = scan(filler[0][0])[0]
            self._live = LiveSource(self._open_live, filler, clock=self._clock, sleep=self._sleep)
            self._live.start()

    def _open_live(self) -> socket.socket:
        assert self._header_frame is not None
        sock = self._open(self._header_frame, None)
        with self._lock:
            if self._sock is sock:
                self._sock = None  # the sender owns it now; stop() never closes a kept-up connection
        sock.settimeout(self.timeout)
        return sock

    def status(self) -> MountStatus:
        if self._live is None:
            return MountStatus(connected=False, since=None, last_error=None, reconnects=0)
        return self._live.status()

    def close(self) -> None:
        """Stop the sender thread and leave the mount (interrupts any airing)."""
        live, self._live = self._live, None
        if live is not None:
            live.close()
        else:
            self.stop()

    def play_stream(self, chunks: Iterable[bytes], *, key: str) -> Played:
        """Air MP3 data (a relay) paced by its frames, like `play`; while it stalls the mount gets filler.
        Without `keep_up`, the mount is kept up just for this airing."""
        if not self.keep_up:
            self.keep_up = True
            try:
                return self.play_stream(chunks, key=key)
            finally:
                self.close()
                self.keep_up = False
        self.start()
        assert self._live is not None
        item = Item()
        feeder = threading.Thread(target=self._live.feed, args=(item, chunks), name="icecast-feed", daemon=True)
        feeder.start()
        try:
            return self._air(item, key)
        finally:
            item.cancelled = item.cancelled or not item.complete  # an abandoned stream stops feeding
            feeder.join(self.timeout + 1.0)

    def _air(self, item: Item, key: str) -> Played:
        """Queue `item` on the kept-up mount and wait until its last frame is due."""
        self.start()
        assert self._live is not None
        self._live.air(item, timeout=self.timeout, mark=lambda state: self._mark(key, state), fail=self._fail)
        return Played(sink=self.name, target=self.url)

    def _mark(self, key: str, state: str) -> None:
        try:
            self.ledger.mark(key, state, target=self.url)
        except OSError as exc:
            raise self._fail(f"cannot record the hand-over: {exc.strerror or exc}") from exc
