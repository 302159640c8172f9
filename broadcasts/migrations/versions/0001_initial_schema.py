"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "stations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stations")),
        sa.UniqueConstraint("code", name=op.f("uq_stations_code")),
    )
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("issuer", sa.Text(), nullable=True),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("source_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["station_id"], ["stations.id"], name=op.f("fk_plans_station_id_stations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
        sa.UniqueConstraint("station_id", "sha256", name=op.f("uq_plans_station_id")),
    )
    op.create_table(
        "slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("local_time", sa.String(length=5), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("weekdays", sa.String(length=7), nullable=False),
        sa.Column("max_seconds", sa.Integer(), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["station_id"], ["stations.id"], name=op.f("fk_slots_station_id_stations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slots")),
        sa.UniqueConstraint("station_id", "name", name=op.f("uq_slots_station_id")),
    )
    op.create_table(
        "content_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=32), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("label", sa.String(length=16), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["content_items.id"], name=op.f("fk_content_items_parent_id_content_items")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_content_items_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_items")),
        sa.UniqueConstraint("plan_id", "ref", name=op.f("uq_content_items_plan_id")),
    )
    op.create_table(
        "bulletins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("post_text", sa.Text(), nullable=True),
        sa.Column(
            "priority",
            sa.Enum("normal", "priority", "emergency", name="priority", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column(
            "approval",
            sa.Enum("draft", "approved", "rejected", name="approval", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("content_item_id", sa.Integer(), nullable=True),
        sa.Column("origin", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["content_item_id"], ["content_items.id"], name=op.f("fk_bulletins_content_item_id_content_items")
        ),
        sa.ForeignKeyConstraint(["station_id"], ["stations.id"], name=op.f("fk_bulletins_station_id_stations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulletins")),
    )
    op.create_table(
        "airings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bulletin_id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending", "running", "unknown", "done", "cancelled", name="airingstatus", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column(
            "outcome",
            sa.Enum(
                "aired",
                "posted",
                "failed",
                "missed",
                "skipped",
                "dry_run",
                "unknown",
                name="outcome",
                native_enum=False,
                length=16,
            ),
            nullable=True,
        ),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["bulletin_id"], ["bulletins.id"], name=op.f("fk_airings_bulletin_id_bulletins")),
        sa.ForeignKeyConstraint(["slot_id"], ["slots.id"], name=op.f("fk_airings_slot_id_slots")),
        sa.ForeignKeyConstraint(["station_id"], ["stations.id"], name=op.f("fk_airings_station_id_stations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_airings")),
    )
    with op.batch_alter_table("airings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_airings_bulletin_id"), ["bulletin_id"], unique=False)
        batch_op.create_index("ix_airings_station_channel_status", ["station_id", "channel", "status"], unique=False)
        batch_op.create_index("ix_airings_status_due_at", ["status", "due_at"], unique=False)

    op.create_table(
        "log_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("airing_id", sa.Integer(), nullable=False),
        sa.Column("bulletin_id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "aired",
                "posted",
                "failed",
                "missed",
                "skipped",
                "dry_run",
                "unknown",
                name="outcome",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("late_seconds", sa.Double(), nullable=True),
        sa.Column("tts_engine", sa.String(length=32), nullable=True),
        sa.Column("audio_path", sa.Text(), nullable=True),
        sa.Column("audio_sha256", sa.String(length=64), nullable=True),
        sa.Column("audio_seconds", sa.Double(), nullable=True),
        sa.Column("external_id", sa.String(length=255), nullable=True),
        sa.Column("external_url", sa.Text(), nullable=True),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.Column("node", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["airing_id"], ["airings.id"], name=op.f("fk_log_records_airing_id_airings")),
        sa.ForeignKeyConstraint(["bulletin_id"], ["bulletins.id"], name=op.f("fk_log_records_bulletin_id_bulletins")),
        sa.ForeignKeyConstraint(["station_id"], ["stations.id"], name=op.f("fk_log_records_station_id_stations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_records")),
    )
    with op.batch_alter_table("log_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_log_records_airing_id"), ["airing_id"], unique=False)
        batch_op.create_index("ix_log_records_station_due_at", ["station_id", "due_at"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("log_records", schema=None) as batch_op:
        batch_op.drop_index("ix_log_records_station_due_at")
        batch_op.drop_index(batch_op.f("ix_log_records_airing_id"))

    op.drop_table("log_records")
    with op.batch_alter_table("airings", schema=None) as batch_op:
        batch_op.drop_index("ix_airings_status_due_at")
        batch_op.drop_index("ix_airings_station_channel_status")
        batch_op.drop_index(batch_op.f("ix_airings_bulletin_id"))

    op.drop_table("airings")
    op.drop_table("bulletins")
    op.drop_table("content_items")
    op.drop_table("slots")
    op.drop_table("plans")
    op.drop_table("stations")
