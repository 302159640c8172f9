"""On the air through a real Icecast 2 on 127.0.0.1: zones as mounts kept up, a listener on each, relays, alerts.

Each zone is an Icecast mount whose source Loa keeps connected; Loa's own
listener stays connected to it as an IP loudspeaker does. A capture of the
mount (a second, independent listener) checks the loudness of what aired.
These tests take real seconds (an airing lasts as long as its audio) and are
bounded: the longest relay here is 20 s.
"""

from __future__ import annotations

import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from audio.mix import ffmpeg_exe, measure_loudness
from broadcasts.models import Airing, Alert, LogRecord, Media, Outcome
from scheduler.app import build_app
from scheduler.runner import Runner
from scheduler.services.media import store_media
from scheduler.services.queue import queue_bulletin
from tests.conftest import make_config
from tests.fakes.bulletin import tone_mp3
from tests.fakes.icecast import SourceFeeder
from tests.fakes.tts import ToneEngine
from tests.icecast_server import IcecastServer, icecast_server


@pytest.fixture(scope="module")
def icecast() -> Iterator[IcecastServer]:
    with icecast_server() as server:
        yield server


def _mount(name: str) -> str:
    return f"/{name}-{uuid.uuid4().hex[:6]}.mp3"


def _until(condition: Any, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.fixture
def station(tmp_path: Path, icecast: IcecastServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A station with two Icecast zones (hamlet clusters), on SQLite, the system clock and tone speech."""
    monkeypatch.setenv("LOA_ICECAST_PASSWORD", icecast.password)
    relay_mount = _mount("vov1")
    fallback = tone_mp3(tmp_path / "fallback.mp3", 3.0).path
    zones = {
        name: {
            "label": label,
            "sink": "icecast",
            "icecast": {"url": icecast.url(_mount(name)), "dead_air_seconds": 2.0},
        }
        for name, label in (("thon-dong", "Thôn Đông"), ("thon-tay", "Thôn Tây"))
    }
    relays = {
        "vov1": {
            "url": icecast.url(relay_mount),
            "label": "VOV1",
            "fallback": str(fallback),
            "max_gap_seconds": 2.0,
            "reconnect_seconds": 0.5,
            "connect_timeout_seconds": 3.0,
            "preroll_seconds": 2.0,
        }
    }
    config = make_config(
        tmp_path,
        f"sqlite:///{tmp_path / 'loa.db'}",
        channels={"enabled": ["radio"], "radio": {"zones": zones, "relays": relays}},
    )
    app = build_app(config, tts=ToneEngine())
    radio: Any = app.channels["radio"]
    radio.start()
    try:
        assert _until(lambda: all(z.sink.status().connected for z in radio.zones.values()))
        assert _until(lambda: all(z.listener.connected for z in radio.zones.values()))
        app.relay_mount = relay_mount  # type: ignore[attr-defined]
        yield app
    finally:
        radio.close()
        app.close()


def _ffmpeg(source: str, *args: str) -> None:
    """Make a test input with ffmpeg from a lavfi source."""
    command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", source, *args]
    subprocess.run(command, check=True, timeout=30)


def _record(app: Any, airing_id: int) -> LogRecord:
    with app.reads() as session:
        return session.scalars(select(LogRecord).where(LogRecord.airing_id == airing_id)).one()


def _alerts(app: Any) -> list[Alert]:
    with app.reads() as session:
        return list(session.scalars(select(Alert).order_by(Alert.id)))


class Capture:
    """An independent listener: the mount's raw MP3 written to a file while it runs."""

    def __init__(self, url: str, path: Path, seconds: float) -> None:
        self.path = path
        command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-i", url, "-t", str(seconds)]
        self.proc = subprocess.Popen([*command, "-c", "copy", "-f", "mp3", "-y", str(path)])

    def wait(self) -> Path:
        self.proc.wait(60)
        return self.path


def test_an_uploaded_file_airs_at_the_loudness_target_in_its_zone_only(station, tmp_path):
    wav = tmp_path / "thong-bao.wav"
    _ffmpeg("sine=frequency=660:duration=4", "-af", "volume=0.3", "-y", str(wav))  # quieter than the target
    media = store_media(station, wav)
    capture = Capture(station.config.channels.radio.zones["thon-dong"].icecast.url, tmp_path / "heard.mp3", 8)
    time.sleep(1.0)  # the capture is connected before the airing, as a loudspeaker is
    queued = queue_bulletin(station, media_id=media.id, at="now", zones=["thon-dong"])
    assert [a.zone for a in queued.airings] == ["thon-dong"]
    record = Runner(station).execute(queued.airings[0].id)
    assert record is not None and record.outcome is Outcome.aired and record.zone == "thon-dong"
    assert record.audio_sha256 == media.sha256
    assert record.heard_seconds == pytest.approx(4.0, abs=0.8)
    heard = measure_loudness(capture.wait())  # silence around it is gated out of R128's integrated loudness
    assert heard.integrated == pytest.approx(station.config.audio.target_lufs, abs=1.5)
    with station.reads() as session:
        assert [r.zone for r in session.scalars(select(LogRecord))] == ["thon-dong"]  # nothing aired in thôn Tây


def test_two_zones_play_different_bulletins_at_once_and_both_are_heard_from_the_first_second(station):
    east = queue_bulletin(
        station, text="Thôn Đông họp lúc bảy giờ tối nay tại nhà văn hóa.", at="now", zones=["thon-dong"]
    )
    west = queue_bulletin(station, text="Thôn Tây nhận giống lúa vào sáng mai.", at="now", zones=["thon-tay"])
    runner = Runner(station)
    records: dict[str, Any] = {}

    def air(airing_id: int, zone: str) -> None:
        record = runner.execute(airing_id)
        assert record is not None
        records[zone] = record

    threads = [
        threading.Thread(target=air, args=(east.airings[0].id, "thon-dong")),
        threading.Thread(target=air, args=(west.airings[0].id, "thon-tay")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    east_record, west_record = records["thon-dong"], records["thon-tay"]
    assert east_record.outcome is Outcome.aired and west_record.outcome is Outcome.aired
    assert east_record.started_at < west_record.finished_at and west_record.started_at < east_record.finished_at
    for record in (east_record, west_record):
        assert (
            record.heard_delay_ms is not None and record.heard_delay_ms < 1500
        )  # due -> first audible at a loudspeaker
        # speech has pauses between its parts: heard counts the audible seconds only
        assert record.audio_seconds * 0.7 <= record.heard_seconds <= record.audio_seconds + 0.5
    assert east_record.audio_sha256 != west_record.audio_sha256
    assert not _alerts(station)


def test_a_silent_file_raises_the_dead_air_alert(station, tmp_path):
    silent = station.config.data_dir / "media" / "silent.mp3"
    silent.parent.mkdir(parents=True, exist_ok=True)
    _ffmpeg("anullsrc=r=44100:cl=mono", "-t", "4", "-c:a", "libmp3lame", "-b:a", "128k", "-y", str(silent))
    now = station.clock.now()
    with station.sessions.begin() as session:  # a file that went silent after it was checked (a bad copy)
        media = Media(
            station_id=station.station_id,
            sha256="0" * 64,
            path="media/silent.mp3",
            seconds=4.0,
            source_name="silent.mp3",
            source_sha256="0" * 64,
            source_format="mp3",
            created_at=now,
        )
        session.add(media)
        session.flush()
        media_id = media.id
    queued = queue_bulletin(station, media_id=media_id, at="now", zones=["thon-tay"])
    record = Runner(station).execute(queued.airings[0].id)
    assert record is not None and record.outcome is Outcome.aired
    assert record.heard_seconds == pytest.approx(0.0, abs=0.3)
    (alert,) = _alerts(station)
    assert alert.kind == "dead_air" and alert.zone == "thon-tay" and (alert.seconds or 0) >= 2.0
    assert "Thôn Tây" in alert.message


def _relay(station: Any, seconds: float, zones: list[str], lead: float = 3.0) -> list[int]:
    """A relay due `lead` seconds from now, lasting `seconds` (shorter than `loa queue` allows, for the test)."""
    queued = queue_bulletin(station, relay="vov1", relay_minutes=1, at="now", zones=zones)
    ids = [a.id for a in queued.airings]
    due = station.clock.now() + timedelta(seconds=lead)
    with station.sessions.begin() as session:
        session.execute(
            update(Airing).where(Airing.id.in_(ids)).values(due_at=due, until=due + timedelta(seconds=seconds))
        )
    return ids


def _air(runner: Runner, airing_id: int) -> Any:
    """What the runner's timers do: prepare (the relay opens its stream `preroll_seconds` ahead), then air on time."""
    runner.prepare(airing_id)
    with runner.app.reads() as session:
        due = session.get_one(Airing, airing_id).due_at
    time.sleep(max((due - runner.app.clock.now()).total_seconds(), 0.0))
    return runner.execute(airing_id)


def test_a_relay_starts_and_stops_on_time_and_logs_its_on_air_seconds(station, icecast):
    with SourceFeeder(icecast.info, station.relay_mount, frequency=330):
        (airing_id,) = _relay(station, 6.0, ["thon-dong"])
        record = _air(Runner(station), airing_id)
    assert record is not None and record.outcome is Outcome.aired, record.error_message
    assert record.late_seconds is not None and record.late_seconds < 1.0
    assert record.audio_seconds == pytest.approx(6.0, abs=1.0)  # ends at `until`, however late it began
    detail = record.detail or {}
    assert detail["relay"] == "vov1" and detail["on_air_seconds"] >= 5.0 and not detail["gaps"]
    assert record.heard_seconds is not None and record.heard_seconds >= 5.0
    assert record.heard_delay_ms is not None and record.heard_delay_ms < 1000  # on the air on the second
    assert not _alerts(station)


def test_a_relay_survives_its_source_dying_gap_logged_and_fallback_played(station, icecast):
    feeder = SourceFeeder(icecast.info, station.relay_mount, frequency=330).start()
    try:
        (airing_id,) = _relay(station, 10.0, ["thon-tay"])
        killer = threading.Timer(5.0, feeder.kill)  # 2 s into the relay
        killer.start()
        record = _air(Runner(station), airing_id)
        killer.join()
    finally:
        feeder.kill()
    assert record is not None and record.outcome is Outcome.aired
    detail = record.detail or {}
    assert detail["gaps"] and detail["fallback_seconds"] > 0
    assert record.audio_seconds == pytest.approx(10.0, abs=1.0)
    kinds = [a.kind for a in _alerts(station)]
    assert "relay_fallback" in kinds


def test_an_emergency_interrupts_a_relay_which_goes_on_after_it_until_its_end(station, icecast):
    with SourceFeeder(icecast.info, station.relay_mount, frequency=330):
        (airing_id,) = _relay(station, 12.0, ["thon-dong"])
        runner = Runner(station)
        results: list[Any] = []
        relay = threading.Thread(target=lambda: results.append(_air(runner, airing_id)))
        relay.start()
        time.sleep(6.0)  # 3 s into the relay
        urgent = queue_bulletin(station, text="Khẩn cấp: nước lũ lên nhanh.", priority="emergency")
        east = next(a for a in urgent.airings if a.zone == "thon-dong")
        west = next(a for a in urgent.airings if a.zone == "thon-tay")
        elsewhere = threading.Thread(target=runner.execute, args=(west.id,))  # thôn Tây airs it at the same time
        elsewhere.start()
        emergency = runner.execute(east.id)
        relay.join(30)
        elsewhere.join(60)
    cut = results[0]
    assert cut is not None and cut.error_code == "sink_interrupted"
    assert (cut.detail or {}).get("on_air_seconds", 0) >= 1.0  # what it had aired is kept in its record
    assert emergency is not None and emergency.outcome is Outcome.aired and (emergency.heard_seconds or 0) > 0
    with station.reads() as session:
        again = session.scalars(
            select(Airing).where(Airing.bulletin_id == cut.bulletin_id, Airing.id != airing_id)
        ).one()
        first = session.get_one(Airing, airing_id)
    assert again.zone == "thon-dong" and again.until == first.until  # requeued, still ending at the relay's end
