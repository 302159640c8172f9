"""The web console in process: login, roles, CSRF, lockout, drafting, approval, airing and the log's audio."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from broadcasts.models import Approval, Bulletin
from scheduler.runner import Runner
from scheduler.services import users
from scheduler.web import create_app
from tests.web_support import PASSWORD, build_web_app, csrf, login


@pytest.fixture
def app(tmp_path: Any, db_url: str, clock: Any) -> Iterator[Any]:
    application = build_web_app(tmp_path, db_url, clock)
    yield application
    application.close()


@pytest.fixture
def web(app: Any) -> Any:
    return create_app(app, secret_key="test-secret", testing=True)


@pytest.fixture
def client(web: Any) -> Any:
    return web.test_client()


def _draft(client: Any, text: str = "Thông báo họp dân lúc 14h ngày 25/11.", **extra: Any) -> Any:
    data = {"text": text, "at": "now", "priority": "normal", "channels": ["radio"], "csrf_token": csrf(client, "/new")}
    data.update(extra)
    return client.post("/new", data=data, follow_redirects=True)


def _latest(app: Any) -> Bulletin:
    with app.reads() as session:
        return session.query(Bulletin).order_by(Bulletin.id.desc()).first()


def test_pages_need_a_login(client):
    for path in ("/", "/new", "/approvals", "/plans", "/log", "/channels", "/users", "/audit"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_login_page_is_vietnamese_first_and_english_on_request(client):
    page = client.get("/login").get_data(as_text=True)
    assert "Đăng nhập" in page and 'lang="vi"' in page
    assert "Log in" in client.get("/login?lang=en").get_data(as_text=True)


def test_session_cookie_is_httponly_and_samesite(client):
    response = login(client, "an")
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_every_page_renders_for_an_admin(client):
    login(client, "chi")
    for path in (
        "/",
        "/new",
        "/approvals",
        "/plans",
        "/log",
        "/channels",
        "/users",
        "/audit",
        "/log?since=2026-11-01&until=2026-11-30&channel=radio&outcome=aired",
    ):
        response = client.get(path)
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])


def test_a_form_without_the_csrf_token_is_refused(client, app):
    login(client, "an")
    response = client.post("/new", data={"text": "Không có mã CSRF", "at": "now"})
    assert response.status_code == 400 and "CSRF" not in _latest_title(app)
    assert "biểu mẫu" in response.get_data(as_text=True)
    assert client.post("/login", data={"username": "an", "password": PASSWORD}).status_code == 400


def _latest_title(app: Any) -> str:
    latest = _latest(app)
    return latest.title if latest else ""


def test_wrong_password_then_lockout(client, app, clock):
    response = login(client, "an", "sai-mat-khau")
    assert response.status_code == 401 and "Sai tên đăng nhập" in response.get_data(as_text=True)
    for _ in range(4):
        login(client, "an", "sai-mat-khau")
    locked = login(client, "an")  # the right password no longer helps
    assert locked.status_code == 401 and "tạm khóa" in locked.get_data(as_text=True)  # the one answer to any refusal
    clock.advance(minutes=16)
    assert login(client, "an").status_code == 302


def test_unknown_user_is_refused_like_a_wrong_password(client):
    response = login(client, "khong-co", "x")
    assert response.status_code == 401 and "Sai tên đăng nhập" in response.get_data(as_text=True)


def test_preview_shows_the_normalized_reading(client, app):
    login(client, "an")
    token = csrf(client, "/new")
    text = "Họp lúc 14h ngày 25/11"
    reading = client.post("/preview", data={"text": text, "csrf_token": token}).get_json()["reading"]
    assert reading == app.speaker.speakable(text) and "mười bốn" in reading
    assert client.post("/preview", data={"text": text}).status_code == 400


def test_operator_drafts_and_cannot_approve(client, app):
    login(client, "an")
    page = _draft(client).get_data(as_text=True)
    assert "chờ lãnh đạo duyệt" in page
    bulletin = _latest(app)
    assert bulletin.approval is Approval.draft
    approvals = client.get("/approvals").get_data(as_text=True)
    assert f"draft-{bulletin.id}" in approvals and 'value="approve"' not in approvals
    response = client.post(
        f"/approvals/{bulletin.id}", data={"decision": "approve", "csrf_token": csrf(client, "/approvals")}
    )
    assert response.status_code == 403
    assert _latest(app).approval is Approval.draft
    assert (
        client.post("/emergency", data={"text": "x", "confirm": "yes", "csrf_token": csrf(client, "/")}).status_code
        == 403
    )
    assert client.get("/users").status_code == 403


def test_operator_cannot_draft_an_emergency(client, app):
    login(client, "an")
    assert _draft(client, priority="emergency").status_code == 403


def test_bad_input_keeps_the_form_and_says_why(client):
    login(client, "an")
    response = _draft(client, text="   ")
    assert response.status_code == 400
    response = _draft(client, at="ngày mai")
    assert response.status_code == 400 and "ngày mai" in response.get_data(as_text=True)


def test_draft_airs_only_after_approval_with_playable_audio(client, app):
    login(client, "an")
    _draft(client)
    bulletin_id = _latest(app).id
    runner = Runner(app, backoff_seconds=1.0)
    assert runner.run_due() == []  # a draft never airs
    client.post("/logout", data={"csrf_token": csrf(client, "/")})
    login(client, "binh")
    page = client.post(
        f"/approvals/{bulletin_id}",
        data={"decision": "approve", "comment": "Đồng ý", "csrf_token": csrf(client, "/approvals")},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert f"Đã duyệt bản tin số {bulletin_id}" in page
    records = runner.run_due()
    assert [r.outcome.value for r in records] == ["aired"]
    log = client.get("/log").get_data(as_text=True)
    assert f"/audio/{records[0].id}" in log
    audio = client.get(f"/audio/{records[0].id}")
    assert audio.status_code == 200 and audio.mimetype == "audio/mpeg" and len(audio.data) > 1000
    audio.close()
    assert client.get("/audio/999999").status_code == 404
    trail = client.get("/audit").get_data(as_text=True)
    assert ">duyệt</td>" in trail and "Đồng ý" in trail and ">soạn bản nháp</td>" in trail
    from scheduler.messages.labels import ACTION_LABELS

    for entry in users.read_audit(app):  # every action the trail holds has a label in both languages
        assert entry.action in ACTION_LABELS["vi"] and entry.action in ACTION_LABELS["en"], entry.action


def test_reject_needs_a_comment_and_cancels(client, app):
    login(client, "an")
    _draft(client)
    bulletin_id = _latest(app).id
    client.post("/logout", data={"csrf_token": csrf(client, "/")})
    login(client, "binh")
    token = csrf(client, "/approvals")
    assert client.post(f"/approvals/{bulletin_id}", data={"decision": "reject", "csrf_token": token}).status_code == 400
    client.post(f"/approvals/{bulletin_id}", data={"decision": "reject", "comment": "Sai ngày", "csrf_token": token})
    assert _latest(app).approval is Approval.rejected
    assert Runner(app).run_due() == []
    again = client.post(f"/approvals/{bulletin_id}", data={"decision": "approve", "csrf_token": token})
    assert again.status_code == 400


def test_approver_sends_an_emergency_only_when_confirmed(client, app):
    login(client, "binh")
    token = csrf(client, "/")
    assert client.post("/emergency", data={"text": "Bão số 5 đổ bộ", "csrf_token": token}).status_code == 400
    response = client.post(
        "/emergency",
        data={"text": "Bão số 5 đổ bộ", "confirm": "yes", "channels": ["radio"], "csrf_token": token},
        follow_redirects=True,
    )
    assert "Đã phát lệnh khẩn cấp" in response.get_data(as_text=True)
    latest = _latest(app)
    assert latest.approval is Approval.approved and latest.priority.value == "emergency"
    assert [r.outcome.value for r in Runner(app).run_due()] == ["aired"]


def test_approver_drafts_are_approved_at_once(client, app):
    login(client, "binh")
    assert "Đã xếp lịch" in _draft(client).get_data(as_text=True)
    assert _latest(app).approval is Approval.approved


def test_without_require_approval_operators_queue_directly(tmp_path, db_url, clock):
    app = build_web_app(tmp_path, db_url, clock, require_approval=False)
    try:
        client = create_app(app, secret_key="k", testing=True).test_client()
        login(client, "an")
        _draft(client)
        assert _latest(app).approval is Approval.approved
    finally:
        app.close()


def test_today_shows_the_programme_and_the_next_airing(client, app):
    login(client, "an")
    _draft(client, at="06:00", text="Lịch tiêm phòng cho trẻ em.")
    page = client.get("/").get_data(as_text=True)
    assert "Lượt phát tiếp theo" in page and "Lịch tiêm phòng cho trẻ em" in page
    assert "06:00 · Buổi sáng" in page and "17:00 · Buổi chiều" in page
    _draft(client, at="05:58", text="Tin lúc năm giờ năm mươi tám.")  # outside the slots
    assert "Tin lúc năm giờ năm mươi tám" in client.get("/").get_data(as_text=True)
    assert "Phát khẩn cấp" not in page  # operators do not get the button
    login(client, "binh")
    assert "Phát khẩn cấp" in client.get("/").get_data(as_text=True)


def test_channels_page_lists_each_channel(client):
    login(client, "an")
    page = client.get("/channels").get_data(as_text=True)
    for name in ("radio", "facebook", "zalo"):
        assert name in page
    assert "Màn hình LED <small>(led)</small>" in page  # registered, off by default: listed, not enabled
    assert "Truyền thanh" in page  # each channel by its label (CHANNEL_LABELS), e-mail as "Thư điện tử"


def test_admin_adds_a_user_who_can_log_in(client):
    login(client, "chi")
    client.post(
        "/users",
        data={
            "username": "dung",
            "password": "mot-mat-khau-moi",
            "role": "operator",
            "csrf_token": csrf(client, "/users"),
        },
    )
    client.post("/logout", data={"csrf_token": csrf(client, "/")})
    assert login(client, "dung", "mot-mat-khau-moi").status_code == 302


def test_admin_changes_a_role_and_disables_a_user(client, app):
    login(client, "chi")
    token = csrf(client, "/users")
    client.post("/users/an", data={"role": "approver", "active": "yes", "csrf_token": token})
    assert {u.username: u.role for u in users.list_users(app)}["an"] == "approver"
    other = app_client(app)
    login(other, "binh")
    client.post("/users/binh", data={"role": "approver", "csrf_token": token})  # unticked: disabled
    assert other.get("/").status_code == 302  # a disabled user's session ends at once
    assert login(other, "binh").status_code == 401


def app_client(app: Any) -> Any:
    return create_app(app, secret_key="test-secret", testing=True).test_client()


def test_plan_upload_and_browse(client):
    sample = Path(__file__).resolve().parents[1] / "scheduler" / "data" / "sample_plan.txt"
    login(client, "an")
    response = client.post(
        "/plans",
        data={"csrf_token": csrf(client, "/plans"), "file": (io.BytesIO(sample.read_bytes()), "ke-hoach.txt")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Đã nhập kế hoạch" in page and "ke-hoach.txt" in page
    assert client.get("/plans").status_code == 200
    assert client.get("/plans/999").status_code == 404


def test_logout_ends_the_session(client):
    login(client, "an")
    client.post("/logout", data={"csrf_token": csrf(client, "/")})
    assert client.get("/").status_code == 302


def test_security_headers(client):
    response = client.get("/login")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_log_and_recent_bulletins_show_localized_outcomes_and_statuses(client, app):
    login(client, "binh")
    _draft(client)  # approved at once: its airing is pending
    page = client.get("/new").get_data(as_text=True)
    assert "(chờ phát)" in page and "(pending)" not in page
    records = Runner(app, backoff_seconds=1.0).run_due()
    assert [r.outcome.value for r in records] == ["aired"]
    log = client.get("/log").get_data(as_text=True)
    assert 'data-outcome="aired">đã phát</span>' in log
    assert '<option value="dry_run" >chạy thử</option>' in log and '<option value="unknown" >chưa rõ</option>' in log
    assert "đã phát" in client.get("/channels").get_data(as_text=True)
    assert "(đã xong)" in client.get("/new").get_data(as_text=True)
    english = client.get("/log?lang=en").get_data(as_text=True)
    assert 'data-outcome="aired">aired</span>' in english and ">dry run</option>" in english


def test_reports_page_shows_the_figures_charts_and_downloads(client, app):
    from openpyxl import load_workbook

    from tests.test_report import november

    november(app)
    login(client, "an")  # an operator may read the report
    default = client.get("/reports")
    page = default.get_data(as_text=True)
    assert default.status_code == 200 and "Tháng 10 năm 2026" in page  # the last full month
    assert 'value="2026-10"' in page and "month=2026-11" in page  # the current month is one click away
    page = client.get("/reports?month=2026-11").get_data(as_text=True)
    assert "Tháng 11 năm 2026" in page and "I. KẾT QUẢ CHUNG" in page
    assert "<dd>16</dd>" in page and "<dd>11</dd>" in page and "<dd>4/5</dd>" in page  # airings, done, items
    assert "<dt>Chạy thử (không đăng thật)</dt><dd>1</dd>" in page  # a dry run is neither done nor a problem
    assert "<dt>Lỗi, bỏ lỡ, bỏ qua, chưa rõ kết quả</dt><dd>4</dd>" in page and "<td>73.3%</td>" in page
    assert page.count("<svg") == 3 and "<script" not in page.split("<main>")[1]
    assert 'class="chart chart-channels"' in page and 'data-value="8"' in page  # radio: 8 aired
    assert "Số phút phát thanh mỗi ngày" in page and 'class="flagged"' in page  # item 3 was not aired
    xlsx = client.get("/reports/download.xlsx?month=2026-11")
    assert xlsx.status_code == 200 and "bao-cao-thu-nghiem-2026-11.xlsx" in xlsx.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(xlsx.data))
    rows = {r[0]: r for r in book["Tổng hợp"].iter_rows(values_only=True) if r[0]}
    assert rows["Tổng cộng"][7] == 11 and rows["Tổng cộng"][11] == 16  # done, airings (after the rate, dry runs)
    csv_file = client.get("/reports/download.csv?month=2026-11")
    assert csv_file.data.startswith(b"\xef\xbb\xbf") and "II. SỐ LƯỢT THEO KÊNH VÀ KẾT QUẢ" in csv_file.data.decode()
    english = client.get("/reports?month=2026-11&lang=en").get_data(as_text=True)
    assert "November 2026" in english and "Radio minutes per day" in english
    bad = client.get("/reports?month=2026-13")
    assert bad.status_code == 400 and "2026-13" in bad.get_data(as_text=True)
    assert client.get("/reports/download.pdf?month=2026-11").status_code == 404


def test_listen_renders_the_text_with_the_station_voice(client, app):
    login(client, "an")
    token = csrf(client, "/new")
    text = "Họp dân lúc 14h ngày 25/11."
    answer = client.post("/listen", data={"text": text, "csrf_token": token})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    body = answer.get_json()
    assert body["url"].startswith("/listen/") and body["seconds"] > 0.5 and body["engine"] == "tone"
    assert "Bản nghe thử" in body["message"]
    audio = client.get(body["url"])
    assert audio.status_code == 200 and audio.mimetype == "audio/mpeg" and audio.data[:3] in (b"ID3", b"\xff\xfb")
    audio.close()
    spoken = list(app.speaker.engine.calls)
    assert "mười bốn giờ" in " ".join(spoken)  # the normalized reading, as the radio would speak it
    again = client.post("/listen", data={"text": text, "csrf_token": token}).get_json()
    assert again["url"] == body["url"] and again["engine"] == "cache" and app.speaker.engine.calls == spoken
    assert client.post("/listen", data={"text": text}).status_code == 400  # CSRF
    empty = client.post("/listen", data={"text": "  ", "csrf_token": token})
    assert empty.status_code == 400 and "Chưa có nội dung" in empty.get_json()["message"]
    assert client.get("/listen/../../loa.db").status_code == 404
    assert client.get("/listen/" + "0" * 32 + ".mp3").status_code == 404
    # without JavaScript the form's Listen button shows the player on the page
    page = client.post(
        "/new", data={"text": text, "action": "listen", "csrf_token": token, "channels": ["radio"]}
    ).get_data(as_text=True)
    assert f'src="{body["url"]}"' in page and _latest(app) is None  # nothing was queued


def test_listen_says_in_vietnamese_when_speech_fails(client, app):
    login(client, "an")
    app.speaker.engine.fail = True
    answer = client.post("/listen", data={"text": "Thông báo.", "csrf_token": csrf(client, "/new")})
    assert answer.status_code == 503
    message = answer.get_json()["message"]
    assert message.startswith("Không đọc thử được bản tin") and "told to fail" in message


def test_admin_lists_and_revokes_api_tokens(client, app, clock):
    token = users.create_token(app, "an", "cong-thong-tin")
    header = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/channels", headers=header).status_code == 200
    login(client, "an")
    assert client.get("/tokens").status_code == 403
    login(client, "chi")
    page = client.get("/tokens").get_data(as_text=True)
    assert "cong-thong-tin" in page and "23/11/2026 05:55" in page and token not in page
    token_id = users.list_tokens(app)[0].id
    assert client.post(f"/tokens/{token_id}/revoke").status_code == 400  # CSRF
    done = client.post(
        f"/tokens/{token_id}/revoke", data={"csrf_token": csrf(client, "/tokens")}, follow_redirects=True
    ).get_data(as_text=True)
    assert f"Đã thu hồi mã truy cập API số {token_id}" in done and "Đã thu hồi 23/11/2026" in done
    assert client.get("/api/channels", headers=header).status_code == 401
    entry = users.read_audit(app)[0]
    assert (entry.username, entry.action, entry.target) == ("chi", "token_revoke", "an")
    assert client.post("/tokens/999/revoke", data={"csrf_token": csrf(client, "/tokens")}).status_code == 404


def test_login_attempts_are_throttled_per_address(tmp_path, db_url, clock):
    app = build_web_app(tmp_path, db_url, clock, web={"login_attempts": 3, "login_window_seconds": 60})
    try:
        web = create_app(app, secret_key="k", testing=True)
        client = web.test_client()
        for _ in range(3):
            assert login(client, "khong-co", "x").status_code == 401
        refused = login(client, "an")  # even the right password waits: the address is throttled
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
        assert "Quá nhiều yêu cầu" in refused.get_data(as_text=True)
        other = web.test_client()
        assert login(other, "an").status_code == 429  # the same address
        elsewhere = other.post(
            "/login",
            data={"username": "an", "password": PASSWORD, "csrf_token": csrf(other)},
            environ_base={"REMOTE_ADDR": "10.0.0.9"},
        )
        assert elsewhere.status_code == 302
        assert client.get("/login").status_code == 200  # reading the page is not an attempt
        clock.advance(seconds=30)
        assert login(client, "an").headers["Retry-After"] == "30"
        clock.advance(seconds=31)
        assert login(client, "an").status_code == 302
    finally:
        app.close()


def test_listen_compares_the_configured_voices_on_the_page(client, app, monkeypatch):
    from audio.engines.base import EngineChain
    from audio.speech import Speaker
    from tests.fakes.tts import ToneEngine

    chain = EngineChain([ToneEngine("viettel"), ToneEngine("espeak")], ["hn-quynhanh", ""])
    monkeypatch.setattr(app, "speaker", Speaker(chain, voice="vi", options=app.speaker.options))
    login(client, "an")
    token = csrf(client, "/new")
    assert 'value="compare"' in client.get("/new").get_data(as_text=True)
    page = client.post(
        "/new", data={"text": "Họp dân lúc 14h.", "action": "compare", "csrf_token": token, "channels": ["radio"]}
    ).get_data(as_text=True)
    assert "viettel, giọng hn-quynhanh" in page and "espeak, giọng vi" in page
    assert page.count('<audio controls preload="none" src="/listen/') == 2 and _latest(app) is None
