"""The province's consolidated month: per station, what went out, and which bulletins did not and why.

`province_month(session, period, station_ids=None, now=...)` reads the log of
every station (or of `station_ids`) for a period of local days, each station in
its own time zone, and returns one `StationMonth` per station, ordered by code:
airings per channel and final outcome, how often each item of the station's
plan in use went out, and every airing that did not go out with the reason
from its last record. It counts as `broadcasts.report` does, so a station's
row agrees with its own report: an airing counts once, by its last record, and
a follow-up that finished a delivered airing (`retry_of` it) is not one more.
The counting is done by the database (a window over the period's records),
not in Python, so a province of hundreds of stations stays a few queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from broadcasts.figures import NO_RECORD, PROBLEM_OUTCOMES, SUCCESS, Period, success_rate
from broadcasts.models import Airing, AiringStatus, Bulletin, ContentItem, LogRecord, Outcome, Plan, Station

__all__ = ["Unaired", "StationMonth", "province_month"]

_OUTCOMES = tuple(o.value for o in Outcome)
_SUCCESS = tuple(sorted(SUCCESS))


@dataclass(frozen=True, kw_only=True)
class Unaired:
    """An airing of the period that did not go out: its bulletin, and why (the outcome and error code)."""

    airing_id: int
    bulletin_id: int
    title: str
    channel: str
    due_at: datetime
    outcome: str  # failed, missed, skipped, unknown; or no_record: long past due and nothing logged
    error_code: str | None = None


@dataclass(frozen=True, kw_only=True)
class StationMonth:
    """One station's row of the province's report for the period."""

    station_id: int
    code: str
    name: str
    counts: dict[str, dict[str, int]]  # channel -> final outcome -> airings (every outcome, zeros included)
    items: dict[str, int] = field(default_factory=dict)  # ref of each item of the plan in use -> airings done
    unaired: list[Unaired] = field(default_factory=list)  # oldest first

    def outcome(self, outcome: str) -> int:
        """Airings of every channel whose final outcome is `outcome`."""
        return sum(by_outcome.get(outcome, 0) for by_outcome in self.counts.values())

    @property
    def aired(self) -> int:
        return self.outcome(Outcome.aired.value)

    @property
    def posted(self) -> int:
        return self.outcome(Outcome.posted.value)

    @property
    def failed(self) -> int:
        return self.outcome(Outcome.failed.value)

    @property
    def missed(self) -> int:
        return self.outcome(Outcome.missed.value)

    @property
    def skipped(self) -> int:
        return self.outcome(Outcome.skipped.value)

    @property
    def dry_run(self) -> int:
        return self.outcome(Outcome.dry_run.value)

    @property
    def unknown(self) -> int:
        return self.outcome(Outcome.unknown.value)

    @property
    def airings(self) -> int:
        return sum(sum(by_outcome.values()) for by_outcome in self.counts.values())

    @property
    def done(self) -> int:
        return self.aired + self.posted

    @property
    def success_rate(self) -> float | None:
        """Done over the airings meant to go out (dry runs left out); None if there were none."""
        return success_rate(self.done, self.airings - self.dry_run)


def province_month(
    session: Session,
    month: Period,
    station_ids: Iterable[int] | None = None,
    *,
    now: datetime | None = None,
    overdue: timedelta = timedelta(hours=3),
) -> list[StationMonth]:
    """Per station (all, or `station_ids`), ordered by code: the period's airings by channel and final outcome,
    the items of its plan in use with how often they went out, and what did not go out and why.

    `month` is a `Period` of local days (a month as a rule, any period works), read in each station's own
    time zone. With `now`, an airing still pending or running `overdue` after it was due, with nothing
    logged, is listed as not aired with the outcome `no_record` (as the station's report does). A station
    with no records has zero counts and, if any, only such airings.
    """
    query = select(Station).order_by(Station.code, Station.id)
    wanted = None if station_ids is None else sorted(set(station_ids))
    if wanted is not None:
        query = query.where(Station.id.in_(wanted))
    stations = list(session.scalars(query))
    counts: dict[int, dict[str, dict[str, int]]] = defaultdict(dict)
    done_by_item: dict[int, int] = defaultdict(int)
    unaired: dict[int, list[Unaired]] = defaultdict(list)
    zones: dict[str, list[int]] = defaultdict(list)
    for station in stations:
        zones[station.timezone].append(station.id)
    for zone, ids in zones.items():
        since, until = month.bounds(ZoneInfo(zone))
        # always by station, even for the whole province: the (station_id, due_at) index then reads only the
        # period's records (a bitmap scan), where a filter on due_at alone reads the whole log
        final = _final_records(since, until, ids)
        for station_id, channel, outcome, item_id, n in session.execute(_counted(final)):
            by_outcome = counts[station_id].setdefault(channel, dict.fromkeys(_OUTCOMES, 0))
            by_outcome[outcome.value] = by_outcome.get(outcome.value, 0) + n
            if item_id is not None and outcome.value in SUCCESS:
                done_by_item[item_id] += n
        for row in session.execute(_problems(final)):
            unaired[row.station_id].append(
                Unaired(
                    airing_id=row.airing_id,
                    bulletin_id=row.bulletin_id,
                    title=row.title,
                    channel=row.channel,
                    due_at=row.due_at,
                    outcome=row.outcome.value,
                    error_code=row.error_code,
                )
            )
        if now is not None:
            for row in session.execute(_stale(since, min(until, now - overdue), ids)):
                unaired[row.station_id].append(
                    Unaired(
                        airing_id=row.id,
                        bulletin_id=row.bulletin_id,
                        title=row.title,
                        channel=row.channel,
                        due_at=row.due_at,
                        outcome=NO_RECORD,
                        error_code=f"still_{row.status.value}",
                    )
                )
    plan_items = _plan_items(session, [s.id for s in stations])
    return [
        StationMonth(
            station_id=s.id,
            code=s.code,
            name=s.name,
            counts={c: counts[s.id][c] for c in sorted(counts[s.id])},
            items={ref: done_by_item.get(item_id, 0) for item_id, ref in plan_items.get(s.id, [])},
            unaired=sorted(unaired[s.id], key=lambda u: (u.due_at, u.airing_id)),
        )
        for s in stations
    ]


def _final_records(since: datetime, until: datetime, station_ids: Sequence[int]) -> Any:
    """The last record of every airing due in [since, until), with its airing's `retry_of`: a CTE."""
    numbered = select(
        LogRecord.airing_id,
        LogRecord.bulletin_id,
        LogRecord.station_id,
        LogRecord.channel,
        LogRecord.outcome,
        LogRecord.due_at,
        LogRecord.error_code,
        # one look-up by primary key per record: a join lets PostgreSQL hash the whole airings table
        select(Airing.retry_of).where(Airing.id == LogRecord.airing_id).scalar_subquery().label("retry_of"),
        func.row_number().over(partition_by=LogRecord.airing_id, order_by=LogRecord.id.desc()).label("rank"),
    ).where(LogRecord.station_id.in_(station_ids), LogRecord.due_at >= since, LogRecord.due_at < until)
    inner = numbered.subquery("numbered")
    columns = [c for c in inner.c if c.name != "rank"]
    return select(*columns).where(inner.c.rank == 1).cte("final")


def _kept(final: Any) -> Any:
    """Not a follow-up that finished an airing already delivered (a deferred Zalo broadcast's second step)."""
    delivered = select(final.c.airing_id).where(final.c.outcome.in_(_SUCCESS)).scalar_subquery()
    return or_(final.c.retry_of.is_(None), final.c.outcome.not_in(_SUCCESS), final.c.retry_of.not_in(delivered))


def _counted(final: Any) -> Any:
    """Airings per station, channel, final outcome and bulletin's item."""
    return (
        select(final.c.station_id, final.c.channel, final.c.outcome, Bulletin.content_item_id, func.count())
        .join(Bulletin, Bulletin.id == final.c.bulletin_id)
        .where(_kept(final))
        .group_by(final.c.station_id, final.c.channel, final.c.outcome, Bulletin.content_item_id)
    )


def _problems(final: Any) -> Any:
    """The final records that say an airing did not go out, with their bulletin's title."""
    return (
        select(
            final.c.station_id,
            final.c.airing_id,
            final.c.bulletin_id,
            final.c.channel,
            final.c.outcome,
            final.c.due_at,
            final.c.error_code,
            Bulletin.title,
        )
        .join(Bulletin, Bulletin.id == final.c.bulletin_id)
        .where(final.c.outcome.in_(PROBLEM_OUTCOMES))
    )


def _stale(since: datetime, before: datetime, station_ids: Sequence[int]) -> Any:
    """Airings due in [since, before), still pending or running, with no record at all."""
    return (
        select(
            Airing.id,
            Airing.station_id,
            Airing.bulletin_id,
            Airing.channel,
            Airing.due_at,
            Airing.status,
            Bulletin.title,
        )
        .join(Bulletin, Bulletin.id == Airing.bulletin_id)
        .where(
            Airing.station_id.in_(station_ids),
            Airing.status.in_([AiringStatus.pending, AiringStatus.running]),
            Airing.due_at >= since,
            Airing.due_at < before,
            ~exists().where(LogRecord.airing_id == Airing.id),
        )
    )


def _plan_items(session: Session, station_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """The items (id, ref) of each station's plan in use, in plan order (the newest active plan, as the report)."""
    rows = session.execute(
        select(Plan.station_id, Plan.id, ContentItem.id, ContentItem.ref)
        .join(ContentItem, ContentItem.plan_id == Plan.id)
        .where(Plan.active.is_(True), Plan.station_id.in_(station_ids))
        .order_by(Plan.station_id, Plan.imported_at.desc(), Plan.id.desc(), ContentItem.position)
    ).all()
    plans: dict[int, int] = {}
    items: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for station_id, plan_id, item_id, ref in rows:
        if plans.setdefault(station_id, plan_id) != plan_id:
            continue
        items[station_id].append((item_id, ref))
    return items
