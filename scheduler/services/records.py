"""Use cases over the broadcast log: the records, a page of the log, and the periodic report.

Both only read; each takes an App and returns dataclasses (the CLI and the
web console print or render them).
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from broadcasts.figures import Period, Report
from broadcasts.log import LogPage, LogQuery, count_log, query_log, read_page
from broadcasts.models import ContentItem, LogRecord, Plan
from broadcasts.report import active_plan, build_report
from scheduler.app import App
from scheduler.errors import NotFoundError, UsageError

__all__ = [
    "read_log",
    "read_log_page",
    "read_log_newest",
    "newest_page",
    "make_report",
    "parse_month",
    "choose_period",
    "last_full_month",
    "month_period",
]

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


def parse_month(value: str) -> Period:
    """Read YYYY-MM as the period of that month."""
    match = _MONTH.match(value)
    if not match or not 1 <= int(match.group(2)) <= 12 or not 1900 <= int(match.group(1)) <= 9998:
        raise UsageError("bad_month", value=value)
    return Period.month(int(match.group(1)), int(match.group(2)))


def last_full_month(today: date) -> str:
    """The month before `today`'s, as YYYY-MM: the one a monthly report is usually filed for."""
    first = today.replace(day=1) - timedelta(days=1)
    return f"{first:%Y-%m}"


def month_period(month: str | None, today: date) -> Period:
    """The period of `month` (YYYY-MM), or of the last full month when none is given."""
    return parse_month(month if month and month.strip() else last_full_month(today))


def choose_period(
    *,
    month: str | None = None,
    year: int | None = None,
    first: date | None = None,
    last: date | None = None,
    today: date,
) -> Period:
    """The report period from exactly one of a month, a year, or a first day (to `last`, else today)."""
    given = sum(x is not None for x in (month, year, first if first is not None else last))
    if given == 0:
        raise UsageError("report_period_missing")
    if given > 1:
        raise UsageError("report_period_conflict")
    if month is not None:
        return parse_month(month)
    if year is not None:
        if not 1900 <= year <= 9998:  # the instant after the period must still be a datetime
            raise UsageError("bad_year", value=year)
        return Period.year(year)
    if first is None:
        raise UsageError("report_period_missing")
    last = last or max(today, first)
    if first > last:
        raise UsageError("report_period_order", first=first.isoformat(), last=last.isoformat())
    return Period(first=first, last=last)


def _check_plan(session: Session, station_id: int, plan_id: int | None) -> Plan | None:
    """The plan asked for (or the active one); a plan id of another station is not found."""
    if plan_id is None:
        return active_plan(session, station_id)
    plan = session.get(Plan, plan_id)
    if plan is None or plan.station_id != station_id:
        raise NotFoundError(kind="plan", id=plan_id)
    return plan


def read_log(app: App, query: LogQuery) -> list[LogRecord]:
    """Log records of this station matching `query`, oldest first."""
    with app.reads() as session:
        return query_log(session, app.station_id, query)


def newest_page(page: int, total: int, size: int) -> tuple[int, int]:
    """(the page shown, how many pages) for page `page` of `total` records, `size` a page: past the last
    page is the last, before the first is the first."""
    pages = max(1, -(-total // size))
    return min(max(1, page), pages), pages


def read_log_newest(app: App, query: LogQuery, *, page: int = 1, size: int = 100) -> LogPage:
    """Page `page` (1: the newest) of the records matching `query`, newest first, `size` a page (the console's
    log); a page past the last is the last. Two queries: the count, then the page's rows."""
    with app.reads() as session:
        total = count_log(session, app.station_id, query)
        page, _ = newest_page(page, total, size)
        end = total - (page - 1) * size  # the records [start, end) in log order, oldest first
        start = max(0, end - size)
        paged = dataclasses.replace(query, offset=start, limit=end - start)
        records = query_log(session, app.station_id, paged) if end > start else []
    return LogPage(records=list(reversed(records)), total=total, offset=start)


def read_log_page(app: App, query: LogQuery) -> LogPage:
    """One page of this station's log; `item_ref` is read in `plan_id`, else in the active plan."""
    with app.reads() as session:
        if query.plan_id is not None or query.item_ref:
            plan = _check_plan(session, app.station_id, query.plan_id)
            if plan is None:
                raise UsageError("no_plan_in_use")
            if query.item_ref:
                ref = query.item_ref.strip()
                found = session.scalar(
                    select(ContentItem.id)
                    .where(
                        ContentItem.plan_id == plan.id,
                        or_(ContentItem.ref == ref, ContentItem.ref.startswith(ref + ".", autoescape=True)),
                    )
                    .limit(1)
                )
                if found is None:
                    raise UsageError("plan_item_not_found", ref=ref)
            query = dataclasses.replace(query, plan_id=plan.id)
        return read_page(session, app.station_id, query)


def make_report(app: App, period: Period, *, plan_id: int | None = None) -> Report:
    """The periodic report of this station for `period`, over the active plan (or `plan_id`), as of now."""
    # the channels listed and switched on (a channel off by default, as led, counts only once it has records)
    config = app.config
    wanted = tuple(n for n in config.channels.enabled if getattr(config.channel(n), "enabled", True) is not False)
    with app.reads() as session:
        _check_plan(session, app.station_id, plan_id)
        return build_report(session, app.station_id, period, now=app.clock.now(), channels=wanted, plan_id=plan_id)
