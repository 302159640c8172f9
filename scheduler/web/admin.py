"""The console's administration pages (Users, API tokens, the audit trail), on the pages blueprint."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for

from broadcasts.accounts import ROLES
from scheduler.services import users
from scheduler.web.auth import current, login_required
from scheduler.web.pages import _t, bp

__all__: list[str] = []


@bp.route("/users", methods=["GET", "POST"])
@login_required("admin")
def users_page() -> Any:
    if request.method == "POST":
        name, role = request.form.get("username", ""), request.form.get("role", "")
        users.add_user(g.loa, name, request.form.get("password", ""), role, by=current().username)
        flash(_t("user_added", username=name, role=role))
        return redirect(url_for("pages.users_page"))
    return render_template("users.html", users=users.list_users(g.loa), roles=ROLES)


@bp.route("/users/<username>", methods=["POST"])
@login_required("admin")
def change_user(username: str) -> Any:
    users.set_role(g.loa, current(), username, request.form.get("role", ""), active=request.form.get("active") == "yes")
    return redirect(url_for("pages.users_page"))


@bp.route("/tokens")
@login_required("admin")
def tokens() -> Any:
    return render_template("tokens.html", tokens=users.list_tokens(g.loa))


@bp.route("/tokens/<id:token_id>/revoke", methods=["POST"])
@login_required("admin")
def revoke_token(token_id: int) -> Any:
    revoked = users.revoke_token(g.loa, token_id, by=current().username)
    flash(_t("token_revoked", id=revoked.id, name=revoked.name, username=revoked.username))
    return redirect(url_for("pages.tokens"))


@bp.route("/audit")
@login_required("approve")
def audit() -> Any:
    return render_template("audit.html", entries=users.read_audit(g.loa))
