"""`loa web` (the operator console) and `loa user add|token` (console accounts)."""

from __future__ import annotations

import os

import click

from scheduler.cli_base import common_options, say
from scheduler.cli_base import state as current_state
from scheduler.messages import text

__all__ = ["COMMANDS"]


@click.command("web")
@click.option("--host", help="Địa chỉ lắng nghe (mặc định [web] host) / listen address.")
@click.option("--port", type=click.IntRange(1, 65535), help="Cổng (mặc định [web] port) / port.")
@common_options
def web(host: str | None, port: int | None) -> None:
    """Chạy bảng điều khiển web / serve the operator web console."""
    from werkzeug.serving import make_server

    from scheduler.web import create_app

    state = current_state()
    app = state.app()
    web_config = app.config.web
    key = os.environ.get(web_config.secret_key_env)
    if not key:
        say(text("web_no_secret", state.language, env=web_config.secret_key_env), err=True)
    host, port = host or web_config.host, port or web_config.port
    server = make_server(host, port, create_app(app, secret_key=key), threaded=True)
    say(text("web_serving", state.language, host=host, port=server.server_port))
    try:
        server.serve_forever()
    finally:
        server.server_close()
        app.close()


@click.group("user")
def user() -> None:
    """Người dùng bảng điều khiển / console users."""


@user.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["operator", "approver", "admin"]), default="admin", show_default=True,
              help="Vai trò / role.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Mật khẩu (hỏi nếu không ghi) / password (prompted if not given).")
@common_options
def user_add(username: str, role: str, password: str) -> None:
    """Tạo người dùng (người đầu tiên nên là admin) / create a user (make the first one an admin)."""
    from scheduler.users import add_user

    state = current_state()
    app = state.app()
    try:
        add_user(app, username, password, role)
    finally:
        app.close()
    say(text("user_added", state.language, username=username, role=role))


@user.command("token")
@click.argument("username")
@click.option("--name", default="api", show_default=True, help="Tên tích hợp / integration name.")
@common_options
def user_token(username: str, name: str) -> None:
    """Tạo mã truy cập API cho người dùng / create an API token for a user."""
    from scheduler.users import create_token

    state = current_state()
    app = state.app()
    try:
        token = create_token(app, username, name)
    finally:
        app.close()
    say(text("token_added", state.language, token=token))


COMMANDS = [web, user]
