"""The store and the data folder going away while Loa runs: clear answers, one line per outage, and recovery."""

from __future__ import annotations

import errno
import logging
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from audio.sinks.folder import FolderSink
from broadcasts.models import LogRecord, Outcome
from scheduler.app import build_app
from scheduler.runner import Runner
from scheduler.services.queue import queue_bulletin
from tests.conftest import PG_URL, make_config, require_pg
from tests.fakes.channels import RecordingChannel
from tests.fakes.timers import FakeTimers
from tests.fakes.tts import ToneEngine

POLL = 5.0


@dataclass
class Store:
    """A database the test can take away and bring back while the app uses it."""

    url: str
    down: Any
    up: Any


def _sqlite_store(tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "loa.db"
    holder: dict[str, sqlite3.Connection] = {}

    def down() -> None:  # another process holds the write lock: every write times out
        connection = sqlite3.connect(path, isolation_level=None, timeout=5)
        connection.execute("BEGIN EXCLUSIVE")
        holder["lock"] = connection

    def up() -> None:
        connection = holder.pop("lock")
        connection.execute("ROLLBACK")
        connection.close()

    yield Store(f"sqlite:///{path}", down, up)
    if "lock" in holder:
        up()


def _pg_store() -> Iterator[Store]:
    """A PostgreSQL database of its own, which refuses connections (and loses the open ones) while down."""
    require_pg()
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"loa_outage_{uuid.uuid4().hex[:10]}"
    base = make_url(PG_URL)
    admin: dict[str, Any] = dict(host=base.host, port=base.port or 5432, user=base.username, password=base.password)

    def sql(statement: str) -> None:
        with psycopg.connect(dbname=base.database, autocommit=True, **admin) as connection:
            connection.execute(statement)

    def down() -> None:
        sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        sql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")

    def up() -> None:
        sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')

    sql(f'CREATE DATABASE "{name}"')
    try:
        yield Store(base.set(database=name).render_as_string(hide_password=False), down, up)
    finally:
        up()
        sql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        sql(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    yield from (_sqlite_store(tmp_path) if request.param == "sqlite" else _pg_store())


def _advance(clock: Any, timers: FakeTimers, runner: Runner, seconds: float) -> None:
    """Let `seconds` pass poll by poll, as the real scheduler would: sync, then run what is due."""
    end = clock.now() + timedelta(seconds=seconds)
    while clock.now() < end:
        runner.sync()
        timers.run_until(min(clock.now() + timedelta(seconds=POLL), end))


def _coded(caplog: pytest.LogCaptureFixture, code: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if getattr(r, "loa_code", None) == code]


def test_the_runner_says_one_line_per_outage_and_airs_when_the_database_is_back(
    tmp_path: Path, store: Store, clock: Any, caplog: pytest.LogCaptureFixture
) -> None:
    config = make_config(tmp_path, store.url, runner={"poll_seconds": POLL}, database={"busy_timeout_ms": 50})
    radio = RecordingChannel("radio")
    app = build_app(config, clock=clock, channels={"radio": radio})
    runner, timers = Runner(app), FakeTimers(clock)
    try:
        runner.start(scheduler=timers)
        queued = queue_bulletin(app, text="Thông báo lịch tiêm phòng.", at="+20s", channels=["radio"])
        runner.sync()  # its timer is set before the store goes away
        assert timers.pending("airing:")
        caplog.set_level(logging.DEBUG)
        store.down()
        _advance(clock, timers, runner, 35)  # the airing's timer fires during the outage; seven polls fail
        assert radio.published == []
        store.up()
        _advance(clock, timers, runner, 3 * POLL)
    finally:
        runner.stop()
        app.close()
    assert len(_coded(caplog, "log_store_down")) == 1
    assert len(_coded(caplog, "log_store_back")) == 1
    assert [r for r in caplog.records if r.levelno >= logging.ERROR and r.exc_info] == []  # no traceback
    assert [b.airing_id for b in radio.published] == [queued.airings[0].id]  # aired once, late, within grace
    app = build_app(config, clock=clock, channels={"radio": radio})
    try:
        with app.reads() as session:
            records = list(session.scalars(select(LogRecord)))
    finally:
        app.close()
    assert [r.outcome for r in records] == [Outcome.aired] and (records[0].late_seconds or 0) >= 15


class ReadOnlyForAWhile(FolderSink):
    """A folder sink whose outbox refuses writes until the clock passes `until` (a read-only remount)."""

    def __init__(self, outbox: Path, ledger: Path, clock: Any, until: Any) -> None:
        super().__init__(outbox, ledger)
        self.clock, self.until, self.refused = clock, until, 0

    def play(self, audio: Path, *, key: str) -> Any:
        if self.clock.now() < self.until:
            self.refused += 1
            try:
                raise OSError(errno.EROFS, "Read-only file system")
            except OSError as exc:
                from audio.errors import AudioError

                raise AudioError("sink_failed", sink=f"folder {self.outbox}", reason=exc.strerror) from exc
        return super().play(audio, key=key)


@pytest.mark.parametrize(("read_only_seconds", "outcome"), [(30, Outcome.aired), (900, Outcome.failed)])
def test_an_airing_the_data_folder_refused_is_tried_again_within_its_grace(
    tmp_path: Path, clock: Any, read_only_seconds: int, outcome: Outcome, caplog: pytest.LogCaptureFixture
) -> None:
    config = make_config(tmp_path, f"sqlite:///{tmp_path / 'loa.db'}")  # radio grace: 10 minutes
    sink = ReadOnlyForAWhile(
        tmp_path / "outbox", tmp_path / "ledger", clock, clock.now() + timedelta(seconds=read_only_seconds)
    )
    with build_app(config, clock=clock, tts=ToneEngine(), sink=sink) as app:
        queue_bulletin(app, text="Thông báo họp dân lúc 14 giờ.", at="now", channels=["radio"])
        caplog.set_level(logging.INFO)
        records = Runner(app).run_due()
    assert [r.outcome for r in records] == [outcome]
    assert sink.refused >= 2 and _coded(caplog, "log_storage_retry")
    if outcome is Outcome.aired:
        assert len(list((tmp_path / "outbox").glob("*.mp3"))) == 1  # handed over once
        finished = records[0].finished_at
        assert finished is not None and timedelta(seconds=30) <= finished - records[0].due_at <= timedelta(minutes=10)
    else:
        assert records[0].error_code == "sink_failed"
        assert clock.now() - records[0].due_at <= timedelta(minutes=10)  # gave up when the grace ran out


def test_a_locked_sqlite_store_reads_on_and_answers_writes_with_a_503(tmp_path: Path, clock: Any) -> None:
    from scheduler.services.users import create_token
    from scheduler.web import create_app
    from tests.web_support import build_web_app, csrf, login

    url = f"sqlite:///{tmp_path / 'loa.db'}"
    app = build_web_app(tmp_path, url, clock, database={"busy_timeout_ms": 50})
    try:
        token = {"Authorization": f"Bearer {create_token(app, 'binh', 'test')}"}
        client = create_app(app, secret_key="k", testing=True).test_client()
        login(client, "an")
        draft = {"text": "Họp dân.", "at": "now", "priority": "normal", "channels": ["radio"]}
        draft["csrf_token"] = csrf(client, "/new")
        store = next(_sqlite_store(tmp_path))
        store.down()
        try:
            page = client.post("/new", data=draft)  # the console: the same 503, as a page in Vietnamese
            assert page.status_code == 503 and "Cơ sở dữ liệu đang bận" in page.get_data(as_text=True)
            assert client.get("/log").status_code == 200
            clock.advance(minutes=5)  # the token's last use is due to be noted: that write must not fail the read
            for path in ("/api/log", "/api/approvals", "/api/programme"):
                response = client.get(path, headers=token)
                assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
            body = {"text": "Họp dân lúc 14 giờ.", "at": "now", "channels": ["radio"]}
            response = client.post("/api/bulletins", json=body, headers=token)
            assert response.status_code == 503
            assert response.get_json()["error"] == "db_busy" and "database is locked" in response.get_json()["message"]
        finally:
            store.up()
        assert client.post("/api/bulletins", json=body, headers=token).status_code == 201
    finally:
        app.close()


def test_a_locked_store_is_one_line_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], clock: Any
) -> None:
    from tests.test_social_cli import run

    url = f"sqlite:///{tmp_path / 'loa.db'}"
    config = tmp_path / "config.toml"
    config.write_text(
        f'[station]\nlanguage = "en"\n[database]\nurl = "{url}"\nbusy_timeout_ms = 50\n', encoding="utf-8"
    )
    assert run(capsys, "--config", str(config), "log")[0] == 0  # the schema exists
    store = next(_sqlite_store(tmp_path))
    store.down()
    try:
        status, _, err = run(capsys, "--config", str(config), "queue", "--text", "Họp dân.", "--at", "now")
    finally:
        store.up()
    assert status == 1 and "database is locked" in err  # opening the store (migrate) meets the lock first
    assert "internal error" not in err


def test_a_database_lost_mid_command_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    from scheduler.services import queue
    from tests.test_social_cli import run

    def lost(*_: Any, **__: Any) -> Any:
        raise OperationalError("INSERT ...", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(queue, "queue_bulletin", lost)
    config = tmp_path / "config.toml"
    config.write_text(f'[station]\nlanguage = "en"\n[database]\nurl = "sqlite:///{tmp_path / "loa.db"}"\n')
    status, _, err = run(capsys, "--config", str(config), "queue", "--text", "Họp dân.", "--at", "now")
    assert status == 1 and err.strip().splitlines() == [
        "Error: The database is busy or briefly unavailable (server closed the connection unexpectedly); "
        "try again in a few minutes."
    ]


def test_an_emergency_does_not_wait_behind_an_airing_waiting_for_the_data_folder(
    tmp_path: Path, clock: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from broadcasts.models import Airing, AiringStatus

    config = make_config(tmp_path, f"sqlite:///{tmp_path / 'loa.db'}")
    sink = ReadOnlyForAWhile(tmp_path / "outbox", tmp_path / "ledger", clock, clock.now() + timedelta(minutes=5))
    with build_app(config, clock=clock, tts=ToneEngine(), sink=sink) as app:
        queued = queue_bulletin(app, text="Thông báo họp dân lúc 14 giờ.", at="now", channels=["radio"])
        runner = Runner(app)
        runner.turns.emergency_waiting = lambda zone=None: sink.refused >= 2  # type: ignore[method-assign]
        records = runner.run_due()
        with app.reads() as session:
            again = session.scalars(
                select(Airing).where(Airing.status == AiringStatus.pending, Airing.id != queued.airings[0].id)
            ).all()
    assert [(r.outcome, r.error_code) for r in records] == [(Outcome.skipped, "sink_interrupted")]
    assert sink.refused == 2 and clock.now() - records[0].due_at < timedelta(minutes=1)  # it stepped aside at once
    assert len(again) == 1  # and is requeued to air after the emergency
