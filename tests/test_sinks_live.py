"""The kept-up sender's pacing, on a fake clock: filler a little ahead, an airing right after what was sent."""

from __future__ import annotations

import threading
from collections.abc import Callable
from itertools import pairwise
from typing import Any

from audio.errors import AudioError
from audio.sinks.live import PLAY_LEAD, SILENCE_LEAD, STEP, Item, LiveSource

FRAME = 1152 / 44_100  # seconds of one frame
SIZE = 417


class Clock:
    """Fake time that the sender's sleeps advance; at `limit` the sender is held until released."""

    def __init__(self, limit: float, at: dict[float, Callable[[], Any]] | None = None) -> None:
        self.now = 0.0
        self.limit = limit
        self.at = dict(at or {})
        self.release = threading.Event()
        self.held = threading.Event()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        for when in sorted(w for w in self.at if w <= self.now):
            self.at.pop(when)()
        if self.now >= self.limit:
            self.held.set()
            self.release.wait(10)


class Wire:
    """Stands for the source socket: records what was sent and when (fake time)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.sent: list[tuple[float, bytes]] = []

    def sendall(self, data: bytes) -> None:
        self.sent.append((self.clock.now, data))

    def close(self) -> None:
        pass

    def shutdown(self, how: int) -> None:
        pass

    def stream(self) -> bytes:
        return b"".join(data for _, data in self.sent)


def run(clock: Clock, wire: Wire) -> LiveSource:
    source = LiveSource(lambda: wire, [(b"S" * SIZE, FRAME)], clock=clock, sleep=clock.sleep)  # type: ignore[arg-type, return-value]
    source.start()
    assert clock.held.wait(10), "the sender did not reach the end of the fake time"
    return source


def finish(clock: Clock, source: LiveSource) -> None:
    clock.release.set()
    source.close()


def test_filler_is_sent_at_the_pace_it_plays_a_little_ahead():
    clock = Clock(limit=10.0)
    wire = Wire(clock)
    source = run(clock, wire)
    try:
        sent = 0.0
        for when, data in wire.sent:
            sent += len(data) // SIZE * FRAME
            assert sent - when <= SILENCE_LEAD + STEP + FRAME  # never far ahead
            assert sent - when >= 0.0  # never behind: the mount never runs dry
        assert set(wire.stream()) == {ord("S")}
        assert source.status().connected and source.status().reconnects == 0
    finally:
        finish(clock, source)


def test_an_airing_goes_right_after_what_was_sent_and_its_end_is_due_when_it_has_played():
    item = Item()
    for _ in range(100):  # 2.6 s
        item.push(b"B" * SIZE, FRAME)
    item.complete = True
    clock = Clock(limit=10.0)
    wire = Wire(clock)
    clock.at[5.0] = lambda: source.enqueue(item)
    source = LiveSource(lambda: wire, [(b"S" * SIZE, FRAME)], clock=clock, sleep=clock.sleep)  # type: ignore[arg-type, return-value]
    source.start()
    try:
        assert clock.held.wait(10)
        stream = wire.stream()
        first = stream.index(b"B") // SIZE * FRAME  # stream time of the airing's first frame
        assert 5.0 <= first <= 5.0 + SILENCE_LEAD + STEP + FRAME  # it waited behind a short lead of silence only
        assert stream.count(b"B" * SIZE) == 100 and stream.rstrip(b"S").endswith(b"B")
        assert item.end_due is not None and abs(item.end_due - (first + 100 * FRAME)) < 1e-6
        sent = 0.0
        for when, data in wire.sent:
            sent += len(data) // SIZE * FRAME
            assert sent - when <= PLAY_LEAD + STEP + FRAME
    finally:
        finish(clock, source)


def test_a_failing_connection_is_retried_with_backoff_and_reported():
    clock = Clock(limit=20.0)
    wire = Wire(clock)
    attempts: list[float] = []

    def connect() -> Wire:
        attempts.append(clock.now)
        if len(attempts) < 4:
            raise AudioError("sink_failed", sink="icecast", reason="connection refused")
        return wire

    source = LiveSource(connect, [(b"S" * SIZE, FRAME)], clock=clock, sleep=clock.sleep)  # type: ignore[arg-type]
    source.start()
    try:
        assert clock.held.wait(10)
        assert [round(b - a, 3) for a, b in pairwise(attempts)] == [0.2, 0.5, 1.0]
        status = source.status()
        assert status.connected and status.last_error == "connection refused" and status.reconnects == 0
        assert status.since == attempts[-1]
    finally:
        finish(clock, source)
