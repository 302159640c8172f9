"""End to end in real headless Chromium: draft as an operator, approve as an approver, hear it in the log.

Needs Debian's `chromium` and the `playwright` package (never `playwright install`);
skipped with the reason when either is missing, except under CI where it fails.
Screenshots at phone and desktop width go to test-artifacts/ (gitignored).
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest

from scheduler.runner import Runner
from scheduler.web import create_app
from tests.web_support import PASSWORD, build_web_app

CHROMIUM = os.environ.get("LOA_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
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
    """The console on a free local port, on its own SQLite file."""
    from werkzeug.serving import make_server
    app = build_web_app(tmp_path, f"sqlite:///{tmp_path / 'loa.db'}", clock)
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
    page.click("form#bulletin button[type=submit]")
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
