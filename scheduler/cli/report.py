"""`loa report` (the periodic report as .xlsx or .csv) and `loa archive prune` (audio past retention)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from scheduler.cli.options import common_options, say
from scheduler.cli.options import state as current_state

__all__ = ["report_command", "archive_group"]


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"  # pragma: no cover


def _province(app: Any, period: Any, as_json: bool) -> None:
    """`loa report --province`: each station's month (broadcasts.province_report), as JSON or one line a station."""
    from broadcasts.province_report import province_month

    with app.reads() as session:
        rows = province_month(session, period, now=app.clock.now())
    figures = [
        {
            "station": r.code,
            "name": r.name,
            "airings": r.airings,
            "done": r.done,
            "failed": r.failed,
            "missed": r.missed,
            "unknown": r.unknown,
            "success_rate": r.success_rate,
            "unaired": [
                {"bulletin_id": u.bulletin_id, "title": u.title, "channel": u.channel, "why": u.error_code or u.outcome}
                for u in r.unaired
            ],
        }
        for r in rows
    ]
    if as_json:
        say(
            json.dumps(
                {"period": [period.first.isoformat(), period.last.isoformat()], "stations": figures}, ensure_ascii=False
            )
        )
        return
    from scheduler.messages import text

    say(text("report_province_header", app.config.lang))
    for f in figures:
        say(f"{f['station']:<20} {f['airings']:>6} {f['done']:>6} {f['failed']:>4} {f['missed']:>4} {f['unknown']:>4}")


@click.command("report")
@click.option("--month", help="Tháng báo cáo / the month, YYYY-MM.")
@click.option("--year", type=int, help="Cả năm / a whole year, YYYY.")
@click.option("--from", "first", help="Từ ngày / first local date, YYYY-MM-DD.")
@click.option("--to", "last", help="Đến hết ngày (mặc định hôm nay) / last local date inclusive (default today).")
@click.option(
    "--out",
    "outs",
    multiple=True,
    metavar="FILE.xlsx|FILE.csv",
    help="Tệp ghi ra, có thể nhiều lần (mặc định bao-cao-<mã đài>-<kỳ>.xlsx) / output file(s).",
)
@click.option("--plan", "plan_id", type=int, help="Kế hoạch số (mặc định kế hoạch đang dùng) / plan ID.")
@click.option("--json", "as_json", is_flag=True, help="In số liệu tóm tắt dạng JSON / print the figures as JSON.")
@click.option("--province", is_flag=True, help="Tổng hợp từng đài của cả tỉnh / a row per station of the province.")
@common_options
def report_command(
    month: str | None,
    year: int | None,
    first: str | None,
    last: str | None,
    outs: tuple[str, ...],
    plan_id: int | None,
    as_json: bool,
    province: bool,
) -> None:
    """Báo cáo kết quả thực hiện kế hoạch tuyên truyền / the periodic report (.xlsx or .csv)."""
    from scheduler.errors import UsageError
    from scheduler.messages import text
    from scheduler.programme.times import parse_local_date
    from scheduler.report.files import SUFFIXES, rate_text, write_report
    from scheduler.report.labels import default_report_name, period_text
    from scheduler.services.records import choose_period, make_report

    state = current_state()
    lang = state.language
    for out in outs:
        if Path(out).suffix.lower() not in SUFFIXES:
            raise UsageError("report_out_type", path=out)
    first_day = parse_local_date(first) if first else None
    last_day = parse_local_date(last) if last else None
    with state.app() as app:
        today = app.clock.now().astimezone(app.config.tz).date()
        period = choose_period(month=month, year=year, first=first_day, last=last_day, today=today)
        if province:
            _province(app, period, as_json)
            return
        report = make_report(app, period, plan_id=plan_id)
    paths = [write_report(report, Path(out), lang) for out in (outs or (default_report_name(report),))]
    if as_json:
        say(
            json.dumps(
                {
                    "period": [period.first.isoformat(), period.last.isoformat()],
                    "files": [str(p) for p in paths],
                    "airings": report.airings,
                    "done": report.done,
                    "problems": report.problem_count,
                    "dry_runs": report.dry_runs,
                    "success_rate": report.success_rate,
                    "radio_minutes": round(report.radio_minutes, 2),
                    "items": len(report.items),
                    "items_covered": report.items_covered,
                    "items_not_aired": [i.ref for i in report.items if not i.covered],
                },
                ensure_ascii=False,
            )
        )
        return
    for path in paths:
        say(text("report_written", lang, period=period_text(period, lang, short=True), path=path))
    say(
        text(
            "report_summary",
            lang,
            airings=report.airings,
            done=report.done,
            problems=report.problem_count,
            dry_runs=report.dry_runs,
            rate=rate_text(report.success_rate),
            minutes=f"{report.radio_minutes:.1f}",
        )
    )
    if report.plan_id is None:
        say(text("report_no_plan", lang))
    else:
        missing = [i.ref for i in report.items if not i.covered]
        say(
            text(
                "report_items",
                lang,
                covered=report.items_covered,
                items=len(report.items),
                plan=report.plan_title,
                missing=", ".join(missing[:20]) + (" …" if len(missing) > 20 else "") if missing else "-",
            )
        )


@click.group("archive")
def archive_group() -> None:
    """Kho âm thanh đã phát / the archive of aired audio."""


@archive_group.command("prune")
@click.option("--dry-run", is_flag=True, help="Chỉ liệt kê, không xóa / list only, delete nothing.")
@click.option(
    "--force",
    is_flag=True,
    help="Xóa cả tệp quá hạn mà nhật ký còn cần / delete past retention even what the log still needs.",
)
@click.option("--keep-days", type=click.IntRange(min=1), help="Thay archive.keep_days / override archive.keep_days.")
@click.option("--list", "show_all", is_flag=True, help="In từng tệp / print every file.")
@click.option("--json", "as_json", is_flag=True, help="In JSON / print JSON.")
@common_options
def prune_command(dry_run: bool, force: bool, keep_days: int | None, show_all: bool, as_json: bool) -> None:
    """Dọn tệp âm thanh quá hạn lưu / delete archived audio past retention."""
    from scheduler.messages import text
    from scheduler.services.archive import prune_archive

    state = current_state()
    lang = state.language
    with state.app() as app:
        result = prune_archive(app, dry_run=dry_run, force=force, keep_days=keep_days)
    if as_json:
        say(
            json.dumps(
                {
                    "dry_run": dry_run,
                    "force": force,
                    "cutoff": result.cutoff.isoformat(),
                    "keep_days": result.keep_days,
                    "bytes": result.bytes,
                    "deleted": [str(f.path) for f in result.deleted],
                    "kept": [{"path": str(k.path), "reason": k.code, **k.params} for k in result.kept],
                    "failed": [{"path": str(p), "reason": r} for p, r in result.failed],
                },
                ensure_ascii=False,
            )
        )
        return
    common = dict(days=result.keep_days, cutoff=result.cutoff.strftime("%d/%m/%Y"))
    if not result.exists:
        say(text("archive_none", lang, path=result.root))
        return
    if not result.deleted and not result.kept and not result.failed:
        say(text("archive_nothing", lang, **common))
        return
    if result.deleted:
        code = "archive_would_delete" if dry_run else "archive_deleted"
        say(text(code, lang, files=len(result.deleted), size=_size(result.bytes), manifest=result.manifest, **common))
        for file in result.deleted if show_all else []:
            say(f"  - {file.path}  ({_size(file.bytes)})")
    if result.kept:
        say(text("archive_kept", lang, files=len({k.path for k in result.kept})))
        for kept in result.kept:
            say(f"  * {kept.path}: {text(kept.code, lang, **kept.params)}")
    for path, reason in result.failed:
        say("  ! " + text("archive_failed", lang, path=path, reason=reason), err=True)
    if result.failed:
        raise SystemExit(1)
