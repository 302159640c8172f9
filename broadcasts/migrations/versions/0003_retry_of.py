"""airings.retry_of: a retry is a new airing that names the one it repeats

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("airings") as batch:
        batch.add_column(sa.Column("retry_of", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_airings_retry_of_airings"), "airings", ["retry_of"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("airings") as batch:
        batch.drop_constraint(op.f("fk_airings_retry_of_airings"), type_="foreignkey")
        batch.drop_column("retry_of")
