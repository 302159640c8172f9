"""No way around approval: with `require_approval = true`, nothing an operator does airs unapproved.

Every path that makes a bulletin or an airing is tried as an operator (who may only draft): the console's New
bulletin and emergency, the API's bulletins and emergency, a plan upload (the plan in use feeds the rotation,
whose bulletins are approved), choosing the plan in use, and the paths that air a bulletin again (the
runner's requeue after an interruption, the operator's retry). The rule (README): choosing the plan in use
needs the approve right; an operator's plan is stored, never put in use by them.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from broadcasts.models import Airing, AiringStatus, Approval, Bulletin, LogRecord, Outcome, Plan
from scheduler.cli.demo import sample_plan_path
from scheduler.programme import planner
from scheduler.runner import Runner
from scheduler.web import create_app
from tests.web_support import build_web_app, csrf, login

EVACUATE = "toàn xã sơ tán ngay"


@pytest.fixture
def app(tmp_path: Any, db_url: str, clock: Any) -> Iterator[Any]:
    application = build_web_app(
        tmp_path,
        db_url,
        clock,
        programme={"rotate_plan": True},
        slots=[{"name": "Sáng", "time": "06:00", "max_minutes": 30, "channels": ["radio"]}],
    )
    yield application
    application.close()


@pytest.fixture
def client(app: Any) -> Any:
    return create_app(app, secret_key="test-secret", testing=True).test_client()


def hostile_plan(tmp_path: Path) -> Path:
    """A plan whose items say to evacuate the commune."""
    text = sample_plan_path().read_text(encoding="utf-8").replace("Bộ phận một cửa", EVACUATE)
    path = tmp_path / "ke-hoach-gia.txt"
    path.write_text(text, encoding="utf-8")
    return path


def upload(client: Any, path: Path) -> Any:
    return client.post(
        "/plans",
        data={"csrf_token": csrf(client, "/plans"), "file": (io.BytesIO(path.read_bytes()), path.name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def aired_texts(app: Any) -> list[str]:
    """The bodies of everything that went out, on any channel."""
    with app.reads() as session:
        rows = session.execute(
            select(Bulletin.body)
            .join(LogRecord, LogRecord.bulletin_id == Bulletin.id)
            .where(LogRecord.outcome.in_([Outcome.aired, Outcome.posted, Outcome.dry_run]))
        ).all()
    return [r.body for r in rows]


def run_a_day(app: Any, clock: Any) -> None:
    """Plan ahead the way the runner does, then run everything due over the next day."""
    now = clock.now()
    planner.materialize(app, now, now + timedelta(days=1))
    runner = Runner(app, backoff_seconds=1.0)
    for _ in range(4):
        clock.advance(minutes=15)
        runner.run_due()
    clock.set(now + timedelta(days=1))
    runner.run_due()


def rotation_bulletins(app: Any) -> list[Bulletin]:
    with app.reads() as session:
        return list(session.scalars(select(Bulletin).where(Bulletin.origin == "rotation")))


def test_an_operators_plan_is_never_the_plan_in_use_and_its_items_never_air(client, app, clock, tmp_path):
    login(client, "an")
    page = upload(client, hostile_plan(tmp_path)).get_data(as_text=True)
    assert "người duyệt chọn" in page  # stored, waiting for an approver to choose it
    with app.reads() as session:
        assert [p.active for p in session.scalars(select(Plan))] == [False]
    run_a_day(app, clock)
    assert rotation_bulletins(app) == []
    assert not [t for t in aired_texts(app) if EVACUATE in t]


def test_an_operators_upload_does_not_replace_the_approvers_plan(client, app, clock, tmp_path):
    login(client, "binh")
    assert "là kế hoạch đang dùng" in upload(client, sample_plan_path()).get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf(client, "/")})
    login(client, "an")
    page = upload(client, hostile_plan(tmp_path)).get_data(as_text=True)
    assert "chỉ người duyệt mới chọn được" in page
    with app.reads() as session:
        assert {p.id: p.active for p in session.scalars(select(Plan))} == {1: True, 2: False}
    run_a_day(app, clock)
    assert rotation_bulletins(app) and not [t for t in aired_texts(app) if EVACUATE in t]


def test_choosing_the_plan_in_use_needs_the_approve_right(client, app, clock, tmp_path):
    login(client, "an")
    upload(client, hostile_plan(tmp_path))
    page = client.get("/plans/1").get_data(as_text=True)
    assert 'id="use-plan"' not in page and "chỉ người duyệt" in page
    refused = client.post("/plans/1/use", data={"csrf_token": csrf(client, "/plans/1")})
    assert refused.status_code == 403
    with app.reads() as session:
        assert session.get_one(Plan, 1).active is False
    client.post("/logout", data={"csrf_token": csrf(client, "/")})
    login(client, "binh")  # the approver read it and chooses it: its rotation airs, approved by that choice
    assert 'id="use-plan"' in client.get("/plans/1").get_data(as_text=True)
    chosen = client.post("/plans/1/use", data={"csrf_token": csrf(client, "/plans/1")}, follow_redirects=True)
    assert chosen.status_code == 200 and "Kế hoạch số 1 là kế hoạch đang dùng." in chosen.get_data(as_text=True)
    assert "đang dùng" in client.get("/plans").get_data(as_text=True).lower()
    run_a_day(app, clock)
    assert [b.approval for b in rotation_bulletins(app)] and all(
        b.approval is Approval.approved for b in rotation_bulletins(app)
    )
    from scheduler.services.users import read_audit

    assert [(e.username, e.action, e.target) for e in read_audit(app) if e.action == "plan_use"] == [
        ("binh", "plan_use", "plan:1")
    ]


def test_without_required_approval_an_operator_may_choose_the_plan(tmp_path, db_url, clock):
    from scheduler.services.plans import import_plan, use_plan
    from scheduler.services.users import Actor

    app = build_web_app(tmp_path, db_url, clock, require_approval=False)
    try:
        operator = Actor(id=1, username="an", role="operator")
        first = import_plan(app, sample_plan_path(), actor=operator)
        assert first.in_use and not first.held
        second = import_plan(app, hostile_plan(tmp_path), actor=operator)
        assert not second.in_use and use_plan(app, second.plan_id or 0, actor=operator).active
    finally:
        app.close()


def test_an_operator_may_not_import_with_use_when_approval_is_required(app, tmp_path):
    from scheduler.services.plans import import_plan
    from scheduler.services.users import AccessError, Actor

    operator = Actor(id=1, username="an", role="operator")
    with pytest.raises(AccessError):
        import_plan(app, hostile_plan(tmp_path), actor=operator, use=True)
    with app.reads() as session:
        assert session.scalars(select(Plan)).all() == []  # refused before anything was stored


@pytest.mark.parametrize("path", ["console", "api"])
def test_an_operators_bulletin_airs_only_once_approved(client, app, clock, path):
    from scheduler.services.users import create_token

    text = f"Bản tin của người soạn: {EVACUATE}."
    if path == "console":
        login(client, "an")
        data = {"text": text, "at": "now", "priority": "normal", "channels": ["radio"]}
        assert client.post("/new", data={**data, "csrf_token": csrf(client, "/new")}).status_code in (200, 302)
        emergency = client.post("/emergency", data={"text": text, "confirm": "yes", "csrf_token": csrf(client, "/")})
    else:
        token = {"Authorization": f"Bearer {create_token(app, 'an', 'test')}"}
        made = client.post("/api/bulletins", json={"text": text, "at": "now", "channels": ["radio"]}, headers=token)
        assert made.status_code == 201 and made.get_json()["approval"] == "draft"
        emergency = client.post("/api/emergency", json={"text": text}, headers=token)
        high = client.post("/api/bulletins", json={"text": text, "priority": "emergency"}, headers=token)
        assert high.status_code == 403
    assert emergency.status_code == 403
    run_a_day(app, clock)
    assert not [t for t in aired_texts(app) if EVACUATE in t]
    with app.reads() as session:
        assert [b.approval for b in session.scalars(select(Bulletin).where(Bulletin.origin == "web"))] == [
            Approval.draft
        ]


@pytest.mark.parametrize("approval", [Approval.draft, Approval.rejected])
def test_airing_again_never_airs_an_unapproved_bulletin(app, clock, approval):
    """The runner's requeue after an interruption and the operator's retry make new airings of a bulletin:
    neither airs one that is not approved (the runner claims approved bulletins only)."""
    from scheduler.runner import radio
    from scheduler.services.queue import queue_bulletin
    from scheduler.services.social import retry_airing

    queued = queue_bulletin(app, text=f"Tin chưa duyệt: {EVACUATE}.", at="now", channels=["radio"])
    [record] = Runner(app, backoff_seconds=1.0).run_due()
    assert record.outcome is Outcome.aired
    with app.sessions.begin() as session:  # as if it had been withdrawn for approval after airing once
        session.execute(update(Bulletin).where(Bulletin.id == queued.bulletin_id).values(approval=approval))
        session.execute(
            update(Airing).where(Airing.id == record.airing_id).values(outcome=Outcome.failed, status=AiringStatus.done)
        )
    radio.requeue(app, record)
    retried = retry_airing(app, record.airing_id)
    assert retried.new_airing_id is not None
    run_a_day(app, clock)
    with app.reads() as session:
        outcomes = [
            r.outcome for r in session.scalars(select(LogRecord).where(LogRecord.bulletin_id == queued.bulletin_id))
        ]
    assert outcomes == [Outcome.aired]  # only the airing from before it was unapproved
