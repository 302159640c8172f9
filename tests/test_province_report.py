"""The province's consolidated month (broadcasts.province_report), on SQLite and PostgreSQL, and its benchmark."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from broadcasts.figures import Period
from broadcasts.models import AiringStatus, Station
from broadcasts.province_report import StationMonth, Unaired, province_month
from broadcasts.report import build_report
from broadcasts.store import open_store
from tests.conftest import PG_URL, REPO, require_pg
from tests.log_builder import LogBuilder, local

MARCH = Period.month(2026, 3)
NOW = local(2026, 4, 2, 9)
ZEROS = {"aired": 0, "posted": 0, "failed": 0, "missed": 0, "skipped": 0, "dry_run": 0, "unknown": 0}


@pytest.fixture
def province(db_url: str) -> Any:
    """Four stations: one that aired most of its month, one that aired nothing, one with no log, one in UTC."""
    engine, sessions = open_store(db_url)
    a = LogBuilder.other_station(sessions, "xa-a")
    a.plan(["1", "1.1", "2"])
    a.record("radio", "aired", local(2026, 3, 2), item="1.1", seconds=120.0)
    a.record("radio", "aired", local(2026, 3, 3, 17), item="1.1", seconds=90.0)
    a.record("facebook", "posted", local(2026, 3, 2), item="1.1")
    a.record("radio", "missed", local(2026, 3, 4), title="Lịch tiêm chủng", error_code="missed_grace", late=None)
    a.record("zalo", "failed", local(2026, 3, 5), title="Thu thuế", error_code="zalo_timeout", late=None)
    a.record("radio", "skipped", local(2026, 3, 6), title="Tạm ngưng", error_code="quiet_hours")
    a.record("zalo", "dry_run", local(2026, 3, 7), item="2")
    unclear, _ = a.record("facebook", "unknown", local(2026, 3, 8), item="2", error_code="graph_timeout")
    a.record("facebook", "posted", local(2026, 3, 8), airing=unclear)  # reconciled: one posted airing
    sent, _ = a.record("zalo", "posted", local(2026, 3, 9, 22), item="2")
    a.record("zalo", "posted", local(2026, 3, 10, 6), item="2", retry_of=sent)  # the deferred broadcast's 2nd step
    a.record("radio", "aired", local(2026, 2, 28, 17), item="1", seconds=60.0)  # February
    a.record("radio", "aired", local(2026, 4, 1, 0, 30), item="1", seconds=60.0)  # April, local time
    b = LogBuilder.other_station(sessions, "xa-b")
    b.plan(["1", "2"])
    b.record("radio", "failed", local(2026, 3, 12), title="Phòng chống bão", error_code="device_busy", late=None)
    b.record("facebook", "missed", local(2026, 3, 12), title="Phòng chống bão", error_code="missed_grace", late=None)
    b.airing("radio", local(2026, 3, 20), title="Họp dân", status=AiringStatus.pending)  # long overdue
    b.airing("radio", local(2026, 4, 2, 8), title="Sắp phát", status=AiringStatus.pending)  # April
    c = LogBuilder.other_station(sessions, "xa-c")
    with sessions.begin() as session:
        d = Station(code="xa-d", name="Đài giờ UTC", timezone="UTC")
        session.add(d)
        session.flush()
        d_id = d.id
    utc = LogBuilder(sessions, d_id)
    late_march = datetime(2026, 3, 31, 20, 0, tzinfo=UTC)  # 1 April in Việt Nam, still March in UTC
    utc.record("radio", "aired", late_march, seconds=30.0)
    a.record("radio", "aired", late_march, seconds=30.0)  # for xa-a that is April
    yield sessions, {"a": a.station_id, "b": b.station_id, "c": c.station_id, "d": d_id}
    engine.dispose()


def by_code(rows: list[StationMonth]) -> dict[str, StationMonth]:
    return {r.code: r for r in rows}


def test_every_station_has_its_counts_by_channel_and_final_outcome(province):
    sessions, _ = province
    with sessions() as session:
        rows = province_month(session, MARCH, now=NOW)
    assert [r.code for r in rows] == ["xa-a", "xa-b", "xa-c", "xa-d"]
    a = by_code(rows)["xa-a"]
    assert a.counts == {
        "facebook": {**ZEROS, "posted": 2},
        "radio": {**ZEROS, "aired": 2, "missed": 1, "skipped": 1},
        "zalo": {**ZEROS, "failed": 1, "dry_run": 1, "posted": 1},
    }
    assert (a.aired, a.posted, a.failed, a.missed, a.skipped, a.dry_run, a.unknown) == (2, 3, 1, 1, 1, 1, 0)
    assert (a.airings, a.done, a.success_rate) == (9, 5, round(5 / 8, 4))
    assert a.items == {"1": 0, "1.1": 3, "2": 2}  # the dry run is not done; the follow-up is not one more


def test_what_did_not_air_is_listed_with_its_outcome_and_error_code(province):
    sessions, _ = province
    with sessions() as session:
        a = by_code(province_month(session, MARCH, now=NOW))["xa-a"]
    assert [(u.title, u.channel, u.outcome, u.error_code) for u in a.unaired] == [
        ("Lịch tiêm chủng", "radio", "missed", "missed_grace"),
        ("Thu thuế", "zalo", "failed", "zalo_timeout"),
        ("Tạm ngưng", "radio", "skipped", "quiet_hours"),
    ]
    assert a.unaired[0].due_at == local(2026, 3, 4)
    assert all(isinstance(u, Unaired) and u.bulletin_id and u.airing_id for u in a.unaired)


def test_a_station_that_aired_nothing_has_zeros_and_every_missing_bulletin(province):
    sessions, _ = province
    with sessions() as session:
        b = by_code(province_month(session, MARCH, now=NOW))["xa-b"]
    assert (b.aired, b.posted, b.done, b.success_rate) == (0, 0, 0, 0.0)
    assert (b.failed, b.missed, b.airings) == (1, 1, 2)
    assert b.items == {"1": 0, "2": 0}
    assert [(u.title, u.channel, u.outcome, u.error_code) for u in b.unaired] == [
        ("Phòng chống bão", "radio", "failed", "device_busy"),
        ("Phòng chống bão", "facebook", "missed", "missed_grace"),
        ("Họp dân", "radio", "no_record", "still_pending"),  # due 20 March, still pending, nothing logged
    ]
    assert all(u.due_at < local(2026, 4, 1, 0) for u in b.unaired)  # not the April airing


def test_without_now_an_overdue_airing_without_a_record_is_not_guessed_at(province):
    sessions, _ = province
    with sessions() as session:
        b = by_code(province_month(session, MARCH))["xa-b"]
    assert [u.outcome for u in b.unaired] == ["failed", "missed"]


def test_a_station_with_no_log_has_zeros_and_nothing_listed(province):
    sessions, _ = province
    with sessions() as session:
        c = by_code(province_month(session, MARCH, now=NOW))["xa-c"]
    assert (c.counts, c.items, c.unaired, c.airings, c.success_rate) == ({}, {}, [], 0, None)
    assert all(c.outcome(o) == 0 for o in ZEROS)


def test_each_station_is_read_in_its_own_time_zone(province):
    sessions, _ = province
    with sessions() as session:
        rows = by_code(province_month(session, MARCH, now=NOW))
    assert rows["xa-d"].counts == {"radio": {**ZEROS, "aired": 1}}  # 31 March 20:00 UTC is March there
    assert rows["xa-a"].aired == 2  # and April in Việt Nam: not counted


def test_station_ids_narrow_the_report(province):
    sessions, ids = province
    with sessions() as session:
        rows = province_month(session, MARCH, [ids["b"], ids["d"]], now=NOW)
        assert province_month(session, MARCH, [], now=NOW) == []
    assert [r.code for r in rows] == ["xa-b", "xa-d"]
    assert rows[0].failed == 1 and rows[1].aired == 1


def test_a_stations_row_agrees_with_its_own_report(province):
    sessions, ids = province
    with sessions() as session:
        rows = by_code(province_month(session, MARCH, now=NOW))
        for code in ("a", "b"):
            report = build_report(session, ids[code], MARCH, now=NOW)
            row = rows[f"xa-{code}"]
            assert {t.channel: t.counts for t in report.totals} == row.counts
            assert (report.done, report.airings, report.success_rate) == (row.done, row.airings, row.success_rate)
            assert {i.ref: i.total for i in report.items} == row.items
            assert sorted((p.airing_id, p.outcome, p.error_code) for p in report.problems) == sorted(
                (u.airing_id, u.outcome, u.error_code) for u in row.unaired
            )


# -- the benchmark's province case, small ----------------------------------------------------------------------


def test_the_log_benchmarks_province_case_ends_with_its_json_line(tmp_path):
    require_pg()
    database = f"loa_test_logbench_{uuid.uuid4().hex[:8]}"
    size = ["--records", "20000", "--stations", "20", "--repeat", "1"]
    where = ["--url", PG_URL, "--database", database]
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "log.py"), "--province", *size, *where],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["province"] is True and figures["backend"] == "postgresql"
    assert (figures["records"], figures["stations"], figures["province_stations"]) == (20_000, 20, 20)
    for key in ("log_month_query_s", "log_month_cli_s", "console_log_month_s", "report_month_s", "fill_s"):
        assert figures[key] >= 0, key
    for key in ("province_report_s", "load_rows_s", "load_vacuum_analyze_s"):
        assert figures[key] >= 0, key
    # March 2026 is one month of the 707 days 19,800 airings fill: about a 23rd of them, all reported
    assert 700 < figures["province_month_airings"] < 1_000
    assert figures["month_records"] > 0
    not_done = figures["province_month_airings"] - figures["province_month_done"]
    assert 0 < figures["province_month_unaired"] <= not_done  # dry runs are neither done nor unaired
    assert figures["db_bytes"] > 1_000_000
    _assert_dropped(database)


def _assert_dropped(database: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(PG_URL)
    with psycopg.connect(host=url.host, port=url.port or 5432, user=url.username, dbname=url.database) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone()
    assert found is None, f"{database} was left behind"
