"""A runner node serving several stations of one database, on a fake clock: one pool, one sync, each airs once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from broadcasts.models import LogRecord, Outcome, Station
from broadcasts.models import Node as NodeRow
from scheduler.config import load_config
from scheduler.runner.node import REFRESH, Node
from scheduler.services.queue import queue_bulletin
from tests.fakes.timers import FakeTimers
from tests.fakes.tts import ToneEngine

POLL = 2.0

FILE = """
[station]
name = "Đài truyền thanh huyện"
code = "huyen"
[database]
url = "{url}"
[runner]
poll_seconds = {poll}
stations = {stations}
node = "may-1"
[channels]
enabled = ["radio", "facebook"]
"""


def deployment(tmp_path: Path, db_url: str, stations: str = '["*"]') -> Any:
    path = tmp_path / "config.toml"
    path.write_text(FILE.format(url=db_url, poll=POLL, stations=stations), encoding="utf-8")
    return load_config(path)


def add_station(node: Node, code: str, settings: dict[str, Any] | None = None, **columns: Any) -> int:
    _, sessions = node.store
    with sessions.begin() as session:
        station = Station(
            code=code,
            name=f"Đài xã {code}",
            timezone="Asia/Ho_Chi_Minh",
            settings=settings if settings is not None else {"channels": {"enabled": ["radio", "facebook"]}},
            created_at=datetime.now(UTC),
            **columns,
        )
        session.add(station)
        session.flush()
        return station.id


def records(node: Node) -> list[LogRecord]:
    _, sessions = node.store
    with sessions() as session:
        return list(session.scalars(select(LogRecord).order_by(LogRecord.id)))


@pytest.fixture
def node(tmp_path, db_url, clock):
    config = deployment(tmp_path, db_url)
    node = Node(config, clock=clock, tts=ToneEngine())
    yield node
    node.stop()


def test_one_node_airs_every_station_once_from_one_sync(node, clock):
    first, second = add_station(node, "xa-a"), add_station(node, "xa-b")
    timers = FakeTimers(clock)
    node.start(scheduler=timers)
    codes = {s.app.config.station.code for s in node.served.values()}
    assert codes == {"huyen", "xa-a", "xa-b"}
    assert len({id(s.app.engine) for s in node.served.values()}) == 1  # one pool for all stations
    queued = {
        s.app.station_id: queue_bulletin(s.app, text=f"Tin của {s.app.config.station.name}.", at="+10s")
        for s in node.served.values()
    }
    assert node.sync() == sum(len(q.airings) for q in queued.values())
    timers.run_until(clock.now() + timedelta(seconds=30))
    written = records(node)
    assert sorted((r.station_id, r.channel) for r in written) == sorted(
        (station_id, a.channel) for station_id, q in queued.items() for a in q.airings
    )
    assert {r.outcome for r in written} == {Outcome.aired, Outcome.dry_run}
    assert {r.node for r in written} == {"may-1"}  # which node aired it
    assert {first, second} <= {r.station_id for r in written}
    assert node.sync() == 0 and timers.pending("airing:") == {}  # nothing timed twice
    _, sessions = node.store
    with sessions() as session:
        row = session.get(NodeRow, "may-1")
        assert row is not None and row.stations == [] and row.stopped_at is None  # one heartbeat: every station
    node.stop()
    with sessions() as session:
        row = session.get(NodeRow, "may-1")
        assert row is not None and row.stopped_at is not None  # a clean stop: nothing of ours is left running


def test_each_station_speaks_its_own_settings(node, clock):
    add_station(node, "xa-c", {"speech": {"rate": 170}, "slots": [{"name": "Sáng", "time": "05:30"}]})
    node.refresh()
    served = {s.app.config.station.code: s.app.config for s in node.served.values()}
    assert served["xa-c"].speech.rate == 170 and served["huyen"].speech.rate == 150
    assert [slot.time for slot in served["xa-c"].slots] == ["05:30"]
    assert served["xa-c"].data_dir != served["huyen"].data_dir  # its own outbox, ledgers and journals
    assert served["xa-c"].cache_dir == served["huyen"].cache_dir  # one sentence cache for all


def test_a_station_with_wrong_settings_is_not_served_and_the_others_go_on(node, clock, caplog):
    add_station(node, "xa-sai", {"speech": {"rate": 9999}})
    add_station(node, "xa-dung")
    node.refresh()
    assert {s.app.config.station.code for s in node.served.values()} == {"huyen", "xa-dung"}
    assert "speech.rate" in node.refused["xa-sai"]
    assert any("xa-sai" in r.getMessage() for r in caplog.records)


def test_a_station_added_edited_or_switched_off_is_picked_up_without_a_restart(node, clock):
    timers = FakeTimers(clock)
    node.start(scheduler=timers)
    assert {s.app.config.station.code for s in node.served.values()} == {"huyen"}
    station_id = add_station(node, "xa-moi")
    clock.advance(REFRESH.total_seconds() + 1)
    node.sync()
    assert station_id in node.served
    before = node.served[station_id].app
    _, sessions = node.store
    with sessions.begin() as session:
        session.execute(
            update(Station)
            .where(Station.id == station_id)
            .values(settings={"speech": {"rate": 160}}, updated_at=datetime.now(UTC))
        )
    clock.advance(REFRESH.total_seconds() + 1)
    node.sync()
    assert node.served[station_id].app is not before and node.served[station_id].app.config.speech.rate == 160
    with sessions.begin() as session:
        session.execute(update(Station).where(Station.id == station_id).values(active=False))
    clock.advance(REFRESH.total_seconds() + 1)
    node.sync()
    assert station_id not in node.served


def test_a_node_of_listed_codes_serves_those_and_says_which_are_unknown(tmp_path, db_url, clock, caplog):
    config = deployment(tmp_path, db_url, stations='["xa-a", "khong-co"]')
    with Node(config, clock=clock, tts=ToneEngine()) as node:
        add_station(node, "xa-a")
        add_station(node, "xa-b")
        node.refresh()
        assert {s.app.config.station.code for s in node.served.values()} == {"xa-a"}
        assert node.refused["khong-co"] == "unknown"
        assert any("khong-co" in r.getMessage() for r in caplog.records)


def test_run_once_does_what_is_due_at_every_station(node, clock):
    add_station(node, "xa-a")
    node.refresh()
    for served in node.served.values():
        queue_bulletin(served.app, text="Tin ngay.", at="now", channels=["facebook"])
    assert node.run_once() == 2
    assert len(records(node)) == 2


def test_a_notification_wakes_only_the_station_it_names(tmp_path, db_url, clock):
    """On PostgreSQL one LISTEN connection for the node: an emergency queued elsewhere syncs its station now."""
    if not db_url.startswith("postgresql"):
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's; SQLite polls")
    import time

    config = deployment(tmp_path, db_url)
    with Node(config, clock=clock, tts=ToneEngine()) as node:
        station_id = add_station(node, "xa-khan")
        timers = FakeTimers(clock)
        node.start(scheduler=timers)
        assert node._listener is not None
        assert node._listener.listening.wait(10)  # LISTEN is in place (a wake before it is the poll's)
        queued = queue_bulletin(node.served[station_id].app, text="Khẩn cấp.", priority="emergency", at="now")
        deadline = time.monotonic() + 10
        while f"wake:{station_id}" not in timers.jobs and time.monotonic() < deadline:
            time.sleep(0.02)
        assert set(timers.pending("wake:")) == {f"wake:{station_id}"}  # the other stations were not woken
        timers.run_until(clock.now())
        timers.run_until(clock.now())
        assert {r.airing_id for r in records(node)} == {a.id for a in queued.airings}
