"""The console pages: Today, New bulletin (with Listen), Approvals, Plans, Reports and Channels.

Users, API tokens and the audit trail are in scheduler.web.admin, the log in scheduler.web.log_page, on this
same blueprint."""

from __future__ import annotations

import io
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, send_file, url_for
from werkzeug.utils import secure_filename

from audio.errors import AudioError, LoaError
from broadcasts.log import LogQuery
from broadcasts.models import Outcome
from scheduler.errors import PlanError, UsageError
from scheduler.messages import render
from scheduler.programme.limits import MAX_TEXT_CHARS, bulletin_seconds, check_size, minutes
from scheduler.programme.times import day_range, format_local, parse_local_date
from scheduler.report.files import MEDIA_TYPES, RATE_FORMAT, rate_text, report_bytes, sections
from scheduler.report.labels import default_report_name, period_text
from scheduler.report.svg import report_charts
from scheduler.services import approval, console, records, users
from scheduler.services import listen as listening
from scheduler.services.alerts import recent_alerts
from scheduler.services.plans import get_plan, import_plan, list_plans, may_choose_plan, use_plan
from scheduler.web.auth import current, login_required

__all__ = ["bp", "local"]

bp = Blueprint("pages", __name__)
OUTCOMES = [o.value for o in Outcome]


def local(moment: datetime | None, fmt: str = "%d/%m %H:%M") -> str:
    """An instant in the station's time zone."""
    return format_local(moment, g.loa.config.tz, fmt)


def _lang() -> str:
    from scheduler.web import lang

    return lang()


def _t(code: str, **params: Any) -> str:
    from scheduler.web import t

    return t(code, **params)


@bp.route("/")
@login_required()
def today() -> Any:
    return render_template(
        "today.html",
        today=console.today(g.loa),
        alerts=recent_alerts(g.loa),
        channels=list(g.loa.channels),
        slots=sorted(g.loa.config.slots, key=lambda s: s.time),
    )


@bp.route("/emergency", methods=["POST"])
@login_required("emergency")
def emergency() -> Any:
    if request.form.get("confirm") != "yes":
        raise UsageError("emergency_confirm")
    sent = approval.send_emergency(
        g.loa, current(), text=request.form.get("text", ""), channels=request.form.getlist("channels") or None
    )
    flash(_t("w_emergency_sent", id=sent.queued.bulletin_id))
    return redirect(url_for("pages.today"))


@bp.route("/new", methods=["GET", "POST"])
@login_required("draft")
def new() -> Any:
    from scheduler.web.radio_pages import RadioForm, radio_arguments, radio_choices, read_radio_form

    radio = read_radio_form(request.form) if request.method == "POST" else RadioForm()
    form: dict[str, Any] = {
        "text": "",
        "title": "",
        "at": "next",
        "priority": "normal",
        "channels": list(g.loa.channels),
    }
    error = heard = None
    voicings: list[listening.Voicing] = []
    if request.method == "POST":
        form = {
            "text": request.form.get("text", ""),
            "title": request.form.get("title", ""),
            "at": request.form.get("at", "next") or "next",
            "priority": request.form.get("priority", "normal"),
            "channels": request.form.getlist("channels"),
        }
    if request.method == "POST" and request.form.get("action") == "listen":  # without JavaScript
        try:
            heard = listening.render_preview(g.loa, form["text"])
        except LoaError as exc:
            error = render(exc, _lang())
    elif request.method == "POST" and request.form.get("action") == "compare":  # the same text in each voice
        try:
            voicings = listening.compare_previews(g.loa, form["text"])
        except LoaError as exc:
            error = render(exc, _lang())
    elif request.method == "POST":
        try:
            done = approval.submit_bulletin(
                g.loa,
                current(),
                text="" if radio.kind == "relay" else form["text"],
                title=form["title"] or None,
                at=form["at"],
                channels=form["channels"] or None,
                priority=form["priority"],
                **radio_arguments(radio),
            )
        except (UsageError, AudioError) as exc:
            error = render(exc, _lang())
        else:
            code = "w_drafted" if done.approval == "draft" else "w_queued"
            flash(_t(code, id=done.queued.bulletin_id))
            if done.queued.seconds is not None:
                flash(_t("queued_estimate", length=minutes(done.queued.seconds)))
            _flash_notices(done.queued.notices)
            return redirect(url_for("pages.new"))
    preview, estimate = _reading(form["text"])
    return render_template(
        "new.html",
        form=form,
        error=error,
        preview=preview,
        estimate=estimate,
        channels=list(g.loa.channels),
        heard=heard,
        voicings=voicings,
        voices=listening.configured_voices(g.loa),
        recent=approval.recent_bulletins(g.loa, 10),
        radio=radio,
        **radio_choices(),
    ), 400 if error else 200


def _reading(text: str) -> tuple[str, str]:
    """The normalized reading of `text` and its estimated speaking time, nothing for a text over the size bound."""
    if not text.strip() or len(text) > MAX_TEXT_CHARS:
        return "", ""
    seconds = bulletin_seconds(g.loa, "", text)
    return g.loa.speaker.speakable(text), _t("queued_estimate", length=minutes(seconds))


def _flash_notices(notices: Any) -> None:
    """Tell the operator where slot changes put airings (queued or approved bulletins)."""
    for notice in notices:
        flash(_t(notice.code, channel=notice.channel, at=local(notice.due_at), airing=notice.airing_id))


@bp.route("/preview", methods=["POST"])
@login_required("draft")
def preview() -> Any:
    text = request.form.get("text", "")
    check_size(text)
    reading, estimate = _reading(text)
    return {"reading": reading, "estimate": estimate}


@bp.route("/listen", methods=["POST"])
@login_required("draft")
def listen() -> Any:
    from scheduler.web import status_for

    try:
        heard = listening.render_preview(g.loa, request.form.get("text", ""))
    except LoaError as exc:
        return {"error": exc.code, "message": render(exc, _lang())}, status_for(exc)
    seconds = round(heard.seconds, 1)
    return {
        "url": url_for("pages.listen_file", name=heard.name),
        "seconds": seconds,
        "engine": heard.engine,
        "message": _t("w_listen_ready", seconds=seconds),
    }


@bp.route("/listen/<name>")
@login_required("draft")
def listen_file(name: str) -> Any:
    path = listening.preview_file(g.loa, name)
    return send_file(
        io.BytesIO(path.read_bytes()), mimetype="audio/mpeg", conditional=True, download_name=name, max_age=600
    )


@bp.route("/approvals")
@login_required()
def approvals() -> Any:
    return render_template(
        "approvals.html", drafts=approval.pending(g.loa), recent=approval.recent_bulletins(g.loa, 20)
    )


@bp.route("/approvals/<id:bulletin_id>", methods=["POST"])
@login_required("approve")
def decide(bulletin_id: int) -> Any:
    comment = request.form.get("comment", "")
    if request.form.get("decision") == "reject":
        approval.reject(g.loa, current(), bulletin_id, comment)
        flash(_t("w_rejected", id=bulletin_id))
    else:
        view = approval.approve(g.loa, current(), bulletin_id, comment)
        flash(_t("w_approved", id=bulletin_id))
        _flash_notices(view.notices)
    return redirect(url_for("pages.approvals"))


@bp.route("/plans", methods=["GET", "POST"])
@login_required()
def plans() -> Any:
    if request.method == "POST":
        users.require(current(), "draft")
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise UsageError("w_upload_missing")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / _upload_name(upload.filename)
            upload.save(path)
            try:
                imported = import_plan(g.loa, path, actor=current())
            except PlanError as exc:  # name the file as the user chose it, never the server's temporary folder
                if "path" in exc.params:
                    exc.params["path"] = upload.filename
                raise
        users.audit(g.loa, current(), "plan_import", f"plan:{imported.plan_id}", file=upload.filename[:255])
        if imported.duplicate:
            flash(_t("w_plan_duplicate", id=imported.plan_id, file=imported.source_name))
        else:
            flash(_t("w_imported", id=imported.plan_id, items=len(imported.parsed.items)))
        flash(_t("w_plan_used", id=imported.plan_id) if imported.in_use else _t(_plan_note(imported.held)))
        return redirect(url_for("pages.plan", plan_id=imported.plan_id))
    rows = list_plans(g.loa)
    return render_template("plans.html", plans=rows, none_in_use=bool(rows) and not any(p.active for p, _ in rows))


def _plan_note(held: bool) -> str:
    """What the console says of a stored plan that is not in use (held: it waits for an approver to choose it)."""
    if held:
        return "w_plan_held"
    return "w_plan_not_in_use" if may_choose_plan(g.loa, current()) else "w_plan_use_needs_approver"


def _upload_name(filename: str) -> str:
    """A safe local name for an uploaded file: no path, at most 100 characters, its suffix kept."""
    name = Path(secure_filename(filename) or "plan.txt")
    suffix = name.suffix[:10]
    return name.stem[: 100 - len(suffix)] + suffix


@bp.route("/plans/<id:plan_id>")
@login_required()
def plan(plan_id: int) -> Any:
    stored, items = get_plan(g.loa, plan_id)
    return render_template("plan.html", plan=stored, items=items, may_use=may_choose_plan(g.loa, current()))


@bp.route("/plans/<id:plan_id>/use", methods=["POST"])
@login_required()
def plan_use(plan_id: int) -> Any:
    """Make a stored plan the plan in use (the approve right when approval is required)."""
    use_plan(g.loa, plan_id, actor=current())
    flash(_t("w_plan_used", id=plan_id))
    return redirect(url_for("pages.plan", plan_id=plan_id))


def log_query(args: Any) -> tuple[LogQuery, dict[str, str]]:
    """A LogQuery from the filters of a request."""
    filters = {k: (args.get(k) or "").strip() for k in ("since", "until", "channel", "outcome")}
    start, end = day_range(
        parse_local_date(filters["since"]) if filters["since"] else None,
        parse_local_date(filters["until"]) if filters["until"] else None,
        g.loa.config.tz,
    )
    if filters["outcome"] and filters["outcome"] not in OUTCOMES:
        raise UsageError("bad_outcome", value=filters["outcome"], known=", ".join(OUTCOMES))
    return LogQuery(
        since=start,
        until=end,
        channel=filters["channel"] or None,
        outcome=Outcome(filters["outcome"]) if filters["outcome"] else None,
    ), filters


@bp.route("/audio/<id:record_id>")
@login_required()
def audio(record_id: int) -> Any:
    path = console.audio_file(g.loa, record_id)
    # From memory: an aborted range request then leaves no open file behind (bulletins are a few MB at most).
    return send_file(
        io.BytesIO(path.read_bytes()),
        mimetype="audio/mpeg",
        conditional=True,
        download_name=path.name,
        last_modified=path.stat().st_mtime,
        max_age=3600,
    )


def _today() -> date:
    return g.loa.clock.now().astimezone(g.loa.config.tz).date()


@bp.app_template_filter("cell")
def cell(value: Any, fmt: str | None = None) -> str:
    """A report table cell as text: dates as dd/mm/yyyy (with the time when the column has one), rates as 91.7%."""
    if value is None:
        return ""
    if fmt == RATE_FORMAT and isinstance(value, float):
        return rate_text(value)
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


@bp.route("/reports")
@login_required()
def reports() -> Any:
    today = _today()
    period = records.month_period(request.args.get("month"), today)
    report = records.make_report(g.loa, period)
    lang = _lang()
    return render_template(
        "reports.html",
        report=report,
        month=f"{period.first:%Y-%m}",
        heading=period_text(period, lang),
        parts=sections(report, lang),
        charts=report_charts(report, lang),
        last_month=records.last_full_month(today),
        this_month=f"{today:%Y-%m}",
    )


@bp.route("/reports/download.<any(xlsx, csv):kind>")
@login_required()
def report_download(kind: str) -> Any:
    suffix = "." + kind
    report = records.make_report(g.loa, records.month_period(request.args.get("month"), _today()))
    return send_file(
        io.BytesIO(report_bytes(report, suffix, _lang())),
        mimetype=MEDIA_TYPES[suffix],
        as_attachment=True,
        download_name=default_report_name(report, suffix),
    )


@bp.route("/channels")
@login_required()
def channels() -> Any:
    return render_template("channels.html", statuses=console.channel_status(g.loa))
