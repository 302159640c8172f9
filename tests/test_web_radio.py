"""The console's and the API's radio programme: upload or record a file, listen back, queue it (same approval
rules as text), relays, zones, alerts on Today, zones and what a listener heard in the log.

The browser test records from Chromium's fake microphone (`--use-fake-device-for-media-stream`, a beep) with
the page's MediaRecorder script, in real headless Chromium as tests/test_web_e2e.py drives it (playwright).
"""

from __future__ import annotations

import io
import subprocess
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from audio.mix import ffmpeg_exe
from broadcasts.models import Airing, Alert, Bulletin, BulletinKind, LogRecord, Media
from scheduler.services.users import create_token
from tests.web_support import PASSWORD, build_web_app, csrf, login

ZONES = {"thon-dong": {"label": "Thôn Đông", "sink": "folder"}, "loa-day": {"label": "Loa dây", "sink": "folder"}}
RADIO = {"zones": ZONES, "relays": {"vov1": {"url": "http://127.0.0.1:9/vov1.mp3", "label": "VOV1"}}}


def tone(path: Path, seconds: float = 2.0, fmt: str = "wav") -> Path:
    """A 440 Hz tone rendered by ffmpeg (wav, or mp3 with libmp3lame)."""
    codec = ["-c:a", "pcm_s16le", "-f", "wav"] if fmt == "wav" else ["-c:a", "libmp3lame", "-b:a", "64k", "-f", "mp3"]
    command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "lavfi"]
    command += ["-i", f"sine=frequency=440:duration={seconds}", "-ar", "44100", "-ac", "1", *codec, str(path)]
    subprocess.run(command, check=True, capture_output=True, timeout=60)
    return path


def mp3_seconds(path: Path) -> float:
    """The duration ffmpeg decodes from `path` (its last `time=` of a null output)."""
    run = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path), "-f", "null", "-"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    stamps = [part.split()[0] for part in run.stderr.split("time=")[1:]]
    h, m, s = stamps[-1].split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


@pytest.fixture
def app(tmp_path: Path, db_url: str, clock: Any) -> Iterator[Any]:
    application = build_web_app(tmp_path, db_url, clock, channels={"radio": RADIO})
    yield application
    application.close()


@pytest.fixture
def client(app: Any) -> Any:
    from scheduler.web import create_app

    return create_app(app, secret_key="test-secret", testing=True).test_client()


@pytest.fixture
def tokens(app: Any) -> dict[str, dict[str, str]]:
    return {n: {"Authorization": f"Bearer {create_token(app, n, 'test')}"} for n in ("an", "binh")}


@pytest.fixture(scope="module")
def wav(tmp_path_factory: Any) -> bytes:
    return tone(tmp_path_factory.mktemp("tone") / "tin.wav").read_bytes()


def _upload(client: Any, headers: dict[str, str], data: bytes, name: str = "thong-bao.wav") -> Any:
    return client.post("/api/media", data={"file": (io.BytesIO(data), name)}, headers=headers)


# ---- the API -----------------------------------------------------------------------------------------


def test_upload_list_and_listen_back_through_the_api(client, app, tokens, wav, tmp_path):
    sent = _upload(client, tokens["an"], wav)
    assert sent.status_code == 201, sent.get_json()
    media = sent.get_json()
    assert media["name"] == "thong-bao.wav" and media["source_format"] == "wav" and media["uploaded_by"] == "an"
    assert 1.8 <= media["seconds"] <= 2.2
    again = _upload(client, tokens["binh"], wav, "lai.wav")  # the same recording is one row
    assert again.status_code == 201 and again.get_json()["id"] == media["id"]

    raw = tone(tmp_path / "b.mp3", 1.5, "mp3").read_bytes()
    as_body = client.post("/api/media?name=ban-tin.mp3", data=raw, headers=tokens["an"])
    assert as_body.status_code == 201, as_body.get_json()
    assert as_body.get_json()["source_format"] == "mp3" and as_body.get_json()["name"] == "ban-tin.mp3"

    listed = client.get("/api/media", headers=tokens["an"]).get_json()["media"]
    assert [m["id"] for m in listed] == [as_body.get_json()["id"], media["id"]]  # newest first

    heard = client.get(f"/api/media/{media['id']}/audio", headers=tokens["an"])
    assert heard.status_code == 200 and heard.mimetype == "audio/mpeg"
    with app.reads() as session:
        stored = session.get_one(Media, media["id"])
    path = app.config.data_dir / stored.path
    assert heard.data == path.read_bytes() and path.suffix == ".mp3"
    assert 1.8 <= mp3_seconds(path) <= 2.3
    assert client.get(f"/api/media/{media['id']}/audio").status_code == 401  # the session never, a token only


def test_hostile_uploads_are_refused_in_words(client, app, tokens, wav, tmp_path, db_url, clock):
    headers = tokens["an"]
    for answer in (
        client.post("/api/media", data={"other": "x"}, headers=headers),  # a form without the file
        client.post("/api/media", data=b"", headers=headers),  # an empty body
    ):
        assert answer.status_code == 400 and answer.get_json()["error"] == "w_media_missing"
        assert answer.get_json()["message"]
    garbage = _upload(client, headers, b"\x00\x01not audio at all" * 100, "x.mp3")
    assert garbage.status_code == 400 and garbage.get_json()["error"] == "media_format"
    assert "mp3" in garbage.get_json()["message"]
    english = client.post("/api/media?lang=en", data={"file": (io.BytesIO(b"MZ" * 50), "a.exe")}, headers=headers)
    assert english.status_code == 400 and english.get_json()["error"] == "media_format"
    short = _upload(client, headers, tone(tmp_path / "short.wav", 0.3).read_bytes(), "short.wav")
    assert short.status_code == 400 and short.get_json()["error"] == "media_too_short"
    assert client.post("/api/media", data={"file": (io.BytesIO(wav), "t.wav")}).status_code == 401
    from scheduler.web.serve import MAX_BODY_BYTES

    huge = client.post("/api/media?name=big.wav", data=b"\0" * (MAX_BODY_BYTES + 1), headers=headers)
    assert huge.status_code == 413 and huge.get_json()["message"]  # over what the server reads at all

    small = build_web_app(
        tmp_path / "small", f"sqlite:///{tmp_path / 'small.db'}", clock, channels={"radio": {"media_max_mb": 0.05}}
    )
    try:
        from scheduler.web import create_app

        other = create_app(small, secret_key="k", testing=True).test_client()
        token = {"Authorization": f"Bearer {create_token(small, 'an', 't')}"}
        big = _upload(other, token, wav)
        assert big.status_code == 413 and big.get_json()["error"] == "media_too_large"
        assert big.get_json()["params"]["limit_mb"] == 0.05
    finally:
        small.close()

    with app.sessions.begin() as session:  # another station's recording is neither heard nor queued here
        from tests.log_builder import LogBuilder

        elsewhere = LogBuilder.other_station(app.sessions).station_id
        row = Media(
            station_id=elsewhere,
            sha256="0" * 64,
            path="media/elsewhere.mp3",
            seconds=3.0,
            source_name="elsewhere.mp3",
            source_sha256="1" * 64,
            source_format="mp3",
            created_at=app.clock.now(),
        )
        session.add(row)
        session.flush()
        foreign = row.id
    (app.config.data_dir / "media").mkdir(parents=True, exist_ok=True)
    (app.config.data_dir / "media" / "elsewhere.mp3").write_bytes(b"ID3")
    assert client.get(f"/api/media/{foreign}/audio", headers=headers).status_code == 404
    assert foreign not in [m["id"] for m in client.get("/api/media", headers=headers).get_json()["media"]]
    queued = client.post("/api/bulletins", json={"media_id": foreign, "at": "now"}, headers=headers)
    assert queued.status_code == 400 and queued.get_json()["error"] == "media_unknown"
    for bad in ({"media_id": "1"}, {"media_id": True}, {"media_id": 0}, {"zones": "thon-dong", "text": "x"}):
        answer = client.post("/api/bulletins", json=bad, headers=headers)
        assert answer.status_code == 400, bad
    assert client.get("/api/media/99999/audio", headers=headers).status_code == 404


def test_an_audio_bulletin_with_zones_follows_the_approval_rules(client, app, tokens, wav):
    media_id = _upload(client, tokens["an"], wav).get_json()["id"]
    emergency = client.post(
        "/api/bulletins", json={"media_id": media_id, "priority": "emergency"}, headers=tokens["an"]
    )
    assert emergency.status_code == 403  # an operator sends no emergency, recorded or not
    drafted = client.post(
        "/api/bulletins",
        json={"media_id": media_id, "at": "now", "zones": ["thon-dong"], "title": "Họp thôn"},
        headers=tokens["an"],
    )
    assert drafted.status_code == 201, drafted.get_json()
    body = drafted.get_json()
    assert body["approval"] == "draft"  # require_approval: an operator's file waits for an approver like text
    assert [(a["channel"], a["zone"]) for a in body["airings"]] == [("radio", "thon-dong")]
    assert any(n["code"] == "notice_audio_radio_only" for n in body["notices"])
    shown = client.get(f"/api/bulletins/{body['bulletin_id']}", headers=tokens["an"]).get_json()
    assert shown["kind"] == "audio" and shown["media"]["id"] == media_id and shown["zones"] == ["thon-dong"]
    assert shown["airings"][0]["zone"] == "thon-dong"
    approved = client.post(f"/api/bulletins/{body['bulletin_id']}/approve", json={}, headers=tokens["binh"])
    assert approved.status_code == 200 and approved.get_json()["approval"] == "approved"
    lines = client.get("/api/programme", headers=tokens["an"]).get_json()["airings"]
    line = next(x for x in lines if x["airing_id"] == body["airings"][0]["id"])
    assert line["kind"] == "audio" and line["zone"] == "thon-dong" and line["until"] is None
    assert 1.8 <= line["estimated_seconds"] <= 2.2  # the file's length, not a spoken estimate

    every = client.post("/api/bulletins", json={"media_id": media_id, "at": "now"}, headers=tokens["binh"])
    assert every.get_json()["approval"] == "approved"
    assert sorted(a["zone"] for a in every.get_json()["airings"]) == ["loa-day", "thon-dong"]
    unknown = client.post("/api/bulletins", json={"media_id": media_id, "zones": ["thon-tay"]}, headers=tokens["binh"])
    assert unknown.status_code == 400 and unknown.get_json()["error"] == "queue_unknown_zone"


def test_a_relay_through_the_api(client, app, tokens):
    queued = client.post(
        "/api/bulletins",
        json={"relay": "vov1", "relay_minutes": 15, "at": "now", "zones": ["loa-day"]},
        headers=tokens["binh"],
    )
    assert queued.status_code == 201, queued.get_json()
    body = queued.get_json()
    assert body["approval"] == "approved" and [a["zone"] for a in body["airings"]] == ["loa-day"]
    shown = client.get(f"/api/bulletins/{body['bulletin_id']}", headers=tokens["binh"]).get_json()
    assert shown["kind"] == "relay" and shown["relay"] == "vov1" and shown["relay_seconds"] == 900
    short = {"relay": "vov1", "relay_minutes": 5, "at": "now"}
    drafted = client.post("/api/bulletins", json=short, headers=tokens["an"])
    assert drafted.status_code == 201 and drafted.get_json()["approval"] == "draft", drafted.get_json()
    for bad, code in (
        ({"relay": "vov9", "relay_minutes": 5}, "queue_unknown_relay"),
        ({"relay": "vov1", "relay_minutes": 0}, "queue_relay_minutes"),
        ({"relay": "vov1", "relay_minutes": 5}, "queue_relay_needs_time"),
        ({"relay": "vov1"}, "queue_relay_minutes"),
        ({"relay": "vov1", "relay_minutes": "5"}, "api_field_number"),
        ({"relay": "vov1", "relay_minutes": 5, "text": "và đọc"}, "queue_kind_one"),
    ):
        answer = client.post("/api/bulletins", json=bad, headers=tokens["binh"])
        assert answer.status_code == 400 and answer.get_json()["error"] == code, (bad, answer.get_json())


def _alerts(app: Any) -> None:
    now = app.clock.now()
    with app.sessions.begin() as session:
        for hours, kind, zone in (
            (30, "dead_air", "loa-day"),
            (2, "mount_unreachable", "thon-dong"),
            (1, "relay_gap", None),
        ):
            at = now - timedelta(hours=hours)
            session.add(
                Alert(
                    station_id=app.station_id,
                    zone=zone,
                    kind=kind,
                    at=at,
                    seconds=12.5,
                    message=f"Cảnh báo {kind}",
                    created_at=at,
                )
            )


def test_the_alerts_endpoint(client, app, tokens):
    _alerts(app)
    found = client.get("/api/alerts", headers=tokens["an"]).get_json()["alerts"]
    assert [a["kind"] for a in found] == ["relay_gap", "mount_unreachable", "dead_air"]  # newest first
    assert found[1]["zone"] == "thon-dong" and found[1]["zone_label"] == "Thôn Đông" and found[1]["seconds"] == 12.5
    assert found[0]["at"].endswith("+07:00")
    since = (app.clock.now() - timedelta(hours=24)).isoformat()
    recent = client.get("/api/alerts", query_string={"since": since}, headers=tokens["an"]).get_json()["alerts"]
    assert [a["kind"] for a in recent] == ["relay_gap", "mount_unreachable"]
    until = (app.clock.now() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S")  # naive: station time
    old = client.get("/api/alerts", query_string={"until": until}, headers=tokens["an"]).get_json()["alerts"]
    assert [a["kind"] for a in old] == ["dead_air"]
    assert len(client.get("/api/alerts?limit=1", headers=tokens["an"]).get_json()["alerts"]) == 1
    for query in ("limit=0", "limit=501", "limit=x", "since=yesterday", "until=2026-13-01", "since=0001-01-01"):
        answer = client.get(f"/api/alerts?{query}", headers=tokens["an"])
        assert answer.status_code == 400 and answer.get_json()["message"], query
    assert client.get("/api/alerts").status_code == 401


def test_the_log_has_zones_and_what_a_listener_heard(client, app, tokens):
    from tests.log_builder import LogBuilder, local

    _, record_id = LogBuilder(app.sessions, app.station_id).record("radio", "aired", local(2026, 11, 22, 6))
    with app.sessions.begin() as session:
        session.execute(
            update(LogRecord)
            .where(LogRecord.id == record_id)
            .values(
                zone="thon-dong",
                heard_delay_ms=850.0,
                heard_seconds=118.4,
                silent_seconds=3.2,
                longest_silence_seconds=2.1,
            )
        )
    record = client.get("/api/log", headers=tokens["an"]).get_json()["records"][0]
    assert record["zone"] == "thon-dong" and record["heard_seconds"] == 118.4 and record["heard_delay_ms"] == 850.0
    login(client, "an")
    page = client.get("/log").get_data(as_text=True)
    assert "Thôn Đông" in page and "118.4" in page and "850 ms" in page and "2.1" in page


# ---- the console -------------------------------------------------------------------------------------


def test_the_new_page_offers_kinds_files_relays_and_zones(client, app, tmp_path, clock):
    login(client, "an")
    page = client.get("/new").get_data(as_text=True)
    for needle in ('name="kind" value="audio"', 'name="kind" value="relay"', 'accept="audio/*"', 'id="record"'):
        assert needle in page, needle
    assert 'name="zones" value="thon-dong"' in page and "Thôn Đông" in page and "VOV1" in page
    assert "Ghi âm" in page and "Tiếp âm" in page and "Tệp âm thanh" in page
    assert "Record" in client.get("/new?lang=en").get_data(as_text=True)

    plain = build_web_app(tmp_path / "plain", f"sqlite:///{tmp_path / 'plain.db'}", clock)
    try:
        from scheduler.web import create_app

        other = create_app(plain, secret_key="k", testing=True).test_client()
        login(other, "an")
        page = other.get("/new").get_data(as_text=True)
        assert 'name="zones"' not in page and 'value="relay"' not in page and 'value="audio"' in page
    finally:
        plain.close()


def test_upload_in_the_console_then_queue_with_a_zone(client, app, wav):
    login(client, "an")
    token = csrf(client, "/new")
    assert client.post("/media", data={"file": (io.BytesIO(wav), "a.wav")}).status_code == 400  # no CSRF token
    sent = client.post("/media", data={"file": (io.BytesIO(wav), "ghi-am.wav"), "csrf_token": token})
    assert sent.status_code == 201, sent.get_json()
    media = sent.get_json()
    assert media["url"] == f"/media/{media['id']}/audio" and "sẵn sàng" in media["message"]
    assert client.get(media["url"]).data[:3] in (b"ID3", b"\xff\xfb", b"\xff\xf3")
    bad = client.post("/media", data={"file": (io.BytesIO("rác".encode() * 300), "x.wav"), "csrf_token": token})
    assert bad.status_code == 400 and bad.get_json()["error"] == "media_format" and bad.get_json()["message"]

    done = client.post(
        "/new",
        data={
            "csrf_token": token,
            "kind": "audio",
            "media_id": str(media["id"]),
            "zones": "loa-day",
            "at": "now",
            "channels": "radio",
            "title": "Loa dây",
            "text": "",
        },
    )
    assert done.status_code == 302, done.get_data(as_text=True)[:2000]
    with app.reads() as session:
        bulletin = session.scalars(select(Bulletin).order_by(Bulletin.id.desc())).first()
        airings = session.scalars(select(Airing).where(Airing.bulletin_id == bulletin.id)).all()
    assert (
        bulletin.kind is BulletinKind.audio and bulletin.media_id == media["id"] and bulletin.approval.value == "draft"
    )
    assert [a.zone for a in airings] == ["loa-day"]
    shown = client.get(f"/bulletins/{bulletin.id}").get_data(as_text=True)
    assert 'data-kind="audio"' in shown and f"/media/{media['id']}/audio" in shown and "loa-day" in shown

    missing = client.post("/new", data={"csrf_token": token, "kind": "audio", "at": "now", "text": ""})
    assert missing.status_code == 400 and "Chưa có tệp âm thanh" in missing.get_data(as_text=True)


def test_a_file_sent_with_the_form_without_javascript_and_a_relay(client, app, wav):
    login(client, "binh")
    token = csrf(client, "/new")
    done = client.post(
        "/new",
        data={"csrf_token": token, "kind": "audio", "media_file": (io.BytesIO(wav), "khong-js.wav"), "at": "now"},
        content_type="multipart/form-data",
    )
    assert done.status_code == 302
    relay = client.post(
        "/new",
        data={
            "csrf_token": token,
            "kind": "relay",
            "relay": "vov1",
            "relay_minutes": "10",
            "at": "now",
            "text": "ignored",
        },
    )
    assert relay.status_code == 302, relay.get_data(as_text=True)[:2000]
    with app.reads() as session:
        kinds = [(b.kind.value, b.approval.value) for b in session.scalars(select(Bulletin).order_by(Bulletin.id))]
        names = [m.source_name for m in session.scalars(select(Media))]
    assert kinds == [("audio", "approved"), ("relay", "approved")] and names == ["khong-js.wav"]
    today = client.get("/").get_data(as_text=True)
    assert 'data-kind="relay"' in today and 'data-kind="audio"' in today and "Thôn Đông" in today
    assert "Tiếp âm" in today
    bad = client.post("/new", data={"csrf_token": token, "kind": "relay", "relay": "vov1", "relay_minutes": "nửa"})
    assert bad.status_code == 400


def test_today_lists_the_alerts_of_the_last_day(client, app):
    login(client, "an")
    assert 'id="alerts"' not in client.get("/").get_data(as_text=True)
    _alerts(app)
    page = client.get("/").get_data(as_text=True)
    assert 'id="alerts"' in page and "Không kết nối được luồng" in page and "Tiếp âm bị ngắt" in page
    assert "Cảnh báo mount_unreachable" in page and "Thôn Đông" in page
    assert "Mất tiếng" not in page  # 30 hours ago: not on Today
    assert "Mount unreachable" in client.get("/?lang=en").get_data(as_text=True)


# ---- in a real browser -------------------------------------------------------------------------------


@pytest.fixture
def recording_browser() -> Iterator[Any]:
    """Headless Chromium with a fake microphone (a beep) that needs no permission prompt."""
    import os

    from tests.test_web_e2e import ARGS, CHROMIUM, _missing  # the same Chromium, flags and skip rule

    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser test: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    flags = [
        *ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        "--autoplay-policy=no-user-gesture-required",
    ]
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=flags, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def served(tmp_path: Path, clock: Any) -> Iterator[tuple[str, Any]]:
    from werkzeug.serving import make_server

    from scheduler.web import create_app

    app = build_web_app(tmp_path, f"sqlite:///{tmp_path / 'loa.db'}", clock, channels={"radio": RADIO})
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


def _shots(page: Any, name: str) -> None:
    from tests.test_web_e2e import _shots as shots

    shots(page, name)


def test_record_in_the_browser_listen_back_and_queue(recording_browser, served):
    base, app = served
    # 127.0.0.1 is a secure context, so getUserMedia is there without HTTPS
    context = recording_browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    context.grant_permissions(["microphone"], origin=base)
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "binh")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:not(header *)")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/new")
    assert page.locator("#audio-part").is_hidden()
    page.check("input[name=kind][value=audio]")
    assert page.locator("#audio-part").is_visible() and page.locator("#record").is_enabled()
    page.click("#record")
    page.locator("#record-stop").wait_for(state="visible")
    page.wait_for_timeout(2500)  # record about 2.5 s of the fake microphone
    page.click("#record-stop")
    page.locator("#record-use").wait_for(state="visible")
    assert int(page.get_attribute("#record-audio", "data-blob") or 0) > 1000
    assert page.eval_on_selector("#record-audio", "a => a.src").startswith("blob:")
    page.click("#record-use")
    page.wait_for_function("() => document.getElementById('bulletin').dataset.mediaReady", timeout=20_000)
    media_id = page.eval_on_selector("#bulletin", "f => f.dataset.mediaReady")
    assert page.input_value("#media-id") == media_id
    assert "sẵn sàng" in page.text_content("#record-status")
    duration = page.locator("#media-audio").evaluate("""a => new Promise((ok, fail) => {
        a.preload = 'auto';
        a.addEventListener('loadedmetadata', () => ok(a.duration), {once: true});
        a.addEventListener('error', () => fail('audio error ' + (a.error && a.error.code)), {once: true});
        a.load();
    })""")
    assert duration >= 1.0
    page.check("input[name=zones][value=thon-dong]")
    page.fill("input[name=at]", "now")
    _shots(page, "20-new-recorded")
    page.click("form#bulletin button#submit")
    assert "Đã" in page.text_content(".flash")
    page.goto(f"{base}/")
    assert page.locator(".line[data-kind=audio] .zone", has_text="Thôn Đông").count() == 1
    _shots(page, "21-today-zones")

    with app.reads() as session:
        media = session.get_one(Media, int(media_id))
        bulletin = session.scalars(select(Bulletin).where(Bulletin.media_id == media.id)).one()
        zones = [a.zone for a in session.scalars(select(Airing).where(Airing.bulletin_id == bulletin.id))]
    assert media.source_format == "webm" and media.uploaded_by == "binh"
    assert bulletin.kind is BulletinKind.audio and bulletin.approval.value == "approved" and zones == ["thon-dong"]
    stored = app.config.data_dir / media.path
    assert stored.suffix == ".mp3" and stored.read_bytes()[:3] in (b"ID3", b"\xff\xfb", b"\xff\xf3")
    assert mp3_seconds(stored) >= 1.0 and media.seconds >= 1.0
    assert media.loudness_lufs is not None
    context.close()
