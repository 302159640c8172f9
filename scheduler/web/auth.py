"""Login, logout, the current user, role checks and CSRF protection of every form.

A session holds the user's id and session epoch; it ends server-side once the
epoch moves on (logout, a password reset, disabling the user), and is only
good on the station the user belongs to.
"""

from __future__ import annotations

import functools
import hmac
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import Blueprint, Flask, g, redirect, render_template, request, session, url_for

from scheduler.messages import render
from scheduler.services import users
from scheduler.services.users import Actor, AuthError

__all__ = ["bp", "init_app", "csrf_token", "login_required", "actor_can", "current", "safe_next"]

bp = Blueprint("auth", __name__)
_SAFE = ("GET", "HEAD", "OPTIONS")


def csrf_token() -> str:
    """This session's CSRF token, created on first use."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return str(session["csrf"])


def _csrf_ok() -> bool:
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    expected = session.get("csrf") or ""
    return bool(expected) and hmac.compare_digest(str(sent), str(expected))


def init_app(flask: Flask) -> None:
    """Refuse unsafe requests without the session's CSRF token and load the logged-in user."""

    @flask.before_request
    def _guard() -> Any:
        if request.blueprint == "api" or request.path.startswith("/api/"):
            return None  # the API takes bearer tokens only, never the session cookie
        if request.method not in _SAFE and not _csrf_ok():
            from scheduler.web import t

            return render_template("error.html", message=t("csrf_failed"), status=400), 400
        uid, epoch = session.get("uid"), session.get("epoch")
        g.actor = users.get_actor(g.loa, uid, epoch) if isinstance(uid, int) and isinstance(epoch, int) else None
        if uid is not None and g.actor is None:
            session.clear()
        return None


def safe_next(target: str) -> str | None:
    """`target` if it is a plain path on this site, else None (no open redirect).

    Refused, also once percent-decoded (repeatedly): anything not starting with
    one "/", a "//" or "/\\" (another host to a browser), a backslash, control
    characters or whitespace (browsers drop tabs and newlines, so "/\t/evil"
    becomes "//evil"), and anything with a scheme or host.
    """
    if not target:
        return None
    decoded, seen = target, {target}
    for _ in range(5):
        nxt = unquote(decoded)
        if nxt in seen:
            break
        seen.add(nxt)
        decoded = nxt
    for value in seen:
        if not value.startswith("/") or value.startswith("//") or "\\" in value:
            return None
        if any(ch.isspace() or ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in value):
            return None
        parts = urlsplit(value)
        if parts.scheme or parts.netloc:
            return None
    return target


def current() -> Actor:
    """The logged-in user (only inside a login_required view)."""
    actor: Actor = g.actor
    return actor


def actor_can(right: str) -> bool:
    """Whether the logged-in user may do `right` (for templates)."""
    actor = g.get("actor")
    return actor is not None and users.can(actor, right)


def login_required(right: str = "view") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Send anonymous users to the login page and refuse roles without `right` (403)."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if g.get("actor") is None:
                return redirect(url_for("auth.login", next=request.path))
            users.require(g.actor, right)
            return view(*args, **kwargs)

        return wrapped

    return decorate


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    from scheduler.web import lang

    error = None
    if request.method == "POST":
        try:
            actor = users.authenticate(g.loa, request.form.get("username", ""), request.form.get("password", ""))
        except AuthError as exc:
            error = render(exc, lang())
        else:
            chosen = session.get("lang")
            session.clear()  # a fresh session (and CSRF token) after login
            session.permanent = True
            session.update(uid=actor.id, epoch=actor.epoch, csrf=secrets.token_urlsafe(32))
            if chosen:
                session["lang"] = chosen
            return redirect(safe_next(request.args.get("next", "")) or url_for("pages.today"))
    return render_template("login.html", error=error), 401 if error else 200


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    if g.get("actor") is not None:
        users.end_sessions(g.loa, g.actor)  # every copy of this user's session cookies ends too
    chosen = session.get("lang")
    session.clear()
    if chosen:
        session["lang"] = chosen
    return redirect(url_for("auth.login"))
