"""The console's bulletin page and its changes: cancel (and stop the radio), move, edit; from Today and the log too."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from scheduler.errors import UsageError
from scheduler.services import bulletins, changes
from scheduler.web.auth import current, login_required

__all__ = ["bp"]

bp = Blueprint("bulletins", __name__)


def _t(code: str, **params: Any) -> str:
    from scheduler.web import t

    return t(code, **params)


def _back(bulletin_id: int) -> Any:
    return redirect(url_for("bulletins.page", bulletin_id=bulletin_id), code=303)


def _flash_change(change: changes.Change) -> None:
    code = {"cancel": "w_cancelled", "move": "w_moved"}.get(change.action, "w_edited")
    flash(_t(code, count=len(change.changed), id=change.bulletin_id))
    for line in change.running:
        if line.id in change.stopping:
            flash(_t("bulletin_stopping", airing=line.id, channel=line.channel))
        elif line.channel == "radio":
            flash(_t("bulletin_running_left", airing=line.id, channel=line.channel))
        else:
            flash(_t("bulletin_running_social", airing=line.id, channel=line.channel))
    if change.action == "edit" and change.approval == "draft":
        flash(_t("bulletin_back_to_draft"))


def _run(bulletin_id: int, action: Any) -> Any:
    """Do a change; a refusal of the input is said on the bulletin's page (a role's refusal stays a 403)."""
    from scheduler.messages import render
    from scheduler.web import lang

    try:
        _flash_change(action())
    except UsageError as exc:
        flash(render(exc, lang()), "error")
    return _back(bulletin_id)


@bp.route("/bulletins/<id:bulletin_id>")
@login_required()
def page(bulletin_id: int) -> Any:
    detail = bulletins.show_bulletin(g.loa, bulletin_id)
    return render_template(
        "bulletin.html",
        b=detail,
        may=bulletins.may_change(current(), detail.approval, detail.author),
        channels=list(dict.fromkeys(a.channel for a in detail.airings if a.status == "pending")),
        slots=sorted(g.loa.config.slots, key=lambda s: s.time),
    )


@bp.route("/bulletins/<id:bulletin_id>/cancel", methods=["POST"])
@login_required("draft")
def cancel(bulletin_id: int) -> Any:
    form = request.form
    return _run(
        bulletin_id,
        lambda: changes.cancel_bulletin(
            g.loa,
            current(),
            bulletin_id,
            channel=form.get("channel") or None,
            stop=form.get("stop") == "yes",
            reason=form.get("reason", ""),
        ),
    )


@bp.route("/bulletins/<id:bulletin_id>/move", methods=["POST"])
@login_required("draft")
def move(bulletin_id: int) -> Any:
    form = request.form
    at, slot = (form.get("at") or "").strip() or None, (form.get("slot") or "").strip() or None
    return _run(
        bulletin_id,
        lambda: changes.move_bulletin(
            g.loa, current(), bulletin_id, at=at, slot=slot, channel=form.get("channel") or None
        ),
    )


@bp.route("/bulletins/<id:bulletin_id>/edit", methods=["POST"])
@login_required("draft")
def edit(bulletin_id: int) -> Any:
    body, title = request.form.get("text") or None, request.form.get("title") or None
    return _run(bulletin_id, lambda: changes.edit_bulletin(g.loa, current(), bulletin_id, body=body, title=title))


@bp.route("/airings/<id:airing_id>")
@login_required()
def airing(airing_id: int) -> Any:
    bulletin_id, _ = bulletins.bulletin_of_airing(g.loa, airing_id)
    return _back(bulletin_id)


@bp.route("/airings/<id:airing_id>/cancel", methods=["POST"])
@login_required("draft")
def cancel_airing(airing_id: int) -> Any:
    """Today's button: cancel this line of the programme (the bulletin on this one channel)."""
    bulletin_id, channel = bulletins.bulletin_of_airing(g.loa, airing_id)
    return _run(
        bulletin_id,
        lambda: changes.cancel_bulletin(
            g.loa, current(), bulletin_id, channel=channel, stop=request.form.get("stop") == "yes"
        ),
    )
