"""Cancel, move and edit a queued bulletin; stop the radio; races with the runner's claim (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from audio.errors import AudioError
from broadcasts.accounts import AuditEntry
from broadcasts.channels.base import Broadcast, Delivery
from broadcasts.models import Airing, AiringStatus, Approval, Bulletin, LogRecord, Outcome
from scheduler.app import build_app
from scheduler.errors import NotFoundError, UsageError
from scheduler.runner import Runner, claims
from scheduler.services import approval, changes
from scheduler.services.bulletins import list_bulletins, machine_actor, show_bulletin
from scheduler.services.queue import queue_bulletin
from scheduler.services.users import AccessError, Actor, add_user
from tests.conftest import make_config
from tests.fakes.channels import RecordingChannel
from tests.fakes.timers import FakeTimers
from tests.fakes.tts import ToneEngine

ADMIN = machine_actor()
OPERATOR = Actor(id=1, username="an", role="operator")
OTHER = Actor(id=2, username="dung", role="operator")
APPROVER = Actor(id=3, username="binh", role="approver")


def _records(app: Any, airing_id: int | None = None) -> list[LogRecord]:
    with app.reads() as session:
        stmt = select(LogRecord).order_by(LogRecord.id)
        if airing_id is not None:
            stmt = stmt.where(LogRecord.airing_id == airing_id)
        return list(session.scalars(stmt))


def _airing(app: Any, airing_id: int) -> Airing:
    with app.reads() as session:
        return session.get_one(Airing, airing_id)


def _audit(app: Any, action: str) -> list[AuditEntry]:
    with app.reads() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


# ---- cancel ------------------------------------------------------------------------------------------


def test_cancel_ends_each_pending_airing_with_one_skipped_record_naming_who(app, runner, clock):
    queued = queue_bulletin(app, text="Lịch tiêm chủng ngày 30/7.", at="+10m")
    change = changes.cancel_bulletin(app, APPROVER, queued.bulletin_id, reason="sai ngày")
    assert {a.id for a in change.changed} == {a.id for a in queued.airings}
    assert all(a.status == "done" and a.outcome == "skipped" for a in change.changed)
    records = _records(app)
    assert len(records) == len(queued.airings)
    for record in records:
        assert record.outcome is Outcome.skipped and record.error_code == "cancelled"
        assert "binh" in (record.error_message or "") and "sai ngày" in (record.error_message or "")
        assert record.detail == {"cancelled_by": "binh", "reason": "sai ngày"}
    clock.advance(minutes=15)
    assert runner.run_due() == []  # nothing airs after being cancelled
    assert len(_records(app)) == len(queued.airings)
    [entry] = _audit(app, "bulletin_cancel")
    assert entry.username == "binh" and entry.target == f"bulletin:{queued.bulletin_id}"
    with pytest.raises(UsageError) as info:
        changes.cancel_bulletin(app, APPROVER, queued.bulletin_id)
    assert info.value.code == "bulletin_nothing_pending"
    assert list_bulletins(app) == []  # nothing left to air


def test_cancel_one_channel_keeps_the_others(app, runner, clock):
    queued = queue_bulletin(app, text="Họp dân khu phố 3.", at="+1m")
    change = changes.cancel_bulletin(app, ADMIN, queued.bulletin_id, channel="Facebook")
    assert [a.channel for a in change.changed] == ["facebook"]
    clock.advance(minutes=2)
    by_channel = {r.channel: r.outcome for r in runner.run_due()}
    assert by_channel == {"radio": Outcome.aired, "zalo": Outcome.posted}
    assert {r.channel: r.outcome for r in _records(app)}["facebook"] is Outcome.skipped
    with pytest.raises(UsageError) as info:
        changes.cancel_bulletin(app, ADMIN, queued.bulletin_id, channel="tiktok")
    assert info.value.code == "bulletin_no_channel" and "radio" in info.value.params["known"]
    with pytest.raises(NotFoundError):
        changes.cancel_bulletin(app, ADMIN, 9999)


# ---- who may -----------------------------------------------------------------------------------------


def test_an_operator_changes_only_their_own_drafts(tmp_path, db_url, clock):
    config = make_config(tmp_path, db_url, require_approval=True)
    app = build_app(config, clock=clock, tts=ToneEngine(), channels={"radio": RecordingChannel("radio")})
    try:
        for actor in (OPERATOR, OTHER, APPROVER):
            add_user(app, actor.username, "mật-khẩu-đủ-dài", actor.role)
        mine = approval.submit_bulletin(app, OPERATOR, text="Bản nháp của An.", at="+1h").queued.bulletin_id
        changes.edit_bulletin(app, OPERATOR, mine, title="Tiêu đề mới")
        with pytest.raises(AccessError) as info:
            changes.cancel_bulletin(app, OTHER, mine)
        assert info.value.code == "bulletin_change_forbidden"
        approval.approve(app, APPROVER, mine)
        for attempt in (
            lambda: changes.cancel_bulletin(app, OPERATOR, mine),
            lambda: changes.move_bulletin(app, OPERATOR, mine, at="+2h"),
            lambda: changes.edit_bulletin(app, OPERATOR, mine, body="Sửa sau khi duyệt."),
        ):
            with pytest.raises(AccessError):
                attempt()
        assert show_bulletin(app, mine).title == "Tiêu đề mới" and _records(app) == []
        viewer = Actor(id=9, username="x", role="nobody")
        with pytest.raises(AccessError):
            changes.cancel_bulletin(app, viewer, mine)
        changes.cancel_bulletin(app, APPROVER, mine)
    finally:
        app.close()


# ---- move --------------------------------------------------------------------------------------------


def test_move_to_a_time_or_a_slot_and_the_timers_follow(tmp_path, db_url, clock):
    radio = RecordingChannel("radio")
    config = make_config(tmp_path, db_url, runner={"poll_seconds": 5.0})
    app = build_app(config, clock=clock, tts=ToneEngine(), channels={"radio": radio})
    runner = Runner(app)
    timers = FakeTimers(clock)
    runner.start(scheduler=timers)
    try:
        queued = queue_bulletin(app, text="Tin dời giờ.", at="+20s", channels=["radio"])
        [airing] = queued.airings
        runner.sync()
        assert f"airing:{airing.id}" in timers.pending("airing:")
        change = changes.move_bulletin(app, ADMIN, queued.bulletin_id, at="+2h")
        assert change.changed[0].due_at == clock.now() + timedelta(hours=2)
        runner.sync()
        assert timers.pending("airing:") == {}  # out of the window now: its timer is gone
        timers.run_until(clock.now() + timedelta(minutes=5))
        assert radio.published == [] and _records(app) == []
        change = changes.move_bulletin(app, ADMIN, queued.bulletin_id, slot="buổi chiều")
        [line] = change.changed
        assert line.slot == "Buổi chiều" and line.due_at.astimezone(app.config.tz).strftime("%H:%M") == "17:00"
        [entry, *_] = _audit(app, "bulletin_move")
        assert (entry.detail or {})["to"] == "+2h"
        for bad, code in (
            (dict(at="2020-01-01 10:00"), "bulletin_move_past"),
            (dict(slot="22:00"), "bulletin_unknown_slot"),
            (dict(), "bulletin_move_how"),
            (dict(at="+1h", slot="17:00"), "bulletin_move_how"),
            (dict(at="ngày mai"), "bad_time"),
        ):
            with pytest.raises(UsageError) as info:
                changes.move_bulletin(app, ADMIN, queued.bulletin_id, **bad)
            assert info.value.code == code
    finally:
        runner.stop()
        app.close()


def test_a_cancelled_airings_timer_is_dropped_at_the_next_sync(tmp_path, db_url, clock):
    app = build_app(make_config(tmp_path, db_url, runner={"poll_seconds": 5.0}), clock=clock, channels={})
    runner = Runner(app)
    timers = FakeTimers(clock)
    runner.start(scheduler=timers)
    try:
        app.channels["facebook"] = RecordingChannel("facebook")
        queued = queue_bulletin(app, text="Tin sẽ huỷ.", at="+15s", channels=["facebook"])
        runner.sync()
        assert len(timers.pending("airing:")) == 1
        changes.cancel_bulletin(app, ADMIN, queued.bulletin_id)
        runner.sync()
        assert timers.pending("airing:") == {} and runner.timers._inflight == {}
    finally:
        runner.stop()
        app.close()


# ---- edit --------------------------------------------------------------------------------------------


def test_an_edit_of_an_approved_bulletin_waits_for_approval_again_and_the_new_text_airs(tmp_path, db_url, clock):
    radio = RecordingChannel("radio")
    app = build_app(make_config(tmp_path, db_url, require_approval=True), clock=clock, channels={"radio": radio})
    runner = Runner(app)
    try:
        queued = queue_bulletin(app, text="Họp lúc 14h ngày 25/11.", at="+1m", channels=["radio"])
        change = changes.edit_bulletin(app, APPROVER, queued.bulletin_id, body="Họp lúc 15h ngày 25/11.")
        assert change.approval == "draft"
        clock.advance(minutes=2)
        assert runner.run_due() == [] and radio.published == []
        approval.approve(app, APPROVER, queued.bulletin_id)
        [record] = runner.run_due()
        assert record.outcome is Outcome.aired and radio.published[0].body == "Họp lúc 15h ngày 25/11."
        [entry] = _audit(app, "bulletin_edit")
        trail = entry.detail or {}
        assert trail["before"]["body"] == "Họp lúc 14h ngày 25/11." and trail["back_to_draft"] is True
        for bad, code in (
            (dict(), "bulletin_edit_nothing"),
            (dict(body="   "), "empty_text"),
            (dict(title=""), "bulletin_title_empty"),
            (dict(title="x" * 201), "bulletin_title_long"),
            (dict(title="Đã phát rồi"), "bulletin_nothing_pending"),
        ):
            with pytest.raises(UsageError) as info:
                changes.edit_bulletin(app, APPROVER, queued.bulletin_id, **bad)
            assert info.value.code == code
    finally:
        app.close()


def test_without_require_approval_an_edit_stays_approved(app, runner, clock, channels):
    queued = queue_bulletin(app, text="Tin cũ.", at="+1m", channels=["radio"])
    change = changes.edit_bulletin(app, ADMIN, queued.bulletin_id, title="Tin mới", body="Nội dung mới.")
    assert change.approval == "approved"
    clock.advance(minutes=2)
    [record] = runner.run_due()
    assert record.outcome is Outcome.aired and channels["radio"].published[0].title == "Tin mới"


def test_an_edit_is_held_to_the_queues_limits_and_changes_nothing_when_refused(app, runner, clock, channels):
    queued = queue_bulletin(app, text="Tin ngắn.", at="+1m", channels=["radio"])
    too_long = " ".join(["Thông báo lịch tiêm chủng cho trẻ em dưới năm tuổi tại trạm y tế xã."] * 120)
    with pytest.raises(UsageError) as info:
        changes.edit_bulletin(app, ADMIN, queued.bulletin_id, body=too_long)
    assert info.value.code == "bulletin_too_long"
    with pytest.raises(UsageError) as info:
        changes.edit_bulletin(app, ADMIN, queued.bulletin_id, body="x" * 200_000)
    assert info.value.code == "text_too_large"
    with app.reads() as session:
        assert session.get(Bulletin, queued.bulletin_id).body == "Tin ngắn."
    assert _audit(app, "bulletin_edit") == []


# ---- races with the claim -----------------------------------------------------------------------------


def test_claimed_first_the_airing_is_not_cancelled_and_ends_with_one_record(app, runner, clock):
    queued = queue_bulletin(app, text="Tin đang phát.", at="now", channels=["facebook"])
    [airing] = queued.airings
    assert claims.claim(app, airing.id, clock.now())
    change = changes.cancel_bulletin(app, ADMIN, queued.bulletin_id)
    assert change.changed == () and [a.id for a in change.running] == [airing.id] and change.stopping == ()
    assert _records(app) == [] and _airing(app, airing.id).status is AiringStatus.running


def test_cancelled_first_the_runner_does_not_air_it(app, runner, clock, channels):
    queued = queue_bulletin(app, text="Tin huỷ trước.", at="now", channels=["radio"])
    [airing] = queued.airings
    changes.cancel_bulletin(app, ADMIN, queued.bulletin_id)
    assert runner.execute(airing.id) is None and channels["radio"].published == []
    assert [r.outcome for r in _records(app)] == [Outcome.skipped]


def test_a_move_or_an_edit_between_reading_and_claiming_is_seen(app, runner, clock, channels, monkeypatch):
    moved = queue_bulletin(app, text="Tin sẽ dời.", at="now", channels=["radio"])
    edited = queue_bulletin(app, text="Tin sẽ sửa.", at="now", channels=["radio"])
    claim = claims.claim
    meanwhile: list[Any] = []

    def claim_after(app_: Any, airing_id: int, now: Any) -> bool:
        while meanwhile:
            meanwhile.pop()()
        return claim(app_, airing_id, now)

    monkeypatch.setattr(claims, "claim", claim_after)
    meanwhile.append(lambda: changes.move_bulletin(app, ADMIN, moved.bulletin_id, at="+1h"))
    assert runner.execute(moved.airings[0].id) is None
    after = _airing(app, moved.airings[0].id)
    assert after.status is AiringStatus.pending and after.claimed_by is None and after.attempts == 0
    meanwhile.append(lambda: changes.edit_bulletin(app, ADMIN, edited.bulletin_id, body="Nội dung đã sửa."))
    [record] = [runner.execute(edited.airings[0].id)]
    assert record is not None and channels["radio"].published[-1].body == "Nội dung đã sửa."
    assert len(channels["radio"].published) == 1


def test_cancel_racing_the_runner_never_gives_two_records_or_airs_what_was_cancelled(app, runner, clock, channels):
    count = 12
    queued = [queue_bulletin(app, text=f"Tin số {i}.", at="now", channels=["facebook"]) for i in range(count)]
    results: dict[int, changes.Change] = {}
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def air() -> None:
        start.wait()
        try:
            for q in queued:
                runner.execute(q.airings[0].id)
        except BaseException as exc:
            errors.append(exc)

    def cancel() -> None:
        start.wait()
        try:
            for q in reversed(queued):
                try:
                    results[q.airings[0].id] = changes.cancel_bulletin(app, ADMIN, q.bulletin_id)
                except UsageError as exc:  # aired already
                    assert exc.code == "bulletin_nothing_pending"
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=air), threading.Thread(target=cancel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    runner.run_due()  # anything the runner passed by while it was being cancelled
    posted = {b.airing_id for b in channels["facebook"].published}
    for q in queued:
        airing_id = q.airings[0].id
        finals = [r for r in _records(app, airing_id) if r.outcome is not Outcome.unknown]
        assert len(finals) == 1, (airing_id, finals)
        change = results.get(airing_id)
        if change is not None and change.changed:
            assert finals[0].outcome is Outcome.skipped and airing_id not in posted
        else:
            assert finals[0].outcome is Outcome.posted and airing_id in posted
    assert len(posted) == len(channels["facebook"].published)  # none posted twice


# ---- stopping the radio ------------------------------------------------------------------------------


class PlayingRadio(RecordingChannel):
    """A radio whose playout lasts until it is interrupted; `during` runs while it plays (another operator)."""

    def __init__(self) -> None:
        super().__init__("radio")
        self.cut = threading.Event()
        self.during: Any = None
        self.plays_to_end = False

    def publish(self, broadcast: Broadcast) -> Delivery:
        self.published.append(broadcast)
        if self.during is not None:
            self.during()
        if self.plays_to_end or not self.cut.wait(timeout=30):
            return Delivery(outcome=Outcome.aired)
        raise AudioError("sink_interrupted")

    def interrupt(self, zone: str | None = None) -> None:
        self.cut.set()


@pytest.fixture
def playing(tmp_path: Any, db_url: str, clock: Any) -> Iterator[tuple[Any, PlayingRadio]]:
    radio = PlayingRadio()
    app = build_app(make_config(tmp_path, db_url), clock=clock, channels={"radio": radio})
    yield app, radio
    app.close()


def test_stopping_the_radio_on_the_air_is_logged_as_interrupted_and_not_requeued(playing, clock):
    app, radio = playing
    queued = queue_bulletin(app, text="Tin phát nhầm.", at="now", channels=["radio"])
    [airing] = queued.airings
    asked: list[changes.Change] = []
    radio.during = lambda: asked.append(changes.cancel_bulletin(app, APPROVER, queued.bulletin_id, stop=True))
    record = Runner(app).execute(airing.id)
    assert asked[0].stopping == (airing.id,) and asked[0].changed == ()
    assert record is not None and record.outcome is Outcome.skipped and record.error_code == "operator_stopped"
    assert "binh" in (record.error_message or "") and record.detail == {"interrupted": True, "stopped_by": "binh"}
    assert [r.id for r in _records(app)] == [record.id]
    with app.reads() as session:  # on_interrupt = "requeue" does not bring back what an operator stopped
        assert session.scalars(select(Airing).where(Airing.bulletin_id == queued.bulletin_id)).all() == [
            session.get(Airing, airing.id)
        ]
    assert [e.detail for e in _audit(app, "radio_stop")] == [{"airings": [airing.id]}]


def test_cancel_without_stop_leaves_the_radio_playing_and_says_so(playing, clock):
    app, radio = playing
    queued = queue_bulletin(app, text="Tin đang phát.", at="now", channels=["radio"])
    asked: list[changes.Change] = []
    radio.plays_to_end = True
    radio.during = lambda: asked.append(changes.cancel_bulletin(app, ADMIN, queued.bulletin_id))
    record = Runner(app).execute(queued.airings[0].id)
    assert asked[0].running and asked[0].stopping == () and asked[0].changed == ()
    assert record is not None and record.outcome is Outcome.aired and len(_records(app)) == 1


def test_a_stop_asked_between_claim_and_playout_sends_nothing(playing, clock, monkeypatch):
    app, radio = playing
    queued = queue_bulletin(app, text="Tin chưa kịp phát.", at="now", channels=["radio"])
    claim = claims.claim

    def claim_then_stop(app_: Any, airing_id: int, now: Any) -> bool:
        won = claim(app_, airing_id, now)
        changes.cancel_bulletin(app, APPROVER, queued.bulletin_id, stop=True)
        return won

    monkeypatch.setattr(claims, "claim", claim_then_stop)
    record = Runner(app).execute(queued.airings[0].id)
    assert radio.published == [] and record is not None and record.error_code == "operator_stopped"
    assert record.detail == {"interrupted": False, "stopped_by": "binh"}


def test_machine_actor_is_an_admin_named_after_the_login():
    actor = machine_actor()
    assert actor.role == "admin" and actor.username.startswith("cli:")


def test_approval_states_are_what_list_and_show_report(app):
    queued = queue_bulletin(app, text="Tin xem thử.", at="+1h", approval=Approval.draft)
    [detail] = list_bulletins(app)
    assert detail.id == queued.bulletin_id and detail.approval == "draft" and detail.pending
    data = show_bulletin(app, queued.bulletin_id).as_json(app.config.tz)
    assert data["airings"][0]["due_at"].endswith("+07:00")
    with app.reads() as session:
        assert session.get_one(Bulletin, queued.bulletin_id).approval is Approval.draft


def test_on_the_air_an_edit_is_refused_and_a_post_cannot_be_stopped(app, clock):
    queued = queue_bulletin(app, text="Tin đang đăng.", at="now", channels=["facebook", "radio"])
    facebook = next(a.id for a in queued.airings if a.channel == "facebook")
    assert claims.claim(app, facebook, clock.now())
    with pytest.raises(UsageError) as info:
        changes.edit_bulletin(app, ADMIN, queued.bulletin_id, body="Sửa khi đang đăng.")
    assert info.value.code == "bulletin_on_air"
    change = changes.cancel_bulletin(app, ADMIN, queued.bulletin_id, stop=True)
    assert [a.channel for a in change.changed] == ["radio"] and [a.id for a in change.running] == [facebook]
    assert change.stopping == () and _airing(app, facebook).stop_requested_by is None
    with pytest.raises(UsageError) as info:
        changes.move_bulletin(app, ADMIN, queued.bulletin_id, at="+1h")
    assert info.value.code == "bulletin_nothing_pending"


def test_a_cancelled_radio_airings_render_job_is_dropped(tmp_path, db_url, clock):
    class Rendering(RecordingChannel):
        def prepare(self, broadcast: Broadcast) -> None:
            raise AssertionError("a cancelled airing must not be rendered")

    config = make_config(
        tmp_path, db_url, runner={"poll_seconds": 5.0}, channels={"radio": {"render_lead_seconds": 120}}
    )
    app = build_app(config, clock=clock, channels={"radio": Rendering("radio")})
    runner = Runner(app)
    timers = FakeTimers(clock)
    runner.start(scheduler=timers)
    try:
        queued = queue_bulletin(app, text="Tin dựng trước.", at="+90s", channels=["radio"])
        runner.sync()
        assert len(timers.pending("render:")) == 1
        changes.cancel_bulletin(app, ADMIN, queued.bulletin_id)
        runner.sync()
        assert timers.pending("render:") == {} and runner.timers._rendering == set()
        timers.run_until(clock.now() + timedelta(minutes=10))
        assert [r.outcome for r in _records(app)] == [Outcome.skipped]
    finally:
        runner.stop()
        app.close()


def test_a_stop_asked_while_the_audio_renders_still_cuts_the_playout(tmp_path, db_url, clock):
    class RendersFirst(PlayingRadio):
        """The first interrupt comes while rendering (nothing plays yet); only a later one can cut the playout."""

        def publish(self, broadcast: Broadcast) -> Delivery:
            self.published.append(broadcast)
            self.during()
            assert self.cut.wait(timeout=30)  # the watch's first interrupt, still rendering
            self.cut.clear()
            if not self.cut.wait(timeout=30):  # now playing
                return Delivery(outcome=Outcome.aired)
            raise AudioError("sink_interrupted")

    radio = RendersFirst()
    app = build_app(make_config(tmp_path, db_url), clock=clock, channels={"radio": radio})
    try:
        queued = queue_bulletin(app, text="Tin dừng khi đang dựng.", at="now", channels=["radio"])
        radio.during = lambda: changes.cancel_bulletin(app, APPROVER, queued.bulletin_id, stop=True)
        record = Runner(app).execute(queued.airings[0].id)
        assert record is not None and record.error_code == "operator_stopped"
        assert record.detail == {"interrupted": True, "stopped_by": "binh"}
    finally:
        app.close()
