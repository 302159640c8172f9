"""`loa bulletin list | show | cancel | move | edit`: see and change what is queued before it airs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from scheduler.cli.options import common_options, say
from scheduler.cli.options import state as current_state
from scheduler.messages import text

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from scheduler.services.bulletins import AiringLine, BulletinDetail
    from scheduler.services.changes import Change

__all__ = ["bulletin"]


@click.group()
@common_options
def bulletin() -> None:
    """Xem, huỷ, dời, sửa bản tin đã xếp / see, cancel, move or edit queued bulletins."""


def _status(line: AiringLine, lang: str) -> str:
    from scheduler.messages.labels import OUTCOME_LABELS, STATUS_LABELS

    if line.status == "done" and line.outcome:
        return OUTCOME_LABELS[lang].get(line.outcome, line.outcome)
    return STATUS_LABELS[lang].get(line.status, line.status)


def _airing(line: AiringLine, tz: ZoneInfo, lang: str) -> str:
    from scheduler.programme.times import format_local

    slot = f"  [{line.slot}]" if line.slot else ""
    due = format_local(line.due_at, tz, "%Y-%m-%d %H:%M:%S")
    return f"  #{line.id}  {line.channel:<9} {due}  {_status(line, lang)}{slot}"


def _json(value: Any) -> None:
    say(json.dumps(value, ensure_ascii=False, indent=2))


@bulletin.command("list")
@click.option("--all", "every", is_flag=True, help="Cả bản tin đã phát xong / also those already done.")
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True, help="Tối đa / at most.")
@click.option("--json", "as_json", is_flag=True, help="In JSON / print JSON.")
@common_options
def list_command(every: bool, limit: int, as_json: bool) -> None:
    """Các bản tin còn chờ phát / bulletins with airings still to come."""
    from scheduler.services.bulletins import list_bulletins

    state = current_state()
    with state.app() as app:
        found = list_bulletins(app, every=every, limit=limit)
        tz = app.config.tz
    lang = state.language
    if as_json:
        _json([d.as_json(tz) for d in found])
        return
    if not found:
        say(text("bulletin_list_none", lang))
        return
    for detail in found:
        say(f"#{detail.id}  {text('w_approval_' + detail.approval, lang)}  {detail.title}")
        for line in detail.airings:
            say(_airing(line, tz, lang))


def _origin(origin: str, lang: str) -> str:
    from scheduler.messages.labels import ORIGIN_LABELS

    if origin in ("operator", "web"):
        return text(f"bulletin_origin_{origin}", lang)
    return ORIGIN_LABELS[lang].get(origin) or origin


def _show(detail: BulletinDetail, tz: ZoneInfo, lang: str) -> None:
    from scheduler.programme.times import format_local

    say(text("bulletin_heading", lang, id=detail.id, title=detail.title))
    say(
        text(
            "bulletin_facts",
            lang,
            priority=text("w_p_" + detail.priority, lang),
            approval=text("w_approval_" + detail.approval, lang),
            origin=_origin(detail.origin, lang),
            author=detail.author or text("bulletin_author_none", lang),
            created=format_local(detail.created_at, tz, "%Y-%m-%d %H:%M"),
        )
    )
    say(text("bulletin_body", lang))
    for row in detail.body.splitlines() or [""]:
        say(f"  {row}")
    say(text("bulletin_airings", lang))
    for line in detail.airings:
        say(_airing(line, tz, lang))


@bulletin.command("show")
@click.argument("bulletin_id", metavar="ID", type=click.IntRange(1, 2**31 - 1))
@click.option("--json", "as_json", is_flag=True, help="In JSON / print JSON.")
@common_options
def show_command(bulletin_id: int, as_json: bool) -> None:
    """Một bản tin và các lượt phát của nó / one bulletin and its airings."""
    from scheduler.services.bulletins import show_bulletin

    state = current_state()
    with state.app() as app:
        detail = show_bulletin(app, bulletin_id)
        tz = app.config.tz
    if as_json:
        _json(detail.as_json(tz))
        return
    _show(detail, tz, state.language)


def _report(change: Change, tz: ZoneInfo, lang: str, as_json: bool) -> None:
    from scheduler.programme.times import format_local

    if as_json:
        _json(change.as_json(tz))
        return
    head = {"cancel": "bulletin_cancel_done", "move": "bulletin_move_done"}.get(change.action)
    if head is None:
        say(text("bulletin_edit_done", lang, id=change.bulletin_id))
    else:
        say(text(head, lang, count=len(change.changed), id=change.bulletin_id))
    if change.action != "edit":
        for line in change.changed:
            say(_airing(line, tz, lang))
    for line in change.running:
        if line.id in change.stopping:
            code = "bulletin_stopping"
        elif line.channel == "radio":
            code = "bulletin_running_left"
        else:
            code = "bulletin_running_social"
        say("  ! " + text(code, lang, airing=line.id, channel=line.channel))
    for notice in change.notices:
        at = format_local(notice.due_at, tz, "%Y-%m-%d %H:%M:%S")
        say("  ! " + text(notice.code, lang, channel=notice.channel, airing=notice.airing_id, at=at))
    if change.action == "edit" and change.approval == "draft":
        say("  ! " + text("bulletin_back_to_draft", lang))


_ID = click.argument("bulletin_id", metavar="ID", type=click.IntRange(1, 2**31 - 1))
_CHANNEL = click.option("--channel", help="Chỉ kênh này (radio, facebook, zalo, ...) / only this channel.")
_JSON = click.option("--json", "as_json", is_flag=True, help="In JSON / print JSON.")


@bulletin.command("cancel")
@_ID
@_CHANNEL
@click.option("--reason", default="", help="Lý do, ghi vào nhật ký / why, written to the log.")
@click.option("--stop", is_flag=True, help="Dừng phát nếu đang phát trên loa / stop the radio if it is on the air.")
@_JSON
@common_options
def cancel_command(bulletin_id: int, channel: str | None, reason: str, stop: bool, as_json: bool) -> None:
    """Huỷ các lượt chờ phát của bản tin / cancel a bulletin's pending airings."""
    from scheduler.services.bulletins import machine_actor
    from scheduler.services.changes import cancel_bulletin

    state = current_state()
    with state.app() as app:
        change = cancel_bulletin(app, machine_actor(), bulletin_id, channel=channel, stop=stop, reason=reason)
        tz = app.config.tz
    _report(change, tz, state.language, as_json)


@bulletin.command("move")
@_ID
@click.option("--at", "at", help="now | next | HH:MM | YYYY-MM-DD HH:MM | +10m | ISO-8601.")
@click.option("--slot", help="Tên hoặc giờ của khung giờ (vd. 17:00) / a slot's name or time.")
@_CHANNEL
@_JSON
@common_options
def move_command(bulletin_id: int, at: str | None, slot: str | None, channel: str | None, as_json: bool) -> None:
    """Dời bản tin sang giờ khác hoặc khung giờ khác / move a bulletin to another time or slot."""
    from scheduler.services.bulletins import machine_actor
    from scheduler.services.changes import move_bulletin

    state = current_state()
    with state.app() as app:
        change = move_bulletin(app, machine_actor(), bulletin_id, at=at, slot=slot, channel=channel)
        tz = app.config.tz
    _report(change, tz, state.language, as_json)


@bulletin.command("edit")
@_ID
@click.option("--text", "text_value", help="Nội dung mới / the new text.")
@click.option(
    "--file", "file_path", type=click.Path(dir_okay=False), help="Đọc nội dung mới từ tệp / read it from a file."
)
@click.option("--title", help="Tiêu đề mới / the new title.")
@_JSON
@common_options
def edit_command(
    bulletin_id: int, text_value: str | None, file_path: str | None, title: str | None, as_json: bool
) -> None:
    """Sửa nội dung, tiêu đề trước khi phát / edit the text or title before it airs."""
    from scheduler.errors import UsageError
    from scheduler.services.bulletins import machine_actor
    from scheduler.services.changes import edit_bulletin

    state = current_state()
    if text_value is not None and file_path is not None:
        raise UsageError("bulletin_edit_one_source")
    body = text_value
    if file_path is not None:
        try:
            body = Path(file_path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError("file_unreadable", path=file_path, reason=getattr(exc, "strerror", None) or exc) from exc
    with state.app() as app:
        change = edit_bulletin(app, machine_actor(), bulletin_id, body=body, title=title)
        tz = app.config.tz
    _report(change, tz, state.language, as_json)
