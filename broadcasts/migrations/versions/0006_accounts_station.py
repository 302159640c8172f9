"""users.station_id, users.session_epoch, audit_entries.station_id: accounts belong to a station, sessions end

Revision ID: 0006_accounts_station
Revises: 0005
Create Date: 2026-12-06

User names become unique per station instead of per database. Existing rows
cannot know the config's station, so they get the database's station only when
it holds exactly one (then they can only have been that station's); with none
or several stations they stay NULL: such an account belongs to no station and
is refused everywhere until `loa user assign NAME`, run with a station's config,
gives it to that station. Old audit rows of such a database stay unassigned
(kept, but listed by no station).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_accounts_station"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("station_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0"))
        batch.drop_constraint("uq_users_username", type_="unique")
        batch.create_unique_constraint("uq_users_station_id", ["station_id", "username"])
        batch.create_foreign_key("fk_users_station_id_stations", "stations", ["station_id"], ["id"])
    with op.batch_alter_table("users") as batch:
        batch.alter_column("session_epoch", server_default=None)
    with op.batch_alter_table("audit_entries") as batch:
        batch.add_column(sa.Column("station_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_audit_entries_station_id_stations", "stations", ["station_id"], ["id"])
    op.create_index("ix_audit_entries_station_id_at", "audit_entries", ["station_id", "at"])
    bind = op.get_bind()
    stations = bind.execute(sa.text("SELECT id FROM stations")).scalars().all()
    if len(stations) == 1:
        for table in ("users", "audit_entries"):
            bind.execute(sa.text(f"UPDATE {table} SET station_id = :id"), {"id": stations[0]})


def downgrade() -> None:
    op.drop_index("ix_audit_entries_station_id_at", table_name="audit_entries")
    with op.batch_alter_table("audit_entries") as batch:
        batch.drop_constraint("fk_audit_entries_station_id_stations", type_="foreignkey")
        batch.drop_column("station_id")
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("fk_users_station_id_stations", type_="foreignkey")
        batch.drop_constraint("uq_users_station_id", type_="unique")
        batch.create_unique_constraint("uq_users_username", ["username"])
        batch.drop_column("session_epoch")
        batch.drop_column("station_id")
