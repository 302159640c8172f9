"""airings.stop_requested_by: who asked to stop (dừng phát) an airing that is on the air

Revision ID: 0008_airing_stop
Revises: 0007_plan_in_use
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_airing_stop"
down_revision = "0007_plan_in_use"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("airings") as batch:
        batch.add_column(sa.Column("stop_requested_by", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("airings") as batch:
        batch.drop_column("stop_requested_by")
