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
