"""The radio programme beyond text: media files, audio and relay bulletins, zones, proof of airing, alerts

Revision ID: 0009_radio_programme
Revises: 0008_airing_stop
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from broadcasts.migrations.columns import add_reference

revision = "0009_radio_programme"
down_revision = "0008_airing_stop"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "media",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("seconds", sa.Double(), nullable=False),
        sa.Column("loudness_lufs", sa.Double(), nullable=True),
        sa.Column("true_peak_db", sa.Double(), nullable=True),
        sa.Column("source_name", sa.String(255), nullable=False),
        sa.Column("source_sha256", sa.String(64), nullable=False),
        sa.Column("source_format", sa.String(16), nullable=False),
        sa.Column("uploaded_by", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["station_id"], ["stations.id"], name=op.f("fk_media_station_id_stations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media")),
        sa.UniqueConstraint("station_id", "sha256", name=op.f("uq_media_station_id")),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("zone", sa.String(64), nullable=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("airing_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seconds", sa.Double(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["station_id"], ["stations.id"], name=op.f("fk_alerts_station_id_stations")),
        sa.ForeignKeyConstraint(["airing_id"], ["airings.id"], name=op.f("fk_alerts_airing_id_airings")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    op.create_index("ix_alerts_station_at", "alerts", ["station_id", "at"])
    # Plain ADD COLUMN: a batch copy of `bulletins` or `airings` would drop a table other rows refer to.
    op.add_column("bulletins", sa.Column("kind", sa.String(16), nullable=False, server_default="speech"))
    add_reference("bulletins", "media_id", "media")
    op.add_column("bulletins", sa.Column("relay", sa.String(64), nullable=True))
    op.add_column("bulletins", sa.Column("relay_seconds", sa.Double(), nullable=True))
    op.add_column("bulletins", sa.Column("zones", sa.JSON(), nullable=True))
    op.add_column("airings", sa.Column("zone", sa.String(64), nullable=True))
    op.add_column("airings", sa.Column("until", sa.DateTime(timezone=True), nullable=True))
    for column in (
        sa.Column("zone", sa.String(64), nullable=True),
        sa.Column("heard_delay_ms", sa.Double(), nullable=True),
        sa.Column("heard_seconds", sa.Double(), nullable=True),
        sa.Column("silent_seconds", sa.Double(), nullable=True),
        sa.Column("longest_silence_seconds", sa.Double(), nullable=True),
    ):
        op.add_column("log_records", column)


def downgrade() -> None:
    with op.batch_alter_table("log_records") as batch:
        for column in ("longest_silence_seconds", "silent_seconds", "heard_seconds", "heard_delay_ms", "zone"):
            batch.drop_column(column)
    with op.batch_alter_table("airings") as batch:
        batch.drop_column("until")
        batch.drop_column("zone")
    with op.batch_alter_table("bulletins") as batch:
        batch.drop_constraint(op.f("fk_bulletins_media_id_media"), type_="foreignkey")
        for column in ("zones", "relay_seconds", "relay", "media_id", "kind"):
            batch.drop_column(column)
    op.drop_index("ix_alerts_station_at", table_name="alerts")
    op.drop_table("alerts")
    op.drop_table("media")
