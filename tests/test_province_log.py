"""`loa log --stations`: a province's consolidated log, every station or a list, with each record's station."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from broadcasts.models import Airing, AiringStatus, LogRecord, Outcome, Station
from scheduler.services.dispatch import send_dispatch
from tests.cli_support import run
from tests.test_dispatch import PROVINCE, TEXT, province  # noqa: F401  (the fixture)


@pytest.fixture
def logged(province: Any, tmp_path: Any, db_url: str) -> Any:  # noqa: F811
    """A dispatch aired at the app's station and missed at the others, and a config file of that station."""
    send_dispatch(province, PROVINCE, text=TEXT, channels=["radio"])
    now = province.clock.now()
    with province.sessions.begin() as session:
        for code, airing in session.execute(
            select(Station.code, Airing).join(Station, Station.id == Airing.station_id)
        ):
            aired = code == "thu-nghiem"
            airing.status = AiringStatus.done
            session.add(
                LogRecord(
                    airing_id=airing.id,
                    bulletin_id=airing.bulletin_id,
                    station_id=airing.station_id,
                    channel="radio",
                    outcome=Outcome.aired if aired else Outcome.missed,
                    due_at=airing.due_at,
                    error_code=None if aired else "past_grace",
                    node="may-1",
                    created_at=now + timedelta(hours=1),
                )
            )
    path = tmp_path / "config.toml"
    path.write_text(
        f'[station]\nname = "Đài truyền thanh xã Thử Nghiệm"\ncode = "thu-nghiem"\n[database]\nurl = "{db_url}"\n',
        encoding="utf-8",
    )
    return path


def test_all_stations_or_a_list_and_each_record_names_its_station(logged, capsys):
    code, out, err = run(capsys, "--config", str(logged), "log", "--stations", "all", "--format", "json")
    assert code == 0, err
    records = json.loads(out)
    assert len(records) == 3 and len({r["station_id"] for r in records}) == 3  # xa-d is inactive: no bulletin
    assert {r["node"] for r in records} == {"may-1"}
    code, out, err = run(capsys, "--config", str(logged), "log", "--stations", "xa-b,xa-c", "--format", "json")
    assert code == 0, err
    assert {r["outcome"] for r in json.loads(out)} == {"missed"} and len(json.loads(out)) == 2
    code, out, err = run(capsys, "--config", str(logged), "log", "--stations", "xa-b")
    assert code == 0 and "xa-b radio" in out
    code, out, err = run(capsys, "--config", str(logged), "log", "--format", "json")
    assert code == 0 and len(json.loads(out)) == 1  # without --stations: this station's own log, as before


def test_an_unknown_station_is_one_clear_line(logged, capsys):
    code, _out, err = run(capsys, "--config", str(logged), "log", "--stations", "xa-b,khong-co")
    assert code != 0 and "khong-co" in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
