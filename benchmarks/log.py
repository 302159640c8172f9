"""The broadcast log at scale: a month of `loa log --format json` and the monthly report on a big database.

Fills a database with log records (default 1,000,000) over two years for 50
stations, each record with its airing and (one per three channels) its
bulletin, interleaved day by day across the stations as a shared provincial
database would receive them. Then, for one station and one month, it times:
the log query and its JSON (what `loa log --month M --format json` does after
opening the app), the same through the whole CLI in process, and the monthly
report computed and written as .xlsx. Prints a JSON line last.

    python benchmarks/log.py [--records 1000000] [--stations 50] [--url postgresql+psycopg://...]

A PostgreSQL URL gets a schema of its own (created, then dropped), so no other
table is touched; the temporary folder is removed unless --keep. Timings are the best of --repeat runs (the first run is
shown too).

The province case (issue 17) is PostgreSQL only: 10,000,000 records over 500
stations by default, made by PostgreSQL itself (`benchmarks.provincedata`) in a
database of its own (--database, created then dropped; --url names the server).
Besides the one station's month it times the province's consolidated report of
the month across all stations (`broadcasts.province_report.province_month`);
the JSON line gains its keys (`province_*`, the load steps).

    python benchmarks/log.py --province [--records 10000000] [--stations 500]
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from contextlib import redirect_stdout
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text
from sqlalchemy.engine import make_url

from benchmarks.logdata import TZ, Filler
from benchmarks.provincedata import Shape, fill_province
from broadcasts.figures import Period
from broadcasts.log import LogQuery
from broadcasts.province_report import province_month
from broadcasts.store import open_store

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def timed(func: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """(first run, best run) in seconds, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
    return times[0], min(times), result


def _pg_params(url: str) -> dict[str, Any]:
    """psycopg's connection parameters for the database of a SQLAlchemy `url` (autocommit)."""
    parsed = make_url(url)
    return dict(
        host=parsed.host,
        port=parsed.port or 5432,
        user=parsed.username,
        dbname=parsed.database,
        password=parsed.password,
        autocommit=True,
    )


def pg_schema(url: str) -> tuple[str, Callable[[], None]]:
    """A fresh schema on the PostgreSQL at `url`; returns the URL that uses it and how to drop it."""
    import psycopg

    parsed = make_url(url)
    schema = f"loa_bench_{uuid.uuid4().hex[:10]}"
    params = _pg_params(url)
    with psycopg.connect(**params) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')

    def drop() -> None:
        with psycopg.connect(**params) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')

    return parsed.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False), drop


def pg_database(url: str, name: str) -> tuple[str, Callable[[], None]]:
    """A fresh database `name` on the PostgreSQL server of `url` (one left by a killed run is dropped first)."""
    import psycopg

    parsed = make_url(url)
    params = _pg_params(url)
    with psycopg.connect(**params) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(**params) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return parsed.set(database=name).render_as_string(hide_password=False), drop


def db_bytes(engine: Any, folder: Path) -> int:
    """The database's size on disk: the SQLite file (after a WAL checkpoint), or the tables of our schema."""
    if engine.dialect.name == "sqlite":
        import sqlite3

        engine.dispose()
        with sqlite3.connect(folder / "loa.db") as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return sum(p.stat().st_size for p in folder.glob("loa.db*"))
    with engine.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
                )
            ).scalar()
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=None, help="default 1,000,000 (--province: 10,000,000)")
    parser.add_argument("--stations", type=int, default=None, help="default 50 (--province: 500)")
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--url", default=None, help="default: a SQLite file in a temporary folder")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (and the SQLite file)")
    parser.add_argument("--province", action="store_true", help="the province case, on PostgreSQL")
    parser.add_argument("--database", default="loa_logbench", help="--province: the database made and dropped")
    args = parser.parse_args()
    if args.records is None:
        args.records = 10_000_000 if args.province else 1_000_000
    if args.stations is None:
        args.stations = 500 if args.province else 50

    folder = Path(tempfile.mkdtemp(prefix="loa-log-bench-"))
    drop: Callable[[], None] = lambda: None  # noqa: E731
    url = args.url or (PG_URL if args.province else f"sqlite:///{folder / 'loa.db'}")
    if args.province:
        if not url.startswith("postgresql"):
            parser.error("--province runs on PostgreSQL: give --url postgresql+psycopg://...")
        url, drop = pg_database(url, args.database)
    elif url.startswith("postgresql"):
        url, drop = pg_schema(url)
    try:
        (run_province if args.province else run)(args, url, folder)
    finally:
        drop()
        if args.keep:
            print(f"kept {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)


def run(args: argparse.Namespace, url: str, folder: Path) -> None:
    engine, sessions = open_store(url)
    first_day = date(2025, 1, 1)
    filler = Filler(sessions, args.stations, args.seed)
    filler.setup(datetime(2024, 12, 20, tzinfo=UTC))
    shares = [
        args.records // args.stations + (1 if s < args.records % args.stations else 0) for s in range(args.stations)
    ]
    started = time.perf_counter()
    for n in range(args.days):
        day = first_day + timedelta(days=n)
        for station, share in enumerate(shares, start=1):
            filler.day(station, day, (n + 1) * share // args.days - n * share // args.days)
        if n % 60 == 0:
            print(f"day {n + 1}/{args.days}: {filler.written + len(filler.rows['record']):,} records", flush=True)
    filler.flush()
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            for table in ("stations", "plans", "content_items", "bulletins", "airings", "log_records"):
                conn.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
                )
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    fill_s = time.perf_counter() - started
    size = db_bytes(engine, folder)
    engine.dispose()
    print(
        f"filled {filler.written:,} log records, {filler.ids['airing']:,} airings, "
        f"{filler.ids['bulletin']:,} bulletins in {fill_s:.1f} s; database {size / 1e6:.0f} MB",
        flush=True,
    )

    figures = measure_station(args, url, folder, code=f"xa-{7:02d}", name="Đài truyền thanh xã Số 7")
    print(
        json.dumps(
            {
                "backend": make_url(url).get_backend_name(),
                "records": filler.written,
                "stations": args.stations,
                **figures,
                "fill_s": round(fill_s, 1),
                "db_bytes": size,
            }
        )
    )


def run_province(args: argparse.Namespace, url: str, folder: Path) -> None:
    engine, sessions = open_store(url)  # the migrations' schema, with their indexes
    shape = Shape(stations=args.stations, records=args.records, days=args.days, first=date(2025, 1, 1))
    started = time.perf_counter()
    steps = fill_province(engine, shape, say=lambda line: print(line, flush=True))
    fill_s = time.perf_counter() - started
    with engine.connect() as conn:
        size = int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar() or 0)
    print(
        f"filled {args.records:,} log records, {shape.airings:,} airings, {shape.bulletins:,} bulletins, "
        f"{args.stations} stations in {fill_s:.1f} s; database {size / 1e6:.0f} MB",
        flush=True,
    )
    figures = measure_station(args, url, folder, code="xa-007", name="Đài truyền thanh xã Số 7")
    month = Period.month(2026, 3)
    now = datetime(2027, 1, 1, tzinfo=UTC)

    def province() -> list[Any]:
        with sessions() as session:
            return province_month(session, month, now=now)

    first, best, rows = timed(province, args.repeat)
    engine.dispose()
    airings = sum(r.airings for r in rows)
    unaired = sum(len(r.unaired) for r in rows)
    print(
        f"province, {month.first:%Y-%m}: {len(rows)} stations, {airings:,} airings, {unaired:,} not aired; "
        f"report {best * 1000:.0f} ms (first {first * 1000:.0f} ms)",
        flush=True,
    )
    print(
        json.dumps(
            {
                "backend": "postgresql",
                "records": args.records,
                "stations": args.stations,
                **figures,
                "fill_s": round(fill_s, 1),
                "db_bytes": size,
                "province": True,
                "province_report_s": round(best, 4),
                "province_report_first_s": round(first, 4),
                "province_stations": len(rows),
                "province_month_airings": airings,
                "province_month_unaired": unaired,
                "province_month_done": sum(r.done for r in rows),
                "load_setup_s": round(steps["setup_s"], 1),
                "load_rows_s": round(steps["rows_s"], 1),
                "load_airings_s": round(steps["airings_s"], 1),
                "load_records_s": round(steps["records_s"], 1),
                "load_vacuum_analyze_s": round(steps["vacuum_analyze_s"], 1),
            }
        )
    )


def measure_station(args: argparse.Namespace, url: str, folder: Path, *, code: str, name: str) -> dict[str, Any]:
    """Time one station's month (March 2026): `loa log` (its query and JSON, then the whole CLI), the console's
    log page query, and the monthly report with its .xlsx; prints a summary, returns the JSON figures."""
    from scheduler.app import build_app
    from scheduler.cli import main as loa
    from scheduler.cli.output import log_json
    from scheduler.config import parse_config
    from scheduler.report.files import write_report
    from scheduler.services.records import make_report, read_log, read_log_page

    month = Period.month(2026, 3)
    settings = {"station": {"name": name, "code": code}, "database": {"url": url}}
    config = parse_config(settings, source="<benchmark>", base_dir=folder)
    config_file = folder / "config.toml"
    config_file.write_text(
        f'[station]\nname = "{name}"\ncode = "{code}"\n[database]\nurl = "{url}"\n', encoding="utf-8"
    )
    app = build_app(config, channels={})
    since, until = month.bounds(TZ)
    try:

        def log_month() -> int:
            page = read_log_page(app, LogQuery(since=since, until=until))
            return len(json.loads(log_json(page.records, TZ)))

        log_first, log_best, count = timed(log_month, args.repeat)

        def log_cli() -> None:
            buffer = io.StringIO()
            with redirect_stdout(buffer):
                try:
                    loa(["--config", str(config_file), "log", "--month", "2026-03", "--format", "json"])
                except SystemExit as exc:
                    assert exc.code == 0, exc.code
            assert len(json.loads(buffer.getvalue())) == count

        _, cli_best, _ = timed(log_cli, args.repeat)

        def console_month() -> int:  # what the console's log page (and GET /api/log) reads for a month
            return len(list(reversed(read_log(app, LogQuery(since=since, until=until))))[:300])

        _, console_best, _ = timed(console_month, args.repeat)

        def report() -> Any:
            result = make_report(app, month)
            write_report(result, folder / "bao-cao.xlsx")
            return result

        report_first, report_best, result = timed(report, args.repeat)
    finally:
        app.close()
    print(
        f"one station, {month.first:%Y-%m}: {count} records; log query+JSON {log_best * 1000:.0f} ms "
        f"(first {log_first * 1000:.0f} ms), whole CLI {cli_best * 1000:.0f} ms, console query "
        f"{console_best * 1000:.0f} ms; report with .xlsx {report_best * 1000:.0f} ms (first "
        f"{report_first * 1000:.0f} ms, {result.airings} airings, {result.radio_minutes:.0f} radio minutes)",
        flush=True,
    )
    return {
        "month_records": count,
        "log_month_query_s": round(log_best, 4),
        "log_month_query_first_s": round(log_first, 4),
        "log_month_cli_s": round(cli_best, 4),
        "report_month_s": round(report_best, 4),
        "report_month_first_s": round(report_first, 4),
        "console_log_month_s": round(console_best, 4),
    }


if __name__ == "__main__":
    main()
