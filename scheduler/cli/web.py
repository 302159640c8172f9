"""`loa web` (the operator console, served by waitress) and `loa user add|list|reset-password|assign|token|...`."""

from __future__ import annotations

import errno
import os
import socket
from typing import Any

import click

from scheduler.cli.options import ask_password, common_options, say
from scheduler.cli.options import state as current_state
from scheduler.messages import text

__all__ = ["web", "user"]


@click.command("web")
@click.option("--host", help="Địa chỉ lắng nghe (mặc định [web] host) / listen address.")
@click.option("--port", type=click.IntRange(1, 65535), help="Cổng (mặc định [web] port) / port.")
@click.option("--threads", type=click.IntRange(1, 256), help="Số luồng waitress (mặc định [web] threads) / threads.")
@click.option(
    "--dev",
    is_flag=True,
    help="Máy chủ phát triển werkzeug thay cho waitress (không tự nạp lại) / werkzeug's development "
    "server instead of waitress (no reloader).",
)
@common_options
def web(host: str | None, port: int | None, threads: int | None, dev: bool) -> None:
    """Chạy bảng điều khiển web (waitress) / serve the operator web console (waitress)."""
    from scheduler.web import create_app

    state = current_state()
    with state.app() as app:
        web_config = app.config.web
        key = os.environ.get(web_config.secret_key_env)
        if not key:
            say(text("web_no_secret", state.language, env=web_config.secret_key_env), err=True)
        host, port = host or web_config.host, port or web_config.port
        console = create_app(app, secret_key=key)
        try:
            if dev:
                _serve_dev(console, host, port, state.language)
            else:
                _serve_waitress(
                    console,
                    host,
                    port,
                    threads or web_config.threads,
                    state.language,
                    proxied=web_config.trusted_proxies > 0,
                )
        except OSError as exc:
            raise _listen_error(exc, host, port) from exc
        finally:
            console.extensions["loa_stations"].close()  # the other stations' channels (the pool is app's)


def _listen_error(exc: OSError, host: str, port: int) -> Exception:
    """What the operator reads when the console cannot listen: a taken port, a forbidden one, a bad address."""
    from scheduler.errors import UsageError

    if exc.errno == errno.EADDRINUSE:
        return UsageError("web_port_in_use", host=host, port=port)
    if exc.errno == errno.EACCES:
        return UsageError("web_port_denied", host=host, port=port)
    if exc.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT) or isinstance(exc, socket.gaierror):
        return UsageError("web_host_unknown", host=host, reason=exc.strerror or str(exc))
    return exc


def _probe(host: str, port: int) -> None:
    """Bind the address once and let go, so a taken port is one OSError here: werkzeug would print its own
    English and exit, and waitress would leave its half-built server's pipes to the garbage collector."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


def _serve_waitress(console: Any, host: str, port: int, threads: int, lang: str, *, proxied: bool) -> None:
    """Serve with waitress (pure Python, also on Windows) until interrupted, within scheduler.web.serve's bounds."""
    from scheduler.web.serve import build

    _probe(host, port)
    server = build(console, host=host, port=port, threads=threads, proxied=proxied)
    say(text("web_serving", lang, host=host, port=getattr(server, "effective_port", port)))
    try:
        server.run()
    finally:
        server.close()


def _serve_dev(console: Any, host: str, port: int, lang: str) -> None:
    """Serve with werkzeug's development server (threaded, no reloader) until interrupted."""
    from werkzeug.serving import make_server

    _probe(host, port)
    server = make_server(host, port, console, threaded=True)
    say(text("web_serving_dev", lang, host=host, port=server.server_port))
    try:
        server.serve_forever()
    finally:
        server.server_close()


@click.group("user")
def user() -> None:
    """Người dùng bảng điều khiển / console users."""


@user.command("add")
@click.argument("username")
@click.option(
    "--role",
    type=click.Choice(["operator", "approver", "admin"]),
    default="admin",
    show_default=True,
    help="Vai trò / role.",
)
@click.option("--password", help="Mật khẩu (hỏi nếu không ghi) / password (prompted if not given).")
@click.option(
    "--scope",
    type=click.Choice(["station", "district", "province"]),
    default="station",
    show_default=True,
    help="Phạm vi: đài này, một huyện, cả tỉnh / which stations the account reaches.",
)
@click.option("--district", help="Huyện của tài khoản cấp huyện / the district of a district account.")
@common_options
def user_add(username: str, role: str, password: str | None, scope: str, district: str | None) -> None:
    """Tạo người dùng (người đầu tiên nên là admin) / create a user (make the first one an admin)."""
    from scheduler.services.users import add_user

    state = current_state()
    password = password if password is not None else ask_password(state.language)
    with state.app() as app:
        add_user(app, username, password, role, scope=scope, district=district)
    say(text("user_added", state.language, username=username, role=role))


@user.command("list")
@click.option("--json", "as_json", is_flag=True, help="In JSON / print JSON.")
@common_options
def user_list(as_json: bool) -> None:
    """Liệt kê người dùng của đài / list this station's users (and accounts of no station yet)."""
    import json

    from scheduler.cli.output import table
    from scheduler.programme.times import format_local
    from scheduler.services.passwords import list_accounts

    state = current_state()
    with state.app() as app:
        accounts = list_accounts(app)
        tz, now = app.config.tz, app.clock.now()
    lang = state.language
    if as_json:
        say(
            json.dumps(
                [
                    {
                        "username": a.username,
                        "role": a.role,
                        "active": a.active,
                        "station": a.station,
                        "locked_until": a.locked_until.astimezone(tz).isoformat()
                        if a.locked_until and a.locked_until > now
                        else None,
                        "created_at": a.created_at.astimezone(tz).isoformat(),
                    }
                    for a in accounts
                ],
                ensure_ascii=False,
            )
        )
        return
    if not accounts:
        say(text("user_list_empty", lang))
        return

    def status(a: Any) -> str:
        if not a.station:
            return text("w_unassigned", lang)
        if not a.active:
            return text("w_disabled", lang)
        if a.locked_until and a.locked_until > now:
            return text("w_locked_until", lang, at=format_local(a.locked_until, tz, "%Y-%m-%d %H:%M"))
        return text("w_active", lang)

    rows = [
        [a.username, text("w_role_" + a.role, lang), format_local(a.created_at, tz, "%Y-%m-%d %H:%M"), status(a)]
        for a in accounts
    ]
    say(
        table(
            [text("w_username", lang), text("w_role", lang), text("w_created", lang), text("w_status", lang)],
            rows,
        )
    )


@user.command("reset-password")
@click.argument("username")
@click.option("--password", help="Mật khẩu mới (hỏi nếu không ghi) / the new password (prompted if not given).")
@common_options
def user_reset_password(username: str, password: str | None) -> None:
    """Đặt lại mật khẩu, mở khóa và kết thúc các phiên / reset a password, lift a lockout, end the sessions."""
    from scheduler.services.passwords import reset_password

    state = current_state()
    password = password if password is not None else ask_password(state.language)
    with state.app() as app:
        reset_password(app, username, password)
    say(text("password_reset_done", state.language, username=username))


@user.command("assign")
@click.argument("username")
@common_options
def user_assign(username: str) -> None:
    """Gán người dùng chưa thuộc đài nào cho đài này / give an account of no station to this station."""
    from scheduler.services.passwords import assign_user

    state = current_state()
    with state.app() as app:
        assign_user(app, username)
    say(text("user_assigned", state.language, username=username))


@user.command("token")
@click.argument("username")
@click.option("--name", default="api", show_default=True, help="Tên tích hợp / integration name.")
@common_options
def user_token(username: str, name: str) -> None:
    """Tạo mã truy cập API cho người dùng / create an API token for a user."""
    from scheduler.services.users import create_token

    state = current_state()
    with state.app() as app:
        token = create_token(app, username, name)
    say(text("token_added", state.language, token=token))


@user.command("tokens")
@click.option("--json", "as_json", is_flag=True, help="In JSON / print JSON.")
@common_options
def user_tokens(as_json: bool) -> None:
    """Liệt kê mã truy cập API / list the API tokens (never the tokens themselves)."""
    import json

    from scheduler.cli.output import table
    from scheduler.programme.times import format_local
    from scheduler.services.users import list_tokens

    state = current_state()
    with state.app() as app:
        tokens = list_tokens(app)
        tz = app.config.tz
    if as_json:
        say(json.dumps([k.as_json(tz) for k in tokens], ensure_ascii=False))
        return
    if not tokens:
        say(text("token_list_empty", state.language))
        return
    lang = state.language
    rows = [
        [
            str(k.id),
            k.name,
            k.username,
            format_local(k.created_at, tz, "%Y-%m-%d %H:%M"),
            format_local(k.last_used_at, tz, "%Y-%m-%d %H:%M") if k.last_used_at else text("w_never", lang),
            text("w_revoked", lang, at=format_local(k.revoked_at, tz, "%Y-%m-%d %H:%M") if k.revoked_at else "")
            if k.revoked
            else text("w_active", lang),
        ]
        for k in tokens
    ]
    say(
        table(
            [
                "#",
                text("w_token_name", lang),
                text("w_owner", lang),
                text("w_created", lang),
                text("w_last_used", lang),
                text("w_status", lang),
            ],
            rows,
        )
    )


@user.command("revoke-token")
@click.argument("token_id", type=click.IntRange(1, 2**31 - 1))
@common_options
def user_revoke_token(token_id: int) -> None:
    """Thu hồi mã truy cập API số TOKEN_ID (xem loa user tokens) / revoke API token TOKEN_ID."""
    from scheduler.services.users import revoke_token

    state = current_state()
    with state.app() as app:
        revoked = revoke_token(app, token_id, by="cli")
    say(text("token_revoked", state.language, id=revoked.id, name=revoked.name, username=revoked.username))
