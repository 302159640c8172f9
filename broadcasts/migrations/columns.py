"""Column changes that keep SQLite databases with data upgradable.

A batch ("move and copy") alteration of a table other rows refer to drops that table, which fails with
"FOREIGN KEY constraint failed" as soon as a referring row exists (and a migration cannot turn foreign keys
off: the pragma is ignored inside its transaction). SQLite's own ADD COLUMN needs no copy.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

__all__ = ["add_reference"]


def add_reference(table: str, column: str, referred: str) -> None:
    """A nullable integer column referring to `referred.id`, named by the metadata's convention; on SQLite
    one ADD COLUMN with an inline REFERENCES."""
    name = f"fk_{table}_{column}_{referred}"
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER CONSTRAINT {name} REFERENCES {referred} (id)")
        return
    op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
    op.create_foreign_key(op.f(name), table, referred, [column], ["id"])
