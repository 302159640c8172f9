"""The runner's delivery policy as tables: decide (hold, miss, skip, go), the early tolerance, the retry waits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduler.programme.slots import QuietHours
from scheduler.runner.delivery import RetryPolicy, Verdict, decide, too_early

TZ = ZoneInfo("Asia/Ho_Chi_Minh")  # UTC+7, no daylight saving
NIGHT = QuietHours.parse("22:00-05:00")  # crosses midnight
NOON = QuietHours.parse("12:00-13:00")
NONE = QuietHours.parse("")
GRACE = timedelta(minutes=10)


def local(hh_mm: str) -> datetime:
    """A moment on 23 Nov 2026 at `hh_mm` station time, as the runner sees it (UTC)."""
    hour, minute = (int(x) for x in hh_mm.split(":"))
    return datetime(2026, 11, 23, hour, minute, tzinfo=TZ).astimezone(UTC)


HOLD, MISS, SKIP, GO = Verdict.hold, Verdict.miss, Verdict.skip, Verdict.go


@pytest.mark.parametrize(
    ("channel", "known", "emergency", "due", "now", "quiet", "expected"),
    [
        # quiet hours hold normal and priority radio airings; an emergency goes
        ("radio", True, False, "23:00", "23:00", NIGHT, HOLD),
        ("radio", True, False, "02:30", "02:35", NIGHT, HOLD),
        ("radio", True, True, "23:00", "23:00", NIGHT, GO),
        ("radio", True, False, "21:59", "22:00", NIGHT, HOLD),  # quiet from its first minute
        ("radio", True, False, "04:55", "05:00", NIGHT, GO),  # and not at its end
        ("radio", True, False, "12:30", "12:30", NOON, HOLD),  # a window within one day
        ("radio", True, False, "13:00", "13:00", NOON, GO),
        ("radio", True, False, "23:00", "23:00", NONE, GO),  # no quiet hours configured
        # it is `now` that counts, not the due time
        ("radio", True, False, "21:55", "22:01", NIGHT, HOLD),
        ("radio", True, False, "04:58", "05:02", NIGHT, GO),
        # an airing not yet due (a timer within the early tolerance) is judged the same
        ("radio", True, False, "23:01", "23:00", NIGHT, HOLD),
        ("radio", True, False, "20:01", "20:00", NIGHT, GO),
        # quiet hours are the radio's only: social posts go (Zalo's night deferral is the Zalo channel's own)
        ("facebook", True, False, "23:00", "23:00", NIGHT, GO),
        ("zalo", True, False, "23:00", "23:00", NIGHT, GO),
        # grace: late up to it goes, past it is missed
        ("radio", True, False, "06:00", "06:10", NONE, GO),
        ("radio", True, False, "06:00", "06:11", NONE, MISS),
        ("facebook", True, False, "06:00", "07:00", NONE, MISS),
        ("radio", True, True, "06:00", "06:11", NONE, MISS),  # an emergency past its grace too
        # past grace is missed, not held, even inside quiet hours
        ("radio", True, False, "22:00", "22:10", NIGHT, HOLD),
        ("radio", True, False, "22:00", "22:11", NIGHT, MISS),
        # a channel not configured here is skipped, before it could be missed
        ("led", False, False, "06:00", "06:00", NONE, SKIP),
        ("led", False, False, "06:00", "08:00", NONE, SKIP),
        ("led", False, False, "23:00", "23:00", NIGHT, SKIP),
        # a radio airing with no radio configured still waits out quiet hours, then is skipped
        ("radio", False, False, "23:00", "23:00", NIGHT, HOLD),
        ("radio", False, False, "06:00", "06:00", NIGHT, SKIP),
    ],
)
def test_decide(channel, known, emergency, due, now, quiet, expected):
    verdict = decide(
        channel=channel,
        known=known,
        emergency=emergency,
        due_at=local(due),
        now=local(now),
        grace=GRACE,
        quiet=quiet,
        tz=TZ,
    )
    assert verdict is expected


@pytest.mark.parametrize(
    ("grace", "late", "expected"),
    [
        (timedelta(minutes=120), timedelta(minutes=119), GO),
        (timedelta(minutes=120), timedelta(minutes=120), GO),
        (timedelta(minutes=120), timedelta(minutes=120, seconds=1), MISS),
        (timedelta(0), timedelta(0), GO),
        (timedelta(0), timedelta(seconds=1), MISS),
    ],
)
def test_decide_uses_the_grace_it_is_given(grace, late, expected):
    due = local("08:00")
    assert (
        decide(
            channel="facebook", known=True, emergency=False, due_at=due, now=due + late, grace=grace, quiet=NONE, tz=TZ
        )
        is expected
    )


@pytest.mark.parametrize(
    ("due_in", "expected"),
    [
        (timedelta(seconds=-60), False),  # late
        (timedelta(0), False),
        (timedelta(milliseconds=500), False),  # a timer may fire this much early
        (timedelta(milliseconds=501), True),
        (timedelta(minutes=20), True),  # moved later since its timer was set
    ],
)
def test_too_early(due_in, expected):
    now = local("06:00")
    assert too_early(now + due_in, now) is expected


@pytest.mark.parametrize(
    ("policy", "attempt", "retry_after", "jitter", "expected"),
    [
        (RetryPolicy(), 1, None, 0.0, 2.0),
        (RetryPolicy(), 2, None, 0.0, 4.0),
        (RetryPolicy(backoff_seconds=1.0), 3, None, 0.0, 4.0),
        (RetryPolicy(backoff_seconds=1.0), 1, None, 0.25, 1.25),
        (RetryPolicy(backoff_seconds=1.0), 2, None, 0.25, 2.5),
        (RetryPolicy(), 1, 30, 0.0, 30.0),  # the service said how long (429 Retry-After, Graph usage headers)
        (RetryPolicy(), 2, 30.0, 0.1, 33.0),
        (RetryPolicy(), 1, 0, 0.0, 2.0),  # "0" is no answer: back off as usual
    ],
)
def test_retry_wait(policy, attempt, retry_after, jitter, expected):
    assert policy.wait(attempt, retry_after=retry_after, jitter=jitter) == pytest.approx(expected)
