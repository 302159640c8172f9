"""Wake-ups: LISTEN/NOTIFY on PostgreSQL wakes the runner at once; SQLite and `runner.listen = false` poll only.

The PostgreSQL tests run in a database of their own (NOTIFY reaches every listener of a database, and the
rest of the suite queues bulletins in other schemas of `test` at the same time).
"""

from __future__ import annotations

import queue
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from broadcasts.channels.base import Broadcast, Delivery
from broadcasts.wakeups import Listener, notify, parse, payload
from scheduler.app import build_app
from scheduler.clock import FakeClock
from scheduler.runner import Runner
from scheduler.runner.timers import Timers
from scheduler.services import approval, changes
from scheduler.services.bulletins import machine_actor
from scheduler.services.queue import queue_bulletin
from scheduler.services.users import Actor
from tests.conftest import PG_URL, TZ, make_config, require_pg
from tests.fakes.channels import RecordingChannel
from tests.fakes.timers import FakeTimers
from tests.fakes.tts import ToneEngine

WAIT = 30.0  # generous: only a failure waits this long
APPROVER = Actor(id=3, username="binh", role="approver")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database of its own (so only this test's notifications reach its listeners)."""
    require_pg()
    import psycopg

    url = make_url(PG_URL)
    name = f"loa_wake_{uuid.uuid4().hex[:10]}"
    params: dict[str, Any] = dict(
        host=url.host, port=url.port or 5432, user=url.username, dbname=url.database, password=url.password
    )
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(**params, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


class Heard:
    """A listener callback that keeps what it heard, in order."""

    def __init__(self) -> None:
        self.items: queue.Queue[tuple[int, str]] = queue.Queue()

    def __call__(self, station: int, reason: str) -> None:
        self.items.put((station, reason))

    def until(self, wanted: tuple[int, str]) -> list[tuple[int, str]]:
        """Everything heard up to and including `wanted` (which must come within WAIT)."""
        seen = []
        while True:
            item = self.items.get(timeout=WAIT)
            seen.append(item)
            if item == wanted:
                return seen


def _eventually(condition: Any) -> bool:
    """True once `condition()` holds, False after WAIT seconds."""
    deadline = time.monotonic() + WAIT
    pause = threading.Event()
    while not condition():
        if time.monotonic() > deadline:
            return False
        pause.wait(0.02)
    return True


def _terminate(url: str, pid: int) -> None:
    import psycopg

    from broadcasts.wakeups import conninfo

    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(%s)", (pid,))


# ---- the payload ---------------------------------------------------------------------------------


def test_payload_is_small_json_and_reads_back():
    body = payload(7, "emergency")
    assert body == '{"station":7,"reason":"emergency"}'
    assert parse(body) == (7, "emergency")
    assert parse("not json") is None and parse('{"reason": "queue"}') is None


# ---- notify and Listener on PostgreSQL -------------------------------------------------------------


def test_a_committed_notify_reaches_the_listener_and_a_rolled_back_one_never_does(pg_url):
    heard = Heard()
    engine = create_engine(pg_url)
    sessions = sessionmaker(engine)
    with Listener(pg_url, heard) as listener:
        assert listener.listening.wait(WAIT)
        with sessions() as session:  # rolled back: never delivered
            notify(session, 101, "queue")
            session.rollback()
        with sessions.begin() as session:  # committed: delivered, after anything sent before it
            notify(session, 102, "emergency")
            notify(session, 102, "emergency")  # the same twice in one transaction: PostgreSQL may fold them
        seen = heard.until((102, "emergency"))
        assert (101, "queue") not in seen
        assert seen == [(102, "emergency")]
    engine.dispose()


def test_the_listener_reconnects_after_its_backend_is_terminated(pg_url):
    heard = Heard()
    lost, back = threading.Event(), threading.Event()
    reasons: list[str] = []

    def on_lost(reason: str) -> None:
        reasons.append(reason)
        lost.set()

    engine = create_engine(pg_url)
    listener = Listener(
        pg_url,
        heard,
        on_lost=on_lost,
        on_back=lambda seconds: back.set(),
        backoff=(0.05, 0.5),
    ).start()
    try:
        assert listener.listening.wait(WAIT)
        first = listener.backend_pid
        assert first is not None
        _terminate(pg_url, first)
        assert lost.wait(WAIT) and back.wait(WAIT)
        assert listener.listening.wait(WAIT) and listener.backend_pid not in (None, first)
        assert len(reasons) == 1  # one line on loss, however many tries
        with engine.begin() as conn:  # a Connection works as well as a Session
            notify(conn, 5, "move")
        assert heard.until((5, "move")) == [(5, "move")]
    finally:
        listener.stop()
        engine.dispose()
    assert not listener.listening.is_set()


def test_the_services_notify_what_they_change_and_a_draft_wakes_no_one(pg_url, tmp_path: Path):
    heard = Heard()
    app = build_app(
        make_config(tmp_path, pg_url, require_approval=True),
        clock=_clock(),
        tts=ToneEngine(),
        channels={"radio": RecordingChannel("radio")},
    )
    station = app.station_id
    with app, Listener(pg_url, heard) as listener:
        assert listener.listening.wait(WAIT)
        queued = queue_bulletin(app, text="Lịch tiêm chủng ngày 30/7.", at="+10m")
        assert heard.until((station, "queue")) == [(station, "queue")]
        queue_bulletin(app, text="Bão số 3 đổ bộ.", priority="emergency")
        assert heard.until((station, "emergency")) == [(station, "emergency")]
        draft = approval.submit_bulletin(app, Actor(id=1, username="an", role="operator"), text="Họp tổ dân phố.")
        assert draft.approval == "draft"
        changes.move_bulletin(app, machine_actor(), queued.bulletin_id, at="+20m")
        assert heard.until((station, "move")) == [(station, "move")]  # nothing for the draft before it
        approval.approve(app, APPROVER, draft.queued.bulletin_id)
        assert heard.until((station, "approve")) == [(station, "approve")]
        changes.edit_bulletin(app, machine_actor(), queued.bulletin_id, body="Lịch tiêm chủng ngày 31/7.")
        assert heard.until((station, "edit")) == [(station, "edit")]
        changes.cancel_bulletin(app, machine_actor(), queued.bulletin_id)
        assert heard.until((station, "cancel")) == [(station, "cancel")]


def _clock() -> FakeClock:
    """05:55 on Monday 23 November 2026, station time (the suite's `clock`)."""
    return FakeClock(datetime(2026, 11, 23, 5, 55, tzinfo=TZ))


# ---- the runner --------------------------------------------------------------------------------------


class SignallingChannel(RecordingChannel):
    """A recording channel that says when it has published."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.aired = threading.Event()

    def publish(self, broadcast: Broadcast) -> Delivery:
        delivery = super().publish(broadcast)
        self.aired.set()
        return delivery


def _runner_app(tmp_path: Path, url: str, **runner: Any) -> tuple[Any, SignallingChannel]:
    radio = SignallingChannel("radio")
    config = make_config(tmp_path, url, runner=runner, channels={"enabled": ["radio"]})
    return build_app(config, clock=_clock(), tts=ToneEngine(), channels={"radio": radio}), radio


def test_a_runner_polling_hourly_airs_a_queued_emergency_once_woken(pg_url, tmp_path: Path):
    app, radio = _runner_app(tmp_path, pg_url, poll_seconds=3600)
    runner = Runner(app)
    with app:
        runner.start()
        try:
            assert runner.ready.wait(WAIT)  # the first sync ran; the next poll is an hour away
            assert runner.listener is not None and runner.listener.listening.wait(WAIT)
            queued = queue_bulletin(app, text="Bão số 3 đổ bộ, mọi người vào nơi an toàn.", priority="emergency")
            assert radio.aired.wait(WAIT), "the wake-up did not run the emergency before the next poll"
            assert [b.airing_id for b in radio.published] == [a.id for a in queued.airings]

            radio.aired.clear()  # and again after its listener's backend was terminated
            first = runner.listener.backend_pid
            assert first is not None
            _terminate(pg_url, first)
            assert _eventually(lambda: runner.listener.backend_pid not in (None, first))
            again = queue_bulletin(app, text="Nước lũ lên nhanh.", priority="emergency")
            assert radio.aired.wait(WAIT), "no wake-up after the listener reconnected"
            assert radio.published[-1].airing_id == again.airings[0].id
        finally:
            runner.stop()
    assert runner.listener is None


def test_runner_listen_false_starts_no_listener(pg_url, tmp_path: Path):
    app, _ = _runner_app(tmp_path, pg_url, poll_seconds=3600, listen=False)
    runner = Runner(app)
    with app:
        runner.start()
        try:
            assert runner.ready.wait(WAIT)
            assert runner.listener is None
        finally:
            runner.stop()


def test_on_sqlite_notify_is_a_no_op_and_the_runner_still_airs_by_polling(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'loa.db'}"
    app, radio = _runner_app(tmp_path, url, poll_seconds=0.2)
    statements: list[str] = []
    event.listen(app.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    runner = Runner(app)
    with app:
        with app.sessions.begin() as session:
            notify(session, app.station_id, "queue")
        assert not any("pg_notify" in s for s in statements)
        runner.start()
        try:
            assert runner.listener is None
            queued = queue_bulletin(app, text="Bão số 3 đổ bộ.", priority="emergency")
            assert radio.aired.wait(WAIT)  # the next poll, 0.2 s on
            assert radio.published[0].airing_id == queued.airings[0].id
        finally:
            runner.stop()


# ---- Timers.wake -------------------------------------------------------------------------------------


class CountingAirs:
    def __init__(self) -> None:
        self.recovered = 0

    def execute(self, airing_id: int) -> object:
        return None

    def prepare(self, airing_id: int) -> None:
        return None

    def recover(self, now: Any = None) -> object:
        self.recovered += 1
        return []


def test_wakes_before_the_sync_runs_are_one_sync(app, clock):
    airs = CountingAirs()
    timers = Timers(app, airs)
    timers.wake()  # not started: nothing to wake
    fake = FakeTimers(clock)
    timers.start(fake)
    timers.wake()
    timers.wake()
    timers.wake()
    wake = f"wake:{app.station_id}"  # one per station: a node's stations share the scheduler
    assert [i for i in fake.jobs if i.startswith("wake")] == [wake]
    assert fake.jobs[wake].executor == "sync" and fake.jobs[wake].run_date == clock.now()
    assert fake.run_until(clock.now()) == [wake]
    assert airs.recovered == 1  # one sync (its first step settles abandoned claims)
    timers.stop()
    timers.wake()
    assert wake not in fake.jobs
