"""The periodic report's figures as plain dataclasses, and as JSON values for the API."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from broadcasts.models import Outcome
from broadcasts.zone_report import AlertRow, ZoneRow, zones_json

__all__ = [
    "Period",
    "ChannelTotal",
    "ItemRow",
    "DayRow",
    "Problem",
    "Lateness",
    "Report",
    "report_json",
    "SUCCESS",
    "PROBLEM_OUTCOMES",
    "LATE_SECONDS",
    "NO_RECORD",
    "DRY_RUN",
    "success_rate",
]

SUCCESS = frozenset({Outcome.aired.value, Outcome.posted.value})
PROBLEM_OUTCOMES = (Outcome.failed.value, Outcome.missed.value, Outcome.unknown.value, Outcome.skipped.value)
LATE_SECONDS = 60.0  # an airing that starts this late counts as late in the statistics
NO_RECORD = "no_record"  # a problem outcome: due long ago, still pending, nothing logged
DRY_RUN = Outcome.dry_run.value  # a rehearsal: neither a success nor a failure, left out of the rates


def success_rate(done: int, counted: int) -> float | None:
    """The share of airings that went out, of those that were meant to (dry runs left out); None if none were."""
    return round(done / counted, 4) if counted else None


@dataclass(frozen=True, kw_only=True)
class Period:
    """Local calendar days `first`..`last` inclusive; `kind` says how it was asked for (month, year, range)."""

    first: date
    last: date
    kind: str = "range"

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(
            first=date(year, month, 1), last=date(year, month, calendar.monthrange(year, month)[1]), kind="month"
        )

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(first=date(year, 1, 1), last=date(year, 12, 31), kind="year")

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """UTC instants [since, until) covering the period in zone `tz`."""
        since = datetime.combine(self.first, time(), tz).astimezone(UTC)
        until = datetime.combine(self.last + timedelta(days=1), time(), tz).astimezone(UTC)
        return since, until

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


@dataclass(frozen=True, kw_only=True)
class ChannelTotal:
    """Airings of one channel by final outcome, plus the raw record count (corrections included)."""

    channel: str
    counts: dict[str, int]
    records: int

    @property
    def airings(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        return sum(n for outcome, n in self.counts.items() if outcome in SUCCESS)

    @property
    def dry_runs(self) -> int:
        return self.counts.get(DRY_RUN, 0)

    @property
    def counted(self) -> int:
        """Airings that were meant to go out for real: all but the dry runs."""
        return self.airings - self.dry_runs

    @property
    def problem_count(self) -> int:
        """Failed, missed, skipped or unclear: what was meant to go out and did not."""
        return self.counted - self.done

    @property
    def success_rate(self) -> float | None:
        return success_rate(self.done, self.counted)


@dataclass(frozen=True, kw_only=True)
class ItemRow:
    """One content item of the plan: successful airings per channel; `covered` if it or a sub-item went out."""

    item_id: int
    ref: str
    text: str
    depth: int
    rotation: str
    counts: dict[str, int]
    covered: bool
    last_at: datetime | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True, kw_only=True)
class DayRow:
    """Radio on one local day: minutes of audio aired and how many airings."""

    day: date
    minutes: float
    airings: int


@dataclass(frozen=True, kw_only=True)
class Problem:
    """An airing that did not go out as planned, with the reason from its last record."""

    airing_id: int
    channel: str
    outcome: str
    due_at: datetime
    title: str
    record_id: int | None = None
    error_code: str | None = None
    error_message: str | None = None
    retried_as: int | None = None
    retry_outcome: str | None = None


@dataclass(frozen=True, kw_only=True)
class Lateness:
    """How late the airings of one channel started (seconds)."""

    channel: str
    count: int
    late: int
    mean: float
    median: float
    p95: float
    max: float


@dataclass(frozen=True, kw_only=True)
class Report:
    """Everything the periodic report shows, computed from the log."""

    station_name: str
    station_code: str
    timezone: str
    period: Period
    issued_at: datetime
    channels: tuple[str, ...]
    totals: list[ChannelTotal]
    items: list[ItemRow]
    other: dict[str, dict[str, int]]
    days: list[DayRow]
    problems: list[Problem]
    lateness: list[Lateness]
    plan_id: int | None = None
    plan_title: str | None = None
    plan_year: int | None = None
    plan_issuer: str | None = None
    zones: list[ZoneRow] = field(default_factory=list)  # one per loudspeaker zone (broadcasts.zone_report)
    alerts: list[AlertRow] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def airings(self) -> int:
        return sum(t.airings for t in self.totals)

    @property
    def done(self) -> int:
        return sum(t.done for t in self.totals)

    @property
    def dry_runs(self) -> int:
        return sum(t.dry_runs for t in self.totals)

    @property
    def problem_count(self) -> int:
        """Airings meant to go out that did not (dry runs are neither done nor problems)."""
        return sum(t.problem_count for t in self.totals)

    @property
    def success_rate(self) -> float | None:
        return success_rate(self.done, self.airings - self.dry_runs)

    @property
    def radio_minutes(self) -> float:
        return sum(d.minutes for d in self.days)

    @property
    def items_covered(self) -> int:
        return sum(1 for i in self.items if i.covered)


def _iso(moment: datetime | None, tz: ZoneInfo) -> str | None:
    return moment.astimezone(tz).isoformat() if moment is not None else None


def report_json(report: Report) -> dict[str, Any]:
    """The report as plain JSON values (instants ISO-8601 in the station's zone), for the API."""
    tz = ZoneInfo(report.timezone)
    return {
        "station": {"name": report.station_name, "code": report.station_code, "timezone": report.timezone},
        "period": {
            "first": report.period.first.isoformat(),
            "last": report.period.last.isoformat(),
            "kind": report.period.kind,
        },
        "issued_at": _iso(report.issued_at, tz),
        "plan": {
            "id": report.plan_id,
            "title": report.plan_title,
            "year": report.plan_year,
            "issuer": report.plan_issuer,
        }
        if report.plan_id is not None
        else None,
        "channels": list(report.channels),
        "summary": {
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
        "totals": [
            {
                "channel": t.channel,
                "counts": dict(t.counts),
                "done": t.done,
                "problems": t.problem_count,
                "dry_runs": t.dry_runs,
                "success_rate": t.success_rate,
                "airings": t.airings,
                "records": t.records,
            }
            for t in report.totals
        ],
        "items": [
            {
                "ref": i.ref,
                "text": i.text,
                "depth": i.depth,
                "rotation": i.rotation,
                "counts": dict(i.counts),
                "total": i.total,
                "covered": i.covered,
                "last_at": _iso(i.last_at, tz),
            }
            for i in report.items
        ],
        "other": {key: dict(counts) for key, counts in report.other.items()},
        "days": [{"day": d.day.isoformat(), "minutes": d.minutes, "airings": d.airings} for d in report.days],
        "problems": [
            {
                "airing_id": p.airing_id,
                "channel": p.channel,
                "outcome": p.outcome,
                "due_at": _iso(p.due_at, tz),
                "title": p.title,
                "record_id": p.record_id,
                "error_code": p.error_code,
                "error_message": p.error_message,
                "retried_as": p.retried_as,
                "retry_outcome": p.retry_outcome,
            }
            for p in report.problems
        ],
        "lateness": [
            {
                "channel": x.channel,
                "count": x.count,
                "late": x.late,
                "mean": x.mean,
                "median": x.median,
                "p95": x.p95,
                "max": x.max,
            }
            for x in report.lateness
        ],
        **zones_json(report.zones, report.alerts, tz),
    }
