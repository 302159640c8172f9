"""`loa user add|token|tokens|revoke-token` through click's runner, and `loa web` as a real server process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
import requests

from scheduler.app import build_app
from scheduler.cli import cli as loa_cli
from scheduler.config import load_config
from scheduler.services.users import AuthError, actor_for_token, authenticate, read_audit


def _group() -> click.Group:
    return loa_cli


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text('[database]\nurl = "sqlite:///loa.db"\n', encoding="utf-8")
    return path


def test_user_add_then_token(cli, tmp_path):
    config = _config(tmp_path)
    result = cli.invoke(_group(), ["user", "add", "chi", "--config", str(config)], input="mat-khau-dai\nmat-khau-dai\n")
    assert result.exit_code == 0, result.output
    assert "Đã tạo người dùng chi (admin)" in result.output
    token_result = cli.invoke(_group(), ["user", "token", "chi", "--config", str(config)])
    assert token_result.exit_code == 0, token_result.output
    token = token_result.output.strip().rsplit(" ", 1)[-1]
    app = build_app(load_config(config))
    try:
        assert authenticate(app, "chi", "mat-khau-dai").role == "admin"
        assert actor_for_token(app, token).username == "chi"
    finally:
        app.close()


def test_web_help_lists_host_and_port(cli):
    result = cli.invoke(_group(), ["web", "--help"])
    assert result.exit_code == 0 and "--host" in result.output and "--port" in result.output


def test_user_tokens_then_revoke_token(cli, tmp_path):
    config = _config(tmp_path)
    cli.invoke(_group(), ["user", "add", "chi", "--config", str(config)], input="mat-khau-dai\nmat-khau-dai\n")
    made = cli.invoke(_group(), ["user", "token", "chi", "--name", "cong-thong-tin", "--config", str(config)])
    token = made.output.strip().rsplit(" ", 1)[-1]
    listed = cli.invoke(_group(), ["user", "tokens", "--config", str(config)])
    assert listed.exit_code == 0, listed.output
    assert "cong-thong-tin" in listed.output and "chưa dùng" in listed.output and token not in listed.output
    rows = json.loads(cli.invoke(_group(), ["user", "tokens", "--json", "--config", str(config)]).output)
    assert [(r["id"], r["username"], r["revoked"]) for r in rows] == [(1, "chi", False)]
    revoked = cli.invoke(_group(), ["user", "revoke-token", "1", "--config", str(config)])
    assert revoked.exit_code == 0, revoked.output
    assert "Đã thu hồi mã truy cập API số 1 (cong-thong-tin của chi)" in revoked.output
    app = build_app(load_config(config))
    try:
        with pytest.raises(AuthError):
            actor_for_token(app, token)
        assert next((e.username, e.action) for e in read_audit(app)) == ("cli", "token_revoke")
    finally:
        app.close()
    assert "Đã thu hồi" in cli.invoke(_group(), ["user", "tokens", "--config", str(config)]).output


def test_user_list_then_reset_password(cli, tmp_path):
    config = _config(tmp_path)
    assert "chưa có người dùng" in cli.invoke(_group(), ["user", "list", "--config", str(config)]).output
    cli.invoke(_group(), ["user", "add", "chi", "--config", str(config)], input="mat-khau-dai\nmat-khau-dai\n")
    operator = ["user", "add", "an", "--role", "operator", "--password", "mat-khau-an-1"]
    cli.invoke(_group(), [*operator, "--config", str(config)])
    listed = cli.invoke(_group(), ["user", "list", "--config", str(config)])
    assert listed.exit_code == 0, listed.output
    assert "Biên tập viên" in listed.output and "Quản trị" in listed.output and "mat-khau" not in listed.output
    app = build_app(load_config(config))
    try:
        for _ in range(app.config.web.lockout_threshold):
            with pytest.raises(AuthError):
                authenticate(app, "chi", "doan-sai-mat-khau")
    finally:
        app.close()
    rows = json.loads(cli.invoke(_group(), ["user", "list", "--json", "--config", str(config)]).output)
    assert [(r["username"], r["role"], r["locked_until"] is not None) for r in rows] == [
        ("an", "operator", False),
        ("chi", "admin", True),
    ]
    assert "khóa đến" in cli.invoke(_group(), ["user", "list", "--config", str(config)]).output
    reset = cli.invoke(_group(), ["user", "reset-password", "chi", "--config", str(config)], input="mat-khau-moi\n" * 2)
    assert reset.exit_code == 0 and "Đã đặt lại mật khẩu của chi" in reset.output
    app = build_app(load_config(config))
    try:
        assert authenticate(app, "chi", "mat-khau-moi").role == "admin"  # the lockout is lifted too
        assert next((e.username, e.action, e.target) for e in read_audit(app) if e.action != "login") == (
            "cli",
            "password_reset",
            "chi",
        )
    finally:
        app.close()
    unknown = cli.invoke(_group(), ["user", "reset-password", "nobody", "--password", "x" * 9, "--config", str(config)])
    assert unknown.exit_code != 0


def test_user_assign_refuses_an_account_of_a_station(cli, tmp_path):
    config = _config(tmp_path)
    cli.invoke(_group(), ["user", "add", "chi", "--password", "mat-khau-dai", "--config", str(config)])
    refused = cli.invoke(_group(), ["user", "assign", "chi", "--config", str(config)])
    assert refused.exit_code != 0


def test_revoking_an_unknown_token_is_one_error(tmp_path, capsys):
    from scheduler.cli import main

    with pytest.raises(SystemExit) as info:
        main(["--config", str(_config(tmp_path)), "user", "revoke-token", "7"])
    err = capsys.readouterr().err
    assert info.value.code == 1 and err.strip().startswith("Lỗi:") and "7" in err


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
@pytest.mark.parametrize("flags, server", [([], "waitress"), (["--dev"], "Werkzeug")])
def test_loa_web_serves_a_real_request(tmp_path, flags, server):
    config = _config(tmp_path)
    port = _free_port()
    env = {**os.environ, "LOA_WEB_SECRET_KEY": "khoa-bi-mat-thu"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "scheduler",
            "--config",
            str(config),
            "web",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--threads",
            "2",
            *flags,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stderr is not None  # stderr=PIPE
    try:
        deadline = time.monotonic() + 60
        answer = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                answer = requests.get(f"http://127.0.0.1:{port}/login", timeout=5)
                break
            except requests.ConnectionError:
                time.sleep(0.2)  # a real server starting in another process
        assert answer is not None, proc.stderr.read() if proc.poll() is not None else "no answer in 60 s"
        assert answer.status_code == 200 and "Đăng nhập" in answer.text
        assert answer.headers["Server"].startswith(server)
    finally:
        proc.terminate()
        try:
            out, err = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate(timeout=10)
    assert f"http://127.0.0.1:{port}/" in out
    assert "khoa-bi-mat-thu" not in out + err


def test_web_help_lists_threads_and_dev(cli):
    result = cli.invoke(_group(), ["web", "--help"])
    assert result.exit_code == 0 and "--threads" in result.output and "--dev" in result.output
    assert "waitress" in result.output
