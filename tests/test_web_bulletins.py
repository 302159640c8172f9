"""Cancel, move and edit in the console (test client: CSRF, roles, Today, the log) and in the REST API."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from broadcasts.accounts import AuditEntry
from broadcasts.models import LogRecord, Outcome
from scheduler.services import approval
from scheduler.services.bulletins import show_bulletin
from scheduler.services.users import Actor, create_token
from tests.web_support import build_web_app, csrf, login, web_app_fixture, web_client_fixture  # noqa: F401  (the app and client fixtures)

AN = Actor(id=1, username="an", role="operator")
BINH = Actor(id=2, username="binh", role="approver")


def _queued(app: Any, actor: Actor = BINH, text: str = "Lịch tiêm chủng ngày 30/7.") -> int:
    return approval.submit_bulletin(app, actor, text=text, at="+2h", channels=["radio", "facebook"]).queued.bulletin_id


def _post(client: Any, path: str, bulletin_id: int, **data: Any) -> Any:
    token = csrf(client, f"/bulletins/{bulletin_id}")
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=True)


def test_the_bulletin_page_cancels_moves_and_edits(client, app):
    bulletin_id = _queued(app)
    login(client, "binh")
    page = client.get(f"/bulletins/{bulletin_id}").get_data(as_text=True)
    assert 'id="cancel"' in page and 'id="move"' in page and 'id="edit"' in page
    done = _post(client, f"/bulletins/{bulletin_id}/cancel", bulletin_id, channel="facebook", reason="sai kênh")
    assert done.status_code == 200 and "Đã huỷ 1 lượt" in done.get_data(as_text=True)
    done = _post(client, f"/bulletins/{bulletin_id}/move", bulletin_id, at="", slot="17:00")
    assert "Đã dời 1 lượt" in done.get_data(as_text=True)
    done = _post(client, f"/bulletins/{bulletin_id}/edit", bulletin_id, title="Tiêm chủng", text="Tiêm ngày 31/7.")
    body = done.get_data(as_text=True)
    assert "Đã sửa bản tin" in body and "cần người duyệt duyệt lại" in body
    detail = show_bulletin(app, bulletin_id)
    assert detail.body == "Tiêm ngày 31/7." and detail.approval == "draft"
    assert [a.slot for a in detail.airings if a.status == "pending"] == ["Buổi chiều"]
    with app.reads() as session:
        [record] = session.scalars(select(LogRecord)).all()
        actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert record.outcome is Outcome.skipped and "binh" in (record.error_message or "")
    assert actions[-3:] == ["bulletin_cancel", "bulletin_move", "bulletin_edit"]
    audit_page = client.get("/audit").get_data(as_text=True)
    assert "huỷ bản tin" in audit_page and "dời bản tin" in audit_page and "sửa bản tin" in audit_page


def test_bad_input_is_said_on_the_page_and_nothing_changes(client, app):
    bulletin_id = _queued(app)
    login(client, "binh")
    for path, data, expected in (
        ("move", {"at": "2020-01-01 10:00"}, "đã qua"),
        ("move", {"at": "", "slot": ""}, "Cần đúng một trong hai"),
        ("move", {"at": "lúc nào đó"}, "Không hiểu thời điểm"),
        ("edit", {"title": "", "text": ""}, "Cần nội dung mới"),
        ("cancel", {"channel": "tiktok"}, "không có lượt phát trên kênh"),
    ):
        response = _post(client, f"/bulletins/{bulletin_id}/{path}", bulletin_id, **data)
        assert response.status_code == 200 and expected in response.get_data(as_text=True), (path, data)
    assert all(a.status == "pending" for a in show_bulletin(app, bulletin_id).airings)
    assert client.get("/bulletins/9999").status_code == 404
    assert client.post(f"/bulletins/{bulletin_id}/cancel", data={}).status_code == 400  # no CSRF token
    assert all(a.status == "pending" for a in show_bulletin(app, bulletin_id).airings)


def test_an_operator_changes_their_draft_but_not_an_approved_bulletin(client, app):
    approved = _queued(app)
    mine = _queued(app, AN, "Bản nháp của An.")
    login(client, "an")
    page = client.get(f"/bulletins/{approved}").get_data(as_text=True)
    assert 'id="cancel"' not in page and 'id="edit"' not in page
    token = csrf(client, f"/bulletins/{approved}")
    refused = client.post(f"/bulletins/{approved}/cancel", data={"csrf_token": token})
    assert refused.status_code == 403 and "người duyệt" in refused.get_data(as_text=True)
    assert all(a.status == "pending" for a in show_bulletin(app, approved).airings)
    assert 'id="edit"' in client.get(f"/bulletins/{mine}").get_data(as_text=True)
    done = _post(client, f"/bulletins/{mine}/edit", mine, title="Nháp đã sửa", text="Nội dung sửa.")
    assert "Đã sửa bản tin" in done.get_data(as_text=True) and show_bulletin(app, mine).title == "Nháp đã sửa"


def test_today_and_the_log_lead_to_the_change_buttons(client, app):
    bulletin_id = _queued(app)
    airing_id = show_bulletin(app, bulletin_id).airings[0].id
    login(client, "binh")
    today = client.get("/").get_data(as_text=True)
    assert f"/airings/{airing_id}/cancel" in today and f'href="/airings/{airing_id}"' in today
    assert client.get(f"/airings/{airing_id}").headers["Location"].endswith(f"/bulletins/{bulletin_id}")
    token = csrf(client, "/")
    done = client.post(f"/airings/{airing_id}/cancel", data={"csrf_token": token}, follow_redirects=True)
    assert "Đã huỷ 1 lượt" in done.get_data(as_text=True)
    log = client.get("/log").get_data(as_text=True)
    assert f'href="/bulletins/{bulletin_id}"' in log
    client.get("/logout")
    login(client, "an")
    assert f"/airings/{airing_id}/cancel" not in client.get("/").get_data(as_text=True)


# ---- the REST API -------------------------------------------------------------------------------------


@pytest.fixture
def tokens(app: Any) -> dict[str, dict[str, str]]:
    return {name: {"Authorization": f"Bearer {create_token(app, name, 'test')}"} for name in ("an", "binh")}


def test_the_api_cancels_moves_and_edits_with_role_checks(client, app, tokens):
    bulletin_id = _queued(app)
    listed = client.get("/api/bulletins", headers=tokens["an"]).get_json()
    assert [b["id"] for b in listed["bulletins"]] == [bulletin_id]
    assert listed["bulletins"][0]["airings"][0]["due_at"].endswith("+07:00")
    refused = client.post(f"/api/bulletins/{bulletin_id}/cancel", json={}, headers=tokens["an"])
    assert refused.status_code == 403 and refused.get_json()["error"] == "bulletin_change_forbidden"
    assert client.post(f"/api/bulletins/{bulletin_id}/cancel", json={}).status_code == 401
    moved = client.post(f"/api/bulletins/{bulletin_id}/move", json={"slot": "Buổi chiều"}, headers=tokens["binh"])
    assert moved.status_code == 200 and moved.get_json()["action"] == "move"
    edited = client.post(f"/api/bulletins/{bulletin_id}/edit", json={"text": "Nội dung mới."}, headers=tokens["binh"])
    assert edited.get_json()["approval"] == "draft"
    cancelled = client.post(
        f"/api/bulletins/{bulletin_id}/cancel", json={"channel": "radio", "reason": "hoãn"}, headers=tokens["binh"]
    )
    data = cancelled.get_json()
    assert cancelled.status_code == 200 and [a["channel"] for a in data["airings"]] == ["radio"]
    assert data["airings"][0]["outcome"] == "skipped"
    for path, body, status, code in (
        ("cancel", {"stop": "yes"}, 400, "api_field_bool"),
        ("cancel", [], 400, "api_body_object"),
        ("move", {"at": 5}, 400, "api_field_string"),
        ("move", {"at": "2020-01-01 10:00"}, 400, "bulletin_move_past"),
        ("edit", {}, 400, "bulletin_edit_nothing"),
    ):
        response = client.post(f"/api/bulletins/{bulletin_id}/{path}", json=body, headers=tokens["binh"])
        assert response.status_code == status and response.get_json()["error"] == code, (path, body)
    assert client.post("/api/bulletins/9999/cancel", json={}, headers=tokens["binh"]).status_code == 404
    document = client.get("/api/openapi.json").get_json()
    assert {"get", "post"} <= set(document["paths"]["/api/bulletins"])
    for action in ("cancel", "move", "edit"):
        assert "post" in document["paths"][f"/api/bulletins/{{bulletin_id}}/{action}"]
