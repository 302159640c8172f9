"""Station-scoped access on every console page and API route (issue #17).

Two stations share one database. Station A's own admin (every right) walks
every route of A's console with the ids of station B's bulletin, airing, log
record, plan, media, user and token, and gets a 404 (or a 400 naming no such
user), never B's row, a 500 or a traceback; every list page and API list shows
none of B's rows. The route table is the Flask app's url_map, so a new route
must be classified here. District and province accounts reach the stations of
their district and every station; a district admin switched to station C
(kept as data, in A's district) walks the same routes with the same answers,
and neither the switch route nor the API's `?station=` reaches B from outside.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update
from werkzeug.routing import AnyConverter, IntegerConverter

from broadcasts.accounts import User
from broadcasts.models import Airing, LogRecord, Media, Outcome, Plan, Station
from scheduler.app import build_app
from scheduler.clock import FakeClock
from scheduler.config import Config
from scheduler.services import scope, users
from scheduler.services import stations as station_service
from scheduler.services.queue import queue_bulletin
from scheduler.web import create_app
from tests.conftest import make_config
from tests.fakes.tts import ToneEngine
from tests.web_support import PASSWORD, build_web_app, csrf, login

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SECRET_B = "TIN-RIENG-CUA-XA-B"

# Routes that touch no row of a station, and why.
NOT_STATION_BOUND = {
    "static": "the console's own CSS and scripts",
    "auth.login": "answered without an account; a login only reaches stations the account reaches",
    "auth.logout": "ends the caller's own sessions",
    "api.openapi": "the API's description, the same for every station",
    "pages.preview": "reads a text aloud: stores nothing, reads no row",
    "api.preview": "reads a text aloud: stores nothing, reads no row",
    "pages.listen": "renders a preview of the posted text only",
    "api.listen": "renders a preview of the posted text only",
    "pages.listen_file": "a preview file by its random name, kept per console process",
    "api.listen_file": "a preview file by its random name, kept per console process",
    **dict.fromkeys(
        ("pages.station_page", "api.api_station", "api.api_edit_station"),
        "a station by its code: the account's reach is checked there (tests/test_web_stations.py)",
    ),
}
# Routes whose URL names a row: the argument filled with station B's row.
ROW_ARGUMENT = {
    "bulletin_id": "bulletin",
    "airing_id": "airing",
    "record_id": "record",
    "token_id": "token",
    "plan_id": "plan",
    "media_id": "media",
    "dispatch_id": "dispatch",
    "username": "username",
}


def _rules() -> list[Any]:
    flask = create_app(SimpleNamespace(config=Config()), secret_key="k")  # type: ignore[arg-type]
    return list(flask.url_map.iter_rules())


RULES = _rules()
ROW_ROUTES = [
    (method, rule.endpoint, rule)
    for rule in RULES
    if rule.endpoint not in NOT_STATION_BOUND and set(rule.arguments) & set(ROW_ARGUMENT)
    for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
]
LIST_ROUTES = [
    rule.endpoint
    for rule in RULES
    if rule.endpoint not in NOT_STATION_BOUND
    and not set(rule.arguments) - {"kind"}
    and "GET" in (rule.methods or set())
]


def test_every_route_is_checked_or_named_as_not_station_bound():
    for rule in RULES:
        if rule.endpoint in NOT_STATION_BOUND:
            continue
        row_bound = bool(set(rule.arguments) & set(ROW_ARGUMENT))
        listed = rule.endpoint in LIST_ROUTES
        write_only = "GET" not in (rule.methods or set())  # acts on the console's own station, checked below
        assert row_bound or listed or write_only, f"{rule.rule} ({rule.endpoint}) is not classified"
        unknown = set(rule.arguments) - set(ROW_ARGUMENT) - {"kind", "name", "filename"}
        assert not unknown, f"{rule.rule}: add {unknown} to ROW_ARGUMENT"


@pytest.fixture(scope="module")
def stations(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Station A (district Bắc) and B (district Nam), B holding one row of each kind; accounts of every scope."""
    tmp = tmp_path_factory.mktemp("scoped")
    url = f"sqlite:///{tmp / 'loa.db'}"
    clock = FakeClock(datetime(2026, 11, 23, 5, 55, tzinfo=TZ))
    a = build_web_app(tmp, url, clock, web={"login_attempts": 0})
    root = tmp / "xa-b"
    root.mkdir()
    b = build_app(make_config(root, url, station={"code": "xa-b", "name": "Đài xã B"}), clock=clock, tts=ToneEngine())
    users.add_user(b, "bop", PASSWORD, "admin")
    token_b = users.create_token(b, "bop", "token-cua-b")
    queued = queue_bulletin(b, text=f"{SECRET_B}. Thông báo của xã B.", title=SECRET_B, channels=["radio"])
    now = clock.now()
    with a.sessions.begin() as session:
        session.execute(update(Station).where(Station.id == a.station_id).values(district="Bắc"))
        session.execute(update(Station).where(Station.id == b.station_id).values(district="Nam"))
        airing = session.get_one(Airing, queued.airings[0].id)
        record = LogRecord(
            airing_id=airing.id,
            bulletin_id=queued.bulletin_id,
            station_id=b.station_id,
            channel="radio",
            outcome=Outcome.aired,
            due_at=airing.due_at,
            audio_path=str(root / "b.mp3"),
            error_message=SECRET_B,
            created_at=now,
        )
        plan = Plan(
            station_id=b.station_id,
            title=SECRET_B,
            channels=[],
            source_name="b.txt",
            sha256="b" * 64,
            imported_at=now,
            active=False,
        )
        media = Media(
            station_id=b.station_id,
            sha256="c" * 64,
            path="media/b.mp3",
            seconds=3.0,
            source_name=f"{SECRET_B}.mp3",
            source_sha256="d" * 64,
            source_format="mp3",
            created_at=now,
        )
        session.add_all([record, plan, media])
        session.flush()
        ids = {
            "bulletin": queued.bulletin_id,
            "airing": airing.id,
            "record": record.id,
            "plan": plan.id,
            "media": media.id,
            "token": users.list_tokens(b)[0].id,
            "dispatch": 2**31 - 1,
            "username": "bop",
        }
    users.add_user(a, "huyen-bac", PASSWORD, "approver", scope="district", district="Bắc")
    users.add_user(a, "huyen-admin", PASSWORD, "admin", scope="district", district="Bắc")
    users.add_user(a, "tinh", PASSWORD, "admin", scope="province")
    station_service.add_station(a, "xa-c", "Đài xã C", district="Bắc", settings={}, by="test")
    with a.reads() as session:
        c_id = session.scalars(select(Station.id).where(Station.code == "xa-c")).one()
    yield {
        "a": a,
        "b": b,
        "c_id": c_id,
        "token_district": users.create_token(a, "huyen-admin", "token-cua-huyen"),
        "console_a": create_app(a, secret_key="s", testing=True, tts=ToneEngine()),
        "console_b": create_app(b, secret_key="s", testing=True),
        "ids": ids,
        "token_a": users.create_token(a, "chi", "token-cua-a"),
        "token_b": token_b,
        "clock": clock,
    }
    a.close()
    b.close()


def _path(flask: Any, rule: Any, ids: dict[str, Any]) -> str:
    values: dict[str, Any] = {}
    for argument in rule.arguments:
        converter = rule._converters[argument]
        if argument in ROW_ARGUMENT:
            values[argument] = ids[ROW_ARGUMENT[argument]]
        elif isinstance(converter, AnyConverter):
            values[argument] = sorted(converter.items)[0]
        elif isinstance(converter, IntegerConverter):
            values[argument] = 1
        else:
            values[argument] = "x"
    with flask.test_request_context():
        from flask import url_for

        return str(url_for(rule.endpoint, **values))


def _admin_of_a(stations: dict[str, Any]) -> Any:
    client = stations["console_a"].test_client()
    assert login(client, "chi").status_code == 302
    return client


@pytest.mark.parametrize(("method", "endpoint", "rule"), ROW_ROUTES, ids=[f"{m} {e}" for m, e, _ in ROW_ROUTES])
def test_a_gets_not_found_for_every_row_of_b(stations, method, endpoint, rule):
    flask = stations["console_a"]
    path = _path(flask, rule, stations["ids"])
    if path.startswith("/api/"):
        headers = {"Authorization": f"Bearer {stations['token_a']}"}
        response = flask.test_client().open(
            path, method=method, headers=headers, json={"at": "now", "text": "x", "comment": "lý do"}
        )
    else:
        client = _admin_of_a(stations)
        data = {
            "csrf_token": csrf(client, "/"),
            "role": "operator",
            "active": "no",
            "at": "now",
            "text": "x",
            "comment": "lý do",
        }
        response = client.open(path, method=method, data=data if method != "GET" else None)
    body = response.get_data(as_text=True)
    expected = {400} if "username" in rule.arguments else {404}
    assert response.status_code in expected, (path, response.status_code, body[:300])
    assert SECRET_B not in body and "Traceback" not in body
    _nothing_of_b_changed(stations)


@pytest.mark.parametrize(("method", "endpoint", "rule"), ROW_ROUTES, ids=[f"{m} {e}" for m, e, _ in ROW_ROUTES])
def test_a_district_admin_switched_to_c_gets_not_found_for_every_row_of_b(stations, method, endpoint, rule):
    flask = stations["console_a"]
    path = _path(flask, rule, stations["ids"])
    if path.startswith("/api/"):
        headers = {"Authorization": f"Bearer {stations['token_district']}"}
        response = flask.test_client().open(
            path + "?station=xa-c", method=method, headers=headers, json={"at": "now", "text": "x", "comment": "lý do"}
        )
    else:
        client = flask.test_client()
        assert login(client, "huyen-admin").status_code == 302
        switched = client.post("/station", data={"csrf_token": csrf(client, "/"), "station": stations["c_id"]})
        assert switched.status_code == 302
        with client.session_transaction() as session:
            assert session["station"] == stations["c_id"]
        data = {"csrf_token": csrf(client, "/"), "role": "operator", "active": "no", "at": "now", "text": "x"}
        response = client.open(path, method=method, data={**data, "comment": "lý do"} if method != "GET" else None)
    body = response.get_data(as_text=True)
    expected = {400} if "username" in rule.arguments else {404}
    assert response.status_code in expected, (path, response.status_code, body[:300])
    assert SECRET_B not in body and "Traceback" not in body
    _nothing_of_b_changed(stations)


def test_the_switch_route_reaches_no_station_out_of_reach(stations):
    """A's admin and a district account of Bắc are refused B (403); the province, which reaches B, is told B is
    not served by A's console (its settings are its own file's, 400); no session changes."""
    b_id = stations["b"].station_id
    for username, status in (("chi", 403), ("huyen-admin", 403), ("huyen-bac", 403), ("tinh", 400)):
        client = stations["console_a"].test_client()
        assert login(client, username).status_code == 302
        response = client.post("/station", data={"csrf_token": csrf(client, "/"), "station": b_id})
        body = response.get_data(as_text=True)
        assert response.status_code == status, (username, body[:300])
        assert SECRET_B not in body and "Traceback" not in body
        with client.session_transaction() as session:
            assert "station" not in session
        assert SECRET_B not in client.get("/log").get_data(as_text=True)


@pytest.mark.parametrize("endpoint", [e for e in LIST_ROUTES if e.startswith("api.")])
def test_the_api_station_parameter_reaches_no_station_out_of_reach(stations, endpoint):
    flask = stations["console_a"]
    rule = next(r for r in RULES if r.endpoint == endpoint)
    path = _path(flask, rule, stations["ids"])
    for token in (stations["token_a"], stations["token_district"]):
        response = flask.test_client().get(path + "?station=xa-b", headers={"Authorization": f"Bearer {token}"})
        body = response.get_data(as_text=True) if response.mimetype.startswith(("text", "application/json")) else ""
        assert response.status_code == 403, (path, body[:300])
        assert SECRET_B not in body and "bop" not in body


def _nothing_of_b_changed(stations: dict[str, Any]) -> None:
    """B's bulletin, user and token are as they were."""
    b = stations["b"]
    assert {u.username: (u.role, u.active) for u in users.list_users(b)} == {"bop": ("admin", True)}
    assert not any(t.revoked for t in users.list_tokens(b))
    with b.reads() as session:
        statuses = set(session.scalars(select(Airing.status).where(Airing.station_id == b.station_id)))
    assert {s.value for s in statuses} == {"pending"}


@pytest.mark.parametrize("endpoint", LIST_ROUTES)
def test_lists_of_a_show_no_row_of_b(stations, endpoint):
    flask = stations["console_a"]
    rule = next(r for r in RULES if r.endpoint == endpoint)
    path = _path(flask, rule, stations["ids"])
    if path.startswith("/api/"):
        headers = {"Authorization": f"Bearer {stations['token_a']}"}
        response = flask.test_client().get(path + "?every=1", headers=headers)
    else:
        response = _admin_of_a(stations).get(path)
    body = response.get_data(as_text=True) if response.mimetype.startswith(("text", "application/json")) else ""
    assert response.status_code < 500, (path, body[:300])
    assert SECRET_B not in body and "bop" not in body and "token-cua-b" not in body, path


def test_accounts_reach_their_scope(stations):
    a, b = stations["a"], stations["b"]
    with a.reads() as session:
        everyone = {a.station_id, b.station_id, stations["c_id"]}
        accounts = {u.username: u for u in session.scalars(select(User))}
        assert scope.stations_of(session, accounts["chi"]) == {a.station_id}
        assert scope.stations_of(session, accounts["bop"]) == {b.station_id}
        assert scope.stations_of(session, accounts["huyen-bac"]) == {a.station_id, stations["c_id"]}
        assert scope.stations_of(session, accounts["tinh"]) == everyone
        district = users._actor(accounts["huyen-bac"])
        assert scope.may_act(session, district, a.station_id, "approve")
        assert not scope.may_act(session, district, b.station_id, "view")
        assert not scope.may_act(session, district, a.station_id, "admin")  # its role's rights, no more
    console_a, console_b = stations["console_a"], stations["console_b"]
    for console, name, status in (
        (console_a, "huyen-bac", 302),
        (console_b, "huyen-bac", 401),
        (console_a, "tinh", 302),
        (console_b, "tinh", 302),
        (console_a, "bop", 401),
        (console_b, "chi", 401),
    ):
        assert login(console.test_client(), name).status_code == status, (name, status)
    province = console_b.test_client()
    login(province, "tinh")
    assert SECRET_B in province.get(f"/bulletins/{stations['ids']['bulletin']}").get_data(as_text=True)
    district_token = users.create_token(a, "huyen-bac", "huyen")
    header = {"Authorization": f"Bearer {district_token}"}
    assert console_a.test_client().get("/api/programme", headers=header).status_code == 200
    assert console_b.test_client().get("/api/programme", headers=header).status_code == 401
    assert (
        console_a.test_client()
        .get("/api/programme", headers={"Authorization": "Bearer " + stations["token_b"]})
        .status_code
        == 401
    )


def test_a_wider_account_is_managed_from_the_cli_only(stations):
    a = stations["a"]
    assert "tinh" not in {u.username for u in users.list_users(a)}  # not the station's to change
    client = _admin_of_a(stations)
    response = client.post("/users/tinh", data={"role": "operator", "active": "no", "csrf_token": csrf(client, "/")})
    assert response.status_code == 400
    with pytest.raises(users.UsageError):
        users.add_user(stations["b"], "tinh", PASSWORD, "operator")  # the province's name is taken everywhere
    with pytest.raises(users.UsageError):
        users.add_user(a, "chi", PASSWORD, "admin", scope="province")  # a station's name is not free for it
    with pytest.raises(users.UsageError, match="district"):
        users.add_user(a, "huyen-x", PASSWORD, "admin", scope="district")
    with pytest.raises(users.UsageError):
        users.add_user(a, "x-y", PASSWORD, "admin", scope="galaxy")


def test_user_add_takes_a_scope_on_the_command_line(tmp_path, capsys):
    from tests.cli_support import run

    path = tmp_path / "config.toml"
    path.write_text(f'[station]\nname = "X"\ncode = "x"\n[database]\nurl = "sqlite:///{tmp_path / "l.db"}"\n')
    args = ["--lang", "en", "--config", str(path), "user", "add"]
    code, _, err = run(capsys, *args, "tinh", "--password", PASSWORD, "--scope", "province")
    assert code == 0, err
    code, _, err = run(capsys, *args, "huyen", "--password", PASSWORD, "--scope", "district")
    assert code == 1 and err.strip().endswith("A district account needs its district (--district).")
    code, _, err = run(capsys, *args, "huyen", "--password", PASSWORD, "--scope", "district", "--district", "Nam")
    assert code == 0, err
