"""Bulletins to many stations on the console and the API: `/dispatches` (draft and send, the recent ones),
`/dispatches/<id>` (which stations aired it, which did not and why), `POST /api/dispatches` and
`GET /api/dispatches/<id>`. Only district and province accounts send; every account sees the stations it reaches.
"""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for

from scheduler.errors import UsageError
from scheduler.services import dispatch as dispatching
from scheduler.services.reception import STATUS_MESSAGES, dispatch_status
from scheduler.web import api, pages
from scheduler.web.auth import current, login_required

__all__ = ["dispatch_paths"]


def _target(data: Any) -> dict[str, Any]:
    target = data.get("target", {"all": True})
    if not isinstance(target, dict) or len(target) != 1:
        raise UsageError("dispatch_bad_target", target=str(target)[:80])
    if "district" in target:
        if not isinstance(target["district"], str):
            raise UsageError("dispatch_bad_target", target="district")
        return dispatching.parse_target(district=target["district"])
    if "stations" in target:
        if not isinstance(target["stations"], list):
            raise UsageError("dispatch_bad_target", target="stations")
        return dispatching.parse_target(stations=target["stations"])
    if target.get("all") is True:
        return {"all": True}
    raise UsageError("dispatch_bad_target", target=str(target)[:80])


@api.bp.post("/dispatches")
@api.token_required("draft")
def create_dispatch() -> Any:
    from scheduler.web import lang

    data = api._body()
    sent = dispatching.send_dispatch(
        g.loa,
        g.actor,
        text=api._text(data, "text"),
        title=api._text(data, "title") or None,
        post_text=api._text(data, "post_text") or None,
        target=_target(data),
        at=api._text(data, "at", "next"),
        priority=api._text(data, "priority", "normal"),
        channels=api._channels(data),
        lang=lang(),
    )
    return sent.as_json(), 201


@api.bp.get("/dispatches/<id:dispatch_id>")
@api.token_required("view")
def get_dispatch(dispatch_id: int) -> Any:
    return dispatch_status(g.loa, g.actor, dispatch_id).as_json()


@pages.bp.route("/dispatches", methods=["GET", "POST"])
@login_required("view")
def dispatches() -> Any:
    from scheduler.web import lang

    if request.method == "POST":
        form = request.form
        how = form.get("to", "all")
        if how == "district":
            target = dispatching.parse_target(district=form.get("district", ""))
        elif how == "stations":
            target = dispatching.parse_target(stations=form.get("stations", ""))
        else:
            target = {"all": True}
        sent = dispatching.send_dispatch(
            g.loa,
            current(),
            text=form.get("text", ""),
            title=form.get("title") or None,
            target=target,
            at=form.get("at") or "next",
            priority=form.get("priority", "normal"),
            channels=form.getlist("channels") or None,
            lang=lang(),
        )
        counts = {"sent": sent.count("queued"), "skipped": sent.count("skipped"), "failed": sent.count("not_queued")}
        flash(pages._t("dispatch_sent", id=sent.dispatch_id, **counts))
        return redirect(url_for("pages.dispatch_page", dispatch_id=sent.dispatch_id))
    actor = current()
    return render_template(
        "dispatches.html",
        recent=dispatching.list_dispatches(g.loa, actor),
        may_send=actor.scope in dispatching.WIDER,
        channels=list(g.loa.channels),
    )


@pages.bp.route("/dispatches/<id:dispatch_id>")
@login_required("view")
def dispatch_page(dispatch_id: int) -> Any:
    state = dispatch_status(g.loa, current(), dispatch_id)
    return render_template("dispatch.html", state=state, status_messages=STATUS_MESSAGES)


def dispatch_paths(errors: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI paths of the two API routes."""
    ok = {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}}
    target = {
        "type": "object",
        "description": '{"all": true} | {"district": "..."} | {"stations": ["code", ...]}',
    }
    body = {
        "type": "object",
        "required": ["text"],
        "properties": {
            "text": {"type": "string"},
            "title": {"type": "string"},
            "post_text": {"type": "string"},
            "target": target,
            "at": {"type": "string", "description": "next | now | HH:MM | ISO-8601"},
            "priority": {"type": "string", "enum": ["normal", "priority", "emergency"]},
            "channels": {"type": "array", "items": {"type": "string"}},
        },
    }
    dispatch_id = [{"name": "dispatch_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}]
    return {
        "/api/dispatches": {
            "post": {
                "summary": "Gửi một bản tin cho nhiều đài / send one bulletin to many stations",
                "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
                "responses": {"201": ok, **errors},
            }
        },
        "/api/dispatches/{dispatch_id}": {
            "get": {
                "summary": "Đài nào đã phát, đài nào chưa và vì sao / which stations aired it, which did not, why",
                "parameters": dispatch_id,
                "responses": {"200": ok, **errors},
            }
        },
    }
