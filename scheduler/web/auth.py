"""Login, logout, the current user, role checks and CSRF protection of every form."""

from __future__ import annotations

import functools
import hmac
import secrets
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, g, redirect, render_template, request, session, url_for

from scheduler.messages import render
from scheduler.services import users
from scheduler.services.users import Actor, AuthError

__all__ = ["bp", "init_app", "csrf_token", "login_required", "actor_can", "current"]

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
        uid = session.get("uid")
        g.actor = users.get_actor(g.loa, uid) if isinstance(uid, int) else None
        if uid is not None and g.actor is None:
            session.clear()
        return None


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
            session.update(uid=actor.id, csrf=secrets.token_urlsafe(32))
            if chosen:
                session["lang"] = chosen
            target = request.args.get("next", "")
            return redirect(
                target if target.startswith("/") and not target.startswith("//") else url_for("pages.today")
            )
    return render_template("login.html", error=error), 401 if error else 200


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    if g.get("actor") is not None:
        users.audit(g.loa, g.actor, "logout")
    chosen = session.get("lang")
    session.clear()
    if chosen:
        session["lang"] = chosen
    return redirect(url_for("auth.login"))
