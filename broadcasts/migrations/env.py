"""Alembic environment: runs on the connection Loa hands over (or a URL for the CLI)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from broadcasts.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        url = config.get_main_option("sqlalchemy.url")
        if not url:
            raise RuntimeError("alembic: no connection given and no sqlalchemy.url set")
        engine = create_engine(url)
        with engine.begin() as connection:
            _run(connection)
        return
    _run(connection)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
