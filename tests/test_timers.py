"""The runner's timers on a fake clock: only the near future is timed, changes are seen, nothing twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from broadcasts.models import Airing, AiringStatus, Approval, LogRecord, Outcome
from scheduler.app import build_app
from scheduler.runner import Runner
from scheduler.services import approval
from scheduler.services.queue import queue_bulletin
from scheduler.services.users import Actor
from tests.conftest import make_config
from tests.fakes.channels import RecordingChannel
from tests.fakes.timers import FakeTimers

POLL = 5.0  # seconds: the timer window is 3 polls + 10 s = 25 s; the render lead is 120 s


class RenderingRadio(RecordingChannel):
    """A radio channel that renders ahead (counting) and can be told to fail at it."""

    def __init__(self) -> None:
        super().__init__("radio")
        self.prepared: list[int] = []
        self.fail_prepare = False

    def prepare(self, broadcast):
        self.prepared.append(broadcast.airing_id)
        if self.fail_prepare:
            raise RuntimeError("TTS down")


@pytest.fixture
def radio() -> RenderingRadio:
    return RenderingRadio()


@pytest.fixture
def timed(tmp_path, db_url, clock, radio):
    config = make_config(
        tmp_path, db_url, runner={"poll_seconds": POLL}, channels={"radio": {"render_lead_seconds": 120}}
    )
    app = build_app(
        config,
        clock=clock,
        channels={"radio": radio, "facebook": RecordingChannel("facebook"), "zalo": RecordingChannel("zalo")},
    )
    runner = Runner(app)
    timers = FakeTimers(clock)
    runner.start(scheduler=timers)
    yield app, runner, timers
    runner.stop()
    app.close()


def _records(app) -> list[LogRecord]:
    with app.sessions() as session:
        return list(session.scalars(select(LogRecord).order_by(LogRecord.id)))


def _advance(clock, timers, runner, seconds: float) -> list[str]:
    """Let `seconds` pass poll by poll, as the real scheduler would: sync, then run what is due."""
    ran: list[str] = []
    end = clock.now() + timedelta(seconds=seconds)
    while clock.now() < end:
        runner.sync()
        ran += timers.run_until(min(clock.now() + timedelta(seconds=POLL), end))
    return ran


def test_only_the_near_future_gets_timers_and_each_airs_once(timed, clock):
    app, runner, timers = timed
    soon = queue_bulletin(app, text="Tin sắp phát.", at="+20s", channels=["facebook", "zalo"])
    later = queue_bulletin(app, text="Tin chiều.", at="+10m", channels=["facebook"])
    assert not runner.ready.is_set()
    assert runner.sync() == 2 and runner.ready.is_set()
    assert set(timers.pending("airing:")) == {f"airing:{a.id}" for a in soon.airings}
    assert timers.pending("airing:")[f"airing:{soon.airings[0].id}"] == soon.airings[0].due_at

    ran = _advance(clock, timers, runner, 11 * 60)
    assert sorted(ran) == sorted(f"airing:{a.id}" for a in soon.airings + later.airings)
    records = _records(app)
    assert len(records) == 3 and {r.outcome for r in records} == {Outcome.posted}
    assert all(r.late_seconds == 0 for r in records)  # each started exactly at its due time
    assert runner.sync() == 0 and timers.pending("airing:") == {}  # nothing timed twice


def test_what_another_process_queues_or_moves_is_seen_before_it_is_due(timed, clock):
    app, runner, timers = timed
    runner.sync()
    queued = queue_bulletin(app, text="Tin từ máy khác.", at="+2m", channels=["facebook"])  # e.g. the console
    airing_id = queued.airings[0].id
    _advance(clock, timers, runner, 100)
    assert f"airing:{airing_id}" in timers.pending("airing:")  # timed 20 s ahead, not yet run

    moved_to = queued.airings[0].due_at + timedelta(seconds=3)
    with app.sessions.begin() as session:  # a replan elsewhere shifts it a little later
        session.execute(update(Airing).where(Airing.id == airing_id).values(due_at=moved_to))
    runner.sync()
    assert timers.pending("airing:")[f"airing:{airing_id}"] == moved_to

    _advance(clock, timers, runner, 60)
    [record] = _records(app)
    assert record.due_at == moved_to and record.started_at == moved_to


def test_an_airing_moved_far_later_fires_no_early_and_airs_at_its_new_time(timed, clock):
    app, runner, timers = timed
    queued = queue_bulletin(app, text="Tin bị dời.", at="+15s", channels=["facebook"])
    airing_id = queued.airings[0].id
    runner.sync()
    new_due = queued.airings[0].due_at + timedelta(hours=1)
    with app.sessions.begin() as session:
        session.execute(update(Airing).where(Airing.id == airing_id).values(due_at=new_due))
    _advance(clock, timers, runner, 30)  # the old timer fires: not yet due, so nothing is claimed
    assert _records(app) == [] and f"airing:{airing_id}" not in timers.pending("airing:")
    with app.sessions() as session:
        assert session.get_one(Airing, airing_id).status is AiringStatus.pending
    _advance(clock, timers, runner, 3600)
    [record] = _records(app)
    assert record.started_at == new_due


def test_a_draft_gets_no_timer_until_it_is_approved(timed, clock):
    app, runner, timers = timed
    draft = queue_bulletin(app, text="Tin chờ duyệt.", at="+10s", channels=["facebook"], approval=Approval.draft)
    _advance(clock, timers, runner, 60)
    assert _records(app) == [] and timers.pending("airing:") == {}
    approved_at = clock.now()
    approval.approve(app, Actor(id=1, username="lanh-dao", role="approver"), draft.bulletin_id)
    _advance(clock, timers, runner, POLL)
    [record] = _records(app)  # approved after its time: it airs at once, at the next poll
    assert record.outcome is Outcome.posted and record.due_at == approved_at and record.late_seconds == 0


def test_radio_is_rendered_once_ahead_of_air_time(timed, clock, radio):
    app, runner, timers = timed
    queued = queue_bulletin(app, text="Bản tin phát thanh.", at="+5m", channels=["radio"])
    airing_id = queued.airings[0].id
    runner.sync()
    assert timers.pending("render:") == {}  # five minutes out: not yet
    _advance(clock, timers, runner, 180)  # within the render lead (120 s) plus a poll
    assert radio.prepared == [airing_id]
    _advance(clock, timers, runner, 60)
    assert radio.prepared == [airing_id]  # not again at every poll
    _advance(clock, timers, runner, 70)
    [record] = _records(app)
    assert record.outcome is Outcome.aired and record.late_seconds == 0


def test_a_failed_render_is_not_retried_every_poll_and_the_airing_still_goes_out(timed, clock, radio):
    app, runner, timers = timed
    radio.fail_prepare = True
    queue_bulletin(app, text="Bản tin phát thanh.", at="+3m", channels=["radio"])
    _advance(clock, timers, runner, 170)
    assert len(radio.prepared) == 1
    _advance(clock, timers, runner, 20)
    [record] = _records(app)
    assert record.outcome is Outcome.aired and len(radio.prepared) == 1


def test_a_large_queue_is_timed_a_little_at_a_time(timed, clock):
    app, runner, timers = timed
    for i in range(60):
        queue_bulletin(app, text=f"Tin số {i}.", at=f"+{10 + 60 * i}s", channels=["facebook"])
    assert runner.sync() == 1  # only the one due within the window
    assert len(timers.pending("airing:")) == 1
    _advance(clock, timers, runner, 3600 + 60)
    records = _records(app)
    assert len(records) == 60 and len({r.airing_id for r in records}) == 60
    lates = [r.late_seconds for r in records if r.late_seconds is not None]
    assert len(lates) == 60 and max(lates) == 0
    assert runner.timers._inflight == {} and runner.timers._rendering == set()  # nothing left behind
