"""The JSON REST API under /api: the console's actions for integrations, with bearer tokens and OpenAPI."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from typing import Any

from flask import Blueprint, g, request, send_file

from broadcasts.figures import report_json
from broadcasts.log import record_dict
from scheduler.errors import UsageError
from scheduler.programme.limits import bulletin_seconds, check_size
from scheduler.report.files import MEDIA_TYPES, report_bytes
from scheduler.report.labels import default_report_name
from scheduler.services import approval, bulletins, changes, console, records, users
from scheduler.services import listen as listening
from scheduler.services.users import AuthError
from scheduler.web.openapi import document

__all__ = ["bp"]

bp = Blueprint("api", __name__, url_prefix="/api")


def token_required(right: str = "view") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Accept only `Authorization: Bearer <token>` of a user whose role grants `right`; `?station=CODE` acts
    on another station the token's account reaches."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            header = request.headers.get("Authorization", "")
            if not header.startswith("Bearer ") or not header[7:].strip():
                raise AuthError("auth_required")
            g.actor = users.actor_for_token(g.loa, header[7:].strip())
            users.require(g.actor, right)
            chosen = request.args.get("station")
            if chosen is not None:  # another station the account reaches (scheduler.web.switcher)
                from scheduler.web.switcher import for_api

                g.loa = for_api(g.actor, chosen.strip())
            return view(*args, **kwargs)

        return wrapped

    return decorate


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise UsageError("api_body_object")
    return data


def _text(data: dict[str, Any], key: str, default: str = "") -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise UsageError("api_field_string", key=key)
    return value


def _channels(data: dict[str, Any]) -> list[str] | None:
    value = data.get("channels")
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UsageError("api_channels_list")
    return value


def _strings(data: dict[str, Any], key: str) -> list[str] | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UsageError("api_field_list", key=key)
    return value


def _positive_int(data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 2**31 - 1:
        raise UsageError("api_field_int", key=key)
    return value


def _number(data: dict[str, Any], key: str) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise UsageError("api_field_number", key=key)
    return float(value)


@bp.get("/openapi.json")
def openapi() -> Any:
    return document()


@bp.get("/programme")
@token_required()
def programme() -> Any:
    days = request.args.get("days", "1")
    if not days.isdigit() or not 1 <= int(days) <= 31:
        raise UsageError("api_days_range", value=days)
    today = console.today(g.loa, int(days))
    return {
        "now": today.now.astimezone(g.loa.config.tz).isoformat(),
        "airings": [x.as_json(g.loa.config.tz) for x in today.lines],
    }


@bp.post("/preview")
@token_required("draft")
def preview() -> Any:
    text = _text(_body(), "text")
    check_size(text)
    return {"reading": g.loa.speaker.speakable(text), "estimated_seconds": bulletin_seconds(g.loa, "", text)}


@bp.post("/listen")
@token_required("draft")
def listen() -> Any:
    data = _body()
    heard = listening.render_preview(g.loa, _text(data, "text"), engine=_text(data, "engine") or None)
    return {
        "name": heard.name,
        "url": f"/api/listen/{heard.name}",
        "seconds": round(heard.seconds, 1),
        "engine": heard.engine,
        "voice": heard.voice,
    }


@bp.get("/listen/<name>")
@token_required("draft")
def listen_file(name: str) -> Any:
    path = listening.preview_file(g.loa, name)
    return send_file(io.BytesIO(path.read_bytes()), mimetype="audio/mpeg", download_name=name, max_age=600)


@bp.post("/bulletins")
@token_required("draft")
def create_bulletin() -> Any:
    data = _body()
    title = data.get("title")
    done = approval.submit_bulletin(
        g.loa,
        g.actor,
        text=_text(data, "text"),
        title=title if isinstance(title, str) and title else None,
        at=_text(data, "at", "next") or "next",
        channels=_channels(data),
        priority=_text(data, "priority", "normal"),
        zones=_strings(data, "zones"),
        media_id=_positive_int(data, "media_id"),
        relay=_optional_text(data, "relay") or None,
        relay_minutes=_number(data, "relay_minutes"),
    )
    return done.as_json(g.loa.config.tz), 201


@bp.get("/bulletins/<id:bulletin_id>")
@token_required()
def get_bulletin(bulletin_id: int) -> Any:
    return approval.get_bulletin(g.loa, bulletin_id).as_json(g.loa.config.tz)


@bp.get("/bulletins")
@token_required()
def list_bulletins() -> Any:
    every = request.args.get("all", "") in ("1", "true", "yes")
    found = bulletins.list_bulletins(g.loa, every=every)
    return {"bulletins": [d.as_json(g.loa.config.tz) for d in found]}


def _optional_text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise UsageError("api_field_string", key=key)
    return value


@bp.post("/bulletins/<id:bulletin_id>/cancel")
@token_required("draft")
def cancel_bulletin(bulletin_id: int) -> Any:
    data = _body()
    stop = data.get("stop", False)
    if not isinstance(stop, bool):
        raise UsageError("api_field_bool", key="stop")
    change = changes.cancel_bulletin(
        g.loa,
        g.actor,
        bulletin_id,
        channel=_optional_text(data, "channel"),
        stop=stop,
        reason=_text(data, "reason"),
    )
    return change.as_json(g.loa.config.tz)


@bp.post("/bulletins/<id:bulletin_id>/move")
@token_required("draft")
def move_bulletin(bulletin_id: int) -> Any:
    data = _body()
    change = changes.move_bulletin(
        g.loa,
        g.actor,
        bulletin_id,
        at=_optional_text(data, "at"),
        slot=_optional_text(data, "slot"),
        channel=_optional_text(data, "channel"),
    )
    return change.as_json(g.loa.config.tz)


@bp.post("/bulletins/<id:bulletin_id>/edit")
@token_required("draft")
def edit_bulletin(bulletin_id: int) -> Any:
    data = _body()
    change = changes.edit_bulletin(
        g.loa, g.actor, bulletin_id, body=_optional_text(data, "text"), title=_optional_text(data, "title")
    )
    return change.as_json(g.loa.config.tz)


@bp.get("/approvals")
@token_required()
def approvals() -> Any:
    return {"drafts": [v.as_json(g.loa.config.tz) for v in approval.pending(g.loa)]}


@bp.post("/bulletins/<id:bulletin_id>/approve")
@token_required("approve")
def approve(bulletin_id: int) -> Any:
    data = request.get_json(silent=True) or {}
    comment = data.get("comment", "") if isinstance(data, dict) else ""
    view = approval.approve(g.loa, g.actor, bulletin_id, comment if isinstance(comment, str) else "")
    return view.as_json(g.loa.config.tz)


@bp.post("/bulletins/<id:bulletin_id>/reject")
@token_required("approve")
def reject(bulletin_id: int) -> Any:
    return approval.reject(g.loa, g.actor, bulletin_id, _text(_body(), "comment")).as_json(g.loa.config.tz)


@bp.post("/emergency")
@token_required("emergency")
def emergency() -> Any:
    data = _body()
    if data.get("confirm") is not True:
        raise UsageError("emergency_confirm")
    sent = approval.send_emergency(g.loa, g.actor, text=_text(data, "text"), channels=_channels(data))
    return sent.as_json(g.loa.config.tz), 201


@bp.get("/log")
@token_required()
def log() -> Any:
    from scheduler.web.pages import log_query

    query, _ = log_query(request.args)
    tz = g.loa.config.tz
    return {"records": [record_dict(r, tz) for r in records.read_log(g.loa, query)]}


@bp.get("/channels")
@token_required()
def channels() -> Any:
    return {
        "channels": [
            {
                "name": s.name,
                "enabled": s.enabled,
                "last_outcome": s.last.outcome.value if s.last else None,
                "last_due_at": s.last.due_at.isoformat() if s.last else None,
            }
            for s in console.channel_status(g.loa)
        ]
    }


def _report() -> Any:
    today = g.loa.clock.now().astimezone(g.loa.config.tz).date()
    return records.make_report(g.loa, records.month_period(request.args.get("month"), today))


@bp.get("/report")
@token_required()
def report() -> Any:
    return report_json(_report())


@bp.get("/report.xlsx")
@token_required()
def report_xlsx() -> Any:
    return _report_file(".xlsx")


@bp.get("/report.csv")
@token_required()
def report_csv() -> Any:
    return _report_file(".csv")


def _report_file(suffix: str) -> Any:
    from scheduler.web import lang

    made = _report()
    return send_file(
        io.BytesIO(report_bytes(made, suffix, lang())),
        mimetype=MEDIA_TYPES[suffix],
        as_attachment=True,
        download_name=default_report_name(made, suffix),
    )


@bp.get("/tokens")
@token_required("admin")
def tokens() -> Any:
    return {"tokens": [k.as_json(g.loa.config.tz) for k in users.list_tokens(g.loa)]}


@bp.post("/tokens/<id:token_id>/revoke")
@token_required("admin")
def revoke_token(token_id: int) -> Any:
    return users.revoke_token(g.loa, token_id, by=g.actor.username).as_json(g.loa.config.tz)
