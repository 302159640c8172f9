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
"""

from __future__ import annotations

import argparse
import io
import json
import math
import random
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from contextlib import redirect_stdout
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Table, insert, text
from sqlalchemy.engine import make_url

from broadcasts.channels import channel_names
from broadcasts.log import LogQuery
from broadcasts.models import Airing, Bulletin, ContentItem, LogRecord, Outcome, Plan, Station
from broadcasts.report import Period
from broadcasts.store import open_store

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CHANNELS = channel_names()
ITEMS = 30
CHUNK = 20_000
RADIO = [(Outcome.aired, 0.95), (Outcome.missed, 0.02), (Outcome.failed, 0.02), (Outcome.skipped, 0.01)]
SOCIAL = [
    (Outcome.posted, 0.90),
    (Outcome.dry_run, 0.05),
    (Outcome.failed, 0.03),
    (Outcome.unknown, 0.01),
    (Outcome.missed, 0.01),
]


def pick(rng: random.Random, table: list[tuple[Outcome, float]]) -> Outcome:
    x = rng.random()
    for outcome, share in table:
        x -= share
        if x < 0:
            return outcome
    return table[0][0]


class Filler:
    """Makes stations, plans, bulletins, airings and log records with explicit ids, inserted in chunks."""

    def __init__(self, sessions: Any, stations: int, seed: int) -> None:
        self.sessions = sessions
        self.stations = stations
        self.rng = random.Random(seed)
        self.ids = {"bulletin": 0, "airing": 0, "record": 0}
        self.rows: dict[str, list[dict[str, Any]]] = {"bulletin": [], "airing": [], "record": []}
        self.items: dict[int, list[int]] = {}
        self.written = 0

    def next_id(self, kind: str) -> int:
        self.ids[kind] += 1
        return self.ids[kind]

    def setup(self, first: datetime) -> None:
        with self.sessions.begin() as session:
            session.execute(
                insert(Station),
                [
                    {
                        "id": s,
                        "code": f"xa-{s:02d}",
                        "name": f"Đài truyền thanh xã Số {s}",
                        "timezone": "Asia/Ho_Chi_Minh",
                    }
                    for s in range(1, self.stations + 1)
                ],
            )
            session.execute(
                insert(Plan),
                [
                    {
                        "id": s,
                        "station_id": s,
                        "title": "Kế hoạch tuyên truyền CCHC",
                        "year": first.year,
                        "issuer": "UBND xã",
                        "channels": list(CHANNELS),
                        "source_name": "kh.docx",
                        "sha256": f"{s:064x}",
                        "imported_at": first,
                        "active": True,
                    }
                    for s in range(1, self.stations + 1)
                ],
            )
            rows = []
            for s in range(1, self.stations + 1):
                self.items[s] = []
                for n in range(ITEMS):
                    item_id = (s - 1) * ITEMS + n + 1
                    rows.append(
                        {
                            "id": item_id,
                            "plan_id": s,
                            "ref": f"{n // 5 + 1}.{n % 5 + 1}",
                            "text": f"Nội dung tuyên truyền số {n + 1}",
                            "position": n,
                            "rotation": "normal",
                        }
                    )
                    self.items[s].append(item_id)
            session.execute(insert(ContentItem), rows)

    def day(self, station: int, day: date, records: int) -> int:
        """Append about `records` records of one station's local day; returns how many were made."""
        made = 0
        per_slot = math.ceil(records / len(CHANNELS) / 2)
        for hour in (6, 17):
            for k in range(per_slot):
                if made >= records:
                    return made
                due = datetime(day.year, day.month, day.day, hour, 0, tzinfo=TZ).astimezone(UTC) + timedelta(
                    minutes=4 * k
                )
                item = self.rng.choice(self.items[station]) if self.rng.random() < 0.85 else None
                bulletin = self.next_id("bulletin")
                self.rows["bulletin"].append(
                    {
                        "id": bulletin,
                        "station_id": station,
                        "title": f"Bản tin {bulletin}",
                        "body": "Thông báo của Ủy ban nhân dân xã về thủ tục hành chính.",
                        "priority": "normal",
                        "approval": "approved",
                        "content_item_id": item,
                        "origin": "rotation" if item else "operator",
                        "created_at": due - timedelta(hours=12),
                    }
                )
                for channel in CHANNELS:
                    if made >= records:
                        break
                    made += self._airing(station, bulletin, channel, due)
        return made

    def _airing(self, station: int, bulletin: int, channel: str, due: datetime) -> int:
        rng = self.rng
        outcome = pick(rng, RADIO if channel == "radio" else SOCIAL)
        airing = self.next_id("airing")
        self.rows["airing"].append(
            {
                "id": airing,
                "bulletin_id": bulletin,
                "station_id": station,
                "channel": channel,
                "due_at": due,
                "status": "unknown" if outcome is Outcome.unknown else "done",
                "outcome": outcome.value,
                "attempts": 1,
                "created_at": due - timedelta(hours=12),
            }
        )
        late = None if outcome in (Outcome.missed, Outcome.failed) else round(rng.expovariate(1 / 3.0), 2)
        started = due + timedelta(seconds=late) if late is not None else None
        seconds = round(rng.uniform(30, 300), 1) if channel == "radio" and outcome is Outcome.aired else None
        record = {
            "id": self.next_id("record"),
            "airing_id": airing,
            "bulletin_id": bulletin,
            "station_id": station,
            "channel": channel,
            "outcome": outcome.value,
            "due_at": due,
            "started_at": started,
            "finished_at": (started or due) + timedelta(seconds=seconds or 2),
            "late_seconds": late,
            "tts_engine": "espeak" if seconds else None,
            "audio_path": f"/srv/loa/data/audio/{due:%Y/%m/%d}/xa-{station:02d}-a{airing}.mp3" if seconds else None,
            "audio_sha256": f"{airing:064x}" if seconds else None,
            "audio_seconds": seconds,
            "external_id": f"{channel}-{airing}" if outcome is Outcome.posted else None,
            "external_url": f"https://www.facebook.com/1/posts/{airing}"
            if outcome is Outcome.posted and channel == "facebook"
            else None,
            "error_code": None if outcome in (Outcome.aired, Outcome.posted, Outcome.dry_run) else outcome.value,
            "error_message": None
            if outcome in (Outcome.aired, Outcome.posted, Outcome.dry_run)
            else "Không kết nối được máy chủ (hết thời gian chờ 20 giây).",
            "detail": None,
            "node": "bench",
            "created_at": (started or due) + timedelta(seconds=(seconds or 2) + 1),
        }
        self.rows["record"].append(record)
        if len(self.rows["record"]) >= CHUNK:
            self.flush()
        return 1

    def flush(self) -> None:
        with self.sessions.begin() as session:
            for kind, model in (("bulletin", Bulletin), ("airing", Airing), ("record", LogRecord)):
                if self.rows[kind]:
                    # the Core table: one executemany, not the ORM's groups by which values are null
                    session.execute(insert(cast(Table, model.__table__)), self.rows[kind])
                    if kind == "record":
                        self.written += len(self.rows[kind])
                    self.rows[kind] = []


def timed(func: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """(first run, best run) in seconds, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
    return times[0], min(times), result


def pg_schema(url: str) -> tuple[str, Callable[[], None]]:
    """A fresh schema on the PostgreSQL at `url`; returns the URL that uses it and how to drop it."""
    import psycopg

    parsed = make_url(url)
    schema = f"loa_bench_{uuid.uuid4().hex[:10]}"
    params: dict[str, Any] = dict(
        host=parsed.host,
        port=parsed.port or 5432,
        user=parsed.username,
        dbname=parsed.database,
        password=parsed.password,
        autocommit=True,
    )
    with psycopg.connect(**params) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')

    def drop() -> None:
        with psycopg.connect(**params) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')

    return parsed.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False), drop


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
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--stations", type=int, default=50)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--url", default=None, help="default: a SQLite file in a temporary folder")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (and the SQLite file)")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="loa-log-bench-"))
    drop: Callable[[], None] = lambda: None  # noqa: E731
    url = args.url or f"sqlite:///{folder / 'loa.db'}"
    if url.startswith("postgresql"):
        url, drop = pg_schema(url)
    try:
        run(args, url, folder)
    finally:
        drop()
        if args.keep:
            print(f"kept {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)


def run(args: argparse.Namespace, url: str, folder: Path) -> None:
    from scheduler.app import build_app
    from scheduler.cli import main as loa
    from scheduler.cli.output import log_json
    from scheduler.config import parse_config
    from scheduler.report.files import write_report
    from scheduler.services.records import make_report, read_log_page

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

    station, month = 7, Period.month(2026, 3)
    settings = {"station": {"name": "Đài truyền thanh xã Số 7", "code": f"xa-{station:02d}"}, "database": {"url": url}}
    config = parse_config(settings, source="<benchmark>", base_dir=folder)
    config_file = folder / "config.toml"
    config_file.write_text(
        f'[station]\nname = "Đài truyền thanh xã Số 7"\ncode = "xa-{station:02d}"\n[database]\nurl = "{url}"\n',
        encoding="utf-8",
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

        def report() -> Any:
            result = make_report(app, month)
            write_report(result, folder / "bao-cao.xlsx")
            return result

        report_first, report_best, result = timed(report, args.repeat)
    finally:
        app.close()
    print(
        f"one station, {month.first:%Y-%m}: {count} records; log query+JSON {log_best * 1000:.0f} ms "
        f"(first {log_first * 1000:.0f} ms), whole CLI {cli_best * 1000:.0f} ms; report with .xlsx "
        f"{report_best * 1000:.0f} ms (first {report_first * 1000:.0f} ms, {result.airings} airings, "
        f"{result.radio_minutes:.0f} radio minutes)",
        flush=True,
    )
    print(
        json.dumps(
            {
                "backend": make_url(url).get_backend_name(),
                "records": filler.written,
                "stations": args.stations,
                "month_records": count,
                "log_month_query_s": round(log_best, 4),
                "log_month_query_first_s": round(log_first, 4),
                "log_month_cli_s": round(cli_best, 4),
                "report_month_s": round(report_best, 4),
                "report_month_first_s": round(report_first, 4),
                "fill_s": round(fill_s, 1),
                "db_bytes": size,
            }
        )
    )


if __name__ == "__main__":
    main()
