"""Plans: import a plan document with its items, list the stored plans, read one back."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from broadcasts.models import ContentItem, Plan
from scheduler.app import App
from scheduler.errors import NotFoundError, PlanError
from scheduler.plans.documents import read_plan_text
from scheduler.plans.parse import ParsedPlan, parse_plan

__all__ = ["Imported", "import_plan", "list_plans", "get_plan"]


@dataclass(frozen=True, kw_only=True)
class Imported:
    """The result of a plan import: what was read and where it is stored."""

    parsed: ParsedPlan
    sha256: str
    plan_id: int | None
    duplicate: bool = False


def import_plan(app: App, path: Path, *, dry_run: bool = False) -> Imported:
    """Read a plan document and store it with its items; the same file twice is stored once."""
    path = Path(path)
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        raise PlanError("plan_missing", path=str(path)) from None
    except OSError as exc:
        raise PlanError("plan_unreadable", path=str(path), reason=exc.strerror or str(exc)) from exc
    parsed = parse_plan(read_plan_text(path), source=str(path))
    if dry_run:
        return Imported(parsed=parsed, sha256=digest, plan_id=None)
    with app.sessions.begin() as session:
        existing = session.scalar(select(Plan).where(Plan.station_id == app.station_id, Plan.sha256 == digest))
        if existing is not None:
            return Imported(parsed=parsed, sha256=digest, plan_id=existing.id, duplicate=True)
        plan = Plan(
            station_id=app.station_id,
            title=parsed.title,
            year=parsed.year,
            issuer=parsed.issuer,
            channels=list(parsed.channels),
            source_name=path.name,
            sha256=digest,
            imported_at=app.clock.now(),
            active=True,
        )
        session.add(plan)
        session.flush()
        by_ref: dict[str, ContentItem] = {}
        for position, item in enumerate(parsed.items):
            row = ContentItem(
                plan_id=plan.id,
                ref=item.ref,
                label=item.label,
                text=item.text,
                position=position,
                parent_id=by_ref[item.parent].id if item.parent in by_ref else None,
            )
            session.add(row)
            session.flush()
            by_ref[item.ref] = row
        return Imported(parsed=parsed, sha256=digest, plan_id=plan.id)


def list_plans(app: App) -> list[tuple[Plan, int]]:
    """Stored plans of this station, newest first, with their item counts."""
    with app.reads() as session:
        rows = session.execute(
            select(Plan, func.count(ContentItem.id))
            .outerjoin(ContentItem, ContentItem.plan_id == Plan.id)
            .where(Plan.station_id == app.station_id)
            .group_by(Plan.id)
            .order_by(Plan.imported_at.desc(), Plan.id.desc())
        ).all()
        return [(plan, count) for plan, count in rows]


def get_plan(app: App, plan_id: int) -> tuple[Plan, list[ContentItem]]:
    """One stored plan and its items in document order."""
    with app.reads() as session:
        plan = session.get(Plan, plan_id)
        if plan is None or plan.station_id != app.station_id:
            raise NotFoundError(kind="plan", id=plan_id)
        items = list(
            session.scalars(select(ContentItem).where(ContentItem.plan_id == plan_id).order_by(ContentItem.position))
        )
        return plan, items
