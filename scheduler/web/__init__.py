"""The web console: a Flask app on the same services as the CLI (pages in Vietnamese first, and a JSON API)."""

from __future__ import annotations

import logging
import re
import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from flask import Flask, g, render_template, request, session
from flask.json.provider import DefaultJSONProvider
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from audio.engines.base import TtsEngine
from audio.errors import AudioError, LoaError, TtsError
from broadcasts.errors import ChannelError, NotFoundError, StoreError, TextError
from broadcasts.store import BAD_CHARACTERS
from scheduler.app import App
from scheduler.errors import ConfigError, PlanError, UsageError
from scheduler.messages import MESSAGES, render, text
from scheduler.messages.labels import ACTION_LABELS, CHANNEL_LABELS, OUTCOME_LABELS, STATUS_LABELS
from scheduler.programme.limits import minutes
from scheduler.runner.alerts import ALERT_KINDS
from scheduler.services.users import AccessError, AuthError
from scheduler.web.serve import MAX_BODY_BYTES

__all__ = ["create_app", "status_for", "outcome_label", "status_label", "action_label"]


def status_for(error: LoaError) -> int:
    """The HTTP status of a Loa error."""
    for kind, status in (
        (AuthError, 401),
        (AccessError, 403),
        (NotFoundError, 404),
        (UsageError, 400),
        (TextError, 400),
        (ConfigError, 400),
        (PlanError, 400),
        (StoreError, 503),
        (ChannelError, 502),
        (TtsError, 503),
        (AudioError, 503),
    ):
        if isinstance(error, kind):
            return status
    return 500


def lang() -> str:
    """The language of this request: the session's choice, else the station's."""
    chosen = session.get("lang")
    return str(chosen) if chosen in ("vi", "en") else str(g.loa.config.lang)


def t(code: str, **params: Any) -> str:
    """A console message in the request's language."""
    return text(code, lang(), **params)


def outcome_label(value: str) -> str:
    """A log outcome (aired, failed, dry_run, ...) in the request's language."""
    return OUTCOME_LABELS.get(lang(), OUTCOME_LABELS["vi"]).get(value, value)


def channel_label(value: str) -> str:
    """A channel's name for people (Truyền thanh, Thư điện tử, ...) in the request's language."""
    return CHANNEL_LABELS.get(lang(), CHANNEL_LABELS["vi"]).get(value, value)


def action_label(value: str) -> str:
    """An audit-trail action in the request's language (the code itself when it has no label)."""
    return ACTION_LABELS.get(lang(), ACTION_LABELS["vi"]).get(value, value)


def status_label(value: str) -> str:
    """An airing status (pending, running, done, ...) in the request's language."""
    return STATUS_LABELS.get(lang(), STATUS_LABELS["vi"]).get(value, value)


class IdConverter(IntegerConverter):
    """A database id in a URL: 1 to 2**31 - 1 (anything else is a 404, never a database error)."""

    def __init__(self, url_map: Any) -> None:
        super().__init__(url_map, min=1, max=2**31 - 1)


class _JSONProvider(DefaultJSONProvider):
    """JSON answers that can always be sent: a lone surrogate echoed from a request becomes U+FFFD."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return _SURROGATES.sub("\ufffd", super().dumps(obj, **kwargs))


_SURROGATES = re.compile("[\ud800-\udfff]")


def create_app(
    app: App, *, secret_key: str | None = None, testing: bool = False, tts: TtsEngine | None = None
) -> Flask:
    """Build the console for `app`; without a key, sessions end when the process does.

    `tts` is the speech engine of the other stations the console switches to (None: each its own engines)."""
    web = app.config.web
    flask = Flask(__name__)
    flask.config.update(
        SECRET_KEY=secret_key or secrets.token_hex(32),
        TESTING=testing,
        SESSION_COOKIE_NAME="loa_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=web.secure_cookies,
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=web.session_minutes),
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        JSON_AS_ASCII=False,
    )
    flask.json = _JSONProvider(flask)
    flask.json.ensure_ascii = False
    flask.extensions["loa"] = app
    flask.extensions["loa_tts"] = tts
    flask.url_map.converters["id"] = IdConverter
    init_app(flask)
    return flask


def init_app(flask: Flask) -> None:
    """Register the blueprints, the language switch and the error pages."""
    from scheduler.web import (
        admin,  # noqa: F401  (puts Users, API tokens and Audit on pages.bp)
        api,
        auth,
        bulletins,
        dispatches,  # noqa: F401  (puts /dispatches on pages.bp and /api/dispatches on api.bp)
        log_page,  # noqa: F401  (puts /log on pages.bp)
        pages,
        radio_api,  # noqa: F401  (puts /api/media and /api/alerts on api.bp)
        radio_pages,  # noqa: F401  (puts the recording upload and listening back on pages.bp)
        stations,  # noqa: F401  (puts /stations on pages.bp and /api/stations on api.bp)
        switcher,  # puts POST /station on pages.bp; binds g.loa to the station chosen
        throttle,
    )

    @flask.before_request
    def _bind() -> None:
        g.loa = flask.extensions["loa"]
        _refuse_bad_characters()
        if request.args.get("lang") in ("vi", "en"):
            session["lang"] = request.args["lang"]

    @flask.after_request
    def _headers(response: Any) -> Any:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; media-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
        )
        return response

    @flask.context_processor
    def _helpers() -> dict[str, Any]:
        return {
            "t": t,
            "lang": lang(),
            "actor": g.get("actor"),
            "csrf_token": auth.csrf_token,
            "can": auth.actor_can,
            "local": pages.local,
            "minutes": minutes,
            "outcome_label": outcome_label,
            "status_label": status_label,
            "channel_label": channel_label,
            "action_label": action_label,
            "other_language": _other_language,
            "zone_label": _zone_label,
            "alert_kinds": ALERT_KINDS,
        }

    @flask.errorhandler(LoaError)
    def _loa_error(error: LoaError) -> Any:
        status = status_for(error)
        if request.path.startswith("/api/"):
            return {"error": error.code, "message": render(error, lang()), "params": _plain(error.params)}, status
        return render_template("error.html", message=render(error, lang()), status=status), status

    @flask.errorhandler(OperationalError)
    @flask.errorhandler(InterfaceError)
    @flask.errorhandler(SQLAlchemyTimeoutError)
    def _store_error(error: Exception) -> Any:
        """The database is locked, gone or out of connections: a 503 that says so, not a generic 500."""
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()
        logging.getLogger("loa.web").warning("store unavailable: %s", reason[0] if reason else type(error).__name__)
        return _loa_error(StoreError("db_busy", reason=(reason[0] if reason else type(error).__name__)[:200]))

    @flask.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Any:
        status = error.code or 500
        code = f"http_{status}" if f"http_{status}" in MESSAGES else "http_other"
        message = t(code, status=status, method=request.method)
        if request.path.startswith("/api/"):
            return {"error": error.name.lower().replace(" ", "_"), "message": message}, status
        response = error.get_response()
        response.set_data(render_template("error.html", message=message, status=status))
        response.mimetype = "text/html"
        return response

    throttle.init_app(flask)
    auth.init_app(flask)
    switcher.init_app(flask, flask.extensions.get("loa_tts"))  # after auth: the user decides which stations
    flask.register_blueprint(auth.bp)
    flask.register_blueprint(pages.bp)
    flask.register_blueprint(bulletins.bp)
    flask.register_blueprint(api.bp)


def _zone_label(name: str | None) -> str:
    """A loudspeaker zone's name for people (its label in the config)."""
    return str(g.loa.config.channels.radio.zone_label(name))


def _other_language() -> str:
    """This page in the other language: its query kept (a login page keeps where it goes next)."""
    args = request.args.to_dict(flat=False)
    args["lang"] = ["en" if lang() == "vi" else "vi"]
    return f"{request.path}?{urlencode(args, doseq=True)}"


def _refuse_bad_characters() -> None:
    """A query or form value holding NUL or a lone surrogate is refused before any view (or database) sees it."""
    for source in (request.args, request.form):
        for key, values in source.lists():
            if any(BAD_CHARACTERS.search(v) for v in (key, *values)):
                raise TextError(field=BAD_CHARACTERS.sub("?", key)[:40])


def _plain(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v if isinstance(v, (str, int, float, bool, type(None))) else str(v) for k, v in params.items()}
