"""A source connection that keeps an Icecast mount up: silence (or a carrier) between airings.

IP loudspeakers connect to a mount only while it has a source; a mount that
goes away between bulletins makes them drop, reconnect late and miss the
start. So one sender thread stays connected and sends MP3 frames at the pace
they play, always a little ahead of real time: silence frames (or the frames of
a looped carrier file) when nothing airs, and the frames of a bulletin right
after what was already sent when one is queued. The lead of buffered silence is
kept small (SILENCE_LEAD) so a bulletin is not delayed behind it; while a
bulletin airs the lead grows to PLAY_LEAD to absorb network jitter (and to fill
Icecast's first 4 KiB block at once).

The body of a long-lived source has no length: libshout (the reference source
client, CoolMicApp-Android's copy of libshout/src/shout.c, create_http_request)
sends its request without Content-Length and streams until it closes, and
Icecast 2.4 reads a PUT source the same way; the request says
`Expect: 100-continue`, which Icecast answers with "100 Continue" before its
verdict (as seen from Icecast 2.4.4, and nav-mohan/QIceCast's README).

When the connection breaks (Icecast restarts, the network drops) the sender
reconnects by itself with a growing backoff (BACKOFF); a bulletin that was on
air then fails, one still queued waits for the new connection.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import cycle

from audio.errors import AudioError
from audio.mp3 import stream_frames

__all__ = ["Item", "LiveSource", "MountStatus"]

SILENCE_LEAD = 0.3  # seconds of silence sent ahead of real time between airings
PLAY_LEAD = 1.0  # seconds of a bulletin sent ahead of real time
STEP = 0.05  # how often the sender wakes up to send what is due
RESYNC = 0.2  # a sender this far behind real time (starved) restarts its timeline instead of bursting
BACKOFF = (0.2, 0.5, 1.0, 2.0, 5.0)  # waits between reconnection attempts
QUEUE_SECONDS = 3.0  # how much of a stream may wait in the queue ahead of the sender


@dataclass(frozen=True)
class MountStatus:
    """The kept-up source connection: up or not, since when (the sink's clock), why not, how often it came back."""

    connected: bool
    since: float | None
    last_error: str | None
    reconnects: int


class Item:
    """One airing waiting in the sender's queue: frames (data, seconds), and what became of it."""

    def __init__(self) -> None:
        self.frames: deque[tuple[bytes, float]] = deque()
        self.queued = 0.0  # seconds of frames still in `frames`
        self.complete = False  # no more frames will come
        self.started = False  # its first frame went out
        self.cancelled = False  # stop() or close()
        self.failed: str | None = None  # the connection broke while it was on air
        self.end_due: float | None = None  # clock time its last frame plays, once all are sent

    def push(self, data: bytes, seconds: float) -> None:
        self.frames.append((data, seconds))
        self.queued += seconds


class LiveSource:
    """The sender thread of a kept-up mount; `open()` connects and returns a socket ready for the body."""

    def __init__(
        self,
        open: Callable[[], socket.socket],
        filler: list[tuple[bytes, float]],
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self._open = open
        self._filler: Iterator[tuple[bytes, float]] = cycle(filler)
        self._clock = clock
        self._sleep = sleep
        self._cond = threading.Condition()
        self._queue: deque[Item] = deque()
        self._waiting: set[Item] = set()  # airings waiting for a connection
        self._sock: socket.socket | None = None
        self._closed = False
        self._connected = False
        self._since: float | None = None
        self._down_since: float | None = clock()
        self._last_error: str | None = None
        self._reconnects = 0
        self._ever = False
        self._thread = threading.Thread(target=self._run, name="icecast-live", daemon=True)

    # -- used by the sink ----------------------------------------------------------

    def start(self) -> None:
        if not self._thread.is_alive() and not self._closed:
            self._thread.start()

    def status(self) -> MountStatus:
        with self._cond:
            return MountStatus(self._connected, self._since, self._last_error, self._reconnects)

    def enqueue(self, item: Item) -> None:
        with self._cond:
            self._queue.append(item)
            self._cond.notify_all()

    def discard(self, item: Item) -> None:
        with self._cond:
            with contextlib.suppress(ValueError):
                self._queue.remove(item)
            self._cond.notify_all()

    def down_for(self) -> float:
        """Seconds since the connection went down (0 while it is up)."""
        with self._cond:
            return 0.0 if self._down_since is None else self._clock() - self._down_since

    def cancel_all(self) -> None:
        with self._cond:
            for item in [*self._queue, *self._waiting]:
                item.cancelled = True
            self._queue.clear()
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            sock = self._sock
            self._cond.notify_all()
        self.cancel_all()
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        if self._thread.is_alive():
            self._thread.join(10)

    def air(
        self, item: Item, *, timeout: float, mark: Callable[[str], None], fail: Callable[[str], AudioError]
    ) -> None:
        """Air `item`: wait for the connection (up to `timeout` s of it being down), `mark("pending")`, queue it,
        wait until its last frame is due, `mark("done")`; raises "sink_interrupted" (after `mark("interrupted")`
        when it was on its way) or `fail(reason)`."""
        with self._cond:
            self._waiting.add(item)
            try:
                while not self._connected and self.down_for() <= timeout and not item.cancelled:
                    self._cond.wait(STEP)
            finally:
                self._waiting.discard(item)
            if item.cancelled:
                raise AudioError("sink_interrupted")
            if not self._connected:  # nothing left Loa
                raise fail(f"the mount is down: {self._last_error or 'no connection'}")
        mark("pending")
        self.enqueue(item)
        failure = self.wait_aired(item, timeout)
        if failure == "":
            mark("interrupted")
            raise AudioError("sink_interrupted")
        if failure is not None:
            raise fail(failure)
        mark("done")

    def wait_aired(self, item: Item, timeout: float) -> str | None:
        """Wait until the last frame of the queued `item` is due: None then, "" when it was cancelled, or why it
        failed (the connection broke while it was on air, its stream broke, or the mount stayed down)."""
        with self._cond:
            while not item.cancelled:
                if item.failed is not None and (item.started or (item.complete and not item.frames)):
                    self.discard(item)
                    return item.failed
                if item.end_due is not None and self._clock() >= item.end_due:
                    return None
                if not item.started and self.down_for() > timeout:
                    self.discard(item)
                    return f"the mount is down: {self._last_error or 'no connection'}"
                wait = STEP if item.end_due is None else max(0.0, min(STEP, item.end_due - self._clock()))
                self._cond.wait(wait)
            self.discard(item)
            return ""

    def feed(self, item: Item, chunks: Iterable[bytes]) -> None:
        """Queue the frames of `chunks` for the sender, at most QUEUE_SECONDS ahead of it (in a feeder thread)."""
        try:
            for data, frame in stream_frames(chunks):
                with self._cond:
                    while item.queued > QUEUE_SECONDS and not (item.cancelled or item.failed):
                        self._cond.wait(STEP)
                    if item.cancelled or item.failed:
                        return
                    item.push(data, frame.seconds)
                    self._cond.notify_all()
        except (OSError, AudioError, ValueError) as exc:
            with self._cond:
                item.failed = item.failed or f"the stream broke: {getattr(exc, 'strerror', None) or exc}"
        finally:
            with self._cond:
                item.complete = True
                self._cond.notify_all()

    # -- the sender thread ---------------------------------------------------------

    def _pause(self, seconds: float) -> None:
        if self._sleep is not None:
            self._sleep(seconds)
            return
        with self._cond:
            if not self._closed:
                self._cond.wait(seconds)

    def _run(self) -> None:
        failures = 0
        while not self._closed:
            try:
                sock = self._open()
            except AudioError as exc:
                with self._cond:
                    self._last_error = str(exc.params.get("reason") or exc.code)
                    self._cond.notify_all()
                self._pause(BACKOFF[min(failures, len(BACKOFF) - 1)])
                failures += 1
                continue
            with self._cond:
                self._sock = sock
                self._reconnects += 1 if self._ever else 0
                self._ever, self._connected = True, True
                self._since, self._down_since = self._clock(), None
                self._cond.notify_all()
            failures, error = 0, None
            try:
                self._pump(sock)
            except OSError as exc:
                error = f"the connection broke while streaming: {exc.strerror or exc}"
            finally:
                sock.close()
            with self._cond:
                self._sock, self._connected, self._since = None, False, None
                self._down_since = self._clock()
                if error is not None and not self._closed:
                    self._last_error = error
                for item in list(self._queue):  # what was on air is lost; what waits gets the next connection
                    if item.started:
                        item.failed = error or "the connection was closed"
                        self._queue.remove(item)
                self._cond.notify_all()
            if error is not None:
                self._pause(BACKOFF[0])

    def _lead(self, item: Item | None) -> float:
        return PLAY_LEAD if item is not None and (item.frames or item.complete) else SILENCE_LEAD

    def _pump(self, sock: socket.socket) -> None:
        """Send frames at the pace they play until the sink closes; raises OSError when the connection breaks."""
        origin = self._clock()
        pos = 0.0  # play time of what was sent on this connection
        while True:
            with self._cond:
                if self._closed:
                    return
                now = self._clock() - origin
                if now - pos > RESYNC:
                    origin, now = self._clock() - pos, pos
                item = self._queue[0] if self._queue else None
                ahead = pos - now
                lead = self._lead(item)
                if ahead >= lead:
                    wait = min(ahead - lead + STEP, STEP)
                    if self._sleep is None:
                        self._cond.wait(wait)  # woken at once when an airing is queued
                        continue
                else:
                    wait, (parts, pos) = 0.0, self._batch(item, origin, now, pos)
            if wait and self._sleep is not None:  # a test's clock
                self._sleep(wait)
                continue
            if parts:
                sock.sendall(b"".join(parts))
            else:
                self._pause(STEP)

    def _batch(self, item: Item | None, origin: float, now: float, pos: float) -> tuple[list[bytes], float]:
        """The frames due up to the lead (under the lock): the queued airings', else the filler's."""
        parts: list[bytes] = []
        while True:
            if item is not None:
                if item.frames:
                    if pos - now >= PLAY_LEAD + STEP:
                        break
                    data, seconds = item.frames.popleft()
                    item.queued -= seconds
                    item.started = True
                    parts.append(data)
                    pos += seconds
                    continue
                if item.complete:
                    item.end_due = origin + pos
                    self._queue.popleft()
                    self._cond.notify_all()
                    item = self._queue[0] if self._queue else None
                    continue
            if pos - now >= SILENCE_LEAD:  # nothing to air, or a stream that stalls: a gap of filler
                break
            data, seconds = next(self._filler)
            parts.append(data)
            pos += seconds
        self._cond.notify_all()
        return parts, pos
