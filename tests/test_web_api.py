"""The JSON API in process: bearer tokens, roles, the same errors as HTTP statuses, and the OpenAPI document."""

from __future__ import annotations

import re
from typing import Any, Iterator

import pytest

from scheduler.runner import Runner
from scheduler.users import create_token
from scheduler.web import create_app
from tests.web_support import build_web_app


@pytest.fixture
def app(tmp_path: Any, db_url: str, clock: Any) -> Iterator[Any]:
    application = build_web_app(tmp_path, db_url, clock)
    yield application
    application.close()


@pytest.fixture
def client(app: Any) -> Any:
    return create_app(app, secret_key="k", testing=True).test_client()


@pytest.fixture
def tokens(app: Any) -> dict[str, dict[str, str]]:
    return {name: {"Authorization": f"Bearer {create_token(app, name, 'test')}"} for name in ("an", "binh")}


def test_openapi_document_lists_every_api_route(client, app):
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    web = create_app(app, secret_key="k")
    routes = {re.sub(r"<[^:>]+:(\w+)>", r"{\1}", r.rule) for r in web.url_map.iter_rules()
              if r.rule.startswith("/api/")}
    assert routes == set(document["paths"])


def test_the_api_needs_a_valid_token_and_ignores_the_session(client):
    assert client.get("/api/programme").status_code == 401
    bad = client.get("/api/programme", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.get_json()["error"] == "auth_token"


def test_draft_approve_and_air_through_the_api(client, app, tokens):
    created = client.post("/api/bulletins", json={"text": "Họp dân lúc 14h.", "at": "now", "channels": ["radio"]},
                          headers=tokens["an"])
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["approval"] == "draft"
    bulletin_id = body["bulletin_id"]
    drafts = client.get("/api/approvals", headers=tokens["an"]).get_json()["drafts"]
    assert [d["id"] for d in drafts] == [bulletin_id]
    refused = client.post(f"/api/bulletins/{bulletin_id}/approve", json={}, headers=tokens["an"])
    assert refused.status_code == 403 and refused.get_json()["error"] == "forbidden"
    approved = client.post(f"/api/bulletins/{bulletin_id}/approve", json={"comment": "OK"}, headers=tokens["binh"])
    assert approved.status_code == 200 and approved.get_json()["approval"] == "approved"
    Runner(app).run_due()
    records = client.get("/api/log?channel=radio", headers=tokens["an"]).get_json()["records"]
    assert [(r["bulletin_id"], r["outcome"]) for r in records] == [(bulletin_id, "aired")]
    assert client.get(f"/api/bulletins/{bulletin_id}", headers=tokens["an"]).get_json()["approval"] == "approved"


def test_errors_map_to_statuses(client, tokens):
    assert client.post("/api/bulletins", json={"text": " "}, headers=tokens["an"]).status_code == 400
    assert client.post("/api/bulletins", json={"text": "x", "channels": ["fax"]}, headers=tokens["an"]).status_code == 400
    assert client.post("/api/bulletins", data="không phải JSON", headers=tokens["an"]).status_code == 400
    missing = client.get("/api/bulletins/999", headers=tokens["an"])
    assert missing.status_code == 404 and "999" in missing.get_json()["message"]
    assert client.post("/api/bulletins/999/reject", json={"comment": "x"}, headers=tokens["binh"]).status_code == 404
    assert client.post("/api/bulletins/1/reject", json={"comment": ""}, headers=tokens["binh"]).status_code == 400


def test_emergency_needs_the_role_and_a_confirmation(client, tokens):
    body = {"text": "Lũ quét, sơ tán ngay.", "channels": ["radio"]}
    assert client.post("/api/emergency", json={**body, "confirm": True}, headers=tokens["an"]).status_code == 403
    assert client.post("/api/emergency", json=body, headers=tokens["binh"]).status_code == 400
    sent = client.post("/api/emergency", json={**body, "confirm": True}, headers=tokens["binh"])
    assert sent.status_code == 201 and sent.get_json()["approval"] == "approved"


def test_preview_programme_and_channels(client, app, tokens):
    reading = client.post("/api/preview", json={"text": "Lúc 14h"}, headers=tokens["an"]).get_json()["reading"]
    assert reading == app.speaker.speakable("Lúc 14h")
    client.post("/api/bulletins", json={"text": "Tin buổi sáng.", "at": "06:00", "channels": ["radio"]},
                headers=tokens["binh"])
    programme = client.get("/api/programme?days=1", headers=tokens["an"]).get_json()
    assert [a["title"] for a in programme["airings"]] == ["Tin buổi sáng"]
    assert client.get("/api/programme?days=99", headers=tokens["an"]).status_code == 400
    names = [c["name"] for c in client.get("/api/channels", headers=tokens["an"]).get_json()["channels"]]
    assert names == ["radio", "facebook", "zalo"]


def test_messages_follow_the_session_language(client, tokens):
    client.get("/login?lang=en")
    assert "not found" in client.get("/api/bulletins/5", headers=tokens["an"]).get_json()["message"]


def test_unknown_routes_and_methods_answer_json(client, tokens):
    missing = client.get("/api/nothing", headers=tokens["an"])
    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"
    assert client.delete("/api/approvals", headers=tokens["an"]).status_code == 405


def test_an_id_too_large_for_the_database_is_not_found(client, tokens):
    assert client.get("/api/bulletins/9223372036854775808", headers=tokens["an"]).status_code == 404
    assert client.get("/api/bulletins/0", headers=tokens["an"]).status_code == 404
