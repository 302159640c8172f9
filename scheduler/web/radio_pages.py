"""The console's radio programme beyond text: upload or record a file, listen back, relays and zones on New bulletin.

The page's script records with `getUserMedia` + `MediaRecorder` (W3C Media
Capture and Streams; MediaStream Recording, developer.mozilla.org/docs/Web/API/MediaRecorder),
plays the recording back from a blob URL, then sends it with `fetch` as a
multipart form to `POST /media` here, with the session cookie and the CSRF
token like the page's other requests (the API under /api takes bearer tokens
only, never the session). Without the script the page's file input is sent
with the form and stored the same way. Both go to
`scheduler.services.media.store_upload`; queueing then goes through
`approval.submit_bulletin` with the same approval rules as text.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from flask import g, request, send_file, url_for

from audio.errors import AudioError
from scheduler.errors import UsageError
from scheduler.services import media as media_service
from scheduler.web.auth import current, login_required
from scheduler.web.pages import bp
from scheduler.web.radio_api import media_status

__all__ = ["RadioForm", "read_radio_form", "radio_arguments", "radio_choices"]

KINDS = ("speech", "audio", "relay")


@dataclass(kw_only=True)
class RadioForm:
    """What the New bulletin page asks beyond the text: the kind, its file or relay, and the zones."""

    kind: str = "speech"
    media_id: str = ""
    relay: str = ""
    relay_minutes: str = ""
    zones: list[str] = field(default_factory=list)


def read_radio_form(form: Any) -> RadioForm:
    kind = form.get("kind", "speech")
    return RadioForm(
        kind=kind if kind in KINDS else "speech",
        media_id=(form.get("media_id") or "").strip(),
        relay=(form.get("relay") or "").strip(),
        relay_minutes=(form.get("relay_minutes") or "").strip(),
        zones=[z for z in form.getlist("zones") if z.strip()],
    )


def radio_arguments(radio: RadioForm) -> dict[str, Any]:
    """The keyword arguments of `approval.submit_bulletin` for this kind; a file sent with the form is stored first."""
    args: dict[str, Any] = {"zones": radio.zones or None}
    if radio.kind == "audio":
        upload = request.files.get("media_file")
        if upload is not None and upload.filename and not radio.media_id:
            stored = media_service.store_upload(
                g.loa, upload.read(), name=upload.filename, uploaded_by=current().username
            )
            radio.media_id = str(stored.id)
        if not radio.media_id.isdigit() or not 1 <= int(radio.media_id) <= 2**31 - 1:
            raise UsageError("w_media_missing")
        args["media_id"] = int(radio.media_id)
    elif radio.kind == "relay":
        try:
            minutes = float(radio.relay_minutes.replace(",", "."))
        except ValueError:
            raise UsageError("api_field_number", key="relay_minutes") from None
        args.update(relay=radio.relay, relay_minutes=minutes)
    return args


def radio_choices() -> dict[str, Any]:
    """What the template offers: the zones (none for a station without zones), the relays, the stored files."""
    radio = g.loa.config.channels.radio
    return {
        "zones": [(z, radio.zone_label(z)) for z in radio.zones] if radio.zones else [],
        "relays": [(name, r.label or name) for name, r in radio.relays.items()],
        "media": media_service.list_media(g.loa, 10),
    }


@bp.route("/media", methods=["POST"])
@login_required("draft")
def media_upload() -> Any:
    """The page's script sends a recording or a chosen file here; the answer is JSON, in words either way."""
    from scheduler.messages import render
    from scheduler.web import lang, t
    from scheduler.web.radio_api import uploaded_file

    try:
        data, name = uploaded_file()
        stored = media_service.store_upload(g.loa, data, name=name, uploaded_by=current().username)
    except AudioError as exc:
        return {"error": exc.code, "message": render(exc, lang())}, media_status(exc)
    except UsageError as exc:
        return {"error": exc.code, "message": render(exc, lang())}, 400
    info = media_service.MediaInfo.of(stored)
    return {
        **info.as_json(),
        "url": url_for("pages.media_audio", media_id=info.id),
        "message": t("w_media_ready", id=info.id, name=info.name, seconds=info.seconds),
    }, 201


@bp.route("/media/<id:media_id>/audio")
@login_required()
def media_audio(media_id: int) -> Any:
    path = media_service.media_file(g.loa, media_id)
    return send_file(
        io.BytesIO(path.read_bytes()), mimetype="audio/mpeg", conditional=True, download_name=path.name, max_age=3600
    )
