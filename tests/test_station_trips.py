"""Smaller things a station trips on (issue #14, point 9): each answers in one clear line, in its language."""

from __future__ import annotations

import logging
import socket
from pathlib import Path
from typing import Any

import pytest

from scheduler.messages import Label
from scheduler.messages.formatter import StationFormatter
from scheduler.web import create_app
from tests.cli_support import run
from tests.web_support import build_web_app, csrf, login


@pytest.fixture
def station(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[station]\nname = "Đài xã Thử"\ncode = "thu"\n[database]\nurl = "sqlite:///{tmp_path / "loa.db"}"\n',
        encoding="utf-8",
    )
    return path


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_say_wants_an_mp3_in_a_folder_that_exists(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "say", "xin chào", "--out", "x.wav")
    assert code == 1 and ".mp3" in one_error_line(err) and not (tmp_path / "x.wav").exists()
    code, _, err = run(capsys, "--lang", "en", "say", "xin chào", "--out", "missing/x.mp3")
    assert code == 1 and "does not exist" in one_error_line(err) and not (tmp_path / "missing").exists()


@pytest.mark.parametrize("value", ["", "   ", "\n"])
def test_normalize_of_nothing_fails(value, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "normalize", value)
    assert code == 1 and out == "" and "trống" in one_error_line(err)


def test_log_checks_its_channel_and_period(station, capsys):
    code, _, err = run(capsys, "--config", str(station), "log", "--channel", "radio,tiktok")
    assert code == 1 and "tiktok" in one_error_line(err) and "radio, facebook, zalo" in err
    code, _, err = run(capsys, "--config", str(station), "log", "--since", "2026-12-05", "--until", "2026-12-01")
    assert code == 1 and "2026-12-05" in one_error_line(err)
    code, out, err = run(capsys, "--config", str(station), "log", "--channel", "zalo", "--format", "json")
    assert code == 0 and out.strip() == "[]", err


@pytest.mark.parametrize("dev", [False, True])
def test_web_on_a_taken_port_says_so(dev, station, capsys, monkeypatch):
    monkeypatch.setenv("LOA_WEB_SECRET_KEY", "k" * 40)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        args = ["--lang", "en", "--config", str(station), "web", "--host", "127.0.0.1", "--port", str(port)]
        code, _, err = run(capsys, *args, *(["--dev"] if dev else []))
    assert code == 1
    assert f"Port {port} on 127.0.0.1 is already in use; choose another with --port" in one_error_line(err)


def test_a_missing_database_driver_says_what_to_install(tmp_path, capsys):
    path = tmp_path / "config.toml"
    path.write_text('[station]\nname = "X"\n[database]\nurl = "mysql+nosuchdriver://loa:hunter2@127.0.0.1/loa"\n')
    code, _, err = run(capsys, "--lang", "en", "--config", str(path), "log")
    line = one_error_line(err)
    assert code == 1 and "pip install 'pymysql'" in line and "hunter2" not in line


def test_channels_check_does_not_call_warnings_ready(station, capsys):
    code, out, _ = run(capsys, "--lang", "en", "--config", str(station), "channels", "check")
    assert code == 0
    last = out.strip().splitlines()[-1]
    assert "warning" in last and "Every channel is ready" not in out


def test_the_runner_notes_outcomes_in_the_language_of_the_log(tmp_path):
    record = logging.LogRecord("loa.runner", logging.INFO, __file__, 1, "x", None, None)
    record.loa_code, record.loa_params = (
        "log_outcome",
        {
            "airing": 20,
            "channel": "radio",
            "outcome": Label("OUTCOME_LABELS", "aired"),
        },
    )
    assert StationFormatter("en", "%(message)s").format(record) == "Airing #20 on radio: aired."
    assert "đã phát" in StationFormatter("vi", "%(message)s").format(record)


def test_lang_overrides_the_station_language_for_what_the_command_loads(station):
    from scheduler.cli.options import State

    state = State()
    state.config, state.lang = str(station), "en"
    assert state.load().lang == "en"
    state.lang = None
    assert State().language in ("vi", "en") and state.load().lang == "vi"


# ---- the console -------------------------------------------------------------------------------


@pytest.fixture
def client(tmp_path: Path, clock: Any) -> Any:
    app = build_web_app(tmp_path, f"sqlite:///{tmp_path / 'web.db'}", clock)
    yield create_app(app, secret_key="test-secret", testing=True).test_client()
    app.close()


def test_error_pages_speak_the_console_language(client):
    response = client.get("/no-such-page")
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and "Không có trang này" in page and "Not Found" not in page
    client.get("/login?lang=en")
    page = client.get("/no-such-page").get_data(as_text=True)
    assert "There is no such page" in page and '<html lang="en">' in page
    response = client.post("/logout", data={"csrf_token": csrf(client)})
    login(client, "chi")
    response = client.put("/plans", headers={"X-CSRF-Token": csrf(client, "/plans")})
    assert response.status_code == 405 and "PUT" in response.get_data(as_text=True) and "Allow" in response.headers


def test_api_errors_speak_the_station_language(client):
    response = client.get("/api/no-such-route")
    assert response.status_code == 404 and response.get_json()["message"].startswith("Không có trang này")


def test_the_language_switch_keeps_where_the_login_goes_next(client):
    page = client.get("/?lang=en", follow_redirects=True).get_data(as_text=True)
    assert "Log in" in page
    assert 'href="/login?next=%2F&amp;lang=vi"' in page


def test_plan_upload_errors_name_the_uploaded_file_not_the_server_folder(client):
    import io

    login(client, "chi")
    data = {
        "file": (io.BytesIO(b"PK\x03\x04 not really a docx"), "ke-hoach.docx"),
        "csrf_token": csrf(client, "/plans"),
    }
    page = client.post("/plans", data=data, content_type="multipart/form-data").get_data(as_text=True)
    assert "ke-hoach.docx" in page and "/tmp" not in page
    assert 'accept=".txt,.md,.docx,.pdf"' in client.get("/plans").get_data(as_text=True)


@pytest.mark.parametrize(
    "lang, asked, again, mismatch",
    [
        ("vi", "Mật khẩu: ", "Nhập lại mật khẩu: ", "Lỗi: hai lần nhập không khớp nhau."),
        ("en", "Password: ", "Repeat the password: ", "Error: The two entered values do not match."),
    ],
)
def test_password_prompts_speak_one_language(lang, asked, again, mismatch, station, cli):
    from scheduler.cli import cli as group

    args = ["--lang", lang, "--config", str(station), "user", "add", "chi"]
    result = cli.invoke(group, args, input="mot-mat-khau-dai\nkhac-han-nhe\nmot-mat-khau-dai\nmot-mat-khau-dai\n")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(asked + "\n" + again + "\n" + mismatch)
