"""`loa log`: the broadcast log, filtered and paged, as a table, CSV or JSON."""

from __future__ import annotations

import shutil
import sys
from typing import Any

import click

from broadcasts.channels import channel_names
from broadcasts.outcomes import Outcome
from scheduler.cli.options import common_options, say
from scheduler.cli.options import state as current_state

__all__ = ["log_command"]

OUTCOMES = tuple(outcome.value for outcome in Outcome)


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(x.strip() for x in value.split(",") if x.strip()) if value else ()


@click.command("log")
@click.option("--since", help="Từ ngày (giờ địa phương) / from local date, YYYY-MM-DD.")
@click.option("--until", help="Đến hết ngày / to local date inclusive, YYYY-MM-DD.")
@click.option("--month", help="Cả tháng / a whole month, YYYY-MM.")
@click.option("--channel", help=", ".join(channel_names()) + " (nhiều kênh: radio,zalo / several: comma-separated).")
@click.option("--status", help="Kết quả / outcome: " + ", ".join(OUTCOMES) + " (nhiều: failed,missed).")
@click.option("--plan", "plan_id", type=int, help="Chỉ bản tin thuộc kế hoạch số / only bulletins of plan ID.")
@click.option("--item", "item_ref", help="Nội dung số REF (cả các mục con) / plan item REF and its sub-items.")
@click.option(
    "--search",
    "search",
    metavar="TEXT",
    help="Tìm trong tiêu đề, nội dung, lỗi, liên kết (không dấu cũng được) / search text.",
)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option(
    "--stations",
    help="Nhật ký chung của nhiều đài: all (mọi đài) hoặc mã đài cách nhau dấu phẩy / a province's "
    "consolidated log: all, or station codes, comma-separated.",
)
@click.option("--limit", type=click.IntRange(min=1), help="Số dòng mỗi trang / records per page.")
@click.option("--page", type=click.IntRange(min=1), help="Trang số (mặc định 50 dòng/trang) / page number.")
@common_options
def log_command(
    since: str | None,
    until: str | None,
    month: str | None,
    channel: str | None,
    status: str | None,
    plan_id: int | None,
    item_ref: str | None,
    search: str | None,
    fmt: str,
    limit: int | None,
    page: int | None,
    stations: str | None,
) -> None:
    """Xem nhật ký phát sóng / show the broadcast log."""
    from broadcasts.log import LogQuery
    from broadcasts.models import Outcome
    from scheduler.cli.output import log_csv, log_json, log_table
    from scheduler.errors import UsageError
    from scheduler.messages import text
    from scheduler.programme.times import day_range, parse_local_date
    from scheduler.services.records import parse_month, read_log_page

    state = current_state()
    lang = state.language
    outcomes = _split(status)
    for value in outcomes:
        if value not in OUTCOMES:
            raise UsageError("bad_outcome", value=value, known=", ".join(OUTCOMES))
    for name in _split(channel):
        if name not in channel_names():
            raise UsageError("log_unknown_channel", channel=name, known=", ".join(channel_names()))
    if month and (since or until):
        raise UsageError("log_period_conflict")
    first = parse_local_date(since) if since else None
    last = parse_local_date(until) if until else None
    if first and last and first > last:
        raise UsageError("log_since_after_until", since=first.isoformat(), until=last.isoformat())
    if month:
        period = parse_month(month)
        first, last = period.first, period.last
    if page is not None and limit is None:
        limit = 50
    with state.app() as app:
        tz = app.config.tz
        start, end = day_range(first, last, tz)
        station_ids, codes = _stations(app, stations)
        result = read_log_page(
            app,
            LogQuery(
                since=start,
                until=end,
                channels=_split(channel),
                outcomes=tuple(Outcome(o) for o in outcomes),
                plan_id=plan_id,
                item_ref=item_ref,
                text=search or None,
                limit=limit,
                offset=(page - 1) * limit if page and limit else 0,
                station_ids=station_ids,
            ),
        )
    if fmt == "json":
        say(log_json(result.records, tz))
        return
    if fmt == "csv":
        click.echo(log_csv(result.records, tz, result.titles), nl=False)
        return
    pages = -(-result.total // limit) if limit else 1
    if page and page > 1 and not result.records:
        raise UsageError("log_page_beyond", page=page, pages=pages, total=result.total)
    tty = sys.stdout.isatty()
    size = shutil.get_terminal_size((180, 24))
    detail = max(30, min(80, size.columns - 100)) if tty else 80  # fit a terminal; whole lines into a file
    output = log_table(result.records, tz, lang, titles=result.titles, detail_width=detail, stations=codes)
    if limit and result.total > len(result.records):
        current = page or 1
        footer = text(
            "log_page",
            lang,
            page=current,
            pages=pages,
            first=result.offset + 1,
            last=result.offset + len(result.records),
            total=result.total,
        )
        if current < pages:
            footer += " " + text("log_page_next", lang, next=current + 1)
        output += "\n\n" + footer
    if tty and output.count("\n") + 1 > size.lines:
        click.echo_via_pager(output + "\n")
    else:
        say(output)


def _stations(app: Any, value: str | None) -> tuple[tuple[int, ...] | None, dict[int, str] | None]:
    """The station ids `--stations` names (all, or codes) with their codes; (None, None) for this station only."""
    from sqlalchemy import select

    from broadcasts.models import Station
    from scheduler.errors import UsageError

    if value is None:
        return None, None
    wanted = _split(value)
    with app.reads() as session:
        rows = session.execute(select(Station.id, Station.code).order_by(Station.code)).all()
    known = {code: station_id for station_id, code in rows}
    if wanted != ("all",):
        unknown = [code for code in wanted if code not in known]
        if unknown or not wanted:
            raise UsageError("log_unknown_station", station=", ".join(unknown) or value, known=", ".join(known))
        known = {code: known[code] for code in wanted}
    return tuple(known.values()), {station_id: code for code, station_id in known.items()}
