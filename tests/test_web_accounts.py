"""Accounts of one station: cross-station refusal on every route, atomic lockout, sessions that end, safe redirects."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text as sql
from werkzeug.routing import AnyConverter, IntegerConverter

from broadcasts.accounts import User
from scheduler.app import build_app
from scheduler.clock import FakeClock
from scheduler.config import Config
from scheduler.services import passwords, users
from scheduler.web import create_app
from scheduler.web.auth import safe_next
from tests.conftest import make_config
from tests.fakes.tts import ToneEngine
from tests.web_support import (
    PASSWORD,
    build_web_app,
    csrf,
    login,
    web_app_fixture,  # noqa: F401  (the app and client fixtures)
)

OTHER_PASSWORD = "mat-khau-cua-xa-b"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _station_b(tmp_path: Path, db_url: str, clock: Any) -> Any:
    """Station B in the same database: its admin 'chi' (same name as A's, another password) and 'boss'."""
    root = tmp_path / "xa-b"
    root.mkdir(exist_ok=True)
    config = make_config(root, db_url, station={"code": "xa-b", "name": "Đài xã B"})
    app = build_app(config, clock=clock, tts=ToneEngine())
    users.add_user(app, "chi", OTHER_PASSWORD, "admin")
    users.add_user(app, "boss", OTHER_PASSWORD, "admin")
    return app


@pytest.fixture
def other(tmp_path: Any, db_url: str, clock: Any, app: Any) -> Iterator[Any]:
    application = _station_b(tmp_path, db_url, clock)
    yield application
    application.close()


@pytest.fixture
def client(app: Any) -> Any:
    return create_app(app, secret_key="shared-secret", testing=True).test_client()


# --- every console page and API route refuses station B's session and token -----------------------------------

_SAMPLES = {"username": "chi", "name": "x.mp3"}
_OPEN = {"static", "auth.login", "api.openapi"}  # answered without an account, on purpose


def _route_table() -> list[tuple[str, str, dict[str, Any]]]:
    """(method, endpoint, URL values) of every route the console has; collected without a database."""
    flask = create_app(SimpleNamespace(config=Config()), secret_key="k")  # type: ignore[arg-type]
    table = []
    for rule in flask.url_map.iter_rules():
        if rule.endpoint in _OPEN:
            continue
        values: dict[str, Any] = {}
        for argument in rule.arguments:
            converter = rule._converters[argument]
            if isinstance(converter, AnyConverter):
                values[argument] = sorted(converter.items)[0]
            elif isinstance(converter, IntegerConverter):
                values[argument] = 1
            else:
                values[argument] = _SAMPLES.get(argument, "x")
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            table.append((method, rule.endpoint, values))
    return table


ROUTES = _route_table()


@pytest.fixture(scope="module")
def two_stations(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Stations A and B in one SQLite database, consoles with one shared secret key, and B's admin token."""
    tmp = tmp_path_factory.mktemp("stations")
    url = f"sqlite:///{tmp / 'loa.db'}"
    clock = FakeClock(datetime(2026, 11, 23, 5, 55, tzinfo=TZ))
    a = build_web_app(tmp, url, clock, web={"login_attempts": 0})  # many logins below, from one address
    b = _station_b(tmp, url, clock)
    boss = next(u for u in users.list_users(b) if u.username == "boss")
    yield {
        "a": create_app(a, secret_key="shared-secret", testing=True),
        "b": create_app(b, secret_key="shared-secret", testing=True),
        "boss": boss,
        "token": users.create_token(b, "boss", "b"),
    }
    a.close()
    b.close()


def _forged(flask: Any, boss: User) -> Any:
    """A client holding a session cookie of B's admin, signed with the key both consoles share."""
    client = flask.test_client()
    with client.session_transaction() as session:
        session.update(uid=boss.id, epoch=boss.session_epoch, csrf="csrf-of-b")
    return client


def test_the_forged_session_is_good_on_its_own_station(two_stations):
    assert _forged(two_stations["b"], two_stations["boss"]).get("/users").status_code == 200
    token = {"Authorization": f"Bearer {two_stations['token']}"}
    assert two_stations["b"].test_client().get("/api/programme", headers=token).status_code == 200


@pytest.mark.parametrize(("method", "endpoint", "values"), ROUTES, ids=[f"{m} {e}" for m, e, _ in ROUTES])
def test_station_b_cannot_use_station_a(two_stations, method, endpoint, values):
    flask = two_stations["a"]
    with flask.test_request_context():
        from flask import url_for

        path = url_for(endpoint, **values)
    if path.startswith("/api/"):
        headers = {"Authorization": f"Bearer {two_stations['token']}"}
        response = flask.test_client().open(path, method=method, headers=headers, json={})
        assert response.status_code == 401, response.get_data(as_text=True)[:300]
        assert response.get_json()["error"] == "auth_token"
        return
    client = _forged(flask, two_stations["boss"])
    data = {"csrf_token": "csrf-of-b"} if method != "GET" else None
    response = client.open(path, method=method, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert response.headers["Location"].startswith("/login")


def test_station_b_cannot_log_in_on_a_and_names_are_per_station(client, app, other):
    assert login(client, "boss", OTHER_PASSWORD).status_code == 401
    assert login(client, "chi", OTHER_PASSWORD).status_code == 401  # A's chi has A's password
    assert login(client, "chi").status_code == 302
    assert [u.username for u in users.list_users(app)] == ["an", "binh", "chi"]
    assert [u.username for u in users.list_users(other)] == ["boss", "chi"]


def test_user_management_tokens_and_audit_stay_on_their_station(client, app, other):
    b_token = users.create_token(other, "boss", "b")
    a_token = users.create_token(app, "chi", "a")
    with pytest.raises(users.AuthError):
        users.actor_for_token(app, b_token)
    assert users.actor_for_token(app, a_token).username == "chi"
    assert [t.username for t in users.list_tokens(app)] == ["chi"]
    b_token_id = users.list_tokens(other)[0].id
    login(client, "chi")
    token = csrf(client, "/users")
    refused = client.post("/users/boss", data={"role": "operator", "active": "yes", "csrf_token": token})
    assert refused.status_code == 400
    assert client.post(f"/tokens/{b_token_id}/revoke", data={"csrf_token": token}).status_code == 404
    assert not users.list_tokens(other)[0].revoked
    assert {u.username: u.role for u in users.list_users(other)}["boss"] == "admin"
    with pytest.raises(users.UsageError):
        users.create_token(app, "boss", "x")
    audit = client.get("/audit").get_data(as_text=True)
    assert "boss" not in audit and all(e.target != "boss" for e in users.read_audit(app))
    assert {e.action for e in users.read_audit(other)} >= {"user_add", "token_add"}


# --- the migration: carried-over accounts ----------------------------------------------------------------------


def _upgrade_to(url: str, revision: str) -> None:
    from alembic import command
    from alembic.config import Config as AlembicConfig

    from broadcasts.store import MIGRATIONS, make_engine

    engine = make_engine(url)
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", MIGRATIONS)
    try:
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, revision)
    finally:
        engine.dispose()


def _before_accounts() -> str:
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory

    from broadcasts.store import MIGRATIONS

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", MIGRATIONS)
    down = ScriptDirectory.from_config(cfg).get_revision("0006_accounts_station").down_revision
    assert isinstance(down, str)
    return down


def _seed_old_database(url: str, station_codes: list[str]) -> None:
    from broadcasts.store import make_engine

    _upgrade_to(url, _before_accounts())
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            for code in station_codes:
                connection.execute(
                    sql("INSERT INTO stations (code, name, timezone) VALUES (:c, :c, 'Asia/Ho_Chi_Minh')"), {"c": code}
                )
            connection.execute(
                sql(
                    "INSERT INTO users (username, password_hash, role, active, failed_logins, created_at) "
                    "VALUES ('cu', :h, 'admin', :t, 0, :at)"
                ),
                {"h": users._hasher.hash(PASSWORD), "t": True, "at": datetime(2026, 11, 1, tzinfo=TZ)},
            )
            connection.execute(
                sql("INSERT INTO audit_entries (at, username, action) VALUES (:at, 'cu', 'login')"),
                {"at": datetime(2026, 11, 1, tzinfo=TZ)},
            )
    finally:
        engine.dispose()


def test_migration_gives_old_accounts_to_the_only_station(tmp_path, db_url, clock):
    _seed_old_database(db_url, ["thu-nghiem"])
    app = build_app(make_config(tmp_path, db_url), clock=clock, tts=ToneEngine())
    try:
        assert users.authenticate(app, "cu", PASSWORD).username == "cu"
        assert [e.username for e in users.read_audit(app)][-1] == "cu"
    finally:
        app.close()


def test_migration_leaves_accounts_of_several_stations_to_loa_user_assign(tmp_path, db_url, clock):
    _seed_old_database(db_url, ["thu-nghiem", "xa-b"])
    app = build_app(make_config(tmp_path, db_url), clock=clock, tts=ToneEngine())
    try:
        with pytest.raises(users.AuthError):  # nobody's account until a station's own command line claims it
            users.authenticate(app, "cu", PASSWORD)
        assert [(a.username, a.station) for a in passwords.list_accounts(app)] == [("cu", False)]
        assert [e.action for e in users.read_audit(app)] == ["login_failed"]  # the carried-over 'login' is nobody's
        passwords.assign_user(app, "cu")
        assert users.authenticate(app, "cu", PASSWORD).username == "cu"
        with pytest.raises(users.UsageError):
            passwords.assign_user(app, "cu")  # only an account of no station can be assigned
    finally:
        app.close()


# --- the lockout ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_parallel_wrong_passwords_lock_the_account_on_postgresql(app):
    threshold = app.config.web.lockout_threshold
    attempts = 12  # within the connection pool (5 + 10 overflow)
    start = threading.Barrier(attempts)
    refused: list[str] = []

    def attempt() -> None:
        start.wait(timeout=30)
        try:
            users.authenticate(app, "chi", "sai-mat-khau")
        except users.AuthError as exc:
            refused.append(exc.code)

    threads = [threading.Thread(target=attempt, daemon=True) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert refused == ["auth_failed"] * attempts
    trail = [e for e in users.read_audit(app) if e.username == "chi"]
    checked = [e for e in trail if e.action == "login_failed"]
    assert len(checked) == threshold  # only the first `threshold` passwords were checked at all
    assert any(e.detail and "locked_until" in e.detail for e in checked)
    assert len([e for e in trail if e.action == "login_locked"]) == attempts - threshold
    with pytest.raises(users.AuthError):
        users.authenticate(app, "chi", PASSWORD)  # locked: the right password does not help now


def test_a_count_left_by_a_killed_check_ends_in_a_timed_lock(app, clock):
    threshold = app.config.web.lockout_threshold
    with app.sessions.begin() as session:  # as if a process died after taking its attempt, before checking it
        session.query(User).filter_by(station_id=app.station_id, username="an").one().failed_logins = threshold
    with pytest.raises(users.AuthError):
        users.authenticate(app, "an", PASSWORD)
    clock.advance(minutes=app.config.web.lockout_minutes + 1)
    assert users.authenticate(app, "an", PASSWORD).username == "an"


class _CountingHasher:
    def __init__(self, real: Any) -> None:
        self.real, self.verified = real, 0

    def verify(self, hash: str, password: str) -> bool:
        self.verified += 1
        return bool(self.real.verify(hash, password))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def test_every_refusal_is_the_same_answer_after_the_same_work(client, app, monkeypatch):
    counting = _CountingHasher(users._hasher)
    monkeypatch.setattr(users, "_hasher", counting)
    answers = set()
    threshold = app.config.web.lockout_threshold
    for name, password in [("khong-co", "x")] + [("an", "sai-mat-khau")] * threshold + [("an", PASSWORD)]:
        before = counting.verified
        response = login(client, name, password)
        assert counting.verified - before == 1, name  # unknown and locked names cost one argon2 check too
        answers.add((response.status_code, response.get_data(as_text=True).split("<main")[-1]))
    assert len(answers) == 1 and next(iter(answers))[0] == 401  # the locked 'an' reads like the unknown name
    users.set_role(app, users.authenticate(app, "chi", PASSWORD), "binh", "approver", active=False)
    disabled = login(client, "binh")
    assert {(disabled.status_code, disabled.get_data(as_text=True).split("<main")[-1])} == answers


def test_the_address_is_throttled_before_the_account_locks(tmp_path, db_url, clock):
    app = build_web_app(tmp_path, db_url, clock, web={"login_attempts": 3, "lockout_threshold": 5})
    try:
        web = create_app(app, secret_key="k", testing=True)
        attacker = web.test_client()
        attacker.environ_base["REMOTE_ADDR"] = "203.0.113.9"
        statuses = [login(attacker, "chi", "doan-mo").status_code for _ in range(6)]
        assert statuses == [401, 401, 401, 429, 429, 429]
        admin = web.test_client()
        admin.environ_base["REMOTE_ADDR"] = "192.0.2.1"
        assert login(admin, "chi").status_code == 302  # the attacker's address ran out before the account locked
    finally:
        app.close()


def test_reset_password_lifts_a_lockout(app):
    for _ in range(app.config.web.lockout_threshold):
        with pytest.raises(users.AuthError):
            users.authenticate(app, "an", "sai-mat-khau")
    passwords.reset_password(app, "an", "mat-khau-moi-1")
    assert users.authenticate(app, "an", "mat-khau-moi-1").username == "an"
    with pytest.raises(users.UsageError):
        passwords.reset_password(app, "an", "ngan")


# --- sessions end server-side --------------------------------------------------------------------------------


def _copy_session(source: Any, flask_client: Any) -> Any:
    cookie = source.get_cookie("loa_session")
    assert cookie is not None
    flask_client.set_cookie("loa_session", cookie.value)
    return flask_client


def test_a_cookie_copied_before_logout_no_longer_works(client, app):
    login(client, "an")
    flask = create_app(app, secret_key="shared-secret", testing=True)
    thief = _copy_session(client, flask.test_client())
    assert thief.get("/").status_code == 200
    client.post("/logout", data={"csrf_token": csrf(client, "/")})
    assert thief.get("/").status_code == 302
    assert login(client, "an").status_code == 302 and client.get("/").status_code == 200


def test_a_password_reset_and_disabling_end_the_sessions(client, app):
    flask = create_app(app, secret_key="shared-secret", testing=True)
    login(client, "an")
    thief = _copy_session(client, flask.test_client())
    passwords.reset_password(app, "an", "mat-khau-moi-1")
    assert client.get("/").status_code == 302 and thief.get("/").status_code == 302
    approver = flask.test_client()
    login(approver, "binh")
    copy = _copy_session(approver, flask.test_client())
    users.set_role(app, users.authenticate(app, "chi", PASSWORD), "binh", "approver", active=False)
    users.set_role(app, users.authenticate(app, "chi", PASSWORD), "binh", "approver", active=True)
    assert approver.get("/").status_code == 302 and copy.get("/").status_code == 302  # enabling again keeps them out


# --- the redirect after login --------------------------------------------------------------------------------

HOSTILE_NEXT = [
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "/%5Cevil.example",
    "/%09/evil.example",
    "/%252F%252Fevil.example",
    "%2F%2Fevil.example",
    "https://evil.example",
    "javascript:alert(1)",
    "evil.example",
    " //evil.example",
    "/\x00/evil.example",
    "/\x7f/evil.example",
    "/\u3000/evil.example",
]


def test_safe_next_refuses_every_hostile_target():
    assert [t for t in HOSTILE_NEXT if safe_next(t) is not None] == []


@pytest.mark.parametrize("target", HOSTILE_NEXT, ids=repr)
def test_login_never_redirects_off_site(two_stations, target):
    client = two_stations["a"].test_client()
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"username": "an", "password": PASSWORD, "csrf_token": csrf(client)},
    )
    if "\x00" in target:  # NUL in any query value is refused before a view runs (hostile input, issue 15.9)
        assert response.status_code == 400 and "Location" not in response.headers
        return
    assert response.status_code == 302 and response.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/log?since=2026-11-01&channel=radio", "/plans/3", "/approvals"])
def test_login_returns_to_a_local_page(two_stations, target):
    client = two_stations["a"].test_client()
    assert safe_next(target) == target
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"username": "an", "password": PASSWORD, "csrf_token": csrf(client)},
    )
    assert response.headers["Location"] == target
