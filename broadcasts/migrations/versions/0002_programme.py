"""programme: slot occurrences on airings, generated-bulletin keys, rotation flags

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("airings") as batch:
        batch.add_column(sa.Column("slot_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("bulletins") as batch:
        batch.add_column(sa.Column("origin_key", sa.String(length=120), nullable=True))
        batch.create_unique_constraint(op.f("uq_bulletins_station_id"), ["station_id", "origin_key"])
    with op.batch_alter_table("content_items") as batch:
        batch.add_column(sa.Column("rotation", sa.String(length=16), nullable=False, server_default="normal"))
        batch.add_column(sa.Column("rotation_order", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("content_items") as batch:
        batch.drop_column("rotation_order")
        batch.drop_column("rotation")
    with op.batch_alter_table("bulletins") as batch:
        batch.drop_constraint(op.f("uq_bulletins_station_id"), type_="unique")
        batch.drop_column("origin_key")
    with op.batch_alter_table("airings") as batch:
        batch.drop_column("slot_at")
