"""The database: engine setup, migrations and sessions.

SQLite is the embedded default (WAL, busy timeout, foreign keys, and
`BEGIN IMMEDIATE` for every writing transaction so concurrent writers queue
instead of failing with "database is locked"; `read_sessions` only read and
use a plain BEGIN, so readers never wait for writers); PostgreSQL is used by URL. The schema is
kept by Alembic and brought to the newest revision when the store opens.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from broadcasts.errors import StoreError, TextError
from broadcasts.redact import remember

__all__ = [
    "open_store",
    "make_engine",
    "migrate",
    "redact_url",
    "read_sessions",
    "quick_sessions",
    "check_texts",
    "BAD_CHARACTERS",
    "clean_text",
    "MIGRATIONS",
]

MIGRATIONS = str(Path(__file__).with_name("migrations"))
_migrate_lock = threading.Lock()
MIGRATION_LOCK = 0x4C6F61  # the PostgreSQL advisory lock key schema upgrades run under ("Loa")


_USERINFO = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s]*):[^@\s]*@", re.I)


def redact_url(url: str) -> str:
    """The URL with its password hidden, for messages and logs (also a URL SQLAlchemy cannot parse)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError, TypeError):  # a bad port, a stray character: hide what looks like one
        return _USERINFO.sub(r"\g<head>:***@", url)


def _remember_password(url: str) -> None:
    """Treat the URL's password as a secret, so no error, log line or traceback shows it."""
    try:
        remember(make_url(url).password)
    except (ArgumentError, ValueError, TypeError):
        match = re.match(r"[a-z][a-z0-9+.-]*://[^:/@\s]*:([^@\s]*)@", url, re.I)
        if match:
            remember(match.group(1))


# the package that brings the driver of a database backend, for the "driver missing" message
DRIVER_PACKAGES = {"postgresql": "psycopg[binary]", "mysql": "pymysql", "mariadb": "pymysql"}


def make_engine(url: str, *, busy_timeout_ms: int = 10_000) -> Engine:
    """Create an engine; SQLite gets its pragmas in one connect hook."""
    _remember_password(url)
    try:
        parsed = make_url(url)
        if parsed.port is not None and not 0 < parsed.port < 65536:
            raise ValueError(parsed.port)
    except (ArgumentError, ValueError, TypeError) as exc:  # a non-numeric port fails here, not when connecting
        raise StoreError("db_bad_url", url=redact_url(url)) from exc
    options: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            try:
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError("db_unreachable", url=redact_url(url), reason=exc.strerror) from exc
        options["connect_args"] = {"timeout": busy_timeout_ms / 1000, "check_same_thread": False}
    else:
        options.update(pool_pre_ping=True, connect_args={"connect_timeout": 10})
    try:
        engine = create_engine(parsed, **options)
    except (NoSuchModuleError, ImportError) as exc:
        package = DRIVER_PACKAGES.get(parsed.get_backend_name(), parsed.drivername)
        raise StoreError("db_driver_missing", url=redact_url(url), driver=parsed.drivername, package=package) from exc
    if parsed.get_backend_name() == "sqlite":
        _prepare_sqlite(engine, busy_timeout_ms)
    return engine


def _prepare_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy's "begin" hook issue BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        options = connection.get_execution_options()
        readonly = options.get("loa_readonly", False)
        wait = int(options.get("loa_busy_timeout_ms", busy_timeout_ms))
        if wait != connection.info.get("loa_busy_timeout_ms", busy_timeout_ms):
            connection.exec_driver_sql(f"PRAGMA busy_timeout={wait}")  # set per connection, so set it back too
            connection.info["loa_busy_timeout_ms"] = wait
        durable = bool(options.get("loa_durable", False))  # delivery evidence: synced to disk at commit
        if durable != connection.info.get("loa_durable", False):
            connection.exec_driver_sql(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
            connection.info["loa_durable"] = durable
        connection.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision."""
    from alembic import command
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", MIGRATIONS)
    with _migrate_lock, engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Several nodes starting at once on one database: one migrates, the others wait here and then
            # find the schema at head. The lock is the transaction's, so it is released at commit.
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")


def open_store(
    url: str, *, busy_timeout_ms: int = 10_000, upgrade: bool = True
) -> tuple[Engine, sessionmaker[Session]]:
    """Open the database, check it answers, migrate it and return engine and session factory."""
    engine = make_engine(url, busy_timeout_ms=busy_timeout_ms)
    try:
        if upgrade:
            migrate(engine)
        else:
            with engine.connect() as connection:
                inspect(connection).get_table_names()
    except (DBAPIError, SQLAlchemyError, OSError) as exc:
        engine.dispose()
        reason = getattr(exc, "orig", None) or exc
        first_line = str(reason).strip().splitlines()[0] if str(reason).strip() else type(reason).__name__
        raise StoreError("db_unreachable", url=redact_url(url), reason=first_line) from exc
    sessions = sessionmaker(engine, expire_on_commit=False)
    event.listen(sessions, "before_flush", check_texts)
    return engine, sessions


BAD_CHARACTERS = re.compile("[\x00\ud800-\udfff]")


def check_texts(session: Session, _context: Any = None, _instances: Any = None) -> None:
    """Refuse, before anything is written, a text holding NUL or a lone surrogate (PostgreSQL stores neither)."""
    for instance in (*session.new, *session.dirty):
        state = inspect(instance)
        for attribute in state.mapper.column_attrs:
            value = state.dict.get(attribute.key)
            if _has_bad_characters(value):
                raise TextError(field=f"{type(instance).__name__.lower()}.{attribute.key}")


def _has_bad_characters(value: Any, depth: int = 0) -> bool:
    if isinstance(value, str):
        return BAD_CHARACTERS.search(value) is not None
    if depth < 20 and isinstance(value, dict):
        return any(_has_bad_characters(k, depth + 1) or _has_bad_characters(v, depth + 1) for k, v in value.items())
    if depth < 20 and isinstance(value, (list, tuple)):
        return any(_has_bad_characters(v, depth + 1) for v in value)
    return False


def clean_text(value: str) -> str:
    """A text from a service made storable: NUL dropped, a lone surrogate replaced by U+FFFD."""
    return BAD_CHARACTERS.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", value)


def quick_sessions(engine: Engine, wait_ms: int = 200) -> sessionmaker[Session]:
    """Sessions for a best-effort write (a token's last use): on SQLite they wait at most `wait_ms` for the lock."""
    return sessionmaker(engine.execution_options(loa_busy_timeout_ms=wait_ms), expire_on_commit=False)


def read_sessions(engine: Engine) -> sessionmaker[Session]:
    """Sessions for reading only: on SQLite they do not take the write lock (plain BEGIN)."""
    return sessionmaker(engine.execution_options(loa_readonly=True), expire_on_commit=False)
