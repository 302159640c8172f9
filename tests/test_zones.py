"""Loudspeaker zones: one radio airing and one log record per zone, zones in parallel, proof of airing and alerts.

The radio here is the real RadioChannel (tone speech) with in-process sinks per
zone; real Icecast mounts and listeners are in tests/test_onair.py.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from audio.errors import AudioError
from audio.listen import Heard
from audio.sinks.base import Played
from broadcasts.models import Airing, Alert, Bulletin, BulletinKind, LogRecord, Outcome
from scheduler.app import build_app
from scheduler.errors import ConfigError, UsageError
from scheduler.runner import Runner
from scheduler.services.queue import queue_bulletin
from tests.conftest import make_config
from tests.fakes.tts import ToneEngine

ZONES = {
    "thon-dong": {"label": "Thôn Đông", "sink": "folder"},
    "loa-day": {"label": "Loa dây", "sink": "folder"},
}


class GateSink:
    """A sink whose playout waits until its gate opens (bounded), recording what it played and when stopped."""

    name = "gate"

    def __init__(self, gate: threading.Event | None = None) -> None:
        self.gate = gate
        self.played: list[str] = []
        self.started = threading.Event()
        self.cut = threading.Event()

    def play(self, audio: Path, *, key: str) -> Played:
        self.started.set()
        gate = self.gate  # as it was when this play began: a test may open the way for the next play only
        if gate is not None:
            for _ in range(300):  # at most 30 s
                if gate.wait(0.1) or self.cut.is_set():
                    break
        if self.cut.is_set():
            self.cut.clear()
            raise AudioError("sink_interrupted")
        self.played.append(key)
        return Played(sink=self.name, target=key)

    def was_played(self, key: str) -> bool | None:
        return key in self.played

    def stop(self) -> None:
        self.cut.set()


class FakeListener:
    """What a listener on the mount reports: given by the test."""

    def __init__(self, heard: Heard | None = None, delay: float = 0.12) -> None:
        self.heard_as = heard
        self.delay = delay
        self.asked: list[tuple[float, float]] = []

    def start(self) -> None: ...

    def close(self) -> None: ...

    def heard(self, start: float, end: float) -> Heard:
        self.asked.append((start, end))
        if self.heard_as is not None:
            return self.heard_as
        return Heard(True, start + self.delay, end - start - self.delay, self.delay, self.delay, 0.0)


def _zoned_app(tmp_path: Path, db_url: str, clock: Any, sinks: dict[str, Any], **tables: Any) -> Any:
    radio = {"zones": ZONES, **tables.pop("radio", {})}
    config = make_config(tmp_path, db_url, channels={"enabled": ["radio"], "radio": radio}, **tables)
    return build_app(config, clock=clock, tts=ToneEngine(), sinks=sinks)


def _records(app: Any) -> list[LogRecord]:
    with app.reads() as session:
        return list(session.scalars(select(LogRecord).order_by(LogRecord.id)))


def _alerts(app: Any) -> list[Alert]:
    with app.reads() as session:
        return list(session.scalars(select(Alert).order_by(Alert.id)))


# ---- configuration ---------------------------------------------------------------------------------


def test_zones_are_read_with_their_own_sinks_and_a_station_without_zones_has_main(tmp_path, db_url):
    config = make_config(
        tmp_path,
        db_url,
        channels={"radio": {"zones": {**ZONES, "ip-1": {"sink": "icecast", "icecast": {"url": "http://x/ip1.mp3"}}}}},
    )
    radio = config.channels.radio
    assert radio.zone_names() == ["thon-dong", "loa-day", "ip-1"]
    assert radio.zones["ip-1"].icecast.url == "http://x/ip1.mp3"
    assert radio.zone_label("thon-dong") == "Thôn Đông"
    assert make_config(tmp_path, db_url).channels.radio.zone_names() == ["main"]


@pytest.mark.parametrize(
    ("radio", "key"),
    [
        ({"zones": {"Thôn Đông": {"sink": "folder"}}}, "zones.Thôn Đông"),
        ({"zones": {"a": {"sink": "radio-x"}}}, "zones.a.sink"),
        ({"zones": {"a": {"sink": "command"}}}, "zones.a.command.command"),
        ({"zones": {"a": {"colour": "red"}}}, "zones.a.colour"),
        ({"relays": {"vov1": {"url": "ftp://x"}}}, "relays.vov1.url"),
        ({"relays": {"vov1": {"url": "http://x/a.mp3", "max_gap_seconds": 0}}}, "relays.vov1.max_gap_seconds"),
    ],
)
def test_a_bad_zone_or_relay_is_refused_naming_its_key(tmp_path, db_url, radio, key):
    with pytest.raises(ConfigError) as caught:
        make_config(tmp_path, db_url, channels={"radio": radio})
    assert key in str(caught.value.params)


def test_a_slot_naming_an_unknown_relay_or_zone_is_refused(tmp_path, db_url):
    slot = {"name": "Tiếp âm", "time": "06:00", "relay": "vov9"}
    with pytest.raises(ConfigError) as caught:
        make_config(tmp_path, db_url, slots=[slot])
    assert "slots[0].relay" in str(caught.value.params)
    radio = {"zones": ZONES, "relays": {"vov1": {"url": "http://127.0.0.1:1/vov1.mp3"}}}
    with pytest.raises(ConfigError) as caught:
        make_config(tmp_path, db_url, channels={"radio": radio}, slots=[{**slot, "relay": "vov1", "zones": ["x"]}])
    assert "slots[0].zones" in str(caught.value.params)


# ---- queueing --------------------------------------------------------------------------------------


def test_a_bulletin_gets_one_radio_airing_per_zone_or_per_chosen_zone(tmp_path, db_url, clock):
    app = _zoned_app(tmp_path, db_url, clock, {"thon-dong": GateSink(), "loa-day": GateSink()})
    try:
        every = queue_bulletin(app, text="Thông báo lịch tiêm phòng.", at="now")
        assert sorted((a.channel, a.zone) for a in every.airings) == [("radio", "loa-day"), ("radio", "thon-dong")]
        one = queue_bulletin(app, text="Họp thôn Đông tối nay.", at="now", zones=["thon-dong"])
        assert [(a.channel, a.zone) for a in one.airings] == [("radio", "thon-dong")]
        assert one.as_json()["airings"][0]["zone"] == "thon-dong"  # type: ignore[index]
        with app.reads() as session:
            assert session.get_one(Bulletin, one.bulletin_id).zones == ["thon-dong"]
        urgent = queue_bulletin(app, text="Khẩn cấp: bão số 3.", priority="emergency", zones=["thon-dong"])
        assert sorted(a.zone or "" for a in urgent.airings) == ["loa-day", "thon-dong"]  # emergencies go everywhere
        with pytest.raises(UsageError) as caught:
            queue_bulletin(app, text="Sai cụm loa.", at="now", zones=["thon-tay"])
        assert caught.value.code == "queue_unknown_zone" and "thon-dong" in caught.value.params["zones"]
    finally:
        app.close()


def test_a_station_without_zones_keeps_one_airing_without_a_zone(app):
    queued = queue_bulletin(app, text="Một cụm loa.", at="now", channels=["radio"])
    assert [(a.channel, a.zone) for a in queued.airings] == [("radio", None)]
    with pytest.raises(UsageError):
        queue_bulletin(app, text="Không có cụm loa nào tên này.", at="now", zones=["x"])


# ---- running ---------------------------------------------------------------------------------------


def test_two_zones_play_different_bulletins_at_once_and_each_has_its_record(tmp_path, db_url, clock):
    gate = threading.Event()
    east, wired = GateSink(gate), GateSink()
    app = _zoned_app(tmp_path, db_url, clock, {"thon-dong": east, "loa-day": wired})
    try:
        runner = Runner(app)
        a = queue_bulletin(app, text="Bản tin cho thôn Đông.", at="now", zones=["thon-dong"]).airings[0]
        b = queue_bulletin(app, text="Bản tin cho loa dây.", at="now", zones=["loa-day"]).airings[0]
        playing = threading.Thread(target=runner.execute, args=(a.id,))
        playing.start()
        assert east.started.wait(10)
        record = runner.execute(b.id)  # thôn Đông is still on the air: loa dây does not wait for it
        assert record is not None and record.outcome is Outcome.aired and record.zone == "loa-day"
        assert playing.is_alive()
        gate.set()
        playing.join(10)
        zones = {r.zone: r for r in _records(app)}
        assert set(zones) == {"thon-dong", "loa-day"}
        assert all(r.outcome is Outcome.aired for r in zones.values())
        assert wired.played and east.played and wired.played[0] != east.played[0]
    finally:
        gate.set()
        app.close()


def test_an_emergency_interrupts_only_the_zone_it_takes_and_the_bulletin_is_requeued_there(tmp_path, db_url, clock):
    gate = threading.Event()
    east, wired = GateSink(gate), GateSink(gate)
    app = _zoned_app(tmp_path, db_url, clock, {"thon-dong": east, "loa-day": wired})
    try:
        runner = Runner(app)
        normal = queue_bulletin(app, text="Bản tin thường thôn Đông.", at="now", zones=["thon-dong"]).airings[0]
        other = queue_bulletin(app, text="Bản tin thường loa dây.", at="now", zones=["loa-day"]).airings[0]
        threads = [threading.Thread(target=runner.execute, args=(x.id,)) for x in (normal, other)]
        for t in threads:
            t.start()
        assert east.started.wait(10) and wired.started.wait(10)
        urgent = queue_bulletin(app, text="Khẩn cấp thôn Đông.", priority="emergency")
        east_urgent = next(x for x in urgent.airings if x.zone == "thon-dong")
        east.gate = None  # the emergency itself plays at once
        record = runner.execute(east_urgent.id)
        assert record is not None and record.outcome is Outcome.aired and record.zone == "thon-dong"
        threads[0].join(10)
        assert threads[1].is_alive()  # loa dây was not interrupted by thôn Đông's emergency
        gate.set()
        threads[1].join(10)
        by_airing = {r.airing_id: r for r in _records(app)}
        assert by_airing[normal.id].error_code == "sink_interrupted"
        assert by_airing[other.id].outcome is Outcome.aired
        with app.reads() as session:
            again = session.scalars(
                select(Airing).where(Airing.bulletin_id == by_airing[normal.id].bulletin_id, Airing.id != normal.id)
            ).one()
        assert again.zone == "thon-dong"
    finally:
        gate.set()
        app.close()


def _radio_with_listener(app: Any, zone: str, listener: FakeListener, dead_air: float = 5.0) -> None:
    radio: Any = app.channels["radio"]
    radio.zones[zone].listener = listener
    radio.zones[zone].dead_air_seconds = dead_air
    radio.sleep = lambda seconds: None


def test_what_the_listener_heard_goes_into_the_zones_record(tmp_path, db_url, clock):
    app = _zoned_app(tmp_path, db_url, clock, {"thon-dong": GateSink(), "loa-day": GateSink()})
    try:
        listener = FakeListener()
        _radio_with_listener(app, "thon-dong", listener)
        queued = queue_bulletin(app, text="Thông báo có người nghe lại.", at="now")
        Runner(app).run_due()
        by_zone = {r.zone: r for r in _records(app)}
        east, wired = by_zone["thon-dong"], by_zone["loa-day"]
        assert listener.asked, "the listener was asked what it heard"
        assert east.heard_seconds is not None and east.heard_seconds > 0
        assert east.heard_delay_ms is not None and east.longest_silence_seconds == pytest.approx(0.1, abs=0.05)
        assert wired.heard_seconds is None  # a folder zone has nobody listening
        assert not _alerts(app) and len(queued.airings) == 2
    finally:
        app.close()


def test_silence_on_the_air_raises_a_dead_air_alert_and_an_unreachable_mount_its_own(tmp_path, db_url, clock, caplog):
    app = _zoned_app(tmp_path, db_url, clock, {"thon-dong": GateSink(), "loa-day": GateSink()})
    try:
        _radio_with_listener(app, "thon-dong", FakeListener(Heard(True, None, 0.0, 4.0, 4.0, 0.0)), dead_air=3.0)
        _radio_with_listener(app, "loa-day", FakeListener(Heard(False, None, 0.0, 0.0, 0.0, 4.0)))
        queue_bulletin(app, text="Bản tin mà không ai nghe thấy.", at="now")
        with caplog.at_level("WARNING", logger="loa.runner"):
            Runner(app).run_due()
        alerts = {a.zone: a for a in _alerts(app)}
        assert alerts["thon-dong"].kind == "dead_air" and (alerts["thon-dong"].seconds or 0) >= 3.0
        assert "Thôn Đông" in alerts["thon-dong"].message
        assert alerts["loa-day"].kind == "mount_unreachable" and alerts["loa-day"].seconds == 4.0
        assert all(a.airing_id is not None for a in alerts.values())
        assert sum("CẢNH BÁO" in r.getMessage() for r in caplog.records) == 2
        records = {r.zone: r for r in _records(app)}
        assert records["thon-dong"].outcome is Outcome.aired  # it went out; what was heard is the alert's business
        assert records["thon-dong"].heard_seconds == 0.0
    finally:
        app.close()


# ---- relays in the programme -------------------------------------------------------------------------


def test_a_relay_slot_makes_one_relay_airing_per_zone_ending_with_the_slot(tmp_path, db_url, clock):
    from scheduler.programme import planner

    radio = {"relays": {"vov1": {"url": "http://127.0.0.1:9/vov1.mp3", "label": "VOV1"}}}
    slots = [
        {"name": "Buổi sáng", "time": "06:00", "max_minutes": 30},
        {"name": "Tiếp âm VOV1", "time": "06:30", "max_minutes": 30, "relay": "vov1", "zones": ["loa-day"]},
    ]
    sinks = {"thon-dong": GateSink(), "loa-day": GateSink()}
    app = _zoned_app(tmp_path, db_url, clock, sinks, radio=radio, slots=slots)
    try:
        now = clock.now()
        assert planner.materialize(app, now, now + timedelta(hours=2)) >= 1
        assert planner.materialize(app, now, now + timedelta(hours=2)) == 0  # made once
        with app.reads() as session:
            relays = session.scalars(select(Bulletin).where(Bulletin.kind == BulletinKind.relay)).all()
            assert len(relays) == 1 and relays[0].relay == "vov1" and relays[0].relay_seconds == 1800
            assert relays[0].title == "Tiếp âm VOV1"
            airings = session.scalars(select(Airing).where(Airing.bulletin_id == relays[0].id)).all()
        assert [(a.zone, a.slot_at) for a in airings] == [("loa-day", None)]
        assert airings[0].until - airings[0].due_at == timedelta(minutes=30)
        assert airings[0].due_at.astimezone(app.config.tz).strftime("%H:%M") == "06:30"
        # a spoken bulletin "next" goes to the spoken slot, never into the relay's
        spoken = queue_bulletin(app, text="Bản tin thường.", zones=["loa-day"])
        assert spoken.airings[0].due_at.astimezone(app.config.tz).strftime("%H:%M") == "06:00"
    finally:
        app.close()


def test_queueing_a_relay_is_checked_before_anything_is_stored(tmp_path, db_url, clock):
    radio = {"relays": {"vov1": {"url": "http://127.0.0.1:9/vov1.mp3"}}}
    app = _zoned_app(tmp_path, db_url, clock, {"thon-dong": GateSink(), "loa-day": GateSink()}, radio=radio)
    try:
        bad: list[tuple[dict[str, Any], str]] = [
            ({"relay": "vov9", "relay_minutes": 30, "at": "now"}, "queue_unknown_relay"),
            ({"relay": "vov1", "relay_minutes": 0, "at": "now"}, "queue_relay_minutes"),
            ({"relay": "vov1", "relay_minutes": 30, "at": "now", "channels": ["facebook"]}, "queue_relay_radio_only"),
            ({"relay": "vov1", "relay_minutes": 30}, "queue_relay_needs_time"),
        ]
        for kwargs, code in bad:
            with pytest.raises(UsageError) as caught:
                queue_bulletin(app, **kwargs)
            assert caught.value.code == code
        with app.reads() as session:
            assert session.scalars(select(Bulletin)).all() == []
        queued = queue_bulletin(app, relay="vov1", relay_minutes=15, at="now", zones=["thon-dong"])
        with app.reads() as session:
            airing = session.get_one(Airing, queued.airings[0].id)
        assert airing.zone == "thon-dong" and airing.until - airing.due_at == timedelta(minutes=15)
        assert queued.seconds == 900
    finally:
        app.close()


# ---- a mount down between airings ------------------------------------------------------------------------


@dataclass
class Status:
    connected: bool
    last_error: str | None = None


class StatusSink(GateSink):
    def __init__(self) -> None:
        super().__init__()
        self.now = Status(True)

    def status(self) -> Status:
        return self.now


def test_a_mount_down_between_airings_raises_one_alert_and_its_return_is_noted(tmp_path, db_url, clock, caplog):
    from scheduler.runner.zones import ZoneWatch

    east = StatusSink()
    app = _zoned_app(tmp_path, db_url, clock, {"thon-dong": east, "loa-day": GateSink()})
    try:
        ticks = iter(float(t) for t in range(0, 1000, 10))
        watch = ZoneWatch(app, after=30, monotonic=lambda: next(ticks))
        watch.check()
        east.now = Status(False, "connection refused")
        with caplog.at_level("INFO", logger="loa.runner"):
            for _ in range(6):  # 50 s down: told once
                watch.check()
            assert [(a.zone, a.kind) for a in _alerts(app)] == [("thon-dong", "mount_unreachable")]
            assert "connection refused" in _alerts(app)[0].message
            east.now = Status(True)
            watch.check()
        assert any("kết nối lại" in r.getMessage() for r in caplog.records)
        assert len(_alerts(app)) == 1
    finally:
        app.close()


def test_the_monthly_report_says_which_zones_heard_what_and_lists_the_alerts(tmp_path, db_url, clock):
    from broadcasts.figures import Period, report_json
    from broadcasts.report import build_report
    from scheduler.report.files import write_report

    app = _zoned_app(tmp_path, db_url, clock, {"thon-dong": GateSink(), "loa-day": GateSink()})
    try:
        _radio_with_listener(app, "thon-dong", FakeListener())
        _radio_with_listener(app, "loa-day", FakeListener(Heard(True, None, 0.0, 4.0, 4.0, 0.0)), dead_air=3.0)
        queue_bulletin(app, text="Bản tin tháng mười một.", at="now")
        Runner(app).run_due()
        with app.reads() as session:
            report = build_report(session, app.station_id, Period.month(2026, 11), now=clock.now())
        zones = {z.zone: z for z in report.zones}
        assert zones["thon-dong"].aired == 1 and zones["thon-dong"].heard == 1 and zones["thon-dong"].dead_air == 0
        assert zones["thon-dong"].mean_delay_ms is not None
        assert zones["loa-day"].heard == 0 and zones["loa-day"].dead_air == 1
        assert [a.kind for a in report.alerts] == ["dead_air"]
        data = report_json(report)
        assert {z["zone"] for z in data["zones"]} == {"thon-dong", "loa-day"}
        assert data["alerts"][0]["zone"] == "loa-day"
        out = write_report(report, tmp_path / "bao-cao.xlsx")
        from openpyxl import load_workbook

        sheet = load_workbook(out)["Cụm loa"]
        cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
        assert "thon-dong" in cells and "dead_air" in cells
    finally:
        app.close()


def test_after_a_crash_a_recorded_bulletin_played_in_its_zone_is_recovered_as_its_file(tmp_path, db_url, clock):
    from broadcasts.channels.base import Broadcast

    east = GateSink()
    app = _zoned_app(tmp_path, db_url, clock, {"thon-dong": east, "loa-day": GateSink()})
    try:
        base = Broadcast(
            airing_id=7,
            bulletin_id=3,
            channel="radio",
            station_code="thu",
            station_name="Thử",
            timezone="Asia/Ho_Chi_Minh",
            title="Tệp",
            body="",
            post_text=None,
            priority="normal",
            due_at=clock.now(),
            zone="thon-dong",
            kind="audio",
            media_path="media/abc.mp3",
            media_sha256="ab" * 32,
            media_seconds=12.5,
        )
        radio = app.channels["radio"]
        assert radio.recover(base) is None  # never handed over
        east.played.append(base.key)
        found = radio.recover(base)
        assert found.outcome is Outcome.aired and found.audio_sha256 == "ab" * 32 and found.audio_seconds == 12.5
        assert found.audio_path.endswith("media/abc.mp3") and found.detail["recovered"] is True
        assert radio.recover(replace(base, zone="loa-day")) is None  # the other zone's ledger knows nothing of it
    finally:
        app.close()


def test_a_priority_bulletin_cuts_a_relay_but_waits_for_a_spoken_bulletin():
    from scheduler.runner.radio import RadioTurns

    class Radio:
        name = "radio"

        def __init__(self) -> None:
            self.cut: list[str | None] = []
            self.release = threading.Event()

        def interrupt(self, zone: str | None = None) -> None:
            self.cut.append(zone)
            self.release.set()

    for holder_is_relay in (True, False):
        turns, radio = RadioTurns(), Radio()
        held = threading.Event()

        def hold(
            relay: bool = holder_is_relay, radio: Radio = radio, held: threading.Event = held, turns: Any = turns
        ) -> None:
            with turns.turn(radio, False, "thon-dong", relay=relay):
                held.set()
                radio.release.wait(5)

        holder = threading.Thread(target=hold)
        holder.start()
        assert held.wait(5)
        if not holder_is_relay:
            threading.Timer(0.3, radio.release.set).start()  # the spoken bulletin ends by itself
        with turns.turn(radio, False, "thon-dong", priority=True):  # type: ignore[arg-type]
            holder.join(5)
            assert not holder.is_alive()  # the priority bulletin has the zone only once the holder let go
        assert radio.cut == (["thon-dong"] if holder_is_relay else [])
