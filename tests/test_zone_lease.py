"""Zone leases: two nodes on one database and station never play on one zone at once (issue 17).

Each node is an App with its own node name and Runner on the same database; their sinks write start and
end marks to one shared list, from which overlaps are read. The lease's poll waits are real and short
(0.01 s) and do not move the fake clock, unless a test says so; every wait here is bounded.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from audio.errors import AudioError
from audio.sinks.base import Played
from broadcasts.models import Airing, AiringStatus, LogRecord, Outcome, ZoneLease
from scheduler.app import build_app
from scheduler.runner import Runner
from scheduler.runner.radio import RadioTurns
from scheduler.runner.zone_lease import ZoneLeases
from scheduler.services.queue import queue_bulletin
from tests.conftest import make_config
from tests.fakes.tts import ToneEngine

ZONES = {"thon-dong": {"label": "Thôn Đông", "sink": "folder"}, "loa-day": {"label": "Loa dây", "sink": "folder"}}


class Marks:
    """The start and end marks of every sink of every node, and the most airings ever on one zone at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.lines: list[tuple[str, str, str, str]] = []  # (mark, zone, node, key)
        self.playing: Counter[str] = Counter()
        self.most: Counter[str] = Counter()

    def mark(self, what: str, zone: str, node: str, key: str) -> None:
        with self.lock:
            self.lines.append((what, zone, node, key))
            self.playing[zone] += 1 if what == "start" else -1
            self.most[zone] = max(self.most[zone], self.playing[zone])

    def started(self, key_part: str) -> bool:
        with self.lock:
            return any(what == "start" and key_part in key for what, _, _, key in self.lines)


class MarkSink:
    """Plays for `seconds` of real time, or until its gate opens (bounded); `stop()` cuts what plays."""

    name = "mark"

    def __init__(self, marks: Marks, zone: str, node: str, seconds: float = 0.05) -> None:
        self.marks, self.zone, self.node, self.seconds = marks, zone, node, seconds
        self.gate: threading.Event | None = None
        self.cut = threading.Event()
        self.started = threading.Event()
        self.played: list[str] = []

    def play(self, audio: Path, *, key: str) -> Played:
        self.cut.clear()
        self.marks.mark("start", self.zone, self.node, key)
        self.started.set()
        try:
            gate = self.gate
            if gate is not None:
                for _ in range(200):  # at most 20 s
                    if gate.wait(0.1) or self.cut.is_set():
                        break
            else:
                self.cut.wait(self.seconds)
            if self.cut.is_set():
                raise AudioError("sink_interrupted")
            self.played.append(key)
            return Played(sink=self.name, target=key)
        finally:
            self.marks.mark("end", self.zone, self.node, key)

    def was_played(self, key: str) -> bool | None:
        return key in self.played

    def stop(self) -> None:
        self.cut.set()


class Node:
    """One runner node: its app, runner and sinks, its lease waits counted."""

    def __init__(self, tmp_path: Path, db_url: str, clock: Any, marks: Marks, name: str, wait: Any = None) -> None:
        self.sinks = {zone: MarkSink(marks, zone, name) for zone in ZONES}
        config = make_config(
            tmp_path / name,
            db_url,
            runner={"node": name},
            channels={"enabled": ["radio"], "radio": {"zones": ZONES}},
        )
        self.app = build_app(config, clock=clock, tts=ToneEngine(), sinks=dict(self.sinks))
        self.runner = Runner(self.app)
        self.waits = 0

        def counted(seconds: float) -> None:
            self.waits += 1
            (wait or (lambda s: time.sleep(0.01)))(seconds)

        self.runner.turns = RadioTurns(ZoneLeases(self.app, poll_seconds=0.02, wait=counted))

    def start(self, airing_id: int) -> threading.Thread:
        thread = threading.Thread(target=self.runner.execute, args=(airing_id,), daemon=True)
        thread.start()
        return thread


@pytest.fixture
def nodes(tmp_path: Path, db_url: str, clock: Any) -> Any:
    marks = Marks()
    a = Node(tmp_path, db_url, clock, marks, "node-a")
    b = Node(tmp_path, db_url, clock, marks, "node-b")
    assert a.app.station_id == b.app.station_id  # one station, seen by both
    yield a, b, marks
    for node in (a, b):
        for sink in node.sinks.values():
            sink.cut.set()
        node.app.close()


def _records(app: Any) -> list[LogRecord]:
    with app.reads() as session:
        return list(session.scalars(select(LogRecord).order_by(LogRecord.id)))


def _leases(app: Any) -> list[ZoneLease]:
    with app.reads() as session:
        return list(session.scalars(select(ZoneLease)))


def _until(condition: Any, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_two_nodes_never_play_on_one_zone_at_once_and_play_two_zones_in_parallel(nodes):
    a, b, marks = nodes
    airings = [
        queue_bulletin(a.app, text=f"Bản tin {i} thôn Đông.", at="now", zones=["thon-dong"]).airings[0]
        for i in range(4)
    ]
    threads = [node.start(airing.id) for airing in airings for node in (a, b)]  # both nodes try every airing
    for thread in threads:
        thread.join(30)
    records = _records(a.app)
    assert sorted(r.airing_id for r in records) == sorted(x.id for x in airings)  # each once, by one node
    assert all(r.outcome is Outcome.aired for r in records)
    assert marks.most["thon-dong"] == 1
    print(f"nodes: {Counter(r.node for r in records)}, lease polls: {a.waits + b.waits}")
    assert _leases(a.app) == []  # every lease was given up

    gate = threading.Event()
    a.sinks["thon-dong"].gate = b.sinks["loa-day"].gate = gate
    east = queue_bulletin(a.app, text="Thôn Đông.", at="now", zones=["thon-dong"]).airings[0]
    wired = queue_bulletin(a.app, text="Loa dây.", at="now", zones=["loa-day"]).airings[0]
    pair = [a.start(east.id), b.start(wired.id)]
    try:
        assert a.sinks["thon-dong"].started.wait(15) and b.sinks["loa-day"].started.wait(15)
        assert {(x.zone, x.node) for x in _leases(a.app)} == {("thon-dong", "node-a"), ("loa-day", "node-b")}
    finally:
        gate.set()
        for thread in pair:
            thread.join(15)
    assert marks.most["thon-dong"] == marks.most["loa-day"] == 1


def test_an_emergency_on_another_node_cuts_the_zone_and_the_requeued_bulletin_waits_for_its_end(nodes, clock):
    a, b, marks = nodes
    a.sinks["thon-dong"].gate = threading.Event()  # the normal bulletin would play until cut
    normal = queue_bulletin(a.app, text="Bản tin thường thôn Đông.", at="now", zones=["thon-dong"]).airings[0]
    playing = a.start(normal.id)
    assert a.sinks["thon-dong"].started.wait(15)
    emergency_gate = threading.Event()
    b.sinks["thon-dong"].gate = emergency_gate
    urgent = queue_bulletin(b.app, text="Khẩn cấp thôn Đông.", priority="emergency", zones=["thon-dong"]).airings[0]
    cutting = b.start(urgent.id)
    try:
        playing.join(15)
        assert not playing.is_alive()
        assert b.sinks["thon-dong"].started.wait(15)  # the emergency plays once the normal bulletin is cut
        cut = next(r for r in _records(a.app) if r.airing_id == normal.id)
        assert cut.error_code == "sink_interrupted" and cut.node == "node-a"
        with a.app.reads() as session:
            again = session.scalars(
                select(Airing).where(Airing.bulletin_id == cut.bulletin_id, Airing.id != normal.id)
            ).one()
        assert again.zone == "thon-dong" and again.status is AiringStatus.pending
        a.sinks["thon-dong"].gate = None
        waits = a.waits
        requeued = a.start(again.id)
        assert _until(lambda: a.waits >= waits + 20)  # it polled the zone twenty times, and did not play
        assert not marks.started(str(again.id)) and requeued.is_alive()
        assert [(x.node, x.holds) for x in _leases(a.app)] == [("node-b", "emergency")]
    finally:
        emergency_gate.set()
    cutting.join(15)
    requeued.join(15)
    by_airing = {r.airing_id: r for r in _records(a.app)}
    assert by_airing[urgent.id].outcome is Outcome.aired and by_airing[urgent.id].node == "node-b"
    assert by_airing[again.id].outcome is Outcome.aired and by_airing[again.id].node == "node-a"
    assert marks.most["thon-dong"] == 1
    order = [(what, node) for what, zone, node, _ in marks.lines if zone == "thon-dong"]
    cut_and_back = [("start", "node-a"), ("end", "node-a")]
    assert order == [*cut_and_back, ("start", "node-b"), ("end", "node-b"), *cut_and_back]


def test_the_expired_lease_of_a_dead_node_is_taken(tmp_path, db_url, clock):
    marks = Marks()
    a = Node(tmp_path, db_url, clock, marks, "node-a", wait=lambda s: clock.advance(1.0))  # moves the fake clock
    try:
        now = clock.now()
        with a.app.sessions.begin() as session:
            session.add(
                ZoneLease(
                    station_id=a.app.station_id,
                    zone="thon-dong",
                    node="node-dead",
                    airing_id=999,
                    holds="normal",
                    until=now + timedelta(seconds=15),
                    acquired_at=now,
                )
            )
        airing = queue_bulletin(a.app, text="Thôn Đông.", at="now", zones=["thon-dong"]).airings[0]
        record = a.runner.execute(airing.id)
        assert record is not None and record.outcome is Outcome.aired
        assert clock.now() - now >= timedelta(seconds=15)  # only once the dead node's lease ran out
        assert _leases(a.app) == []
    finally:
        a.app.close()


def test_the_lease_is_given_up_after_an_exception_and_a_priority_cuts_a_relay_of_another_node(nodes):
    a, b, _ = nodes

    class Radio:
        name = "radio"

        def __init__(self) -> None:
            self.cut: list[str | None] = []

        def interrupt(self, zone: str | None = None) -> None:
            self.cut.append(zone)

    turns = a.runner.turns
    with pytest.raises(RuntimeError), turns.turn(Radio(), False, "loa-day", airing_id=41):
        assert [(x.zone, x.node, x.airing_id) for x in _leases(a.app)] == [("loa-day", "node-a", 41)]
        raise RuntimeError("a bug while it plays")
    assert _leases(a.app) == []

    la, lb = turns.leases, b.runner.turns.leases
    assert la is not None and lb is not None
    assert la.try_acquire("loa-day", 42, "relay") is None
    assert lb.try_acquire("loa-day", 43, "normal") is not None  # a normal bulletin waits for the relay
    assert [x.preempt_by for x in _leases(a.app)] == [None]
    assert lb.try_acquire("loa-day", 43, "priority") is not None  # a priority one asks for the zone
    assert [x.preempt_by for x in _leases(a.app)] == ["node-b"]
    la.release("loa-day", 42)  # the relay, cut, hands the zone to node B
    assert la.try_acquire("loa-day", 44, "normal") is not None  # not even a bulletin of the node it cut
    assert lb.try_acquire("loa-day", 43, "priority") is None
    assert [(x.node, x.airing_id, x.holds) for x in _leases(a.app)] == [("node-b", 43, "priority")]
    assert la.try_acquire("loa-day", 45, "emergency") is not None  # marks the priority for a cut
    assert [x.preempt_by for x in _leases(a.app)] == ["node-a"]
    lb.release("loa-day", 43)
    assert la.try_acquire("loa-day", 45, "emergency") is None
    assert lb.try_acquire("loa-day", 46, "emergency") is not None  # next in line behind an emergency, no cut
    radio = Radio()
    done = threading.Event()

    def keep() -> None:
        with la.kept("loa-day", 45, "emergency", on_cut=lambda: radio.interrupt("loa-day")):
            done.wait(0.3)

    keep()
    assert radio.cut == []  # an emergency is never cut
    assert [(x.node, x.airing_id) for x in _leases(a.app)] == [("node-b", None)]  # but handed on


# ---- two real `loa run` processes --------------------------------------------------------------------


MARKER = """\
import sys, time
path, audio = sys.argv[1], sys.argv[2]
with open(path, "a", encoding="utf-8") as out:
    out.write(f"start {audio} {time.time():.6f}\\n")
time.sleep(0.15)
with open(path, "a", encoding="utf-8") as out:
    out.write(f"end {audio} {time.time():.6f}\\n")
"""


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_two_loa_run_processes_on_one_station_never_overlap(tmp_path, db_url):
    marks, script = tmp_path / "marks.txt", tmp_path / "mark.py"
    script.write_text(MARKER, encoding="utf-8")
    command = f"{sys.executable} {script} {marks} {{file}}"
    config = tmp_path / "config.toml"
    config.write_text(
        textwrap.dedent(f"""\
        [station]
        name = "Đài xã Thử"
        code = "thu"
        [database]
        url = {json.dumps(db_url)}
        [runner]
        poll_seconds = 0.2
        [channels]
        enabled = ["radio"]
        [channels.radio]
        sink = "command"
        [channels.radio.command]
        command = {json.dumps(command)}
        """),
        encoding="utf-8",
    )
    app = build_app(make_config(tmp_path, db_url, station={"name": "Đài xã Thử", "code": "thu"}))
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for name in ("run-1", "run-2"):
            env = {**os.environ, "LOA_NODE": name}
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "scheduler", "--config", str(config), "run"],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    env=env,
                )
            )
        ids = [
            airing.id
            for i in range(20)
            for airing in queue_bulletin(
                app, text=f"Bản tin {i}.", at=f"+{5 + 0.1 * i:.1f}s", channels=["radio"]
            ).airings
        ]

        def settled() -> bool:
            with app.reads() as session:
                done = session.scalars(select(LogRecord.airing_id)).all()
            return len(done) >= len(ids)

        assert _until(settled, timeout=45), "not every airing was settled in time"
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
    with app.reads() as session:
        records = session.execute(select(LogRecord.airing_id, LogRecord.outcome, LogRecord.node)).all()
    app.close()
    assert Counter(r.airing_id for r in records) == Counter(ids)  # one final record each
    assert all(r.outcome is Outcome.aired for r in records)
    lines = [line.split() for line in marks.read_text(encoding="utf-8").splitlines()]
    events = sorted((float(at), what) for what, _, at in lines)
    playing = most = 0
    for _, what in events:
        playing += 1 if what == "start" else -1
        most = max(most, playing)
    assert most == 1, "two airings played on the station's zone at once"
    assert Counter(what for what, _, _ in lines) == {"start": 20, "end": 20}
    print(f"nodes: {Counter(r.node for r in records)}")
