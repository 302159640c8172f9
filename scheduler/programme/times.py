"""Pure time arithmetic: reading `--at` and dates, and the next air time of a slot.

Nothing here asks the clock; `now` is always passed in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from scheduler.errors import UsageError

__all__ = ["parse_at", "parse_local_date", "day_range", "next_air_time", "format_local"]

_RELATIVE = re.compile(r"^\+\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|giây|phút|giờ)?$", re.I)
_HHMM = re.compile(r"^([01]?\d|2[0-3])[:h]([0-5]\d)$", re.I)
_UNITS = {"s": 1, "sec": 1, "giây": 1, "m": 60, "min": 60, "phút": 60, "h": 3600, "giờ": 3600, None: 60}
# How far from now an air time may be: a plan runs for a year; anything beyond is a typo or a probe.
MAX_AHEAD = timedelta(days=5 * 366)
# The calendar dates a filter or a report may name: the instant after the last one is still a datetime.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9998, 12, 31)


def parse_at(value: str, *, now: datetime, tz: ZoneInfo) -> datetime | None:
    """Read a `--at` value as a UTC instant, at most 5 years ahead; None means `next`.

    A time in the past is returned as it is: the caller says it has passed (however long ago)."""
    try:
        moment = _parse_at(value, now=now, tz=tz)
    except (OverflowError, ValueError) as exc:  # +999999999999h, 0001-01-01 in a zone east of UTC
        if isinstance(exc, UsageError):
            raise
        raise UsageError("at_out_of_range", value=value, ahead=MAX_AHEAD.days) from None
    if moment is not None and moment > now + MAX_AHEAD:
        raise UsageError("at_out_of_range", value=value, ahead=MAX_AHEAD.days)
    return moment


def _parse_at(value: str, *, now: datetime, tz: ZoneInfo) -> datetime | None:
    text = value.strip()
    low = text.lower()
    if low in ("now", "ngay", "bây giờ"):
        return now
    if low in ("next", "tiếp"):
        return None
    match = _RELATIVE.match(low)
    if match:
        unit = match.group(2).lower() if match.group(2) else None
        return now + timedelta(seconds=float(match.group(1)) * _UNITS[unit])
    match = _HHMM.match(low)
    if match:
        local_now = now.astimezone(tz)
        candidate = datetime.combine(local_now.date(), time(int(match.group(1)), int(match.group(2))), tz)
        if candidate <= local_now:
            candidate = datetime.combine(local_now.date() + timedelta(days=1), candidate.timetz())
        return candidate.astimezone(UTC)
    try:
        moment = datetime.fromisoformat(text.replace(" ", "T", 1) if " " in text and "T" not in text else text)
    except ValueError:
        raise UsageError("bad_time", value=value) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC)


def parse_local_date(value: str) -> date:
    """Read YYYY-MM-DD (a station-local calendar date)."""
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError("bad_date", value=value) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise UsageError("date_out_of_range", value=value, first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat())
    return day


def day_range(first: date | None, last: date | None, tz: ZoneInfo) -> tuple[datetime | None, datetime | None]:
    """UTC bounds [start, end) covering local days `first` to `last` inclusive."""
    start = datetime.combine(first, time(), tz).astimezone(UTC) if first else None
    end = datetime.combine(last + timedelta(days=1), time(), tz).astimezone(UTC) if last else None
    return start, end


def next_air_time(
    local_time: tuple[int, int], weekdays: Iterable[int], tz: ZoneInfo, after: datetime
) -> datetime | None:
    """The first instant strictly after `after` when a slot at `local_time` on ISO `weekdays` airs."""
    days = frozenset(weekdays)
    if not days:
        return None
    local_after = after.astimezone(tz)
    for offset in range(0, 8):
        day = local_after.date() + timedelta(days=offset)
        if day.isoweekday() not in days:
            continue
        candidate = datetime.combine(day, time(*local_time), tz)
        if candidate > local_after:
            return candidate.astimezone(UTC)
    return None


def format_local(moment: datetime | None, tz: ZoneInfo, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    """Show an instant in the station's timezone."""
    return moment.astimezone(tz).strftime(fmt) if moment else ""
