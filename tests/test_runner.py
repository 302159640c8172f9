"""The runner on a fake clock, on SQLite and PostgreSQL: claim, deliver, record, recover."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from broadcasts.channels.base import Delivery
from broadcasts.errors import ChannelError
from broadcasts.models import Airing, AiringStatus, LogRecord, Outcome
from scheduler.runner import Runner
from scheduler.services.queue import queue_bulletin


def records(app, airing_id=None):
    with app.sessions() as session:
        stmt = select(LogRecord).order_by(LogRecord.id)
        if airing_id is not None:
            stmt = stmt.where(LogRecord.airing_id == airing_id)
        return list(session.scalars(stmt))


def airing(app, airing_id):
    with app.sessions() as session:
        return session.get_one(Airing, airing_id)


def test_due_airings_run_once_each_with_one_record(app, runner, clock, channels):
    queued = queue_bulletin(app, text="Thông báo lịch tiếp công dân.", at="+1m")
    assert [a.channel for a in queued.airings] == ["radio", "facebook", "zalo"]

    assert runner.run_due() == []  # not due yet
    clock.advance(minutes=1)
    written = runner.run_due()
    assert sorted(r.outcome.value for r in written) == ["aired", "posted", "posted"]
    assert runner.run_due() == []  # nothing twice
    for a in queued.airings:
        assert len(records(app, a.id)) == 1
        assert airing(app, a.id).status is AiringStatus.done
    assert len(channels["radio"].published) == 1
    rec = records(app, queued.airings[0].id)[0]
    assert rec.due_at == queued.airings[0].due_at and rec.late_seconds == 0.0
    assert rec.started_at == clock.now() and rec.due_at.tzinfo is not None


def test_late_within_grace_airs_and_logs_lateness(app, runner, clock):
    queue_bulletin(app, text="Bản tin sáng.", at="now", channels=["radio"])
    clock.advance(minutes=4)
    [rec] = runner.run_due()
    assert rec.outcome is Outcome.aired and rec.late_seconds == pytest.approx(240)


def test_past_grace_is_missed_with_reason_never_dropped(app, runner, clock, channels):
    queue_bulletin(app, text="Bản tin sáng.", at="now", channels=["radio", "facebook"])
    clock.advance(minutes=30)  # radio grace 10 min, facebook 120 min
    by_channel = {r.channel: r for r in runner.run_due()}
    assert by_channel["radio"].outcome is Outcome.missed
    assert by_channel["radio"].error_code == "missed" and "30 phút" in by_channel["radio"].error_message
    assert by_channel["facebook"].outcome is Outcome.posted
    assert channels["radio"].published == []


def test_retryable_error_is_retried_with_backoff(app, runner, clock, channels):
    channels["facebook"].then(
        ChannelError("channel_failed", channel="facebook", retryable=True, reason="429"),
        ChannelError("channel_failed", channel="facebook", retryable=True, reason="429"),
    )
    queue_bulletin(app, text="Tin.", at="now", channels=["facebook"])
    [rec] = runner.run_due()
    assert rec.outcome is Outcome.posted
    assert len(channels["facebook"].published) == 3
    assert len(clock.slept) == 2 and 1.0 <= clock.slept[0] <= 1.25 and 2.0 <= clock.slept[1] <= 2.5


def test_retries_are_bounded_and_end_failed(app, runner, channels):
    channels["zalo"].then(*[ChannelError("channel_failed", channel="zalo", retryable=True, reason="-32")] * 5)
    queue_bulletin(app, text="Tin.", at="now", channels=["zalo"])
    [rec] = runner.run_due()
    assert rec.outcome is Outcome.failed and len(channels["zalo"].published) == 3
    assert "-32" in rec.error_message


def test_the_runner_log_speaks_the_station_language(app, runner, clock, channels, caplog):
    channels["zalo"].then(*[ChannelError("channel_failed", channel="zalo", retryable=True, reason="-32")] * 3)
    queued = queue_bulletin(app, text="Tin.", at="now", channels=["radio", "zalo"])
    clock.advance(seconds=90)
    with caplog.at_level("INFO", logger="loa.runner"):
        runner.run_due()
    lines = [r.getMessage() for r in caplog.records if r.name == "loa.runner"]
    radio_id, zalo_id = (a.id for a in queued.airings)
    assert f"Lượt phát #{radio_id} trên radio bắt đầu trễ 90.0 giây." in lines
    assert f"Lượt phát #{radio_id} trên radio: đã phát." in lines
    assert any(line.startswith(f"Lượt phát #{zalo_id} trên zalo: ") and "thử lại sau" in line for line in lines)
    assert any(line.startswith(f"Lượt phát #{zalo_id} trên zalo không thành: ") and "-32" in line for line in lines)


def test_unclear_outcome_is_unknown_and_not_resent(app, runner, clock, channels):
    channels["facebook"].then(ChannelError("channel_failed", channel="facebook", sent=True, reason="timeout"))
    queued = queue_bulletin(app, text="Tin.", at="now", channels=["facebook"])
    [rec] = runner.run_due()
    assert rec.outcome is Outcome.unknown
    assert airing(app, queued.airings[0].id).status is AiringStatus.unknown
    clock.advance(minutes=5)
    assert runner.run_due() == [] and len(channels["facebook"].published) == 1


def test_unclear_but_asked_to_look_again_waits_with_the_lease_kept_then_unknown(app, runner, clock, channels):
    # `sent` and `retryable` together: the channel looked and found nothing, and asks to look again after a wait
    recheck = ChannelError(
        "channel_failed", channel="facebook", sent=True, retryable=True, retry_after=30.0, reason="x"
    )
    channels["facebook"].then(recheck, recheck, recheck)
    queued = queue_bulletin(app, text="Tin.", at="now", channels=["facebook"])
    [rec] = runner.run_due()
    assert rec.outcome is Outcome.unknown and len(channels["facebook"].published) == 3
    assert len(clock.slept) == 2 and all(30.0 <= s <= 37.5 for s in clock.slept)
    assert airing(app, queued.airings[0].id).status is AiringStatus.unknown


def test_unclear_then_found_on_the_second_look_is_posted(app, runner, clock, channels):
    recheck = ChannelError(
        "channel_failed", channel="facebook", sent=True, retryable=True, retry_after=30.0, reason="x"
    )
    channels["facebook"].then(recheck, Delivery(outcome=Outcome.posted, external_id="p1"))
    queue_bulletin(app, text="Tin.", at="now", channels=["facebook"])
    [rec] = runner.run_due()
    assert rec.outcome is Outcome.posted and rec.external_id == "p1" and len(clock.slept) == 1


def test_revoked_token_stops_that_channel_only(app, runner, channels):
    channels["facebook"].then(ChannelError("channel_failed", channel="facebook", auth=True, reason="190"))
    queue_bulletin(app, text="Tin một.", at="now")
    second = queue_bulletin(app, text="Tin hai.", at="now")
    out = runner.run_due()
    assert {(r.channel, r.outcome.value) for r in out} == {
        ("radio", "aired"),
        ("facebook", "failed"),
        ("zalo", "posted"),
    }
    assert "facebook" in runner.stopped and "190" in runner.stopped["facebook"]
    assert len([r for r in out if r.channel == "radio"]) == 2
    held = next(a for a in second.airings if a.channel == "facebook")
    assert airing(app, held.id).status is AiringStatus.pending  # held, not posted, not dropped


def test_internal_error_is_recorded_as_failed(app, runner, channels):
    channels["radio"].then(RuntimeError("boom"))
    queue_bulletin(app, text="Tin.", at="now", channels=["radio"])
    [rec] = runner.run_due()
    assert rec.outcome is Outcome.failed and rec.error_code == "internal" and "boom" in rec.error_message


def test_claim_is_exclusive_between_runners(app, clock, channels):
    queued = queue_bulletin(app, text="Tin.", at="now", channels=["radio"])
    first, second = Runner(app), Runner(app)
    assert first.execute(queued.airings[0].id) is not None
    assert second.execute(queued.airings[0].id) is None
    assert len(channels["radio"].published) == 1 and len(records(app)) == 1


def _abandon(app, airing_id, claimed_by, clock, lease_seconds=900):
    with app.sessions.begin() as session:
        session.execute(
            update(Airing)
            .where(Airing.id == airing_id)
            .values(
                status=AiringStatus.running,
                claimed_by=claimed_by,
                claimed_at=clock.now(),
                lease_until=clock.now() + timedelta(seconds=lease_seconds),
                attempts=1,
            )
        )


def test_claim_of_dead_process_is_recovered_and_rerun_when_nothing_went_out(app, runner, clock, channels):
    import socket

    queued = queue_bulletin(app, text="Tin.", at="now", channels=["radio"])
    _abandon(app, queued.airings[0].id, f"{socket.gethostname()}:999999:dead00", clock)
    channels["radio"].recover_answer = None  # surely not delivered
    [rec] = runner.run_due()
    # asked twice: once, then again under the airing's row lock before it is made pending (evidence.fenced)
    assert rec.outcome is Outcome.aired and len(channels["radio"].recovered) == 2
    assert len(records(app)) == 1


def test_claim_of_dead_process_that_delivered_is_recorded_not_rerun(app, runner, clock, channels):
    import socket

    queued = queue_bulletin(app, text="Tin.", at="now", channels=["radio"])
    _abandon(app, queued.airings[0].id, f"{socket.gethostname()}:999999:dead00", clock)
    channels["radio"].recover_answer = Delivery(outcome=Outcome.aired, detail={"recovered": True})
    [rec] = runner.run_due()
    assert rec.outcome is Outcome.aired and rec.detail == {"recovered": True}
    assert channels["radio"].published == [] and len(records(app)) == 1


def test_live_claim_of_another_node_is_left_alone_until_its_lease_expires(app, runner, clock, channels):
    queued = queue_bulletin(app, text="Tin.", at="now", channels=["facebook"])
    _abandon(app, queued.airings[0].id, "other-host:1234:abcdef", clock, lease_seconds=60)
    assert runner.run_due() == []
    clock.advance(seconds=61)
    channels["facebook"].recover_answer = Delivery(outcome=Outcome.unknown, error_code="crashed_unclear")
    [rec] = runner.run_due()
    assert rec.outcome is Outcome.unknown and "kiểm tra" in rec.error_message


def test_air_order_is_due_time_then_priority(app, runner, clock, channels):
    queue_bulletin(app, text="Tin thường.", at="now", channels=["radio"])
    queue_bulletin(app, text="Tin ưu tiên.", at="now", channels=["radio"], priority="priority")
    runner.run_due()
    assert [b.body for b in channels["radio"].published] == ["Tin ưu tiên.", "Tin thường."]


def test_every_airing_has_exactly_one_final_record(app, runner, clock, channels):
    for i in range(5):
        queue_bulletin(app, text=f"Tin số {i}.", at=f"+{i}m")
    for _ in range(6):
        runner.run_due()
        clock.advance(minutes=1)
    with app.sessions() as session:
        counts = session.execute(select(LogRecord.airing_id, func.count()).group_by(LogRecord.airing_id)).all()
        total = session.scalar(select(func.count()).select_from(Airing))
    assert total == 15 and len(counts) == 15 and all(n == 1 for _, n in counts)


def test_lease_is_renewed_while_a_long_delivery_is_in_hand(tmp_path, db_url, clock):
    import threading

    from broadcasts.channels.base import Delivery as D
    from scheduler.app import build_app
    from tests.conftest import make_config
    from tests.fakes.tts import ToneEngine

    config = make_config(tmp_path, db_url, runner={"lease_seconds": 1}, channels={"enabled": ["facebook"]})
    seen: list = []
    release = threading.Event()

    class Slow:
        name = "facebook"

        def publish(self, broadcast):
            release.wait(5)  # a long real-time playout, in miniature
            return D(outcome=Outcome.posted)

        def recover(self, broadcast):
            return None

    app = build_app(config, clock=clock, tts=ToneEngine(), channels={"facebook": Slow()})
    try:
        queued = queue_bulletin(app, text="Tin.", at="now", channels=["facebook"])
        runner = Runner(app)
        worker = threading.Thread(target=runner.execute, args=(queued.airings[0].id,))
        worker.start()
        first = None
        for _ in range(100):
            lease = airing(app, queued.airings[0].id).lease_until
            if lease is not None:
                first = first or lease
                clock.advance(seconds=1)
                if lease > first:
                    seen.append(lease)
                    break
            release.wait(0.05)
        release.set()
        worker.join(5)
        assert seen, "the lease was never renewed"
        assert airing(app, queued.airings[0].id).status is AiringStatus.done
    finally:
        app.close()


def test_a_timer_that_fires_before_a_replanned_due_time_does_nothing(app, runner, clock, channels):
    queued = queue_bulletin(app, text="Tin.", at="+10m", channels=["radio"])
    with app.sessions.begin() as session:  # as if re-planning had pushed it later after its timer was set
        session.get_one(Airing, queued.airings[0].id).due_at = clock.now() + timedelta(minutes=20)
    clock.advance(minutes=10)
    assert runner.execute(queued.airings[0].id) is None  # the old timer fires: not yet
    assert channels["radio"].published == [] and airing(app, queued.airings[0].id).status is AiringStatus.pending
    clock.advance(minutes=10)
    assert runner.execute(queued.airings[0].id).outcome is Outcome.aired
