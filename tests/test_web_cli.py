"""`loa user add|token` and `loa web`'s command line, through click's runner."""

from __future__ import annotations

from pathlib import Path

import click

from scheduler import cli_web
from scheduler.app import build_app
from scheduler.config import load_config
from scheduler.users import actor_for_token, authenticate


def _group() -> click.Group:
    group = click.Group("loa")
    for command in cli_web.COMMANDS:
        group.add_command(command)
    return group


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
