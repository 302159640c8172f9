"""The periodic report: what the log says about how the plan was carried out.

`build_report(session, station_id, period, now=...)` reads the log of one
station for a period of local days and returns the plain dataclasses of
`broadcasts.figures`; writing them to a spreadsheet is the scheduler's
business. An airing counts once, by its last record: a post first logged
`unknown` and then reconciled as `posted` is one posted airing (the log is
append-only, corrections are new records of the same airing).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcasts.channels import channel_names
from broadcasts.figures import (
    LATE_SECONDS,
    NO_RECORD,
    PROBLEM_OUTCOMES,
    SUCCESS,
    ChannelTotal,
    DayRow,
    ItemRow,
    Lateness,
    Period,
    Problem,
    Report,
)
from broadcasts.models import Airing, AiringStatus, Bulletin, ContentItem, LogRecord, Outcome, Plan, Station
from broadcasts.zone_report import alert_rows, zone_rows

__all__ = ["build_report", "active_plan"]

_ANNOUNCEMENTS = frozenset({"opening", "closing"})


def active_plan(session: Session, station_id: int) -> Plan | None:
    """The plan in use: the station's active plan (at most one is active; the newest if an old store has more)."""
    return session.scalar(
        select(Plan)
        .where(Plan.station_id == station_id, Plan.active.is_(True))
        .order_by(Plan.imported_at.desc(), Plan.id.desc())
    )


def _percentile(ordered: list[float], q: float) -> float:
    if not ordered:
        return 0.0
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _ordered_channels(seen: Iterable[str], wanted: Iterable[str]) -> tuple[str, ...]:
    names = set(seen) | set(wanted)
    order = channel_names()  # the registry's order; channels no longer registered (old records) come after
    return tuple(c for c in order if c in names) + tuple(sorted(names - set(order)))


def _last_records(
    session: Session, station_id: int, since: datetime, until: datetime
) -> tuple[list[Any], dict[str, int]]:
    """The last record of every airing due in [since, until) (with its bulletin's item, origin and title),
    and how many records each channel has in all. A follow-up that finished a delivered airing (a Zalo
    broadcast deferred to 06:00: `retry_of` a posted airing) is part of that airing, not one more."""
    rows = session.execute(
        select(
            LogRecord.id,
            LogRecord.airing_id,
            LogRecord.channel,
            LogRecord.outcome,
            LogRecord.due_at,
            LogRecord.started_at,
            LogRecord.late_seconds,
            LogRecord.audio_seconds,
            LogRecord.error_code,
            LogRecord.error_message,
            LogRecord.zone,
            LogRecord.heard_delay_ms,
            LogRecord.heard_seconds,
            Bulletin.content_item_id,
            Bulletin.origin,
            Bulletin.title,
            Airing.retry_of,
        )
        .join(Bulletin, Bulletin.id == LogRecord.bulletin_id)
        .join(Airing, Airing.id == LogRecord.airing_id)
        .where(LogRecord.station_id == station_id, LogRecord.due_at >= since, LogRecord.due_at < until)
    ).all()
    last: dict[int, Any] = {}
    raw: dict[str, int] = defaultdict(int)
    for row in rows:
        raw[row.channel] += 1
        if row.airing_id not in last or row.id > last[row.airing_id].id:
            last[row.airing_id] = row
    delivered = {r.airing_id for r in last.values() if r.outcome.value in SUCCESS}
    # a retry repeats a failed or unclear airing (never a posted one), so only follow-ups match here
    kept = [r for r in last.values() if not (r.retry_of in delivered and r.outcome.value in SUCCESS)]
    return sorted(kept, key=lambda r: (r.due_at, r.id)), raw


def _items(
    session: Session, plan: Plan | None, rows: list[Any], channels: tuple[str, ...]
) -> tuple[list[ItemRow], dict[str, dict[str, int]]]:
    items = (
        list(session.scalars(select(ContentItem).where(ContentItem.plan_id == plan.id).order_by(ContentItem.position)))
        if plan is not None
        else []
    )
    known = {i.id for i in items}
    counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(channels, 0))
    last_at: dict[int, datetime] = {}
    other: dict[str, dict[str, int]] = {
        "announcements": dict.fromkeys(channels, 0),
        "other": dict.fromkeys(channels, 0),
    }
    for row in rows:
        if row.outcome.value not in SUCCESS:
            continue
        if row.content_item_id in known:
            counts[row.content_item_id][row.channel] += 1
            last_at[row.content_item_id] = max(last_at.get(row.content_item_id, row.due_at), row.due_at)
        else:
            other["announcements" if row.origin in _ANNOUNCEMENTS else "other"][row.channel] += 1
    parent = {i.id: i.parent_id for i in items}
    covered = {i for i in counts if sum(counts[i].values())}
    for item_id in list(covered):
        up = parent.get(item_id)
        while up is not None and up not in covered:
            covered.add(up)
            up = parent.get(up)
    out = [
        ItemRow(
            item_id=i.id,
            ref=i.ref,
            text=i.text,
            depth=i.ref.count("."),
            rotation=i.rotation,
            counts=dict(counts[i.id]) if i.id in counts else dict.fromkeys(channels, 0),
            covered=i.id in covered,
            last_at=last_at.get(i.id),
        )
        for i in items
    ]
    return out, other


def _days(period: Period, rows: list[Any], tz: ZoneInfo) -> list[DayRow]:
    minutes: dict[date, float] = defaultdict(float)
    airings: dict[date, int] = defaultdict(int)
    for row in rows:
        if row.channel != "radio" or row.outcome is not Outcome.aired:
            continue
        day = (row.started_at or row.due_at).astimezone(tz).date()
        if not period.first <= day <= period.last:
            day = row.due_at.astimezone(tz).date()
        minutes[day] += (row.audio_seconds or 0.0) / 60.0
        airings[day] += 1
    return [DayRow(day=d, minutes=round(minutes[d], 2), airings=airings[d]) for d in period.days()]


def _problems(
    session: Session, station_id: int, rows: list[Any], since: datetime, until: datetime, overdue_before: datetime
) -> list[Problem]:
    problems = [
        Problem(
            airing_id=r.airing_id,
            channel=r.channel,
            outcome=r.outcome.value,
            due_at=r.due_at,
            title=r.title,
            record_id=r.id,
            error_code=r.error_code,
            error_message=r.error_message,
        )
        for r in rows
        if r.outcome.value in PROBLEM_OUTCOMES
    ]
    logged = {r.airing_id for r in rows}
    stale = session.execute(
        select(Airing.id, Airing.channel, Airing.due_at, Airing.status, Bulletin.title)
        .join(Bulletin, Bulletin.id == Airing.bulletin_id)
        .where(
            Airing.station_id == station_id,
            Airing.status.in_([AiringStatus.pending, AiringStatus.running]),
            Airing.due_at >= since,
            Airing.due_at < min(until, overdue_before),
        )
    ).all()
    problems += [
        Problem(
            airing_id=a.id,
            channel=a.channel,
            outcome=NO_RECORD,
            due_at=a.due_at,
            title=a.title,
            error_code=f"still_{a.status.value}",
        )
        for a in stale
        if a.id not in logged
    ]
    if problems:
        ids = [p.airing_id for p in problems]
        retries: dict[int, tuple[int, str]] = {}
        for start in range(0, len(ids), 2_000):
            for rid, of, status, outcome in session.execute(
                select(Airing.id, Airing.retry_of, Airing.status, Airing.outcome)
                .where(Airing.station_id == station_id, Airing.retry_of.in_(ids[start : start + 2_000]))
                .order_by(Airing.id)
            ):
                if of is not None:
                    retries[of] = (rid, outcome.value if outcome is not None else status.value)
        problems = [
            replace(p, retried_as=retries[p.airing_id][0], retry_outcome=retries[p.airing_id][1])
            if p.airing_id in retries
            else p
            for p in problems
        ]
    return sorted(problems, key=lambda p: (p.due_at, p.airing_id))


def _lateness(rows: list[Any], channels: tuple[str, ...]) -> list[Lateness]:
    by_channel: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        if row.outcome.value in SUCCESS and row.late_seconds is not None:
            by_channel[row.channel].append(max(row.late_seconds, 0.0))
    out = []
    for channel in channels:
        values = sorted(by_channel.get(channel, []))
        out.append(
            Lateness(
                channel=channel,
                count=len(values),
                late=sum(v >= LATE_SECONDS for v in values),
                mean=round(sum(values) / len(values), 1) if values else 0.0,
                median=round(_percentile(values, 0.5), 1),
                p95=round(_percentile(values, 0.95), 1),
                max=round(values[-1], 1) if values else 0.0,
            )
        )
    return out


def build_report(
    session: Session,
    station_id: int,
    period: Period,
    *,
    now: datetime,
    channels: Iterable[str] = (),
    plan_id: int | None = None,
    overdue: timedelta = timedelta(hours=3),
) -> Report:
    """The report of one station for `period` (local days), as of `now`, over the active plan or `plan_id`."""
    station = session.get_one(Station, station_id)
    tz = ZoneInfo(station.timezone)
    since, until = period.bounds(tz)
    rows, raw_counts = _last_records(session, station_id, since, until)
    plan = session.get(Plan, plan_id) if plan_id is not None else active_plan(session, station_id)
    if plan is not None and plan.station_id != station_id:
        plan = None
    names = _ordered_channels((r.channel for r in rows), channels)
    outcome_counts: dict[str, dict[str, int]] = {c: {o.value: 0 for o in Outcome} for c in names}
    for row in rows:
        outcome_counts[row.channel][row.outcome.value] += 1
    totals = [ChannelTotal(channel=c, counts=outcome_counts[c], records=raw_counts[c]) for c in names]
    items, other = _items(session, plan, rows, names)
    alerts = alert_rows(session, station_id, since, until)
    return Report(
        station_name=station.name,
        station_code=station.code,
        timezone=station.timezone,
        period=period,
        issued_at=now,
        channels=names,
        totals=totals,
        items=items,
        other=other,
        days=_days(period, rows, tz),
        problems=_problems(session, station_id, rows, since, until, now - overdue),
        lateness=_lateness(rows, names),
        plan_id=plan.id if plan else None,
        plan_title=plan.title if plan else None,
        plan_year=plan.year if plan else None,
        plan_issuer=plan.issuer if plan else None,
        zones=zone_rows(rows, alerts),
        alerts=alerts,
    )
