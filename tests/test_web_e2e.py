"""End to end in real headless Chromium: draft as an operator, approve as an approver, hear it in the log;
every page at phone and desktop width, the report's download and the Listen button.

Needs Debian's `chromium` and the `playwright` package (never `playwright install`);
skipped with the reason when either is missing, except under CI where it fails.
Screenshots at phone and desktop width go to test-artifacts/ (gitignored).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scheduler.runner import Runner
from scheduler.web import create_app
from tests.web_support import PASSWORD, build_web_app

CHROMIUM = os.environ.get("LOA_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _missing() -> str | None:
    """Why the browser test cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        return f"Chromium is not at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture
def browser() -> Iterator[Any]:
    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser test: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def served(tmp_path: Path, clock: Any) -> Iterator[tuple[str, Any]]:
    """The console on a free local port, on its own SQLite file, with a plan, last month's log and a token."""
    from werkzeug.serving import make_server

    app = build_web_app(tmp_path, f"sqlite:///{tmp_path / 'loa.db'}", clock)
    _last_month(app)
    server = make_server("127.0.0.1", 0, create_app(app, secret_key="e2e"), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
        app.close()


def _last_month(app: Any) -> None:
    """October 2026 (the last full month at the test clock): the plan's items aired, posted, one missed."""
    from scheduler.services.plans import get_plan, import_plan
    from scheduler.services.users import create_token
    from tests.log_builder import LogBuilder, local

    imported = import_plan(app, Path(__file__).resolve().parents[1] / "scheduler" / "data" / "sample_plan.txt")
    assert imported.plan_id is not None
    log = LogBuilder(app.sessions, app.station_id)
    log.items = {item.ref: item.id for item in get_plan(app, imported.plan_id)[1]}
    for day in range(1, 32, 2):
        log.record("radio", "aired", local(2026, 10, day, 6), item="1" if day % 4 else "3.1", seconds=150 + day * 5)
    log.record("facebook", "posted", local(2026, 10, 3, 6), item="1", url="https://facebook.com/1_1")
    log.record("zalo", "posted", local(2026, 10, 4, 17), item="5")
    log.record(
        "radio",
        "missed",
        local(2026, 10, 9, 17),
        item="7",
        late=None,
        error_code="missed",
        error_message="Quá giờ 2 giờ (cho phép 10 phút).",
    )
    create_token(app, "chi", "cong-thong-tin-dien-tu")


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:not(header *)")
    page.wait_for_url(f"{base}/")


def _shots(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{label}.png"), full_page=True)


def test_draft_approve_air_and_play(browser, served):
    base, app = served
    operator = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = operator.new_page()
    _login(page, base, "an")
    _shots(page, "01-today-operator")
    page.goto(f"{base}/new")
    page.fill("textarea#text", "Thông báo: họp dân lúc 14h ngày 25/11 tại nhà văn hóa.")
    page.locator("#preview", has_text="mười bốn").wait_for()  # the live preview, fetched as one types
    assert "mười bốn giờ" in page.text_content("#preview")
    page.fill("input[name=at]", "now")
    for name in ("facebook", "zalo"):
        page.uncheck(f"input[name=channels][value={name}]")
    _shots(page, "02-new-bulletin")
    page.click("form#bulletin button#submit")
    assert "chờ lãnh đạo duyệt" in page.text_content(".flash")
    page.goto(f"{base}/approvals")
    assert page.locator("button[value=approve]").count() == 0  # an operator cannot approve
    operator.close()

    approver = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    page = approver.new_page()
    _login(page, base, "binh")
    page.goto(f"{base}/approvals")
    _shots(page, "03-approvals")
    page.fill("article.draft input[name=comment]", "Đồng ý phát")
    page.click("article.draft button[value=approve]")
    assert "Đã duyệt" in page.text_content(".flash")

    records = Runner(app).run_due()
    assert [r.outcome.value for r in records] == ["aired"]
    page.goto(f"{base}/log")
    audio = page.locator(f"#record-{records[0].id} audio")
    assert audio.count() == 1
    duration = audio.evaluate("""a => new Promise((ok, fail) => {
        a.preload = 'auto';
        a.addEventListener('loadedmetadata', () => ok(a.duration), {once: true});
        a.addEventListener('error', () => fail('audio error ' + (a.error && a.error.code)), {once: true});
        a.load();
    })""")
    assert duration > 0.5
    _shots(page, "04-log")
    approver.close()


PAGES = [
    ("05-today", "/"),
    ("06-new", "/new"),
    ("07-approvals", "/approvals"),
    ("08-plans", "/plans"),
    ("09-plan", "/plans/1"),
    ("10-log", "/log"),
    ("11-reports", "/reports"),
    ("12-channels", "/channels"),
    ("13-users", "/users"),
    ("14-tokens", "/tokens"),
    ("15-audit", "/audit"),
]


def test_every_page_the_report_download_and_listen(browser, served, tmp_path):
    from openpyxl import load_workbook

    base, _app = served
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{base}/login")
    _shots(page, "00-login")
    _login(page, base, "chi")
    for name, path in PAGES:
        response = page.goto(f"{base}{path}")
        assert response is not None and response.status == 200, path
        assert page.locator("[role=alert]").count() == 0, path
        _shots(page, name)
        assert ARTIFACTS.joinpath(f"{name}-phone.png").stat().st_size > 5_000
    page.set_viewport_size(DESKTOP)

    page.goto(f"{base}/reports")
    assert "Tháng 10 năm 2026" in page.text_content("h1")
    assert page.locator("svg.chart").count() == 3
    assert page.locator("svg.chart-channels rect.bar").first.bounding_box()["height"] > 10
    with page.expect_download() as info:
        page.click("#download-xlsx")
    download = info.value
    assert download.suggested_filename == "bao-cao-thu-nghiem-2026-10.xlsx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    book = load_workbook(saved)
    rows = {r[0]: r for r in book["Tổng hợp"].iter_rows(values_only=True) if r[0]}
    assert rows["Truyền thanh"][1] == 16 and rows["Tổng cộng"][11] == 19  # 16 aired + 1 missed, 2 posts
    page.fill("input[name=month]", "2026-11")
    page.click("#report-month button[type=submit]")
    page.wait_for_url("**/reports?month=2026-11")
    assert "Tháng 11 năm 2026" in page.text_content("h1")

    page.goto(f"{base}/new")
    page.fill("textarea#text", "Loa phát thử: họp dân lúc 14h ngày 25/11.")
    page.click("#listen")
    page.wait_for_function(
        "() => { const a = document.getElementById('listen-audio'); return a && !a.hidden && a.duration > 0.5; }",
        timeout=30_000,
    )
    assert "Bản nghe thử" in page.text_content("#listen-status")
    assert page.get_attribute("#listen-audio", "src").startswith("/listen/")
    _shots(page, "16-new-listen")
    assert "/new" in page.url  # nothing was submitted
    context.close()


def test_cancel_move_and_edit_a_queued_bulletin(browser, served):
    from scheduler.services import approval
    from scheduler.services.users import Actor

    base, app = served
    binh = Actor(id=0, username="binh", role="approver")
    queued = approval.submit_bulletin(
        app, binh, text="Lịch tiêm chủng ngày 30/7.", at="+2h", channels=["radio", "facebook"]
    ).queued
    radio, facebook = (next(a.id for a in queued.airings if a.channel == c) for c in ("radio", "facebook"))
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    _login(page, base, "binh")
    page.click(f"#line-{radio} a.change")  # Today leads to the bulletin's page
    page.wait_for_url(f"**/bulletins/{queued.bulletin_id}")
    page.select_option("form#move select[name=slot]", "17:00")
    page.click("form#move button[type=submit]")
    assert "Đã dời 2 lượt" in page.text_content(".flash")
    assert "Buổi chiều" in page.text_content(f"#airing-{radio}")
    page.fill("form#edit textarea[name=text]", "Lịch tiêm chủng đổi sang ngày 31/7.")
    page.click("form#edit button[type=submit]")
    assert "Đã sửa bản tin" in page.text_content(".flash")
    assert page.text_content("#approval") == "Chờ duyệt"  # an approved bulletin edited waits for approval again
    assert "31/7" in page.text_content("#body")
    page.select_option("form#cancel select[name=channel]", "facebook")
    page.fill("form#cancel input[name=reason]", "không đăng Trang")
    page.click("form#cancel button.danger")
    assert "Đã huỷ 1 lượt" in page.text_content(".flash")
    assert page.get_attribute(f"#airing-{facebook}", "data-status") == "done"
    assert page.get_attribute(f"#airing-{radio}", "data-status") == "pending"
    _shots(page, "17-bulletin-changed")
    page.goto(f"{base}/log")
    page.click(f"a[href='/bulletins/{queued.bulletin_id}']")  # the log leads back to it
    page.wait_for_url(f"**/bulletins/{queued.bulletin_id}")
    page.goto(f"{base}/")
    asked: list[str] = []

    def accept(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    with page.expect_navigation():
        page.click(f"#line-{radio} form.inline button")  # Today's own cancel button asks first
    assert "Đã huỷ 1 lượt" in page.text_content(".flash") and "radio" in asked[0]
    page.goto(f"{base}/")
    assert page.locator(f"#line-{radio}").count() == 0
    context.close()


def test_the_portal_listening_page_at_phone_width_plays_its_audio(browser, tmp_path):
    """The portal channel's static page, served by a plain web server, read on a phone: newest first, audio plays."""
    from datetime import UTC, datetime, timedelta
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from broadcasts.channels.base import Broadcast, Context
    from broadcasts.channels.portal import PortalSettings, build
    from tests.fakes.bulletin import tone_mp3

    now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    data = tmp_path / "data"
    context = Context(base_dir=tmp_path, data_dir=data, secret=lambda n: None, now=lambda: now, sleep=lambda s: None)
    portal = build(PortalSettings(enabled=True, base_url="http://127.0.0.1/"), context)
    assert portal is not None
    keys = []
    for i, hours in ((1, 26), (2, 1)):
        b = Broadcast(
            airing_id=i, bulletin_id=i, channel="portal", station_code="thu", station_name="Đài xã Thử",
            timezone="Asia/Ho_Chi_Minh", title=f"Bản tin <số {i}>", body="Lịch tiêm phòng dại cho chó, mèo.",
            post_text=None, priority="normal", due_at=now - timedelta(hours=hours),
        )  # fmt: skip
        local = b.local_due
        tone_mp3(data / "audio" / f"{local:%Y/%m/%d}" / f"thu-{local:%Y%m%d-%H%M}-a{10 + i}.mp3", 1.5)
        portal.publish(b)
        keys.append(b.key)
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path / "portal"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        context_ = browser.new_context(viewport=PHONE, is_mobile=True)
        page = context_.new_page()
        page.goto(f"http://127.0.0.1:{server.server_port}/index.html")
        assert page.locator("html").get_attribute("lang") == "vi"
        assert [a.get_attribute("id") for a in page.locator("article").all()] == keys[::-1]  # newest first
        assert page.locator("article h3").first.text_content() == "Bản tin <số 2>"  # escaped, shown as text
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"]  # nothing wider than the phone
        audio = page.locator(f"#{keys[1]} audio")
        duration = audio.evaluate("""a => new Promise((ok, fail) => {
            a.addEventListener('error', () => fail('audio error ' + (a.error && a.error.code)), {once: true});
            a.muted = true;
            a.play().then(() => ok(a.duration), fail);
        })""")
        assert duration > 1.0
        page.wait_for_function(f"() => document.querySelector('#{keys[1]} audio').currentTime > 0", timeout=30_000)
        _shots(page, "30-portal-phone")
        context_.close()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
