"""Hostile input gets a clean answer: odd dates, huge offsets, surrogates and NUL, long file names, bombs."""

from __future__ import annotations

import contextlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.web import create_app
from tests.plan_fixtures import MINH_DUC, real_plan, to_docx
from tests.web_support import build_web_app, csrf, login, web_app_fixture, web_client_fixture  # noqa: F401  (the app and client fixtures)


def _upload(client: Any, data: bytes, name: str) -> Any:
    form = {"csrf_token": csrf(client, "/plans"), "file": (io.BytesIO(data), name)}
    return client.post("/plans", data=form, content_type="multipart/form-data", follow_redirects=True)


def test_docx_bomb_upload_is_refused_with_a_clear_message(client: Any, tmp_path: Path) -> None:
    path = to_docx(real_plan(MINH_DUC), tmp_path / "plan.docx")
    with (
        zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/media/pad.bin", "w", force_zip64=True) as part,
    ):
        for _ in range(110):
            part.write(b"\0" * (1024 * 1024))
    login(client, "an")
    response = _upload(client, path.read_bytes(), "ke-hoach.docx")
    assert response.status_code == 400
    assert "vượt giới hạn 100 MB" in response.get_data(as_text=True)


def test_upload_with_a_file_name_over_255_bytes(client: Any) -> None:
    sample = Path(__file__).resolve().parents[1] / "scheduler" / "data" / "sample_plan.txt"
    login(client, "an")
    response = _upload(client, sample.read_bytes(), "kế-hoạch-" * 60 + ".txt")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert "Đã nhập kế hoạch" in response.get_data(as_text=True)


# -- secrets echoed back by a hostile service (#15.8) -----------------------------------------------

ECHOED = "EAAB-ECHOED-4c1d8e2f9a7b-NEVER-SHOWN"


def test_a_token_echoed_by_the_service_is_shown_and_stored_nowhere(
    tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import subprocess
    import sys

    from sqlalchemy import create_engine
    from sqlalchemy import text as sql

    from scheduler.app import build_app
    from scheduler.config import load_config
    from scheduler.services.users import add_user
    from tests.fakes.echo_graph import EchoGraphServer
    from tests.test_social_cli import queue, run, write_config

    monkeypatch.setenv("LOA_FACEBOOK_PAGE_TOKEN", ECHOED)
    with EchoGraphServer(token=ECHOED) as graph:
        config = write_config(tmp_path, db_url, graph, None)
        graph.answers.extend(["post", "error"])
        queue(capsys, config)
        queue(capsys, config)
        env = {**os.environ, "PYTHONPATH": os.getcwd(), "LOA_FACEBOOK_PAGE_TOKEN": ECHOED}
        done = subprocess.run(
            [sys.executable, "-m", "scheduler", "--debug", "--config", str(config), "run", "--once"],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        assert done.returncode == 0, done.stderr
        assert len(graph.posts) == 1 and ECHOED in graph.posts[0]["id"]  # the service did echo it
        outputs = {"runner stdout": done.stdout, "runner log": done.stderr}
        for args in (["channels", "check"], ["log"], ["log", "--format", "csv"], ["log", "--format", "json"]):
            _, out, err = run(capsys, "--config", str(config), *args)
            outputs[" ".join(args)] = out + err
        assert "facebook" in outputs["log --format csv"] and "posted" in outputs["log --format json"]
        app = build_app(load_config(config))
        try:
            add_user(app, "chi", "mật-khẩu-đủ-dài", "admin")
            client = create_app(app, secret_key="k", testing=True).test_client()
            login(client, "chi")
            for page in ("/log", "/channels", "/"):
                response = client.get(page)
                assert response.status_code == 200, page
                outputs[page] = response.get_data(as_text=True)
        finally:
            app.close()
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sql("SELECT * FROM log_records")).all()
            evidence = connection.execute(sql("SELECT * FROM evidence WHERE book LIKE 'journal:%'")).all()
    finally:
        engine.dispose()
    outputs["log table"] = json.dumps([list(map(str, row)) for row in rows])
    assert "facebook_rejected" in outputs["log table"] and "posted" in outputs["log table"]
    outputs["journal"] = json.dumps([list(map(str, row)) for row in evidence])  # the send journals, in the database
    assert evidence
    assert [where for where, seen in outputs.items() if ECHOED in seen] == []


def test_the_log_formatter_scrubs_what_it_formats(monkeypatch: pytest.MonkeyPatch) -> None:
    import logging

    from audio.errors import tagged
    from broadcasts.redact import MASK, remember
    from scheduler.messages.formatter import StationFormatter

    remember(ECHOED)
    record = logging.LogRecord("loa.runner", logging.ERROR, __file__, 1, "delivery failed", None, None)
    record.__dict__.update(tagged("usage", reason=f"trace {ECHOED}"))
    line = StationFormatter("en").format(record)
    assert ECHOED not in line and MASK in line


DB_PASSWORD = "S3cr3t-db-pass-8812"


@pytest.mark.parametrize(
    ("url", "code"),
    [
        (f"postgresql+psycopg://loa:{DB_PASSWORD}@127.0.0.1:abc/loa", "db_bad_url"),
        (f"postgresql+psycopg://loa:{DB_PASSWORD}@127.0.0.1:99999/loa", "db_bad_url"),
        (f"postgresql+psycopg://loa:{DB_PASSWORD}@127.0.0.1:1/loa", "db_unreachable"),
        (f"postgresql+psycopg://loa:{DB_PASSWORD}@[bad/loa", "db_unreachable"),
    ],
)
@pytest.mark.parametrize("command", [["log"], ["--debug", "log"], ["--debug", "run", "--once"]])
def test_a_database_url_with_a_password_is_never_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str, code: str, command: list[str]
) -> None:
    from scheduler.messages import text
    from tests.test_social_cli import run

    config = tmp_path / "config.toml"
    config.write_text(f'[station]\nlanguage = "en"\n[database]\nurl = "{url}"\n', encoding="utf-8")
    status, out, err = run(capsys, "--config", str(config), *command)
    assert status == 1
    assert DB_PASSWORD not in out + err and "Traceback" not in err.split("Error:")[-1]
    expected = text(code, "en", url="@", reason="@").split("@")[0]
    assert expected in err and "loa:***@127.0.0.1" in err.replace("[bad", "127.0.0.1")


def test_redact_url_hides_the_password_of_a_url_it_cannot_parse() -> None:
    from broadcasts.store import redact_url

    assert redact_url(f"postgresql://loa:{DB_PASSWORD}@db:port/x") == "postgresql://loa:***@db:port/x"
    assert redact_url(f"postgresql://loa:{DB_PASSWORD}@db:5432/x") == "postgresql://loa:***@db:5432/x"


# -- odd values through the API, the console and the CLI (#15.9) -------------------------------------


@pytest.fixture
def token(app: Any) -> dict[str, str]:
    from scheduler.services.users import create_token

    return {"Authorization": f"Bearer {create_token(app, 'an', 'test')}"}


EDGE_DATES = ["9999-12-31", "0001-01-01", "1900-01-01", "9998-12-31", "10000-01-01", "2026-02-30"]


def test_edge_dates_in_the_log_get_a_clean_answer(client: Any, token: dict[str, str]) -> None:
    login(client, "an")
    for day in EDGE_DATES:
        for key in ("since", "until"):
            api = client.get(f"/api/log?{key}={day}", headers=token)
            assert api.status_code in (200, 400), api.get_data(as_text=True)[:300]
            if api.status_code == 400:
                assert api.get_json()["error"] in ("date_out_of_range", "bad_date")
            page = client.get(f"/log?{key}={day}")
            assert page.status_code in (200, 400), (day, page.get_data(as_text=True)[:300])


def test_edge_dates_on_the_command_line(tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.test_social_cli import run

    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{db_url}"\n', encoding="utf-8")
    for day in EDGE_DATES:
        for args in (
            ["log", "--since", day],
            ["log", "--until", day],
            ["report", "--from", day, "--out", str(tmp_path / "r.csv")],
        ):
            status, _, err = run(capsys, "--config", str(config), *args)
            assert status in (0, 1) and "lỗi nội bộ" not in err, (args, err)
            if status == 1:
                assert "gày '" in err, err


def test_absurd_air_times_are_refused(client: Any, token: dict[str, str]) -> None:
    for at in ("+999999999999h", "+1e308h", "9999-12-31T23:59", "0001-01-01T00:00", "+99999999h"):
        body = {"text": "Họp dân.", "at": at, "channels": ["radio"]}
        response = client.post("/api/bulletins", json=body, headers=token)
        assert response.status_code == 400, response.get_data(as_text=True)[:300]
        assert response.get_json()["error"] in ("at_out_of_range", "bad_time", "at_in_past")


def test_absurd_air_time_on_the_command_line(tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.test_social_cli import run

    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{db_url}"\n[station]\nlanguage = "en"\n', encoding="utf-8")
    status, _, err = run(capsys, "--config", str(config), "queue", "--text", "x", "--at", "+999999999999h")
    assert status == 1 and "too far away" in err


@pytest.mark.parametrize("bad", ["\ud800", "a\x00b", "\udfff tail"])
def test_nul_and_lone_surrogates_are_refused_before_anything_is_stored(
    client: Any, app: Any, token: dict[str, str], bad: str
) -> None:
    from broadcasts.models import Bulletin

    for body in ({"text": f"Họp dân {bad}", "at": "now"}, {"text": "Họp dân.", "title": bad, "at": "now"}):
        raw = json.dumps({**body, "channels": ["radio"]})  # ASCII escapes, as a client sends a lone surrogate
        response = client.post("/api/bulletins", data=raw, content_type="application/json", headers=token)
        assert response.status_code == 400, response.get_data(as_text=True)[:300]
        assert response.get_json()["error"] == "text_bad_characters"
    with app.reads() as session:
        assert session.query(Bulletin).count() == 0
    assert client.get("/api/log?channel=%00", headers=token).get_json()["error"] == "text_bad_characters"
    login(client, "an")
    if "\x00" in bad:  # a browser cannot send a lone surrogate in a form: it sends UTF-8
        form = {"text": f"Họp {bad}", "at": "now", "priority": "normal", "channels": ["radio"]}
        page = client.post("/new", data={**form, "csrf_token": csrf(client, "/new")})
        assert page.status_code == 400 and "ký tự không hợp lệ" in page.get_data(as_text=True)
    assert client.get("/log?channel=%00&text=%ED%A0%80").status_code == 400


def test_nul_in_a_login_name_is_a_clean_refusal(client: Any) -> None:
    response = client.post("/login", data={"username": "an\x00", "password": "x", "csrf_token": csrf(client)})
    assert response.status_code == 400 and "ký tự không hợp lệ" in response.get_data(as_text=True)


def test_a_lone_surrogate_on_the_command_line(tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.test_social_cli import run

    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{db_url}"\n[station]\nlanguage = "en"\n', encoding="utf-8")
    status, _, err = run(capsys, "--config", str(config), "queue", "--text", "tin \udcff", "--at", "now")
    assert status == 1 and "invalid characters" in err


# -- hostile configuration (#15.9) ---------------------------------------------------------------

HOSTILE_SETTINGS = [
    ("[channels.radio]\ngrace_minutes = nan", "channels.radio.grace_minutes"),
    ("[channels.facebook]\ngrace_minutes = inf", "channels.facebook.grace_minutes"),
    ("[channels.zalo]\ngrace_minutes = 1e300", "channels.zalo.grace_minutes"),
    ("[channels.radio]\ngrace_minutes = -5", "channels.radio.grace_minutes"),
    ("[runner]\nlease_seconds = 99999999999999", "runner.lease_seconds"),
    ("[runner]\nlease_seconds = 0", "runner.lease_seconds"),
    ("[runner]\npoll_seconds = nan", "runner.poll_seconds"),
    ("[speech]\nrate = 0", "speech.rate"),
    ("[speech]\nrate = 100000", "speech.rate"),
    ("[audio]\npause_ms = 86400000", "audio.pause_ms"),
    ("[audio]\ntarget_lufs = nan", "audio.target_lufs"),
    ("[archive]\nkeep_days = 10000000", "archive.keep_days"),
    ('[audio]\nbitrate = "lots"', "audio.bitrate"),
    ('[audio]\nbitrate = "99999k"', "audio.bitrate"),
    ("[audio]\nsample_rate = 0", "audio.sample_rate"),
    ("[audio]\nsample_rate = 10000000", "audio.sample_rate"),
    ('[paths]\ndata_dir = "a-file"', "paths.data_dir"),
    ('[programme]\nrotation_template = "{station.__init__}"', "programme.rotation_template"),
    ('[programme]\nopening = "{date.__class__.__mro__}"', "programme.opening"),
    ('[audio]\ngreeting = "{station[0]}"', "audio.greeting"),
    ('[audio]\nclosing = "{station:{station}}"', "audio.closing"),
    ('[channels.facebook]\ntemplate = "{title.__class__}"', "channels.facebook.template"),
]


@pytest.mark.parametrize(("toml", "key"), HOSTILE_SETTINGS)
def test_hostile_settings_are_one_clear_config_error(tmp_path: Path, toml: str, key: str) -> None:
    from scheduler.config import load_config
    from scheduler.errors import ConfigError
    from scheduler.messages import render

    (tmp_path / "a-file").write_text("not a folder")
    path = tmp_path / "config.toml"
    path.write_text(toml + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.params["key"] == key
    for lang in ("vi", "en"):
        assert key in render(caught.value, lang)


def test_a_5000_deep_array_is_a_config_error_not_a_recursion(tmp_path: Path) -> None:
    from scheduler.config import load_config
    from scheduler.errors import ConfigError

    path = tmp_path / "config.toml"
    for toml in ("x = " + "[" * 5000 + "]" * 5000, "[station]\nname = " + "{a = " * 3000 + "1" + "}" * 3000):
        path.write_text(toml, encoding="utf-8")
        with pytest.raises(ConfigError) as caught:
            load_config(path)
        assert caught.value.code == "config_too_deep"


def test_hostile_settings_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.test_social_cli import run

    path = tmp_path / "config.toml"
    for toml, key in HOSTILE_SETTINGS[:8]:
        path.write_text('[station]\nlanguage = "en"\n' + toml + "\n", encoding="utf-8")
        status, _, err = run(capsys, "--config", str(path), "run", "--once")
        assert status == 1 and key in err and "internal error" not in err, err


# the config loader, fuzzed: whatever the table holds, the only error is its own

_leaf = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=12),
    st.sampled_from(["{station.__init__}", "{0}", "{x[1]}", "06:00", "radio", "espeak", "daily", "vi", "{station"]),
)
_value = st.recursive(
    _leaf,
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=8), kids, max_size=3),
    max_leaves=8,
)
_SECTIONS = ["station", "database", "paths", "archive", "runner", "speech", "audio", "programme", "web", "channels"]
_KEYS = [
    "name",
    "code",
    "timezone",
    "language",
    "url",
    "data_dir",
    "keep_days",
    "poll_seconds",
    "lease_seconds",
    "workers",
    "rate",
    "engines",
    "voice",
    "pause_ms",
    "bitrate",
    "sample_rate",
    "greeting",
    "rotation_template",
    "enabled",
    "radio",
    "facebook",
    "zalo",
    "grace_minutes",
    "port",
    "threads",
    "dry_run",
    "time",
    "days",
]
_table = st.dictionaries(
    st.sampled_from([*_SECTIONS, "slots", "require_approval", "bogus"]),
    st.one_of(st.dictionaries(st.sampled_from(_KEYS), _value, max_size=4), _value),
    max_size=4,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=_table)
def test_config_loader_fuzz_raises_only_its_own_error(tmp_path: Path, table: dict[str, Any]) -> None:
    from scheduler.config import parse_config
    from scheduler.errors import ConfigError

    with contextlib.suppress(ConfigError):
        parse_config(table, source="fuzz.toml", base_dir=tmp_path)


@settings(max_examples=300, deadline=None)
@given(raw=st.binary(max_size=200) | st.text(alphabet="[]{}=\"'#\n .,abc123-+eE", max_size=300).map(str.encode))
def test_toml_reader_fuzz_raises_only_its_own_error(raw: bytes) -> None:
    from scheduler.config.loader import parse_toml
    from scheduler.errors import ConfigError

    with contextlib.suppress(ConfigError):
        parse_toml(raw, "fuzz.toml")


def test_absurd_air_time_in_the_console(client: Any) -> None:
    login(client, "an")
    form = {"text": "Họp dân.", "at": "+999999999999h", "priority": "normal", "channels": ["radio"]}
    page = client.post("/new", data={**form, "csrf_token": csrf(client, "/new")})
    assert page.status_code == 400 and "quá xa" in page.get_data(as_text=True)
