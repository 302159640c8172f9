"""Pure time arithmetic: --at values and slot air times."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from scheduler.errors import UsageError
from scheduler.programme.times import day_range, next_air_time, parse_at

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 23, 5, 55, tzinfo=TZ).astimezone(UTC)  # Monday


@pytest.mark.parametrize(
    "value, expected",
    [
        ("now", NOW),
        ("+10m", datetime(2026, 11, 23, 6, 5, tzinfo=TZ)),
        ("+30s", datetime(2026, 11, 23, 5, 55, 30, tzinfo=TZ)),
        ("+2h", datetime(2026, 11, 23, 7, 55, tzinfo=TZ)),
        ("06:30", datetime(2026, 11, 23, 6, 30, tzinfo=TZ)),
        ("17h30", datetime(2026, 11, 23, 17, 30, tzinfo=TZ)),
        ("05:00", datetime(2026, 11, 24, 5, 0, tzinfo=TZ)),  # already past today: tomorrow
        ("2026-12-01 06:00", datetime(2026, 12, 1, 6, 0, tzinfo=TZ)),
        ("2026-12-01T06:00:00+00:00", datetime(2026, 12, 1, 6, 0, tzinfo=UTC)),
    ],
)
def test_parse_at(value, expected):
    assert parse_at(value, now=NOW, tz=TZ) == expected


def test_next_means_the_next_slot():
    assert parse_at("next", now=NOW, tz=TZ) is None


@pytest.mark.parametrize("value", ["tomorrow-ish", "25:00", "+5x", "2026-13-01", ""])
def test_unparseable_at_is_a_usage_error(value):
    with pytest.raises(UsageError) as info:
        parse_at(value, now=NOW, tz=TZ)
    assert info.value.code == "bad_time"


def test_next_air_time_respects_weekdays_and_local_time():
    assert next_air_time((6, 0), range(1, 8), TZ, NOW) == datetime(2026, 11, 23, 6, 0, tzinfo=TZ)
    assert next_air_time((5, 0), range(1, 8), TZ, NOW) == datetime(2026, 11, 24, 5, 0, tzinfo=TZ)
    assert next_air_time((6, 0), [6, 7], TZ, NOW) == datetime(2026, 11, 28, 6, 0, tzinfo=TZ)  # Saturday
    at_six = datetime(2026, 11, 23, 6, 0, tzinfo=TZ)
    assert next_air_time((6, 0), range(1, 8), TZ, at_six) == datetime(2026, 11, 24, 6, 0, tzinfo=TZ)
    assert next_air_time((6, 0), [], TZ, NOW) is None


def test_day_range_covers_local_days():
    start, end = day_range(date(2026, 11, 1), date(2026, 11, 30), TZ)
    assert start == datetime(2026, 11, 1, tzinfo=TZ) and end == datetime(2026, 12, 1, tzinfo=TZ)
