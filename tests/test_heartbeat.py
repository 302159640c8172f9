"""Node liveness by heartbeat in the database: upsert, stale detection, a name clash refused, a clean stop, and a
restart under the same name that settles what the earlier process left."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update

from broadcasts.models import Airing, AiringStatus, Node, Outcome
from scheduler.app import build_app
from scheduler.messages import render
from scheduler.runner import Runner, claims
from scheduler.runner.heartbeat import Heartbeat, NodeNameTaken, node_alive, stale_after
from scheduler.services.queue import queue_bulletin
from tests.conftest import make_config
from tests.fakes.channels import RecordingChannel
from tests.fakes.social import close_app, records
from tests.fakes.tts import ToneEngine


def named(tmp_path, db_url, clock, name: str) -> Any:
    config = make_config(tmp_path, db_url, runner={"node": name})
    return build_app(config, clock=clock, tts=ToneEngine(), channels={"radio": RecordingChannel("radio")})


@pytest.fixture
def node_a(tmp_path, db_url, clock):
    app = named(tmp_path, db_url, clock, "A")
    yield app
    close_app(app)


def row(app: Any, name: str) -> Node | None:
    with app.sessions() as session:
        return session.get(Node, name)


def alive(app: Any, name: str) -> bool | None:
    with app.reads() as session:
        return node_alive(session, name, app.clock.now(), stale_after(app.config.runner.heartbeat_seconds))


def test_a_heartbeat_upserts_its_row_and_goes_stale_without_beats(node_a, clock):
    beat = Heartbeat(node_a)
    assert alive(node_a, "A") is None  # never beat
    beat.register()
    first = row(node_a, "A")
    assert first is not None and first.host == socket.gethostname() and first.pid == os.getpid()
    assert first.started_at == first.heartbeat_at == clock.now() and first.stopped_at is None
    assert first.stations == ["thu-nghiem"] and alive(node_a, "A") is True
    clock.advance(seconds=5)
    assert beat.beat()
    again = row(node_a, "A")
    assert again is not None and again.heartbeat_at == clock.now() and again.started_at == first.started_at
    assert stale_after(5) == 20
    clock.advance(seconds=20)
    assert alive(node_a, "A") is True  # exactly at the limit
    clock.advance(seconds=1)
    assert alive(node_a, "A") is False


def test_a_clean_stop_marks_stopped_at(node_a, clock):
    beat = Heartbeat(node_a, interval=3600)  # the thread never beats in this test: register and stop only
    beat.start()
    clock.advance(seconds=2)
    beat.stop()
    stopped = row(node_a, "A")
    assert stopped is not None and stopped.stopped_at == clock.now() and alive(node_a, "A") is False


def test_the_runner_owns_a_heartbeat_unless_told_not_to(node_a):
    assert isinstance(Runner(node_a).heartbeat, Heartbeat)
    assert Runner(node_a, heartbeat=False).heartbeat is None


def pretend_elsewhere(app: Any, name: str, *, host: str, pid: int, beat_at: Any) -> None:
    with app.sessions.begin() as session:
        session.merge(Node(name=name, host=host, pid=pid, started_at=beat_at, heartbeat_at=beat_at, stations=None))


def test_a_name_alive_in_another_process_is_refused(node_a, clock):
    pretend_elsewhere(node_a, "A", host="other-host", pid=4242, beat_at=clock.now() - timedelta(seconds=3))
    with pytest.raises(NodeNameTaken) as caught:
        Heartbeat(node_a).register()
    vi, en = render(caught.value, "vi"), render(caught.value, "en")
    assert "'A'" in vi and "other-host" in vi and "LOA_NODE" in vi and "trùng tên" in vi
    assert "must not share a name" in en and "4242" in en
    row_now = row(node_a, "A")
    assert row_now is not None and row_now.host == "other-host"  # the other process keeps its row
    clock.advance(seconds=30)  # the other one went stale: the name is free again
    Heartbeat(node_a).register()
    taken = row(node_a, "A")
    assert taken is not None and taken.host == socket.gethostname() and taken.pid == os.getpid()


def test_a_name_left_by_a_dead_process_on_this_host_is_taken_at_once(node_a, clock):
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pretend_elsewhere(node_a, "A", host=socket.gethostname(), pid=int(gone.stdout), beat_at=clock.now())
    Heartbeat(node_a).register()  # a systemd restart right after a crash: the old pid is gone
    taken = row(node_a, "A")
    assert taken is not None and taken.pid == os.getpid()


def claimed(app: Any) -> int:
    [queued] = queue_bulletin(app, text="UBND xã thông báo.", at="now", channels=["radio"]).airings
    assert claims.claim(app, queued.id, app.clock.now())
    return queued.id


def status(app: Any, airing_id: int) -> AiringStatus:
    with app.sessions() as session:
        return session.get_one(Airing, airing_id).status


def test_a_restart_under_the_same_name_settles_its_own_orphan(tmp_path, db_url, clock, node_a):
    airing_id = claimed(node_a)
    assert airing_id in node_a.in_hand
    assert Runner(node_a, heartbeat=False).recover() == []  # this process holds it: never settled under it
    assert status(node_a, airing_id) is AiringStatus.running
    restarted = named(tmp_path, db_url, clock, "A")  # the same LOA_NODE, a new process: nothing in hand
    try:
        restarted.channels["radio"].recover_answer = None  # the ledger says nothing went out
        assert Runner(restarted, heartbeat=False).recover() == []
        assert status(restarted, airing_id) is AiringStatus.pending
        [record] = Runner(restarted, heartbeat=False).run_due()  # and it airs, once
        assert record.airing_id == airing_id and record.outcome is Outcome.aired and record.node == "A"
        assert airing_id not in restarted.in_hand and len(records(restarted, airing_id)) == 1
    finally:
        close_app(restarted)


def test_a_live_node_s_claim_is_left_alone_and_a_stale_one_is_settled(tmp_path, db_url, clock, node_a):
    airing_id = claimed(node_a)
    Heartbeat(node_a).register()
    b = named(tmp_path, db_url, clock, "B")
    try:
        runner = Runner(b, heartbeat=False)
        clock.advance(seconds=15)
        assert runner.recover() == [] and status(b, airing_id) is AiringStatus.running
        clock.advance(seconds=10)  # 25 s without a beat: A is dead, though its 60 s lease still holds
        b.channels["radio"].recover_answer = None
        assert runner.recover() == [] and status(b, airing_id) is AiringStatus.pending
    finally:
        close_app(b)


def test_an_unnamed_claim_of_a_dead_process_on_this_host_is_settled_at_once(node_a, clock):
    airing_id = claimed(node_a)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    with node_a.sessions.begin() as session:
        session.execute(
            update(Airing)
            .where(Airing.id == airing_id)
            .values(claimed_by=f"{socket.gethostname()}:{gone.stdout.strip()}:abc123")
        )
    node_a.in_hand.clear()  # not this process's claim
    node_a.channels["radio"].recover_answer = None
    Runner(node_a, heartbeat=False).recover()
    assert status(node_a, airing_id) is AiringStatus.pending
