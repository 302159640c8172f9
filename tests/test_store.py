"""The store on SQLite and PostgreSQL: migrations, aware UTC instants, clear errors."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import StatementError

from broadcasts.errors import StoreError
from broadcasts.models import Base, Station
from broadcasts.store import open_store, redact_url


def test_migrations_build_exactly_the_models(db_url):
    engine, _ = open_store(db_url)
    try:
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert diff == []
        open_store(db_url)[0].dispose()  # opening again is a no-op upgrade
    finally:
        engine.dispose()


def test_instants_come_back_aware_utc(db_url):
    engine, sessions = open_store(db_url)
    try:
        from broadcasts.models import Bulletin

        moment = datetime(2026, 11, 23, 6, 0, tzinfo=timezone(timedelta(hours=7)))
        with sessions.begin() as session:
            station = Station(code="x", name="X", timezone="Asia/Ho_Chi_Minh")
            session.add(station)
            session.flush()
            session.add(Bulletin(station_id=station.id, title="t", body="b", created_at=moment))
        with sessions() as session:
            stored = session.query(Bulletin).one().created_at
        assert stored == moment and stored.tzinfo is not None and stored.utcoffset() == timedelta(0)
        with pytest.raises(StatementError, match="naive datetime"), sessions.begin() as session:
            session.add(Bulletin(station_id=station.id, title="t", body="b", created_at=datetime(2026, 1, 1)))
    finally:
        engine.dispose()


def test_sqlite_pragmas(tmp_path):
    engine, _ = open_store(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://loa:s3cret@127.0.0.1:1/loa",
        "sqlite:////proc/no/such/dir/loa.db",
        "not a url",
    ],
)
def test_unreachable_database_is_one_clear_error_without_password(url):
    with pytest.raises(StoreError) as info:
        open_store(url)
    assert info.value.code == ("db_bad_url" if url == "not a url" else "db_unreachable")
    assert "s3cret" not in str(info.value.params)


def test_redact_url():
    assert redact_url("postgresql://u:pw@h/db") == "postgresql://u:***@h/db"


def test_nodes_starting_at_once_on_an_empty_postgresql_all_come_up(db_url):
    """Four processes open one empty database together: one migrates under the advisory lock, all come up."""
    if not db_url.startswith("postgresql"):
        pytest.skip("the advisory lock is PostgreSQL's; SQLite writers queue on the file lock")
    import subprocess
    import sys

    code = "import sys; from broadcasts.store import open_store; open_store(sys.argv[1])[0].dispose(); print('up')"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, db_url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    results = [proc.communicate(timeout=120) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0, 0, 0], [err[-500:] for _, err in results]
    assert all(out.strip() == "up" for out, _ in results)
    engine, _ = open_store(db_url)
    try:
        with engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    finally:
        engine.dispose()


def test_a_database_with_airings_upgrades_from_before_the_radio_programme(db_url):
    """Rows that refer to bulletins and airings do not stop 0009 and 0010 (no batch copy of a referred table)."""
    from alembic import command
    from alembic.config import Config as AlembicConfig
    from sqlalchemy import text

    from broadcasts.store import MIGRATIONS, make_engine, migrate

    engine = make_engine(db_url)
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", MIGRATIONS)
    try:
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "0008_airing_stop")
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO stations (id, code, name, timezone) VALUES (1, 'a', 'A', 'UTC')"))
            connection.execute(
                text(
                    "INSERT INTO bulletins (id, station_id, title, body, priority, approval, origin, created_at)"
                    " VALUES (1, 1, 't', 'b', 'normal', 'approved', 'operator', '2026-01-01')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO airings (id, bulletin_id, station_id, channel, due_at, status, attempts, created_at)"
                    " VALUES (1, 1, 1, 'radio', '2026-01-01', 'done', 1, '2026-01-01')"
                )
            )
        migrate(engine)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT kind, dispatch_id FROM bulletins")).all() == [("speech", None)]
            assert connection.execute(text("SELECT count(*) FROM airings")).scalar() == 1
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    finally:
        engine.dispose()
