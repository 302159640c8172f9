"""plans.content_sha256 and one plan in use: the same plan by its content, and `active` as the chosen plan

Until now every plan was active and the newest one was in use. Afterwards
`active` marks the plan in use, at most one per station: the newest active
plan of each station keeps it (what was in use stays in use), the others lose
it. content_sha256 is filled for the stored plans from their items, the way
scheduler.plans.parse.plan_fingerprint computes it (copied here on purpose: a
migration does not change when the application does).

Revision ID: 0007_plan_in_use
Revises: 0006_accounts_station
Create Date: 2026-12-06
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007_plan_in_use"
down_revision = "0006_accounts_station"
branch_labels = None
depends_on = None


def _norm(value: str | None) -> str | None:
    return " ".join(unicodedata.normalize("NFC", value).split()) if value is not None else None


def _fingerprint(plan: Any, items: list[Any]) -> str:
    refs = {i.id: i.ref for i in items}
    channels = plan.channels if isinstance(plan.channels, list) else json.loads(plan.channels or "[]")
    content = {
        "title": _norm(plan.title),
        "year": plan.year,
        "issuer": _norm(plan.issuer),
        "channels": list(channels),
        "items": [[i.ref, refs.get(i.parent_id), _norm(i.label), _norm(i.text)] for i in items],
    }
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def upgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("content_sha256", sa.String(length=64), nullable=True))
        batch.create_index(batch.f("ix_plans_content_sha256"), ["content_sha256"])
    bind = op.get_bind()
    plans = sa.table(
        "plans",
        sa.column("id", sa.Integer()),
        sa.column("station_id", sa.Integer()),
        sa.column("title", sa.Text()),
        sa.column("year", sa.Integer()),
        sa.column("issuer", sa.Text()),
        sa.column("channels", sa.JSON()),
        sa.column("imported_at", sa.DateTime(timezone=True)),
        sa.column("active", sa.Boolean()),
        sa.column("content_sha256", sa.String(64)),
    )
    items = sa.table(
        "content_items",
        sa.column("id", sa.Integer()),
        sa.column("plan_id", sa.Integer()),
        sa.column("ref", sa.String(32)),
        sa.column("parent_id", sa.Integer()),
        sa.column("label", sa.String(16)),
        sa.column("text", sa.Text()),
        sa.column("position", sa.Integer()),
    )
    in_use: dict[int, int] = {}
    rows = bind.execute(sa.select(plans).order_by(plans.c.imported_at.desc(), plans.c.id.desc())).all()
    for plan in rows:
        if plan.active and plan.station_id not in in_use:
            in_use[plan.station_id] = plan.id
        own = bind.execute(sa.select(items).where(items.c.plan_id == plan.id).order_by(items.c.position)).all()
        bind.execute(
            plans.update()
            .where(plans.c.id == plan.id)
            .values(content_sha256=_fingerprint(plan, list(own)), active=in_use.get(plan.station_id) == plan.id)
        )


def downgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.drop_index(batch.f("ix_plans_content_sha256"))
        batch.drop_column("content_sha256")
