"""Plans: import a plan document with its items, choose the plan in use, list the stored plans, read one back.

The plan in use (kế hoạch đang dùng) is the one rotation, `loa queue --item` and
the report work from: at most one per station (`Plan.active`). It is chosen on
purpose (`use_plan`, `loa plan use ID`, the console's button, an import with
`use=True`); an import changes it only when asked or when no plan is in use yet.

Under `require_approval`, choosing the plan in use needs the approve right:
its items air in rotation as approved bulletins, so choosing it is approving
them. An operator's upload is stored (for an approver to review and choose)
but is never put in use by their action, not even as the first plan. The
command line acts as the station's administrator.

The same plan is stored once, whether it comes as the same file again or in
another format: it is recognised by the file's sha256 and by the sha256 of its
parsed content (`plan_fingerprint`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from broadcasts.models import ContentItem, Plan
from scheduler.app import App
from scheduler.errors import NotFoundError, PlanError
from scheduler.plans.documents import read_plan_text
from scheduler.plans.parse import ParsedPlan, parse_plan, plan_fingerprint
from scheduler.services.users import Actor, audit, can, require

__all__ = ["Imported", "CLI_ACTOR", "import_plan", "use_plan", "may_choose_plan", "list_plans", "get_plan"]

# Who acts on the command line: the station's own machine, with the administrator's rights.
CLI_ACTOR = Actor(id=0, username="cli", role="admin")


@dataclass(frozen=True, kw_only=True)
class Imported:
    """The result of a plan import: what was read, where it is stored and whether it is the plan in use.

    `duplicate`: the plan was stored before (`same_file`: as this very file, else in another file,
    `source_name`); `in_use`: it is now the plan in use; `held`: no plan is in use and this one would have
    been, but its importer may not choose the plan in use (an approver must, see the module's docstring).
    """

    parsed: ParsedPlan
    sha256: str
    plan_id: int | None
    duplicate: bool = False
    same_file: bool = False
    source_name: str | None = None
    in_use: bool = False
    held: bool = False


def may_choose_plan(app: App, actor: Actor) -> bool:
    """Whether `actor` may choose the plan in use: the approve right under `require_approval`, else drafting."""
    return can(actor, "approve" if app.config.require_approval else "draft")


def _require_choose(app: App, actor: Actor) -> None:
    require(actor, "approve" if app.config.require_approval else "draft")


def _in_use(session: Session, station_id: int) -> Plan | None:
    return session.scalar(
        select(Plan)
        .where(Plan.station_id == station_id, Plan.active.is_(True))
        .order_by(Plan.imported_at.desc(), Plan.id.desc())
    )


def _put_in_use(session: Session, plan: Plan) -> None:
    session.execute(
        update(Plan)
        .where(Plan.station_id == plan.station_id, Plan.id != plan.id, Plan.active.is_(True))
        .values(active=False)
    )
    plan.active = True
    session.flush()


def import_plan(
    app: App, path: Path, *, dry_run: bool = False, use: bool = False, actor: Actor = CLI_ACTOR
) -> Imported:
    """Read a plan document and store it with its items; the same plan (by file or by content) is stored once.

    It becomes the plan in use when `use` is asked or no plan is in use yet, if `actor` may choose it
    (asking `use` without that right is refused before anything is stored).
    """
    path = Path(path)
    require(actor, "draft")
    if use:
        _require_choose(app, actor)
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        raise PlanError("plan_missing", path=str(path)) from None
    except OSError as exc:
        raise PlanError("plan_unreadable", path=str(path), reason=exc.strerror or str(exc)) from exc
    parsed = parse_plan(read_plan_text(path), source=str(path))
    if dry_run:
        return Imported(parsed=parsed, sha256=digest, plan_id=None)
    content = plan_fingerprint(parsed)
    allowed = may_choose_plan(app, actor)
    with app.sessions.begin() as session:
        current = _in_use(session, app.station_id)
        existing = session.scalar(
            select(Plan)
            .where(Plan.station_id == app.station_id, or_(Plan.sha256 == digest, Plan.content_sha256 == content))
            .order_by((Plan.sha256 == digest).desc(), Plan.id)
        )
        wanted = use or current is None
        if existing is not None:
            if wanted and allowed and not existing.active:
                _put_in_use(session, existing)
            result = Imported(
                parsed=parsed,
                sha256=digest,
                plan_id=existing.id,
                duplicate=True,
                same_file=existing.sha256 == digest,
                source_name=existing.source_name,
                in_use=existing.active,
                held=wanted and not allowed and not existing.active,
            )
        else:
            plan = Plan(
                station_id=app.station_id,
                title=parsed.title,
                year=parsed.year,
                issuer=parsed.issuer,
                channels=list(parsed.channels),
                source_name=path.name,
                sha256=digest,
                content_sha256=content,
                imported_at=app.clock.now(),
                active=False,
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
            if wanted and allowed:
                _put_in_use(session, plan)
            result = Imported(
                parsed=parsed,
                sha256=digest,
                plan_id=plan.id,
                source_name=plan.source_name,
                in_use=plan.active,
                held=wanted and not allowed,
            )
    if result.in_use and (current is None or current.id != result.plan_id):
        audit(app, actor, "plan_use", f"plan:{result.plan_id}", by="import")
    return result


def use_plan(app: App, plan_id: int, *, actor: Actor = CLI_ACTOR) -> Plan:
    """Make stored plan `plan_id` the plan in use (the approve right under `require_approval`)."""
    _require_choose(app, actor)
    with app.sessions.begin() as session:
        plan = session.get(Plan, plan_id)
        if plan is None or plan.station_id != app.station_id:
            raise NotFoundError(kind="plan", id=plan_id)
        previous = _in_use(session, app.station_id)
        _put_in_use(session, plan)
    audit(app, actor, "plan_use", f"plan:{plan_id}", previous=previous.id if previous else None)
    return plan


def list_plans(app: App) -> list[tuple[Plan, int]]:
    """Stored plans of this station, newest first, with their item counts (`Plan.active`: the plan in use)."""
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
