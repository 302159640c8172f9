"""A province's broadcast log made by PostgreSQL itself: `INSERT ... SELECT generate_series`, no Python rows.

Stations `xa-001`..; each with a plan in use of ITEMS items; bulletins, airings
and log records over `days` local days from `first`, interleaved day by day
across the stations as a shared provincial database receives them. Each
station's day holds two slots (06:00 and 17:00) of bulletins, one airing per
channel. Outcomes follow the shares of `benchmarks.logdata` (a hash of the
airing number, so a run is repeatable), and one airing in 99 is a correction:
its first record says `unknown`, a second one the final outcome. Referential
checks are switched off for the loading session only (`session_replication_role
= replica`): the rows are consistent by construction, and the indexes are the
migrations' own, kept as rows go in.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, Engine

from benchmarks.logdata import CHANNELS, ITEMS, RADIO, SOCIAL
from broadcasts.models import Outcome

__all__ = ["Shape", "fill_province", "STEP"]

STEP = 1_000_000  # log records per INSERT statement (a progress line each)
_ZONE = "Asia/Ho_Chi_Minh"


@dataclass(frozen=True, kw_only=True)
class Shape:
    """How many stations, records and days, and the arithmetic that lays them out."""

    stations: int
    records: int
    days: int
    first: date

    @property
    def airings(self) -> int:
        """Every 100 records hold 99 airings: the 100th record corrects the 99th airing."""
        return self.records // 100 * 99 + min(self.records % 100, 99)

    @property
    def per_day(self) -> int:
        return math.ceil(self.airings / self.days)

    @property
    def bulletins_per_station_day(self) -> int:
        return math.ceil(math.ceil(self.per_day / self.stations) / len(CHANNELS))

    @property
    def bulletins(self) -> int:
        return self.days * self.stations * self.bulletins_per_station_day


def _outcome(u: str, table: Sequence[tuple[Outcome, float]]) -> str:
    """A CASE over `u` (uniform in [0, 1)) picking outcomes by their shares."""
    parts, edge = [], 0.0
    for outcome, share in table[:-1]:
        edge += share
        parts.append(f"WHEN {u} < {edge:.4f} THEN '{outcome.value}'")
    return f"CASE {' '.join(parts)} ELSE '{table[-1][0].value}' END"


def _uniform(expr: str, salt: int = 0) -> str:
    return f"((hashint8(({expr})::bigint + {salt}) & 2147483647)::float8 / 2147483648.0)"


def _airing_columns(shape: Shape, a: str) -> str:
    """The SELECT list laying out airing number `a` (0-based): day, station, channel, bulletin, due time, outcome."""
    s, c, bpd = shape.stations, len(CHANNELS), shape.bulletins_per_station_day
    channels = "ARRAY[" + ", ".join(f"'{name}'" for name in CHANNELS) + "]"
    return f"""
        {a} AS a, d, st, q % {c} AS ch,
        ({channels})[q % {c} + 1] AS channel,
        (d * {s} + st) * {bpd} + q / {c} + 1 AS bulletin_id,
        ((timestamp '{shape.first.isoformat()}' + d * interval '1 day'
          + (CASE WHEN (q / {c}) % 2 = 0 THEN 6 ELSE 17 END) * interval '1 hour'
          + ((q / {c}) / 2) * interval '4 minutes') AT TIME ZONE '{_ZONE}') AS due_at,
        CASE WHEN q % {c} = 0 THEN {_outcome(_uniform(a), RADIO)}
             ELSE {_outcome(_uniform(a), SOCIAL)} END AS outcome,
        {_uniform(a, 7_919)} AS u
    """


def _airings_from(shape: Shape, series: str, carry: str = "") -> str:
    """A FROM clause of airing numbers `series` (column `a`, and the columns `carry` along) with their layout."""
    return f"""(
        SELECT {carry}{_airing_columns(shape, "a")}
        FROM (SELECT {carry}a, a / {shape.per_day} AS d, (a % {shape.per_day}) % {shape.stations} AS st,
                     (a % {shape.per_day}) / {shape.stations} AS q
              FROM {series}) AS n
    ) AS x"""


def _setup_sql(shape: Shape) -> list[str]:
    s, bpd, first = shape.stations, shape.bulletins_per_station_day, shape.first.isoformat()
    return [
        f"""INSERT INTO stations (id, code, name, timezone)
            SELECT s, 'xa-' || lpad(s::text, 3, '0'), 'Đài truyền thanh xã Số ' || s, '{_ZONE}'
            FROM generate_series(1, {s}) AS s""",
        f"""INSERT INTO plans (id, station_id, title, year, issuer, channels, source_name, sha256, imported_at, active)
            SELECT s, s, 'Kế hoạch tuyên truyền CCHC', {shape.first.year}, 'UBND xã',
                   '{_json_list(CHANNELS)}', 'kh.docx', lpad(to_hex(s), 64, '0'),
                   timestamptz '{first} 00:00+07' - interval '10 days', true
            FROM generate_series(1, {s}) AS s""",
        f"""INSERT INTO content_items (id, plan_id, ref, text, position, rotation)
            SELECT (s - 1) * {ITEMS} + n + 1, s, (n / 5 + 1) || '.' || (n % 5 + 1),
                   'Nội dung tuyên truyền số ' || (n + 1), n, 'normal'
            FROM generate_series(1, {s}) AS s, generate_series(0, {ITEMS - 1}) AS n""",
        f"""INSERT INTO bulletins (id, station_id, title, body, priority, approval, content_item_id, origin,
                                   created_at, kind)
            SELECT b + 1, st + 1, 'Bản tin ' || (b + 1),
                   'Thông báo của Ủy ban nhân dân xã về thủ tục hành chính.', 'normal', 'approved',
                   CASE WHEN {_uniform("b", 104_729)} < 0.85
                        THEN st * {ITEMS} + (hashint8(b::bigint) & 2147483647) % {ITEMS} + 1 END,
                   CASE WHEN {_uniform("b", 104_729)} < 0.85 THEN 'rotation' ELSE 'operator' END,
                   timestamptz '{first} 00:00+07' + (b / ({s} * {bpd})) * interval '1 day' - interval '6 hours',
                   'speech'
            FROM (SELECT b, (b / {bpd}) % {s} AS st FROM generate_series(0, {shape.bulletins - 1}) AS b) AS n""",
    ]


def _json_list(names: tuple[str, ...]) -> str:
    return "[" + ", ".join(f'"{n}"' for n in names) + "]"


def _airings_sql(shape: Shape, low: int, high: int) -> str:
    """Airings number `low`..`high` - 1; one that is corrected but whose correction is past the end stays unknown."""
    last_corrected = shape.records // 100 * 99  # airings below this with a % 99 = 98 have their correction
    return f"""INSERT INTO airings (id, bulletin_id, station_id, channel, due_at, status, outcome, attempts,
                                   created_at)
        SELECT a + 1, bulletin_id, st + 1, channel, due_at,
               CASE WHEN outcome = 'unknown' OR (a % 99 = 98 AND a >= {last_corrected}) THEN 'unknown' ELSE 'done' END,
               CASE WHEN a % 99 = 98 AND a >= {last_corrected} THEN 'unknown' ELSE outcome END,
               1, due_at - interval '12 hours'
        FROM {_airings_from(shape, f"generate_series({low}, {high - 1}) AS g(a)")}"""


def _records_sql(shape: Shape, low: int, high: int) -> str:
    """Log records number `low`..`high` - 1 (0-based): record k is of airing k / 100 * 99 + min(k % 100, 98)."""
    series = f"(SELECT k / 100 * 99 + least(k % 100, 98) AS a, k FROM generate_series({low}, {high - 1}) AS k) AS g"
    late = "round((-3.0 * ln(1.0 - u))::numeric, 2)::float8"
    return f"""INSERT INTO log_records (id, airing_id, bulletin_id, station_id, channel, outcome, due_at, started_at,
                                       finished_at, late_seconds, tts_engine, audio_path, audio_sha256,
                                       audio_seconds, external_id, external_url, error_code, error_message,
                                       node, created_at)
        SELECT k + 1, a + 1, bulletin_id, st + 1, channel, final, due_at,
               due_at + late * interval '1 second',
               coalesce(due_at + late * interval '1 second', due_at) + coalesce(seconds, 2) * interval '1 second',
               late,
               CASE WHEN seconds IS NOT NULL THEN 'espeak' END,
               CASE WHEN seconds IS NOT NULL THEN '/srv/loa/data/audio/' || to_char(due_at, 'YYYY/MM/DD')
                    || '/xa-' || lpad((st + 1)::text, 3, '0') || '-a' || (a + 1) || '.mp3' END,
               CASE WHEN seconds IS NOT NULL THEN lpad(to_hex(a + 1), 64, '0') END,
               seconds,
               CASE WHEN final = 'posted' THEN channel || '-' || (a + 1) END,
               CASE WHEN final = 'posted' AND channel = 'facebook'
                    THEN 'https://www.facebook.com/1/posts/' || (a + 1) END,
               CASE WHEN final IN ('aired', 'posted', 'dry_run') THEN NULL ELSE final END,
               CASE WHEN final IN ('aired', 'posted', 'dry_run') THEN NULL
                    ELSE 'Không kết nối được máy chủ (hết thời gian chờ 20 giây).' END,
               'bench',
               coalesce(due_at + late * interval '1 second', due_at)
                   + (coalesce(seconds, 2) + 1 + (k % 100 / 99) * 3600) * interval '1 second'
        FROM (
            SELECT y.*,
                   CASE WHEN final IN ('missed', 'failed') THEN NULL ELSE {late} END AS late,
                   CASE WHEN ch = 0 AND final = 'aired' THEN round((30 + 270 * u)::numeric, 1)::float8 END AS seconds
            FROM (
                SELECT x.*,
                       CASE WHEN a % 99 = 98 AND k % 100 = 98 THEN 'unknown' ELSE outcome END AS final
                FROM {_airings_from(shape, series, carry="k, ")}
            ) AS y
        ) AS z"""


def _run(conn: Connection, sql: str) -> None:
    """One statement straight through psycopg, without parameters (so `%` is the modulo operator)."""
    cursor = conn.connection.cursor()
    try:
        cursor.execute(sql)
    finally:
        cursor.close()


def _commit(conn: Connection) -> None:
    """Commit what `_run` did (SQLAlchemy did not see that transaction begin)."""
    conn.connection.dbapi_connection.commit()  # type: ignore[union-attr]


def _load(engine: Engine, statements: list[str], say: Callable[[str], None], what: str, total: int) -> float:
    """Run `statements` one transaction each, on a connection of their own; returns the seconds taken."""
    started = time.perf_counter()
    with engine.connect() as conn:
        _run(conn, "SET session_replication_role = replica")
        for n, sql in enumerate(statements, start=1):
            _run(conn, sql)
            _commit(conn)
            done = min(n * STEP, total)
            say(f"{what}: {done:,}/{total:,} at {time.perf_counter() - started:.0f} s")
    return time.perf_counter() - started


def fill_province(engine: Engine, shape: Shape, say: Callable[[str], None] = print) -> dict[str, float]:
    """Fill the (freshly migrated, empty) PostgreSQL database of `engine`; returns the seconds of each step.

    Airings and log records go in at once on two connections (the machine has two cores)."""
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    with engine.connect() as conn:
        _run(conn, "SET session_replication_role = replica")
        for sql in _setup_sql(shape):
            _run(conn, sql)
        _commit(conn)
    seconds["setup_s"] = time.perf_counter() - started
    say(f"{shape.stations} stations, {shape.bulletins:,} bulletins in {seconds['setup_s']:.1f} s")
    airings = [_airings_sql(shape, low, min(low + STEP, shape.airings)) for low in range(0, shape.airings, STEP)]
    records = [_records_sql(shape, low, min(low + STEP, shape.records)) for low in range(0, shape.records, STEP)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        both = pool.submit(_load, engine, airings, say, "airings", shape.airings)
        seconds["records_s"] = _load(engine, records, say, "records", shape.records)
        seconds["airings_s"] = both.result()
    seconds["rows_s"] = time.perf_counter() - started
    with engine.connect() as conn:
        for table in ("stations", "plans", "content_items", "bulletins", "airings", "log_records"):
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        conn.commit()
    started = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM (ANALYZE)")  # what autovacuum does for a real database, done now
    seconds["vacuum_analyze_s"] = time.perf_counter() - started
    say(f"vacuum and analyze in {seconds['vacuum_analyze_s']:.1f} s")
    return seconds
