"""The console's station switcher and the log of every station one reaches (issue #17).

One console (station A, district Bắc) on a database that also keeps, as data,
station B (Bắc) and station C (Nam). A district account of Bắc switches
between A and B and sees each one's own bulletins and log, cannot switch to C
(403, the session unchanged); a commune account sees no switcher and cannot
use the route; the log of "all my stations" names each record's station and
holds only the stations reached, filtered and paged; the API takes
`?station=CODE` with the same checks.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from broadcasts.models import Airing, LogRecord, Outcome, Station
from scheduler.app import App
from scheduler.clock import FakeClock
from scheduler.services import stations, users
from scheduler.services.queue import queue_bulletin
from scheduler.web import create_app
from scheduler.web.log_page import LOG_PAGE
from scheduler.web.switcher import KEY, Choice, choices
from tests.fakes.tts import ToneEngine
from tests.web_support import PASSWORD, build_web_app, csrf, login

SWITCH_FORM = 'action="/station"'


@pytest.fixture
def world(tmp_path: Any, clock: FakeClock) -> Iterator[dict[str, Any]]:
    url = f"sqlite:///{tmp_path / 'loa.db'}"
    a = build_web_app(tmp_path, url, clock)
    with a.sessions.begin() as session:
        session.execute(update(Station).where(Station.id == a.station_id).values(district="Bắc"))
    stations.add_station(a, "xa-b", "Đài xã Bình", district="Bắc", settings={}, by="test")
    stations.add_station(a, "xa-c", "Đài xã Cúc", district="Nam", settings={}, by="test")
    users.add_user(a, "huyen-bac", PASSWORD, "approver", scope="district", district="Bắc")
    users.add_user(a, "tinh", PASSWORD, "admin", scope="province")
    flask = create_app(a, secret_key="s", testing=True, tts=ToneEngine())
    apps = flask.extensions["loa_stations"]
    with a.reads() as session:
        ids = {code: id_ for code, id_ in session.execute(select(Station.code, Station.id))}
    ids["a"] = a.station_id
    built = {"a": a}
    for code in ("xa-b", "xa-c"):
        built[code] = apps.get(_choice(a, ids[code]))
    for key, app in built.items():
        tag = key.upper().replace("XA-", "")
        queued = queue_bulletin(
            app, text=f"Thông báo của đài {tag}.", title=f"TIN-{tag}", channels=["radio"], origin="web"
        )
        _records(app, queued.bulletin_id, f"LOG-{tag}", 1)
    yield {"a": a, "flask": flask, "ids": ids, "apps": apps, "built": built}
    apps.close()
    a.close()


def _choice(a: App, station_id: int) -> Choice:
    with a.reads() as session:
        row = session.get_one(Station, station_id)
        return Choice(id=row.id, code=row.code, name=row.name, timezone=row.timezone, updated_at=row.updated_at)


def _records(app: App, bulletin_id: int, message: str, count: int, channel: str = "radio") -> None:
    """`count` log records of `app`'s station, one minute apart, each with `message` as its reason."""
    with app.sessions.begin() as session:
        airing = session.scalar(select(Airing).where(Airing.bulletin_id == bulletin_id))
        assert airing is not None
        for n in range(count):
            session.add(
                LogRecord(
                    airing_id=airing.id,
                    bulletin_id=bulletin_id,
                    station_id=app.station_id,
                    channel=channel,
                    outcome=Outcome.failed,
                    due_at=airing.due_at - timedelta(minutes=n),
                    error_message=f"{message} {n}",
                    node="may-1",
                    created_at=app.clock.now(),
                )
            )


def _bulletin_of(app: App) -> int:
    with app.reads() as session:
        found = session.scalar(select(LogRecord.bulletin_id).where(LogRecord.station_id == app.station_id))
        assert found is not None
        return found


def _client(world: dict[str, Any], username: str) -> Any:
    client = world["flask"].test_client()
    assert login(client, username).status_code == 302
    return client


def _switch(client: Any, station_id: int, **more: Any) -> Any:
    return client.post("/station", data={"csrf_token": csrf(client, "/"), "station": station_id, **more})


def test_a_district_account_switches_between_its_stations_and_sees_each_ones_own(world):
    client = _client(world, "huyen-bac")
    ids = world["ids"]
    home = client.get("/approvals").get_data(as_text=True)
    assert SWITCH_FORM in home and "Đài xã Bình (xa-b)" in home and "Thử Nghiệm (thu-nghiem)" in home
    assert "xa-c" not in home  # another district's station is not offered
    assert "TIN-A" in home and "TIN-B" not in home

    answer = _switch(client, ids["xa-b"], next="/log")
    assert answer.status_code == 302 and answer.headers["Location"] == "/log"
    with client.session_transaction() as session:
        assert session[KEY] == ids["xa-b"]
    log = client.get("/log").get_data(as_text=True)
    assert "Đang làm việc với đài Đài xã Bình (xa-b)." in log
    assert "LOG-B 0" in log and "LOG-A" not in log
    assert f'<option value="{ids["xa-b"]}" selected>' in log
    approvals = client.get("/approvals").get_data(as_text=True)
    assert "TIN-B" in approvals and "TIN-A" not in approvals

    assert _switch(client, ids["a"]).status_code == 302
    with client.session_transaction() as session:
        assert KEY not in session
    assert "LOG-A 0" in client.get("/log").get_data(as_text=True)


def test_a_station_outside_the_district_is_refused_and_the_session_is_kept(world):
    client = _client(world, "huyen-bac")
    ids = world["ids"]
    _switch(client, ids["xa-b"])
    refused = _switch(client, ids["xa-c"])
    assert refused.status_code == 403
    assert "Tài khoản của bạn không làm việc được với đài này" in refused.get_data(as_text=True)
    client.get("/?lang=en")
    english = _switch(client, ids["xa-c"])
    assert english.status_code == 403 and "Your account cannot work on that station" in english.get_data(as_text=True)
    for wrong in (2**31 - 1, "abc", ""):
        assert _switch(client, wrong).status_code == 403  # type: ignore[arg-type]
    with client.session_transaction() as session:
        assert session[KEY] == ids["xa-b"]
    assert "LOG-C" not in client.get("/log").get_data(as_text=True)


def test_the_switch_needs_the_csrf_token(world):
    client = _client(world, "huyen-bac")
    assert client.post("/station", data={"station": world["ids"]["xa-b"]}).status_code == 400
    with client.session_transaction() as session:
        assert KEY not in session


def test_a_commune_account_sees_no_switcher_and_cannot_switch(world):
    client = _client(world, "an")
    page = client.get("/log").get_data(as_text=True)
    assert SWITCH_FORM not in page and "xa-b" not in page and 'name="stations"' not in page
    refused = _switch(client, world["ids"]["xa-b"])
    assert refused.status_code == 403
    with client.session_transaction() as session:
        assert KEY not in session
        session[KEY] = world["ids"]["xa-b"]  # even a forged choice in the session is not followed
    log = client.get("/log?stations=all").get_data(as_text=True)
    assert "LOG-A 0" in log and "LOG-B" not in log and "LOG-C" not in log
    assert _switch(client, world["ids"]["a"]).status_code == 302  # its own station: nothing changes


def test_the_log_of_all_my_stations_names_each_station_and_only_those_reached(world):
    client = _client(world, "huyen-bac")
    log = client.get("/log?stations=all").get_data(as_text=True)
    assert "Tất cả đài của tôi" in log
    assert "LOG-A 0" in log and "LOG-B 0" in log and "LOG-C" not in log
    assert "Đài: Đài xã Bình (xa-b)" in log and "Đài: Đài truyền thanh xã Thử Nghiệm (thu-nghiem)" in log
    assert "Máy chạy: may-1" in log
    english = client.get("/log?stations=all&lang=en").get_data(as_text=True)
    assert "All my stations" in english and "Station: Đài xã Bình (xa-b)" in english
    # a record of another station links to no page of this one (its bulletin and audio are that station's)
    bulletin_b = _bulletin_of(world["built"]["xa-b"])
    assert f'href="/bulletins/{bulletin_b}"' not in log and f"#{bulletin_b}" in log
    province = _client(world, "tinh").get("/log?stations=all").get_data(as_text=True)
    assert "LOG-A 0" in province and "LOG-B 0" in province and "LOG-C 0" in province
    assert "Đài: Đài xã Cúc (xa-c)" in province
    # this station only: no station column
    plain = client.get("/log").get_data(as_text=True)
    assert "Đài: Đài xã Bình" not in plain and "LOG-B" not in plain


def test_the_log_of_all_my_stations_keeps_its_filters_and_pages(world):
    built = world["built"]
    _records(built["a"], _bulletin_of(built["a"]), "MORE-A", LOG_PAGE)
    _records(built["xa-b"], _bulletin_of(built["xa-b"]), "SOCIAL-B", 5, channel="facebook")
    client = _client(world, "huyen-bac")
    first = client.get("/log?stations=all&channel=radio").get_data(as_text=True)
    total = LOG_PAGE + 2  # LOG-A, LOG-B and the MORE-A records on the radio
    assert f"Trang 1/2 · 1-{LOG_PAGE} trong {total} bản ghi" in first
    assert "SOCIAL-B" not in first and first.count('class="card record') == LOG_PAGE
    assert "/log?channel=radio&amp;stations=all&amp;page=2" in first
    second = client.get("/log?stations=all&channel=radio&page=2").get_data(as_text=True)
    assert second.count('class="card record') == 2 and "SOCIAL-B" not in second
    assert "/log?channel=radio&amp;stations=all&amp;page=1" in second
    past = client.get("/log?stations=all&channel=radio&page=99").get_data(as_text=True)
    assert past.count('class="card record') == 2  # past the last page: the last one
    social = client.get("/log?stations=all&channel=facebook&outcome=failed").get_data(as_text=True)
    assert social.count("SOCIAL-B") == 5 and "MORE-A" not in social and "Trang 1/" not in social


def test_a_stale_or_removed_choice_falls_back_to_the_consoles_own_station(world):
    client = _client(world, "huyen-bac")
    ids = world["ids"]
    _switch(client, ids["xa-b"])
    stations.edit_station(world["a"], "xa-b", active=False, by="test")
    log = client.get("/log").get_data(as_text=True)
    assert "LOG-A 0" in log and "LOG-B" not in log
    with client.session_transaction() as session:
        assert KEY not in session
        session[KEY] = 2**31 - 1  # a station since removed
    assert "LOG-A 0" in client.get("/log").get_data(as_text=True)
    with client.session_transaction() as session:
        assert KEY not in session


def test_each_station_app_is_built_once_on_the_consoles_pool_and_rebuilt_after_an_edit(world):
    apps, a = world["apps"], world["a"]
    choice = _choice(a, world["ids"]["xa-b"])
    seen: list[Any] = []
    workers = [threading.Thread(target=lambda: seen.append(apps.get(choice))) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    first = seen[0]
    assert all(x is first for x in seen) and first is world["built"]["xa-b"]
    assert first.engine is a.engine and first.sessions is a.sessions and not first.owns_store
    assert first.station_id == world["ids"]["xa-b"] and first.config.station.code == "xa-b"
    assert apps.get(_choice(a, a.station_id)) is a
    a.clock.advance(60)
    stations.edit_station(a, "xa-b", name="Đài xã Bình Mới", by="test")
    rebuilt = apps.get(_choice(a, world["ids"]["xa-b"]))
    assert rebuilt is not first and rebuilt.config.station.name == "Đài xã Bình Mới"


def test_the_switcher_lists_its_stations_in_one_query(world):
    a = world["a"]
    tinh = users.authenticate(a, "tinh", PASSWORD)
    statements: list[str] = []
    from sqlalchemy import event

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(a.engine, "before_cursor_execute", count)
    try:
        listed = choices(a, tinh)
    finally:
        event.remove(a.engine, "before_cursor_execute", count)
    assert sorted(c.code for c in listed) == ["thu-nghiem", "xa-b", "xa-c"]
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1


def test_the_api_takes_a_station_code_with_the_same_reach(world):
    a = world["a"]
    client = world["flask"].test_client()
    district = {"Authorization": f"Bearer {users.create_token(a, 'huyen-bac', 'huyen')}"}
    commune = {"Authorization": f"Bearer {users.create_token(a, 'an', 'xa')}"}

    def reasons(response: Any) -> list[str]:
        return [r["error_message"] for r in response.get_json()["records"]]

    assert reasons(client.get("/api/log", headers=district)) == ["LOG-A 0"]
    assert reasons(client.get("/api/log?station=xa-b", headers=district)) == ["LOG-B 0"]
    assert reasons(client.get("/api/log?station=thu-nghiem", headers=commune)) == ["LOG-A 0"]
    for headers, code in ((district, "xa-c"), (commune, "xa-b"), (district, "khong-co")):
        refused = client.get(f"/api/log?station={code}", headers=headers)
        assert refused.status_code == 403 and refused.get_json()["error"] == "station_not_reached"
        assert "LOG-" not in refused.get_data(as_text=True)
