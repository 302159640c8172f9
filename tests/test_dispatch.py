"""One bulletin to many stations (issue #17): each station's airing in its own next slot and time zone,
an emergency at once, inactive stations skipped, hostile inputs refused with nothing stored; SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from broadcasts.errors import TextError
from broadcasts.models import Airing, AiringStatus, Bulletin, Dispatch, LogRecord, Outcome, Slot, Station
from scheduler.errors import UsageError
from scheduler.services.dispatch import parse_target, send_dispatch
from scheduler.services.reception import dispatch_status
from scheduler.services.users import AccessError, Actor, add_user, create_token
from tests.cli_support import run

PROVINCE = Actor(id=0, username="tinh", role="admin", scope="province")
NAM = Actor(id=0, username="huyen-nam", role="approver", scope="district", district="Nam")
TEXT = "UBND tỉnh thông báo lịch tiêm phòng cho đàn gia súc."


def _station(session: Any, code: str, tz: str, slot: str, *, district: str, active: bool = True) -> None:
    station = Station(code=code, name=f"Đài {code}", timezone=tz, district=district, active=active)
    session.add(station)
    session.flush()
    session.add(
        Slot(
            station_id=station.id,
            name="Sáng",
            local_time=slot,
            timezone=tz,
            weekdays="1234567",
            max_seconds=1800,
            channels=["radio"],
        )
    )


@pytest.fixture
def province(app: Any) -> Any:
    """The app's station (district Bắc, slot 06:00) and xa-b (06:30), xa-c (Tokyo, 08:30), xa-d (inactive) in Nam."""
    with app.sessions.begin() as session:
        session.execute(update(Station).where(Station.id == app.station_id).values(district="Bắc"))
        _station(session, "xa-b", "Asia/Ho_Chi_Minh", "06:30", district="Nam")
        _station(session, "xa-c", "Asia/Tokyo", "08:30", district="Nam")
        _station(session, "xa-d", "Asia/Ho_Chi_Minh", "06:00", district="Nam", active=False)
    return app


def _bulletins(app: Any) -> dict[str, Bulletin]:
    with app.reads() as session:
        rows = session.execute(select(Station.code, Bulletin).join(Station, Station.id == Bulletin.station_id)).all()
        return {code: bulletin for code, bulletin in rows}


def _due(app: Any) -> dict[str, datetime]:
    with app.reads() as session:
        rows = session.execute(select(Station.code, Airing.due_at).join(Station, Station.id == Airing.station_id))
        return {code: due for code, due in rows}


def _stored(app: Any) -> tuple[int, int, int]:
    with app.reads() as session:
        dispatches, bulletins, airings = (
            session.scalar(select(func.count()).select_from(m)) or 0 for m in (Dispatch, Bulletin, Airing)
        )
        return dispatches, bulletins, airings


def test_to_all_each_station_airs_in_its_own_next_slot_and_zone(province):
    sent = send_dispatch(province, PROVINCE, text=TEXT, title="Tiêm phòng", channels=["radio"])
    by_code = {s.code: s for s in sent.stations}
    assert {c: s.status for c, s in by_code.items()} == {
        "thu-nghiem": "queued",
        "xa-b": "queued",
        "xa-c": "queued",
        "xa-d": "skipped",
    }
    assert _due(province) == {
        "thu-nghiem": datetime(2026, 11, 22, 23, 0, tzinfo=UTC),  # 06:00 in Hồ Chí Minh
        "xa-b": datetime(2026, 11, 22, 23, 30, tzinfo=UTC),  # its own 06:30
        "xa-c": datetime(2026, 11, 22, 23, 30, tzinfo=UTC),  # 08:30 in Tokyo
    }
    assert by_code["xa-c"].as_json()["due_at"] == "2026-11-23T08:30:00+09:00"
    bulletins = _bulletins(province)
    assert set(bulletins) == {"thu-nghiem", "xa-b", "xa-c"}
    for bulletin in bulletins.values():
        assert (bulletin.dispatch_id, bulletin.origin) == (sent.dispatch_id, "province")
        assert bulletin.origin_key == f"dispatch:{sent.dispatch_id}" and bulletin.title == "Tiêm phòng"
    state = dispatch_status(province, PROVINCE, sent.dispatch_id).as_json()
    statuses = {s["station"]: (s["status"], s["why"]) for s in state["stations"]}
    assert statuses["xa-d"] == ("skipped", "đài đang ngừng hoạt động")
    assert {statuses[c][0] for c in ("thu-nghiem", "xa-b", "xa-c")} == {"pending"}


def test_a_district_and_a_list(province):
    sent = send_dispatch(province, NAM, text=TEXT, target=parse_target(district="Nam"), channels=["radio"])
    assert [(s.code, s.status) for s in sent.stations] == [("xa-b", "queued"), ("xa-c", "queued"), ("xa-d", "skipped")]
    listed = send_dispatch(
        province, PROVINCE, text=TEXT, target=parse_target(stations="xa-b,thu-nghiem"), channels=["radio"]
    )
    assert [s.code for s in listed.stations] == ["thu-nghiem", "xa-b"]
    # the district account sees its own stations of a province dispatch only
    seen = dispatch_status(province, NAM, listed.dispatch_id).as_json()["stations"]
    assert [s["station"] for s in seen] == ["xa-b"]
    station_operator = Actor(id=9, username="an", role="operator", station_id=province.station_id)
    with pytest.raises(Exception) as refused:
        dispatch_status(province, station_operator, sent.dispatch_id)  # reached none of its stations
    assert getattr(refused.value, "code", "") == "not_found"


def test_an_emergency_is_due_at_once_everywhere(province):
    sent = send_dispatch(province, PROVINCE, text=TEXT, priority="emergency", at="17:00", channels=["radio"])
    assert sent.count("queued") == 3
    assert set(_due(province).values()) == {province.clock.now()}


def test_status_says_which_station_aired_and_why_another_did_not(province):
    sent = send_dispatch(province, PROVINCE, text=TEXT, channels=["radio"])
    now = province.clock.now()
    with province.sessions.begin() as session:
        rows = session.execute(select(Station.code, Airing).join(Station, Station.id == Airing.station_id)).all()
        for code, airing in rows:
            if code == "xa-c":
                continue
            outcome = Outcome.aired if code == "thu-nghiem" else Outcome.missed
            airing.status = AiringStatus.done
            session.add(
                LogRecord(
                    airing_id=airing.id,
                    bulletin_id=airing.bulletin_id,
                    station_id=airing.station_id,
                    channel="radio",
                    outcome=outcome,
                    due_at=airing.due_at,
                    error_code=None if outcome is Outcome.aired else "past_grace",
                    error_message=None if outcome is Outcome.aired else "máy chạy dừng quá lâu",
                    created_at=now + timedelta(hours=1),
                )
            )
    state = {s.code: s for s in dispatch_status(province, PROVINCE, sent.dispatch_id).stations}
    assert (state["thu-nghiem"].status, state["xa-b"].status, state["xa-c"].status) == ("aired", "missed", "pending")
    assert state["xa-b"].why == "radio: past_grace: máy chạy dừng quá lâu"


@pytest.mark.parametrize(
    ("actor", "kwargs", "error"),
    [
        (PROVINCE, {"target": {"stations": ["xa-b", "khong-co"]}}, "dispatch_unknown_station"),
        (PROVINCE, {"text": "   "}, "empty_text"),
        (PROVINCE, {"text": "tin\x00tin"}, "text_bad_characters"),
        (PROVINCE, {"title": "a\x00"}, "text_bad_characters"),
        (PROVINCE, {"priority": "urgent"}, "bad_priority"),
        (PROVINCE, {"at": "hôm qua"}, None),
        (NAM, {"target": {"district": "Bắc"}}, "dispatch_other_district"),
        (NAM, {"target": {"stations": ["thu-nghiem"]}}, "dispatch_unknown_station"),  # outside its district
        (NAM, {"target": {"district": "Không có"}}, "dispatch_other_district"),
        (Actor(id=1, username="an", role="operator", station_id=1), {}, "dispatch_needs_scope"),
        (Actor(id=1, username="x", role="operator", scope="province"), {"priority": "emergency"}, "forbidden"),
    ],
)
def test_hostile_inputs_are_refused_with_nothing_stored(province, actor, kwargs, error):
    args = {"text": TEXT, "channels": ["radio"], **kwargs}
    with pytest.raises((UsageError, TextError, AccessError)) as refused:
        send_dispatch(province, actor, **args)
    if error is not None:
        assert refused.value.code == error
    assert _stored(province) == (0, 0, 0)


def test_the_command_line_and_its_one_line_refusals(province, tmp_path, capsys, db_url):
    path = tmp_path / "config.toml"
    path.write_text(
        f'[station]\nname = "Đài truyền thanh xã Thử Nghiệm"\ncode = "thu-nghiem"\n[database]\nurl = "{db_url}"\n',
        encoding="utf-8",
    )
    base = ["--lang", "en", "--config", str(path), "dispatch"]
    code, out, err = run(capsys, *base, "--text", TEXT, "--stations", "xa-b,nope", "--channels", "radio")
    assert code == 1 and err.strip().splitlines() == ["Error: There is no station 'nope' within your reach."]
    code, out, err = run(capsys, *base, "--text", "", "--to", "all")
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert _stored(province)[0] == 0
    code, out, err = run(capsys, *base, "--text", TEXT, "--district", "Nam", "--channels", "radio", "--json")
    assert code == 0, err
    import json

    answer = json.loads(out)
    assert (answer["queued"], answer["skipped"]) == (2, 1)
    code, out, err = run(capsys, *base, "--text", TEXT, "--stations", "xa-c", "--channels", "radio")
    assert code == 0 and "xa-c: queued" in out, (out, err)


def test_the_api_sends_and_reports(province):
    from scheduler.web import create_app

    add_user(province, "tinh", "mat-khau-tinh", "admin", scope="province")
    add_user(province, "an", "mat-khau-an-1", "operator")
    client = create_app(province, secret_key="k", testing=True).test_client()
    tinh = {"Authorization": "Bearer " + create_token(province, "tinh", "t")}
    an = {"Authorization": "Bearer " + create_token(province, "an", "a")}
    body = {"text": TEXT, "target": {"district": "Nam"}, "channels": ["radio"]}
    assert client.post("/api/dispatches", json=body, headers=an).status_code == 403
    bad = client.post("/api/dispatches", json={**body, "target": {"stations": "xa-b"}}, headers=tinh)
    assert bad.status_code == 400 and bad.get_json()["error"] == "dispatch_bad_target"
    created = client.post("/api/dispatches", json=body, headers=tinh)
    assert created.status_code == 201, created.get_data(as_text=True)
    dispatch_id = created.get_json()["dispatch_id"]
    shown = client.get(f"/api/dispatches/{dispatch_id}", headers=tinh).get_json()
    assert {s["station"]: s["status"] for s in shown["stations"]} == {
        "xa-b": "pending",
        "xa-c": "pending",
        "xa-d": "skipped",
    }
    assert client.get(f"/api/dispatches/{dispatch_id}", headers=an).status_code == 404  # no station of its own
    assert client.get("/api/dispatches/999", headers=tinh).status_code == 404


def test_the_province_report_has_a_row_per_station(province, tmp_path, capsys, db_url):
    import json

    send_dispatch(province, PROVINCE, text=TEXT, channels=["radio"])
    path = tmp_path / "config.toml"
    path.write_text(
        f'[station]\nname = "Đài truyền thanh xã Thử Nghiệm"\ncode = "thu-nghiem"\n[database]\nurl = "{db_url}"\n',
        encoding="utf-8",
    )
    code, out, err = run(capsys, "--config", str(path), "report", "--month", "2026-11", "--province", "--json")
    assert code == 0, err
    rows = {r["station"]: r for r in json.loads(out)["stations"]}
    assert set(rows) == {"thu-nghiem", "xa-b", "xa-c", "xa-d"}
    assert all(r["failed"] == 0 for r in rows.values())
