"""Fixtures that read like a cast list: config, clock, app, runner, cli."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from scheduler.clock import FakeClock
from scheduler.config import Config, parse_config
from tests.fakes.channels import RecordingChannel
from tests.fakes.tts import ToneEngine

PG_URL = os.environ.get("LOA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def _pg_reason() -> str | None:
    """None if PostgreSQL answers, else why not."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install -e '.[test]')"
    from sqlalchemy.engine import make_url

    url = make_url(PG_URL)
    try:
        with psycopg.connect(
            host=url.host,
            port=url.port or 5432,
            user=url.username,
            dbname=url.database,
            password=url.password,
            connect_timeout=3,
        ):
            return None
    except psycopg.Error as exc:
        return f"PostgreSQL at {url.render_as_string(hide_password=True)} is not reachable: {str(exc).strip()[:200]}"


_PG_REASON: list[str | None] = []


def pg_available() -> str | None:
    if not _PG_REASON:
        _PG_REASON.append(_pg_reason())
    return _PG_REASON[0]


def require_pg() -> None:
    reason = pg_available()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI must reach PostgreSQL: {reason}")
    pytest.skip(reason)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh empty database: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'loa.db'}"
        return
    require_pg()
    import psycopg
    from sqlalchemy.engine import make_url

    schema = f"loa_test_{uuid.uuid4().hex[:12]}"
    url = make_url(PG_URL)
    params: dict[str, Any] = dict(  # psycopg.connect's **kwargs: connection parameters
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        dbname=url.database,
        password=url.password,
        autocommit=True,
    )
    with psycopg.connect(**params) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(**params) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def make_config(tmp_path: Path, db_url: str, **tables: Any) -> Config:
    """A config rooted in tmp_path, with `tables` merged over the test defaults."""
    table: dict[str, Any] = {
        "station": {"name": "Đài truyền thanh xã Thử Nghiệm", "code": "thu-nghiem"},
        "database": {"url": db_url},
        "runner": {"poll_seconds": 0.2},
    }
    for key, value in tables.items():
        if isinstance(value, dict):
            table.setdefault(key, {}).update(value)
        else:
            table[key] = value
    return parse_config(table, source=str(tmp_path / "config.toml"), base_dir=tmp_path)


@pytest.fixture
def config(tmp_path: Path, db_url: str) -> Config:
    return make_config(tmp_path, db_url)


@pytest.fixture
def clock() -> FakeClock:
    """05:55 on Monday 23 November 2026, station time."""
    return FakeClock(datetime(2026, 11, 23, 5, 55, tzinfo=TZ))


@pytest.fixture
def channels() -> dict[str, RecordingChannel]:
    return {name: RecordingChannel(name) for name in ("radio", "facebook", "zalo")}


@pytest.fixture
def app(config: Config, clock: FakeClock, channels: dict[str, RecordingChannel]) -> Iterator[Any]:
    """The app on a fake clock, with recording fakes in place of every channel."""
    from scheduler.app import build_app

    application = build_app(config, clock=clock, tts=ToneEngine(), channels=channels)
    yield application
    application.close()


@pytest.fixture
def runner(app: Any) -> Any:
    from scheduler.runner import Runner

    return Runner(app, backoff_seconds=1.0)


@pytest.fixture
def cli() -> CliRunner:
    return CliRunner()
