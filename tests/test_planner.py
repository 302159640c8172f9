"""The programme in the database, on a fake clock: slots, overrun, quiet hours, emergencies, rotation."""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from audio.errors import AudioError
from audio.sinks.base import Played
from broadcasts.models import Airing, AiringStatus, Bulletin, ContentItem, LogRecord, Outcome, Plan
from scheduler.app import build_app
from scheduler.programme import planner
from scheduler.runner import Runner
from scheduler.services.queue import queue_bulletin
from tests.conftest import TZ, make_config
from tests.fakes.channels import RecordingChannel
from tests.fakes.tts import ToneEngine

LONG = "Ủy ban nhân dân xã thông báo về việc tiếp nhận hồ sơ thủ tục hành chính trực tuyến. " * 10  # ~50 s


def local(day: int, hour: int, minute: int = 0, second: float = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=TZ) + timedelta(seconds=second)


def build(tmp_path, db_url, clock, **tables):
    config = make_config(tmp_path, db_url, **tables)
    channels = {name: RecordingChannel(name) for name in config.channels.enabled}
    return build_app(config, clock=clock, tts=ToneEngine(), channels=channels)


@pytest.fixture
def slots_app(tmp_path, db_url, clock):
    app = build(
        tmp_path,
        db_url,
        clock,
        slots=[
            {"name": "Sáng", "time": "06:00", "max_minutes": 2, "channels": ["radio", "facebook"]},
            {"name": "Chiều", "time": "17:00", "max_minutes": 2, "channels": ["radio"]},
        ],
        channels={"radio": {"quiet_hours": "21:30-05:00"}},
    )
    yield app
    app.close()


def test_next_takes_the_next_slot_and_overrun_moves_to_the_following_one(slots_app):
    first = queue_bulletin(slots_app, text=LONG, at="next", channels=["radio", "facebook"])
    assert [a.due_at for a in first.airings] == [local(23, 6), local(23, 6)]
    assert first.notices == ()
    second = queue_bulletin(slots_app, text=LONG, at="next", channels=["radio"])
    assert second.airings[0].due_at > local(23, 6) and second.notices == ()
    third = queue_bulletin(slots_app, text=LONG, at="next", channels=["radio"])
    assert [n.code for n in third.notices] == ["slot_full_moved"]
    with slots_app.sessions() as session:
        due = session.get_one(Airing, third.airings[0].id).due_at
    assert due == local(23, 17)


def test_priority_goes_first_and_says_who_was_pushed(slots_app):
    normal = [queue_bulletin(slots_app, text=LONG, at="next", channels=["radio"]) for _ in range(2)]
    urgent = queue_bulletin(slots_app, text=LONG, at="next", channels=["radio"], priority="priority")
    with slots_app.sessions() as session:
        due = {a.id: a.due_at for a in session.scalars(select(Airing))}
    assert due[urgent.airings[0].id] == local(23, 6)
    assert due[normal[0].airings[0].id] > local(23, 6) and due[normal[1].airings[0].id] == local(23, 17)
    assert [n.code for n in urgent.notices] == ["slot_pushed_other"]
    assert urgent.notices[0].airing_id == normal[1].airings[0].id


def test_quiet_hours_hold_normal_radio_but_not_emergencies(slots_app, clock):
    clock.set(local(23, 22))
    held = queue_bulletin(slots_app, text="Tin thường.", at="now", channels=["radio", "facebook"])
    assert held.airings[0].due_at == local(24, 6) and held.airings[1].due_at == local(23, 22)
    assert [n.code for n in held.notices] == ["quiet_hours_wait"]
    storm = queue_bulletin(slots_app, text="Bão số 9 đổ bộ.", channels=["radio"], priority="emergency")
    assert storm.airings[0].due_at == local(23, 22)
    runner = Runner(slots_app)
    out = runner.run_due()
    assert {(r.channel, r.outcome.value) for r in out} == {("radio", "aired"), ("facebook", "posted")}
    assert [b.body for b in slots_app.channels["radio"].published] == ["Bão số 9 đổ bộ."]


def test_an_airing_due_inside_quiet_hours_waits_at_run_time(slots_app, clock):
    clock.set(local(23, 21))
    queued = queue_bulletin(slots_app, text="Tin.", at="21:40", channels=["radio"])  # 21:40 is quiet: moved
    assert queued.airings[0].due_at == local(24, 6)
    with slots_app.sessions.begin() as session:  # as if quiet hours had been configured after queueing
        session.get_one(Airing, queued.airings[0].id).due_at = local(23, 21, 45)
    clock.set(local(23, 21, 46))
    assert Runner(slots_app).run_due() == []
    with slots_app.sessions() as session:
        airing = session.get_one(Airing, queued.airings[0].id)
    assert airing.status is AiringStatus.pending and airing.due_at == local(24, 6)


class BlockingSink:
    """Plays until stopped or released; records what it played."""

    name = "blocking"

    def __init__(self) -> None:
        self.playing = threading.Event()
        self.cut = threading.Event()
        self.played: list[str] = []

    def play(self, audio: Path, *, key: str) -> Played:
        self.playing.set()
        if self.cut.wait(timeout=10):
            self.cut.clear()
            self.playing.clear()
            raise AudioError("sink_interrupted")
        self.played.append(key)
        return Played(sink=self.name, target=key)

    def was_played(self, key: str) -> bool | None:
        return key in self.played

    def stop(self) -> None:
        if self.playing.is_set():
            self.cut.set()


def test_emergency_interrupts_what_plays_which_is_logged_and_requeued(tmp_path, db_url, clock):
    config = make_config(tmp_path, db_url, channels={"enabled": ["radio"]})
    sink = BlockingSink()
    app = build_app(config, clock=clock, tts=ToneEngine(), sink=sink)
    try:
        runner = Runner(app)
        normal = queue_bulletin(app, text="Thông báo thu thuế.", at="now", channels=["radio"])
        worker = threading.Thread(target=runner.execute, args=(normal.airings[0].id,))
        worker.start()
        assert sink.playing.wait(10)
        sink.cut.clear()
        storm = queue_bulletin(app, text="Khẩn cấp: bão số 9.", channels=["radio"], priority="emergency")

        def release() -> None:
            sink.playing.clear()
            sink.cut.set()

        released = threading.Timer(0.5, release)
        record = None
        sink_play = sink.play

        def play_and_release(audio, *, key):  # the emergency plays to the end
            sink.played.append(key)
            return Played(sink=sink.name, target=key)

        sink.play = play_and_release  # type: ignore[method-assign]
        record = runner.execute(storm.airings[0].id)
        worker.join(10)
        released.cancel()
        sink.play = sink_play  # type: ignore[method-assign]
        assert record is not None
        assert record.outcome is Outcome.aired
        with app.sessions() as session:
            logs = {r.airing_id: r for r in session.scalars(select(LogRecord))}
            again = session.scalars(
                select(Airing).where(Airing.bulletin_id == normal.bulletin_id, Airing.id != normal.airings[0].id)
            ).all()
        cut = logs[normal.airings[0].id]
        assert cut.outcome is Outcome.skipped and cut.error_code == "sink_interrupted"
        assert cut.error_message is not None and "khẩn cấp" in cut.error_message
        assert len(again) == 1 and again[0].status is AiringStatus.pending  # re-queued right after
    finally:
        app.close()


def test_render_ahead_is_reused_at_air_time(tmp_path, db_url, clock):
    config = make_config(tmp_path, db_url, channels={"enabled": ["radio"]})
    tts = ToneEngine()
    app = build_app(config, clock=clock, tts=tts)
    try:
        queued = queue_bulletin(app, text="Bản tin sáng nay có ba nội dung.", at="+5m", channels=["radio"])
        runner = Runner(app)
        runner.prepare(queued.airings[0].id)
        calls = len(tts.calls)
        assert calls > 0
        clock.advance(minutes=5)
        [record] = runner.run_due()
        assert record.outcome is Outcome.aired and len(tts.calls) == calls and record.late_seconds == 0
    finally:
        app.close()


def _plan(app, refs: list[str], channels: tuple[str, ...] = ("radio",)) -> int:
    with app.sessions.begin() as session:
        plan = Plan(
            station_id=app.station_id,
            title="Kế hoạch",
            year=2026,
            issuer=None,
            channels=list(channels),
            source_name="p.txt",
            sha256="x" * 64,
            imported_at=app.clock.now(),
            active=True,
        )
        session.add(plan)
        session.flush()
        for position, ref in enumerate(refs):
            session.add(ContentItem(plan_id=plan.id, ref=ref, label="-", text=f"Nội dung số {ref}.", position=position))
        return plan.id


def _rotation_sequence(app) -> list[str]:
    with app.sessions() as session:
        rows = session.execute(
            select(ContentItem.ref)
            .join(Bulletin, Bulletin.content_item_id == ContentItem.id)
            .join(Airing, Airing.bulletin_id == Bulletin.id)
            .where(Bulletin.origin == "rotation")
            .order_by(Airing.slot_at)
        ).all()
    return [r.ref for r in rows]


def test_rotation_over_a_whole_year_airs_every_item_never_twice_in_a_row(tmp_path, db_url, clock):
    app = build(
        tmp_path, db_url, clock, programme={"rotate_plan": True, "announcements": True}, channels={"enabled": ["radio"]}
    )
    try:
        refs = [str(i) for i in range(1, 12)]
        _plan(app, refs)
        start = clock.now()
        for week in range(53):  # the runner materializes ahead as time goes by
            clock.set(start + timedelta(weeks=week))
            planner.materialize(app, clock.now(), clock.now() + timedelta(weeks=1))
        sequence = _rotation_sequence(app)
        assert len(sequence) >= 2 * 365
        assert set(sequence) == set(refs)
        assert all(a != b for a, b in itertools.pairwise(sequence))
        counts = Counter(sequence)
        assert max(counts.values()) - min(counts.values()) <= 1
        with app.sessions() as session:
            origins = Counter(b.origin for b in session.scalars(select(Bulletin)))
        assert origins["opening"] == origins["closing"] == len(sequence)
        planner.materialize(app, clock.now(), clock.now() + timedelta(weeks=1))  # idempotent
        assert len(_rotation_sequence(app)) == len(sequence)
    finally:
        app.close()


def test_rotation_respects_skip_pin_and_order(tmp_path, db_url, clock):
    app = build(tmp_path, db_url, clock, programme={"rotate_plan": True}, channels={"enabled": ["radio"]})
    try:
        plan_id = _plan(app, ["1", "2", "3", "4"])
        with app.sessions.begin() as session:
            items = {i.ref: i for i in session.scalars(select(ContentItem).where(ContentItem.plan_id == plan_id))}
            items["2"].rotation = "skipped"
            items["4"].rotation_order = 0
        planner.materialize(app, clock.now(), clock.now() + timedelta(days=3))
        assert _rotation_sequence(app) == ["4", "1", "3", "4", "1", "3"]
        with app.sessions.begin() as session:
            session.get_one(ContentItem, items["3"].id).rotation = "pinned"
        planner.materialize(app, clock.now(), clock.now() + timedelta(days=5))
        assert _rotation_sequence(app)[6:] == ["3"] * 4
    finally:
        app.close()


@pytest.mark.parametrize(
    ("rotation_channels", "expected"), [((), ["portal", "radio"]), (("radio",), ["radio"])], ids=["plan", "radio-only"]
)
def test_rotation_goes_to_the_plans_channels_that_loa_delivers(tmp_path, db_url, clock, rotation_channels, expected):
    # the plan names the portal, Facebook and print; Loa delivers the radio and the portal here
    app = build(
        tmp_path,
        db_url,
        clock,
        programme={"rotate_plan": True, "rotation_channels": list(rotation_channels)},
        channels={"enabled": ["radio", "portal"]},
    )
    try:
        _plan(app, ["1", "2"], channels=("radio", "portal", "facebook", "print"))
        assert planner.materialize(app, clock.now(), clock.now() + timedelta(days=1)) >= 1
        with app.sessions() as session:
            rows = session.execute(
                select(Airing.bulletin_id, Airing.channel, Airing.due_at)
                .join(Bulletin, Bulletin.id == Airing.bulletin_id)
                .where(Bulletin.origin == "rotation")
            ).all()
        by_bulletin: dict[int, list[tuple[str, object]]] = {}
        for bulletin_id, channel, due in rows:
            by_bulletin.setdefault(bulletin_id, []).append((channel, due))
        assert by_bulletin
        for airings in by_bulletin.values():
            assert sorted(c for c, _ in airings) == expected
            assert len({due for _, due in airings}) == 1  # the portal publishes when the radio airs
    finally:
        app.close()


def test_rotation_needs_a_plan_and_radio(tmp_path, db_url, clock):
    app = build(tmp_path, db_url, clock, programme={"rotate_plan": True})
    try:
        assert planner.materialize(app, clock.now(), clock.now() + timedelta(days=2)) == 0
    finally:
        app.close()


def test_an_approved_draft_takes_its_room_in_the_slot(slots_app):
    from scheduler.services import approval
    from scheduler.services.users import Actor

    boss = Actor(id=1, username="lanh-dao", role="approver")
    draft = queue_bulletin(slots_app, text=LONG, at="next", channels=["radio"], approval=approval.Approval.draft)
    queued = [queue_bulletin(slots_app, text=LONG, at="next", channels=["radio"]) for _ in range(2)]
    assert all(q.airings[0].due_at < local(23, 17) for q in queued)  # the draft took no room
    view = approval.approve(slots_app, boss, draft.bulletin_id)
    # running order is queue order: the draft was queued first, so the last one queued is carried on
    assert [(n.code, n.airing_id) for n in view.notices] == [("slot_pushed_other", queued[1].airings[0].id)]
    with slots_app.sessions() as session:
        assert session.get_one(Airing, draft.airings[0].id).due_at == local(23, 6)
        assert session.get_one(Airing, queued[1].airings[0].id).due_at == local(23, 17)


def test_a_draft_approved_after_its_slot_takes_the_next_one(slots_app, clock):
    from scheduler.services import approval
    from scheduler.services.users import Actor

    draft = queue_bulletin(slots_app, text="Tin ngắn.", at="next", channels=["radio"], approval=approval.Approval.draft)
    assert draft.airings[0].due_at == local(23, 6)
    clock.set(local(23, 9))
    view = approval.approve(slots_app, Actor(id=1, username="lanh-dao", role="approver"), draft.bulletin_id)
    assert [n.code for n in view.notices] == ["slot_passed_moved"]
    assert view.airings[0][2] == local(23, 17)
