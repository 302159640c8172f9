"""The stations page (/stations) and API (/api/stations): who may see and change which station, on both databases."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, update

from broadcasts.accounts import AuditEntry, User
from broadcasts.models import Node, Station
from scheduler.services.stations import add_station
from scheduler.services.users import add_user, create_token
from tests.web_support import (  # noqa: F401  (the app and client fixtures)
    PASSWORD,
    csrf,
    login,
    web_app_fixture,
    web_client_fixture,
)

SETTINGS = '[speech]\nrate = 170\n\n[[slots]]\nname = "Sáng"\ntime = "06:15"\n'


@pytest.fixture
def people(app: Any) -> dict[str, dict[str, str]]:
    """A province admin (tinh), a district admin (huyen), the station's admin (chi), an operator (an),
    and the admin of another station (khac); each one's API token header."""
    add_user(app, "tinh", PASSWORD, "admin")
    add_user(app, "huyen", PASSWORD, "admin")
    add_station(app, "xa-a", "Đài xã A", district="Huyện B", settings={}, by="test")
    add_station(app, "xa-c", "Đài xã C", district="Huyện D", settings={}, by="test")
    with app.sessions.begin() as session:
        session.execute(update(User).where(User.username == "tinh").values(scope="province"))
        session.execute(update(User).where(User.username == "huyen").values(scope="district", district="Huyện B"))
        # the console's own station is in Huyện B too, so the district's admin reaches this console
        session.execute(update(Station).where(Station.code == "thu-nghiem").values(district="Huyện B"))
        other = session.scalar(select(Station.id).where(Station.code == "xa-a"))
    tokens = {n: {"Authorization": f"Bearer {create_token(app, n, 't')}"} for n in ("tinh", "huyen", "chi", "an")}
    with app.sessions.begin() as session:  # khac belongs to station xa-a, not to this console's
        session.execute(update(User).where(User.username == "binh").values(station_id=other, role="admin"))
    tokens["khac"] = {"Authorization": f"Bearer {create_token_of(app, 'binh', other)}"}
    return tokens


def create_token_of(app: Any, username: str, station_id: int) -> str:
    """A token for a user of another station (the service only makes them for this station's users)."""
    import hashlib
    import secrets

    from broadcasts.accounts import ApiToken

    token = "loa_" + secrets.token_urlsafe(16)
    with app.sessions.begin() as session:
        user = session.scalar(select(User).where(User.username == username, User.station_id == station_id))
        session.add(
            ApiToken(
                user_id=user.id,
                name="t",
                token_sha256=hashlib.sha256(token.encode()).hexdigest(),
                created_at=app.clock.now(),
                revoked=False,
            )
        )
    return token


def _count(app: Any) -> tuple[int, int, Any]:
    with app.reads() as session:
        stations = session.scalar(select(func.count()).select_from(Station))
        audits = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action.like("station%")))
        settings = dict(session.execute(select(Station.code, Station.settings)).all())
    return stations, audits, settings


def test_a_province_admin_adds_and_edits_stations_on_the_page(app, client, people):
    assert login(client, "tinh").status_code == 302
    page = client.get("/stations").get_data(as_text=True)
    assert "xa-a" in page and "xa-c" in page and "thu-nghiem" in page and 'id="station-add"' in page
    token = csrf(client, "/stations")
    added = client.post(
        "/stations",
        data={"csrf_token": token, "code": "xa-moi", "name": "Đài xã Mới", "district": "Huyện B", "settings": SETTINGS},
    )
    assert added.status_code == 302 and added.headers["Location"].endswith("/stations/xa-moi")
    page = client.get("/stations/xa-moi").get_data(as_text=True)
    assert "Đài xã Mới" in page and "rate = 170" in page and 'id="station-edit"' in page
    edited = client.post(
        "/stations/xa-moi",
        data={
            "csrf_token": token,
            "name": "Đài xã Mới 2",
            "timezone": "Asia/Ho_Chi_Minh",
            "district": "",
            "settings": SETTINGS.replace("170", "180"),
        },
    )
    assert edited.status_code == 302
    _, _, settings = _count(app)
    assert settings["xa-moi"]["speech"] == {"rate": 180}
    with app.reads() as session:
        row = session.scalar(select(Station).where(Station.code == "xa-moi"))
        assert (row.name, row.district, row.active) == ("Đài xã Mới 2", None, False)  # the box was not ticked
        trail = session.execute(select(AuditEntry.username, AuditEntry.action).where(AuditEntry.target == "xa-moi"))
        assert list(trail) == [("tinh", "station_add"), ("tinh", "station_change")]

    before = _count(app)
    bad = client.post("/stations/xa-moi", data={"csrf_token": token, "settings": "[speech]\nrate = 99999\n"})
    assert bad.status_code == 400 and "speech.rate" in bad.get_data(as_text=True)
    secret = client.post(
        "/stations", data={"csrf_token": token, "code": "xa-x", "name": "X", "settings": "[speech]\npassword = 'p'\n"}
    )
    assert secret.status_code == 400 and "password" in secret.get_data(as_text=True)
    garbage = client.post("/stations", data={"csrf_token": token, "code": "xa-y", "name": "Y", "settings": "[[[["})
    assert garbage.status_code == 400
    nul = client.post("/stations", data={"csrf_token": token, "code": "xa-z", "name": "Z\x00"})
    assert nul.status_code == 400
    assert _count(app) == before
    # the file's station keeps its settings from config.toml: only its district and switch are the page's
    page = client.get("/stations/thu-nghiem").get_data(as_text=True)
    assert 'name="settings"' not in page and 'name="district"' in page
    assert client.post("/stations/thu-nghiem", data={"csrf_token": token, "district": "H", "active": "yes"}).status_code
    assert _count(app)[2]["thu-nghiem"] is None


def test_who_may_see_the_stations_pages(app, client, people):
    assert login(client, "chi").status_code == 302  # the station's own admin: read only, their station only
    page = client.get("/stations").get_data(as_text=True)
    assert "thu-nghiem" in page and "xa-a" not in page and 'id="station-add"' not in page
    own = client.get("/stations/thu-nghiem").get_data(as_text=True)
    assert 'id="station-settings"' in own and 'id="station-edit"' not in own
    assert client.get("/stations/xa-a").status_code == 404
    assert client.get("/stations/nope").status_code == 404
    token = csrf(client, "/stations")
    before = _count(app)
    assert client.post("/stations", data={"csrf_token": token, "code": "xa-q", "name": "Q"}).status_code == 403
    assert client.post("/stations/thu-nghiem", data={"csrf_token": token, "district": "H"}).status_code == 403
    assert _count(app) == before
    client.post("/logout", data={"csrf_token": token})

    login(client, "huyen")  # a district admin sees the district's stations
    page = client.get("/stations").get_data(as_text=True)
    assert "xa-a" in page and "xa-c" not in page
    assert client.get("/stations/xa-c").status_code == 404
    client.post("/logout", data={"csrf_token": csrf(client, "/stations")})

    login(client, "an")  # an operator: no
    assert client.get("/stations").status_code == 403
    assert client.get("/stations/thu-nghiem").status_code == 403
    assert "/stations" not in client.get("/").get_data(as_text=True)


def test_the_stations_api(app, client, people):
    tinh = people["tinh"]
    created = client.post(
        "/api/stations",
        json={"code": "xa-api", "name": "Đài API", "timezone": "Asia/Bangkok", "settings_toml": SETTINGS},
        headers=tinh,
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["code"], body["timezone"], body["slots"], body["source"]) == ("xa-api", "Asia/Bangkok", 1, "data")
    listed = client.get("/api/stations", headers=tinh).get_json()["stations"]
    assert [s["code"] for s in listed] == ["thu-nghiem", "xa-a", "xa-api", "xa-c"]
    patched = client.patch(
        "/api/stations/xa-api",
        json={"set": {"speech.rate": 200, "channels.enabled": ["radio"]}, "district": "Huyện B", "active": False},
        headers=tinh,
    )
    assert patched.status_code == 200, patched.get_json()
    shown = client.get("/api/stations/xa-api", headers=tinh).get_json()
    assert shown["settings"]["speech"] == {"rate": 200} and shown["channels"] == ["radio"]
    assert (shown["district"], shown["active"]) == ("Huyện B", False)
    replaced = client.patch("/api/stations/xa-api", json={"settings": {"speech": {"rate": 120}}}, headers=tinh)
    assert replaced.status_code == 200 and replaced.get_json()["settings"] == {"speech": {"rate": 120}}


def test_the_list_says_which_node_serves_each_station(app, client, people):
    now = app.clock.now()
    with app.sessions.begin() as session:
        for name, codes, stopped in (("may-1", None, None), ("may-2", ["xa-a"], None), ("may-3", ["xa-c"], now)):
            session.add(
                Node(name=name, host="h", pid=1, started_at=now, heartbeat_at=now, stopped_at=stopped, stations=codes)
            )
    listed = client.get("/api/stations", headers=people["tinh"]).get_json()["stations"]
    assert {s["code"]: s["nodes"] for s in listed} == {
        "thu-nghiem": ["may-1"],
        "xa-a": ["may-1", "may-2"],
        "xa-c": ["may-1"],  # may-3 stopped
    }


@pytest.mark.parametrize(
    ("method", "path", "body", "error"),
    [
        ("post", "/api/stations", {"code": "xa-a", "name": "dup"}, "station_exists"),
        ("post", "/api/stations", {"code": "Bad Code", "name": "x"}, "station_bad_code"),
        ("post", "/api/stations", {"code": "xa-n", "name": "x", "timezone": "Mars/Olympus"}, "station_bad_timezone"),
        ("post", "/api/stations", {"code": "xa-n", "name": "x\u0000"}, "station_bad_name"),
        ("post", "/api/stations", {"code": 5, "name": "x"}, "api_station_body"),
        ("post", "/api/stations", {"code": "xa-n", "name": "x", "settings": {"web": {}}}, "station_not_own_table"),
        ("post", "/api/stations", {"code": "xa-n", "name": "x", "settings": {"speech": {"x": "\u0000"}}}, None),
        (
            "post",
            "/api/stations",
            {"code": "xa-n", "name": "x", "settings": {"channels": {"zalo": {"refresh_token": "r"}}}},
            "config_secret_in_file",
        ),
        ("post", "/api/stations", {"code": "xa-n", "name": "x", "settings_toml": "x = [" * 40}, None),
        ("post", "/api/stations", {"code": "xa-n", "name": "x", "settings_toml": "#" * 300_000}, None),
        ("post", "/api/stations", {"code": "xa-n", "name": "x", "settings": {}, "settings_toml": ""}, None),
        ("post", "/api/stations", ["not", "an", "object"], "api_body_object"),
        ("patch", "/api/stations/xa-a", {"set": {"speech.rate": 99999}}, "config_bad_value"),
        ("patch", "/api/stations/xa-a", {"set": {"station.code": "b"}}, "station_set_identity"),
        ("patch", "/api/stations/xa-a", {"set": {"../x": 1}}, "station_bad_set"),
        ("patch", "/api/stations/xa-a", {"active": "yes"}, "api_station_body"),
        ("patch", "/api/stations/xa-a", {}, "station_nothing_to_change"),
        ("patch", "/api/stations/thu-nghiem", {"name": "x"}, "station_from_file"),
        ("patch", "/api/stations/nope", {"name": "x"}, "station_unknown"),
    ],
)
def test_hostile_api_input_is_refused_and_stores_nothing(app, client, people, method, path, body, error):
    before = _count(app)
    answer = getattr(client, method)(path, json=body, headers=people["tinh"])
    assert answer.status_code in (400, 404), answer.get_data(as_text=True)
    if error is not None:
        assert answer.get_json()["error"] == error
    assert answer.get_json()["message"] and "\n" not in answer.get_json()["message"]
    assert _count(app) == before


def test_who_may_use_the_stations_api(app, client, people):
    chi, an, khac = people["chi"], people["an"], people["khac"]
    assert [s["code"] for s in client.get("/api/stations", headers=chi).get_json()["stations"]] == ["thu-nghiem"]
    assert client.get("/api/stations/thu-nghiem", headers=chi).status_code == 200
    assert client.get("/api/stations/xa-a", headers=chi).status_code == 404
    assert client.post("/api/stations", json={"code": "xa-q", "name": "Q"}, headers=chi).status_code == 403
    assert client.patch("/api/stations/thu-nghiem", json={"district": "H"}, headers=chi).status_code == 403
    huyen = client.get("/api/stations", headers=people["huyen"]).get_json()["stations"]
    assert [s["code"] for s in huyen] == ["thu-nghiem", "xa-a"]
    assert client.patch("/api/stations/xa-a", json={"district": "H"}, headers=people["huyen"]).status_code == 403
    assert client.get("/api/stations").status_code == 401
    assert client.get("/api/stations", headers=an).status_code == 403
    # another station's admin is not a user of this console at all
    for call in (
        client.get("/api/stations", headers=khac),
        client.get("/api/stations/xa-a", headers=khac),
        client.patch("/api/stations/xa-a", json={"district": "H"}, headers=khac),
    ):
        assert call.status_code in (401, 403, 404)
    assert _count(app)[0] == 3


def test_the_openapi_document_describes_the_stations_api(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    assert set(paths["/api/stations"]) == {"get", "post"}
    assert set(paths["/api/stations/{code}"]) == {"get", "patch"}
