"""A province on one deployment: stations as data, runner nodes, zone leases, delivery evidence, dispatches

Revision ID: 0010_province
Revises: 0009_radio_programme
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from broadcasts.migrations.columns import add_reference

revision = "0010_province"
down_revision = "0009_radio_programme"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (SQLite has it): a batch copy of `stations` would drop a table other rows refer to.
    op.add_column("stations", sa.Column("settings", sa.JSON(), nullable=True))
    op.add_column("stations", sa.Column("district", sa.String(100), nullable=True))
    op.add_column("stations", sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.add_column("stations", sa.Column("created_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("stations", sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "nodes",
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stations", sa.JSON(), nullable=True),
        sa.Column("version", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_nodes")),
    )
    op.create_table(
        "zone_leases",
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("zone", sa.String(64), nullable=False),
        sa.Column("node", sa.String(100), nullable=False),
        sa.Column("airing_id", sa.Integer(), nullable=True),
        sa.Column("holds", sa.String(16), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("preempt_by", sa.String(100), nullable=True),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["station_id"], ["stations.id"], name=op.f("fk_zone_leases_station_id_stations")),
        sa.PrimaryKeyConstraint("station_id", "zone", name=op.f("pk_zone_leases")),
    )
    op.create_table(
        "evidence",
        sa.Column("book", sa.String(100), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("node", sa.String(100), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("book", "key", name=op.f("pk_evidence")),
    )
    op.create_table(
        "dispatches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("post_text", sa.Text(), nullable=True),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("target", sa.JSON(), nullable=False),
        sa.Column("at", sa.String(40), nullable=True),
        sa.Column("created_by", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispatches")),
    )
    add_reference("bulletins", "dispatch_id", "dispatches")
    op.create_index(op.f("ix_bulletins_dispatch_id"), "bulletins", ["dispatch_id"])
    op.add_column("users", sa.Column("scope", sa.String(16), nullable=False, server_default="station"))
    op.add_column("users", sa.Column("district", sa.String(100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("district")
        batch.drop_column("scope")
    op.drop_index(op.f("ix_bulletins_dispatch_id"), table_name="bulletins")
    with op.batch_alter_table("bulletins") as batch:
        batch.drop_constraint(op.f("fk_bulletins_dispatch_id_dispatches"), type_="foreignkey")
        batch.drop_column("dispatch_id")
    op.drop_table("dispatches")
    op.drop_table("evidence")
    op.drop_table("zone_leases")
    op.drop_table("nodes")
    with op.batch_alter_table("stations") as batch:
        for column in ("updated_at", "created_at", "active", "district", "settings"):
            batch.drop_column(column)
