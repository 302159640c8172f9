"""The API's radio programme beyond text: recorded files (upload, list, listen back) and the alerts.

`POST /api/media` takes a multipart form with the file in the field "file"
(RFC 7578, as `curl -F file=@tin.mp3` sends it) or the raw bytes as the body
with `?name=`; the file is checked and normalized by
`scheduler.services.media.store_upload`. A refused file is a 400 (413 over
`media_max_mb`) with the usual error JSON, in words. Queueing it is
`POST /api/bulletins` with `media_id` (scheduler.web.api). These routes are on
the API's blueprint and take bearer tokens only.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from flask import g, request, send_file

from audio.errors import AudioError
from scheduler.errors import UsageError
from scheduler.services import media as media_service
from scheduler.services.alerts import list_alerts
from scheduler.web.api import bp, token_required

__all__ = ["media_status", "uploaded_file"]


def media_status(error: AudioError) -> int:
    """A refused recording is the request's fault (400), one over the size limit a 413; else the usual 503."""
    if error.code == "media_too_large":
        return 413
    return 400 if error.code.startswith("media_") else 503


def uploaded_file() -> tuple[bytes, str]:
    """The uploaded bytes and the file's name: the form field "file", else the raw body named by ?name=."""
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        return upload.read(), upload.filename
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        raise UsageError("w_media_missing")
    data = request.get_data(cache=False)
    if not data:
        raise UsageError("w_media_missing")
    return data, request.args.get("name", "") or "recording"


def _store(actor_name: str) -> Any:
    from scheduler.messages import render
    from scheduler.web import lang

    data, name = uploaded_file()
    try:
        stored = media_service.store_upload(g.loa, data, name=name, uploaded_by=actor_name)
    except AudioError as exc:
        return {"error": exc.code, "message": render(exc, lang()), "params": _plain(exc.params)}, media_status(exc)
    return media_service.MediaInfo.of(stored).as_json(), 201


def _plain(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v if isinstance(v, (str, int, float, bool, type(None))) else str(v) for k, v in params.items()}


@bp.post("/media")
@token_required("draft")
def upload_media() -> Any:
    return _store(g.actor.username)


@bp.get("/media")
@token_required()
def list_media() -> Any:
    return {"media": [m.as_json() for m in media_service.list_media(g.loa)]}


@bp.get("/media/<id:media_id>/audio")
@token_required()
def media_audio(media_id: int) -> Any:
    path = media_service.media_file(g.loa, media_id)
    return send_file(
        io.BytesIO(path.read_bytes()), mimetype="audio/mpeg", conditional=True, download_name=path.name, max_age=3600
    )


def _instant(value: str | None) -> datetime | None:
    """An ISO date or date-time; a naive one is in the station's time zone."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=g.loa.config.tz)
        return moment.astimezone(UTC)  # year 1 or 9999 in another zone is out of range: refused here, not in SQL
    except (ValueError, OverflowError):
        raise UsageError("api_bad_instant", value=value[:40]) from None


@bp.get("/alerts")
@token_required()
def alerts() -> Any:
    limit = request.args.get("limit", "100")
    if not limit.isdigit() or not 1 <= int(limit) <= 500:
        raise UsageError("api_limit_range", value=limit[:20])
    found = list_alerts(
        g.loa, since=_instant(request.args.get("since")), until=_instant(request.args.get("until")), limit=int(limit)
    )
    return {"alerts": [a.as_json(g.loa.config.tz) for a in found]}
