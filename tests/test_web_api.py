"""The JSON API in process: bearer tokens, roles, the same errors as HTTP statuses, and the OpenAPI document."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

from scheduler.runner import Runner
from scheduler.services.users import create_token
from scheduler.web import create_app
from tests.web_support import build_web_app, web_app_fixture, web_client_fixture  # noqa: F401  (the app and client fixtures)


@pytest.fixture
def tokens(app: Any) -> dict[str, dict[str, str]]:
    return {name: {"Authorization": f"Bearer {create_token(app, name, 'test')}"} for name in ("an", "binh")}


def test_openapi_document_lists_every_api_route(client, app):
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    web = create_app(app, secret_key="k")
    routes = {
        re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", r.rule) for r in web.url_map.iter_rules() if r.rule.startswith("/api/")
    }
    assert routes == set(document["paths"])


def test_the_api_needs_a_valid_token_and_ignores_the_session(client):
    assert client.get("/api/programme").status_code == 401
    bad = client.get("/api/programme", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.get_json()["error"] == "auth_token"


def test_draft_approve_and_air_through_the_api(client, app, tokens):
    created = client.post(
        "/api/bulletins", json={"text": "Họp dân lúc 14h.", "at": "now", "channels": ["radio"]}, headers=tokens["an"]
    )
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
    assert (
        client.post("/api/bulletins", json={"text": "x", "channels": ["fax"]}, headers=tokens["an"]).status_code == 400
    )
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
    client.post(
        "/api/bulletins", json={"text": "Tin buổi sáng.", "at": "06:00", "channels": ["radio"]}, headers=tokens["binh"]
    )
    programme = client.get("/api/programme?days=1", headers=tokens["an"]).get_json()
    assert [a["title"] for a in programme["airings"]] == ["Tin buổi sáng"]
    assert client.get("/api/programme?days=99", headers=tokens["an"]).status_code == 400
    listed = {c["name"]: c["enabled"] for c in client.get("/api/channels", headers=tokens["an"]).get_json()["channels"]}
    assert list(listed)[:3] == ["radio", "facebook", "zalo"] and {"led", "portal"} <= set(listed)
    assert listed["radio"] and not listed["led"] and not listed["portal"]  # registered, off by default


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


def test_report_as_json_and_as_files(client, app, tokens):
    from openpyxl import load_workbook

    from tests.test_report import november

    november(app)
    report = client.get("/api/report?month=2026-11", headers=tokens["an"])
    assert report.status_code == 200, report.get_json()
    body = report.get_json()
    assert body["period"] == {"first": "2026-11-01", "last": "2026-11-30", "kind": "month"}
    assert body["summary"]["airings"] == 16 and body["summary"]["done"] == 11
    assert (body["summary"]["problems"], body["summary"]["dry_runs"]) == (4, 1)  # a dry run is not a problem
    assert body["summary"]["success_rate"] == round(11 / 15, 4)
    assert body["summary"]["items_not_aired"] == ["3"] and body["summary"]["radio_minutes"] == 15.0
    radio = next(t for t in body["totals"] if t["channel"] == "radio")
    assert radio["counts"]["aired"] == 8 and radio["done"] == 8
    facebook = next(t for t in body["totals"] if t["channel"] == "facebook")
    assert (facebook["done"], facebook["problems"], facebook["dry_runs"], facebook["airings"]) == (2, 1, 1, 4)
    assert len(body["days"]) == 30 and body["problems"][0]["outcome"] == "missed"
    assert body["issued_at"].endswith("+07:00")
    default = client.get("/api/report", headers=tokens["an"]).get_json()
    assert default["period"]["first"] == "2026-10-01" and default["summary"]["airings"] == 1  # 31/10 23:30 station time
    xlsx = client.get("/api/report.xlsx?month=2026-11", headers=tokens["an"])
    assert xlsx.status_code == 200 and xlsx.mimetype.endswith("spreadsheetml.sheet")
    assert load_workbook(io.BytesIO(xlsx.data)).sheetnames[0] == "Tổng hợp"
    csv_file = client.get("/api/report.csv?month=2026-11", headers=tokens["an"])
    assert csv_file.mimetype == "text/csv" and "I. KẾT QUẢ CHUNG" in csv_file.data.decode("utf-8-sig")
    for bad in ("2026-13", "tháng-11", "9999-12"):
        answer = client.get(f"/api/report?month={bad}", headers=tokens["an"])
        assert answer.status_code == 400 and answer.get_json()["error"] == "bad_month", bad
    assert client.get("/api/report.xlsx").status_code == 401


def test_tokens_are_listed_and_revoked_by_admins_only(client, app, tokens, clock):
    admin = {"Authorization": f"Bearer {create_token(app, 'chi', 'quan-tri')}"}
    assert client.get("/api/tokens", headers=tokens["an"]).status_code == 403
    clock.advance(minutes=5)
    listed = client.get("/api/tokens", headers=admin).get_json()["tokens"]
    assert {(k["username"], k["name"]) for k in listed} == {("an", "test"), ("binh", "test"), ("chi", "quan-tri")}
    assert all("token" not in k for k in listed)
    mine = next(k for k in listed if k["username"] == "chi")
    assert mine["last_used_at"].startswith("2026-11-23T06:00")  # noted when it was used
    assert next(k for k in listed if k["username"] == "an")["last_used_at"].startswith("2026-11-23T05:55")
    unused = next(k for k in listed if k["username"] == "binh")
    assert unused["last_used_at"] is None
    revoked = client.post(f"/api/tokens/{unused['id']}/revoke", headers=admin)
    assert revoked.status_code == 200 and revoked.get_json()["revoked"] is True
    assert client.get("/api/channels", headers=tokens["binh"]).status_code == 401
    assert client.get("/api/channels", headers=tokens["an"]).status_code == 200
    again = client.post(f"/api/tokens/{unused['id']}/revoke", headers=admin)
    assert again.status_code == 200 and again.get_json()["revoked_at"] == revoked.get_json()["revoked_at"]
    assert client.post("/api/tokens/4242/revoke", headers=admin).status_code == 404


def test_api_requests_are_throttled_per_address(tmp_path, db_url, clock):
    app = build_web_app(tmp_path, db_url, clock, web={"api_requests": 5, "api_window_seconds": 10})
    try:
        client = create_app(app, secret_key="k", testing=True).test_client()
        header = {"Authorization": f"Bearer {create_token(app, 'an', 'test')}"}
        statuses = [client.get("/api/channels", headers=header).status_code for _ in range(5)]
        assert statuses == [200] * 5
        refused = client.get("/api/channels", headers=header)
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "10"
        body = refused.get_json()
        assert body["error"] == "too_many_requests" and "thử lại sau 10 giây" in body["message"]
        assert client.get("/api/programme").status_code == 429  # per address, whoever asks
        assert client.get("/api/openapi.json").status_code == 200  # the document is never throttled
        other = client.get("/api/channels", headers=header, environ_base={"REMOTE_ADDR": "192.0.2.7"})
        assert other.status_code == 200
        clock.advance(seconds=10)
        assert client.get("/api/channels", headers=header).status_code == 200
    finally:
        app.close()


def test_forwarded_addresses_count_only_behind_a_trusted_proxy(tmp_path, db_url, clock):
    import dataclasses

    app = build_web_app(tmp_path, db_url, clock, web={"api_requests": 1})
    try:
        for proxies, second in ((0, 429), (1, 401)):
            web = dataclasses.replace(app.config.web, trusted_proxies=proxies)
            client = create_app(
                dataclasses.replace(app, config=dataclasses.replace(app.config, web=web)), secret_key="k", testing=True
            ).test_client()
            assert client.get("/api/channels", headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 401
            answer = client.get("/api/channels", headers={"X-Forwarded-For": "198.51.100.2"})
            assert answer.status_code == second, proxies  # 401: another address, let through to the token check
    finally:
        app.close()


def test_listen_renders_the_text_and_serves_the_audio(client, tokens):
    heard = client.post(
        "/api/listen", json={"text": "UBND xã thông báo lịch tiếp dân ngày 30/7."}, headers=tokens["an"]
    )
    assert heard.status_code == 200, heard.get_data(as_text=True)
    body = heard.get_json()
    assert body["seconds"] > 0.5 and body["url"] == f"/api/listen/{body['name']}"
    audio = client.get(body["url"], headers=tokens["an"])
    assert audio.status_code == 200 and audio.mimetype == "audio/mpeg"
    assert audio.data[:3] == b"ID3" or audio.data[0] == 0xFF
    again = client.post(
        "/api/listen", json={"text": "UBND xã thông báo lịch tiếp dân ngày 30/7."}, headers=tokens["an"]
    ).get_json()
    assert again["name"] == body["name"] and again["engine"] == "cache"  # the same text renders once


def test_listen_refuses_empty_text_unknown_files_and_no_token(client, tokens):
    empty = client.post("/api/listen", json={"text": "   "}, headers=tokens["an"])
    assert empty.status_code == 400 and empty.get_json()["error"] == "listen_empty"
    assert client.get("/api/listen/../../loa.db", headers=tokens["an"]).status_code == 404
    assert client.get(f"/api/listen/{'0' * 32}.mp3", headers=tokens["an"]).status_code == 404
    assert client.post("/api/listen", json={"text": "Tin."}).status_code == 401
    other = client.post("/api/listen", json={"text": "Tin.", "engine": "khong-co"}, headers=tokens["an"])
    assert other.status_code == 400 and other.get_json()["error"] == "tts_unknown_engine"
    bad = client.post("/api/listen", json={"text": "Tin.", "engine": 3}, headers=tokens["an"])
    assert bad.status_code == 400
