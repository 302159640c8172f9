"""`loa channels check`, `loa reconcile`, `loa retry AIRING`, `loa mark AIRING`: the social channels' upkeep."""

from __future__ import annotations

import click

from broadcasts.channels.base import WARN
from scheduler.cli.options import common_options, say
from scheduler.cli.options import state as current_state
from scheduler.messages import render, text

__all__ = ["channels_group", "reconcile_command", "retry_command", "mark_command"]

MARKS = {"ok": "✓", "warn": "!", "error": "✗"}


@click.group("channels")
def channels_group() -> None:
    """Kênh đăng bài / the output channels."""


@channels_group.command("check")
@common_options
def channels_check() -> None:
    """Kiểm tra token và quyền của từng kênh / check each channel's credentials and permissions."""
    from scheduler.services.social import check_channels

    state = current_state()
    with state.app() as app:
        reports = check_channels(app)
    lang = state.language
    problems = warnings = 0
    for report in reports:
        say(text("check_header", lang, channel=report.channel))
        if not report.findings:
            say(f"  - {text('check_nothing', lang)}")
        for finding in report.findings:
            say(f"  {MARKS.get(finding.level, '-')} {text(finding.code, lang, **finding.params)}")
            warnings += finding.level == WARN
        problems += report.problems
    if problems:
        say(text("check_problems", lang, count=problems))
    else:
        say(text("check_warnings", lang, count=warnings) if warnings else text("check_all_ok", lang))
    if problems:
        click.get_current_context().exit(1)


@click.command("reconcile")
@common_options
def reconcile_command() -> None:
    """Đối soát các lượt chưa rõ kết quả (bài đăng, truyền thanh) / look up airings whose outcome is unknown."""
    from scheduler.programme.times import format_local
    from scheduler.services.social import reconcile

    state = current_state()
    with state.app() as app:
        items = reconcile(app)
        tz = app.config.tz
    lang = state.language
    if not items:
        say(text("reconcile_none", lang))
        return
    for item in items:
        params = dict(airing=item.airing_id, channel=item.channel, due=format_local(item.due_at, tz))
        if item.state == "settled":
            say(text("reconcile_settled", lang, id=item.external_id, **params))
        elif item.state == "error":
            say(text("reconcile_error", lang, reason=render(item.error, lang), **params))
        elif item.state == "manual":
            say(text("reconcile_manual", lang, **params))
        elif item.state == "disabled":
            say(text("reconcile_disabled", lang, **params))
        elif item.state in ("aired", "not_played", "radio_open", "radio_off"):
            say(text(f"reconcile_radio_{item.state}", lang, **params))
        else:
            say(text("reconcile_open", lang, **params))


@click.command("retry")
@click.argument("airing_id", metavar="AIRING", type=int)
@common_options
def retry_command(airing_id: int) -> None:
    """Đăng lại một lượt lỗi hoặc chưa rõ / post a failed or unclear airing again."""
    from scheduler.programme.times import format_local
    from scheduler.services.social import retry_airing

    state = current_state()
    with state.app() as app:
        result = retry_airing(app, airing_id)
        tz = app.config.tz
    lang = state.language
    if result.found is not None:
        say(text("retry_found", lang, airing=airing_id, id=result.found.external_id))
        return
    assert result.due_at is not None
    say(
        text(
            "retry_queued",
            lang,
            airing=airing_id,
            new=result.new_airing_id,
            channel=result.channel,
            due=format_local(result.due_at, tz),
        )
    )
    if result.carried:
        say(text("retry_carried", lang, steps=", ".join(result.carried)))


@click.command("mark")
@click.argument("airing_id", metavar="AIRING", type=int)
@click.option(
    "--as",
    "outcome",
    required=True,
    type=click.Choice(["aired", "posted", "failed", "missed"]),
    help="Kết quả người trực xác nhận: truyền thanh aired|failed|missed, trang posted|failed / the outcome found.",
)
@click.option("--external-id", help="Mã bài trên trang / the post's id on the page.")
@click.option("--note", help="Ghi chú / a note for the log.")
@common_options
def mark_command(airing_id: int, outcome: str, external_id: str | None, note: str | None) -> None:
    """Ghi kết quả cho một lượt chưa rõ / record the outcome of an unclear airing (radio: aired)."""
    from scheduler.messages.labels import OUTCOME_LABELS
    from scheduler.services.social import mark_airing

    state = current_state()
    with state.app() as app:
        record = mark_airing(app, airing_id, outcome, external_id=external_id, note=note)
    lang = state.language
    say(
        text(
            "mark_done",
            lang,
            airing=airing_id,
            outcome=OUTCOME_LABELS.get(lang, OUTCOME_LABELS["vi"])[record.outcome.value],
        )
    )
