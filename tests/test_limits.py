"""Limits of a bulletin and its time: the spoken-length estimate, refusals on every path, slots, empty slots."""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from audio.engines.espeak import EspeakEngine
from audio.speech import SENTENCE_PAUSE_MS
from audio.text import is_speakable, normalize, split_sentences
from audio.timing import spoken_seconds
from broadcasts.channels.posts import FACEBOOK_LIMIT, ZALO_TEXT_LIMIT
from broadcasts.models import Airing, Bulletin, ContentItem, LogRecord, Outcome, Plan
from scheduler.app import build_app
from scheduler.errors import ConfigError, UsageError
from scheduler.messages.formatter import StationFormatter
from scheduler.programme import limits, planner
from scheduler.runner import Runner
from scheduler.services.queue import queue_bulletin
from scheduler.services.users import create_token
from scheduler.web import create_app
from tests.cli_support import run
from tests.conftest import TZ, make_config
from tests.fakes.channels import RecordingChannel
from tests.fakes.tts import ToneEngine
from tests.web_support import build_web_app, csrf, login

SENTENCE = "Ủy ban nhân dân xã thông báo về việc tiếp nhận hồ sơ thủ tục hành chính trực tuyến. "  # ~5 s
PARAGRAPH = (
    "Người dân có thể nộp hồ sơ và nhận kết quả thủ tục hành chính tại Bộ phận một cửa của xã, "
    "từ thứ Hai đến sáng thứ Bảy hằng tuần."
)


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=TZ)


def build(tmp_path, db_url, clock, **tables):
    config = make_config(tmp_path, db_url, **tables)
    channels = {name: RecordingChannel(name) for name in config.channels.enabled}
    return build_app(config, clock=clock, tts=ToneEngine(), channels=channels)


@pytest.fixture
def app(tmp_path, db_url, clock):
    application = build(
        tmp_path,
        db_url,
        clock,
        slots=[
            {"name": "Sáng", "time": "06:00", "max_minutes": 2, "channels": ["radio", "facebook"]},
            {"name": "Chiều", "time": "17:00", "max_minutes": 10, "channels": ["radio"]},
        ],
        programme={"max_bulletin_minutes": 3},
        channels={"zalo": {"group_ids": ["g1"]}},
    )
    yield application
    application.close()


def bulletins(app) -> int:
    with app.reads() as session:
        return session.scalar(select(func.count()).select_from(Bulletin)) or 0


# ---- the estimate -----------------------------------------------------------------


@pytest.mark.parametrize(
    "spoken, rate, expected",
    [
        ("", 150, 0.0),
        ("...", 150, 0.0),
        ("xin chào", 150, 0.7),  # two syllables and one sentence end
        ("xin chào, bà con", 150, 1.4),  # a comma is a pause
        ("xin chào bà con", 75, 2.2),  # half the rate, twice the syllables' time
    ],
)
def test_spoken_seconds_counts_syllables_pauses_and_rate(spoken, rate, expected):
    assert spoken_seconds(spoken, rate) == expected


def test_the_estimate_is_close_to_a_real_espeak_render():
    """benchmarks/speech_estimate.py measures 48 renders (2.1 % mean, 6.7 % max error); one of them here."""
    spoken = normalize(PARAGRAPH)
    engine = EspeakEngine(rate=150)
    sentences = [s for s in split_sentences(spoken) if is_speakable(s)]
    clips = [engine.synthesize(s, "vi") for s in sentences]
    rendered = sum(len(c.pcm) / 2 / c.sample_rate for c in clips) + SENTENCE_PAUSE_MS / 1000 * (len(clips) - 1)
    assert abs(spoken_seconds(spoken, 150) - rendered) <= 0.1 * rendered


def test_the_estimate_reads_the_normalized_text(app):
    """ "30/7/2025" is one token written and six syllables spoken: the estimate counts what is said."""
    assert limits.bulletin_seconds(app, "", "Ngày 30/7/2025.") > limits.bulletin_seconds(app, "", "Ngày mai.") + 1.0


# ---- refusals at queue time ------------------------------------------------------


def test_a_bulletin_longer_than_the_maximum_is_refused_and_nothing_stored(app):
    with pytest.raises(UsageError) as info:
        queue_bulletin(app, text=SENTENCE * 60, at="now", channels=["radio", "facebook"])
    assert info.value.code == "bulletin_too_long" and info.value.params["limit"] == "3:00"
    assert bulletins(app) == 0
    queued = queue_bulletin(app, text=SENTENCE * 60, at="now", channels=["facebook"])  # no radio: no speech limit
    assert queued.seconds is None


def test_a_bulletin_longer_than_its_slot_is_refused(app):
    with pytest.raises(UsageError) as info:
        queue_bulletin(app, text=SENTENCE * 30, at="next", channels=["radio"])  # ~2:30 for the 2-minute 06:00 slot
    assert info.value.code == "bulletin_longer_than_slot" and info.value.params["limit"] == "2:00"
    assert bulletins(app) == 0
    queued = queue_bulletin(app, text=SENTENCE * 30, at="17:00", channels=["radio"])  # the 10-minute slot
    assert 120 < (queued.seconds or 0) < 180


def test_social_texts_over_the_channel_limits_are_refused(app):
    with pytest.raises(UsageError) as info:
        queue_bulletin(app, text="x" * (FACEBOOK_LIMIT + 1), at="now", channels=["facebook"])
    assert info.value.code == "text_over_channel_limit" and info.value.params["channel"] == "facebook"
    with pytest.raises(UsageError) as info:  # Zalo groups take a plain text message of 2,000 characters
        queue_bulletin(app, text="Tin. " * (ZALO_TEXT_LIMIT // 4), at="now", channels=["zalo"])
    assert info.value.params == {"channel": "zalo", "chars": len(("Tin. " * 500).strip()), "limit": ZALO_TEXT_LIMIT}
    assert bulletins(app) == 0


def test_a_huge_text_is_refused_at_once(app):
    started = time.perf_counter()
    with pytest.raises(UsageError) as info:
        queue_bulletin(app, text="Thông báo. " * 500_000, at="now", channels=["facebook"])  # 5.5 MB
    assert info.value.code == "text_too_large"
    assert time.perf_counter() - started < 5  # a guard against normalizing it, not a timing measurement
    assert bulletins(app) == 0


def test_max_bulletin_minutes_must_be_positive(tmp_path, db_url):
    with pytest.raises(ConfigError) as info:
        make_config(tmp_path, db_url, programme={"max_bulletin_minutes": 0})
    assert info.value.params["key"] == "programme.max_bulletin_minutes"


# ---- times ------------------------------------------------------------------------------


def test_at_a_slots_own_start_joins_the_slot_after_its_opening(tmp_path, db_url, clock):
    app = build(tmp_path, db_url, clock, programme={"announcements": True}, channels={"enabled": ["radio"]})
    try:
        clock.set(local(23, 10))
        queued = queue_bulletin(app, text="Họp dân lúc 19 giờ.", at="17:00", channels=["radio"])
        planner.materialize(app, clock.now(), clock.now() + timedelta(hours=12))
        with app.reads() as session:
            airing = session.get_one(Airing, queued.airings[0].id)
            assert airing.slot_at is not None and airing.slot_id is not None
            rows = session.execute(
                select(Bulletin.origin, Airing.due_at)
                .join(Airing, Airing.bulletin_id == Bulletin.id)
                .where(Airing.slot_at == local(23, 17).astimezone(airing.slot_at.tzinfo))
                .order_by(Airing.due_at)
            ).all()
        assert [origin for origin, _ in rows] == ["opening", "operator", "closing"]
        assert rows[0][1] == local(23, 17) < rows[1][1]
    finally:
        app.close()


def test_a_time_in_the_past_is_refused_with_the_time_given(app, clock):
    with pytest.raises(UsageError) as info:
        queue_bulletin(app, text="Tin cũ.", at="2026-11-22 08:00", channels=["radio"])
    assert info.value.code == "at_in_past" and info.value.params["at"] == "2026-11-22 08:00"
    assert bulletins(app) == 0
    queued = queue_bulletin(app, text="Tin ngay.", at=clock.now().isoformat(), channels=["facebook"])
    assert queued.airings[0].due_at == clock.now()


def test_runner_log_lines_use_the_station_time_zone():
    record = logging.LogRecord("loa.runner", logging.INFO, __file__, 1, "x", None, None)
    record.created = datetime(2026, 11, 23, 6, 0, tzinfo=TZ).timestamp()
    record.msecs = 0
    line = StationFormatter("en", tz=TZ).format(record)
    assert line.startswith("2026-11-23 06:00:00,000+07:00 INFO loa.runner: x")


# ---- empty slots ---------------------------------------------------------------------------


def test_an_empty_slot_airs_no_announcements_unless_configured(tmp_path, db_url, clock):
    for setting, outcomes in ((False, {Outcome.skipped}), (True, {Outcome.aired})):
        folder = tmp_path / str(setting)
        folder.mkdir()
        app = build(
            folder,
            f"sqlite:///{folder / 'loa.db'}" if db_url.startswith("sqlite") else db_url,
            clock,
            programme={"announcements": True, "announce_empty_slots": setting},
            channels={"enabled": ["radio"]},
        )
        try:
            clock.set(local(23, 5, 55))
            planner.materialize(app, clock.now(), local(23, 7))
            shown = {line.origin for line in planner.upcoming(app, clock.now(), 1)}
            assert shown == ({"opening", "closing"} if setting else set())  # the programme says what will air
            clock.set(local(23, 6, 1))
            Runner(app).run_due()
            with app.reads() as session:
                records = session.scalars(select(LogRecord).where(LogRecord.station_id == app.station_id)).all()
                assert len(records) == 2 and {r.outcome for r in records} == outcomes
                if not setting:
                    assert {r.error_code for r in records} == {"slot_empty_skipped"}
                    assert "Buổi sáng" in (records[0].error_message or "")
        finally:
            with app.sessions.begin() as session:  # PostgreSQL is shared by both rounds
                for model in (LogRecord, Airing, Bulletin):
                    session.query(model).delete()
            app.close()
            clock.set(local(23, 5, 55))


def test_a_slot_with_a_bulletin_airs_its_announcements(tmp_path, db_url, clock):
    app = build(tmp_path, db_url, clock, programme={"announcements": True}, channels={"enabled": ["radio"]})
    try:
        queue_bulletin(app, text="Họp dân lúc 19 giờ.", at="next", channels=["radio"])
        planner.materialize(app, clock.now(), local(23, 7))
        origins = [line.origin for line in planner.upcoming(app, clock.now(), 1) if line.due_at < local(23, 7)]
        assert origins == ["opening", "operator", "closing"]
        clock.set(local(23, 6, 1))
        Runner(app).run_due()
        clock.set(local(23, 6, 5))
        Runner(app).run_due()
        with app.reads() as session:
            outcomes = [r.outcome for r in session.scalars(select(LogRecord).order_by(LogRecord.id))]
        assert outcomes == [Outcome.aired] * 3
    finally:
        app.close()


# ---- rotation --------------------------------------------------------------------------------


def test_rotation_skips_a_plan_item_too_long_for_the_slot_with_a_logged_reason(tmp_path, db_url, clock, caplog):
    app = build(
        tmp_path,
        db_url,
        clock,
        programme={"rotate_plan": True},
        slots=[{"name": "Sáng", "time": "06:00", "max_minutes": 1}],
        channels={"enabled": ["radio"]},
    )
    try:
        with app.sessions.begin() as session:
            plan = Plan(
                station_id=app.station_id,
                title="Kế hoạch",
                year=2026,
                channels=["radio"],
                source_name="p.txt",
                sha256="y" * 64,
                imported_at=clock.now(),
                active=True,
            )
            session.add(plan)
            session.flush()
            for position, (ref, text) in enumerate((("1", SENTENCE * 20), ("2", "Nội dung ngắn."))):
                session.add(ContentItem(plan_id=plan.id, ref=ref, label="-", text=text, position=position))
        with caplog.at_level(logging.WARNING, logger="loa.programme"):
            planner.materialize(app, clock.now(), clock.now() + timedelta(days=2))
        with app.reads() as session:
            items = session.scalars(
                select(ContentItem.ref).join(Bulletin, Bulletin.content_item_id == ContentItem.id)
            ).all()
        assert items and set(items) == {"2"}
        assert any(getattr(r, "loa_code", None) == "rotation_item_too_long" for r in caplog.records)
        assert any("1" in r.getMessage() and "1:00" in r.getMessage() for r in caplog.records)
    finally:
        app.close()


# ---- the command line -----------------------------------------------------------------------


def write_config(tmp_path: Path, db_url: str, extra: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[station]\nname = "Đài xã Thử"\n[database]\nurl = "{db_url}"\n[channels]\nenabled = ["radio", "facebook"]\n'
        + extra,
        encoding="utf-8",
    )
    return path


def test_loa_queue_shows_the_estimate_and_refuses_with_one_line(tmp_path, capsys):
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'loa.db'}", "[programme]\nmax_bulletin_minutes = 1\n")
    code, out, err = run(capsys, "--config", str(config), "queue", "--text", PARAGRAPH, "--at", "+5m")
    assert code == 0, err
    assert "Thời lượng đọc ước tính: 0:" in out
    code, out, err = run(capsys, "--config", str(config), "queue", "--text", PARAGRAPH, "--at", "+5m", "--json")
    body = json.loads(out)
    assert body["estimated_seconds"] > 5 and all(a["due_at"].endswith("+07:00") for a in body["airings"])
    for lang, word in (("vi", "quá dài"), ("en", "too long")):
        code, _, err = run(
            capsys, "--lang", lang, "--config", str(config), "queue", "--text", SENTENCE * 20, "--at", "+5m"
        )
        assert code != 0 and err.count("\n") == 1 and word in err and "max_bulletin_minutes" in err
    past = ("--at", "2020-01-01 08:00")
    code, _, err = run(capsys, "--lang", "en", "--config", str(config), "queue", "--text", "x", *past)
    assert code != 0 and err.count("\n") == 1 and "2020-01-01 08:00" in err and "has passed" in err
    code, out, err = run(capsys, "--config", str(config), "programme")
    assert code == 0 and " 0:" in out  # the estimate beside each radio line


def test_loa_queue_refuses_a_5_mb_file_before_reading_it(tmp_path, capsys):
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'loa.db'}")
    big = tmp_path / "big.txt"
    big.write_text("Thông báo. " * 500_000, encoding="utf-8")
    code, _, err = run(capsys, "--lang", "en", "--config", str(config), "queue", "--file", str(big))
    assert code != 0 and err.count("\n") == 1 and "too large" in err and "Nothing was stored" in err
    code, out, _ = run(capsys, "--config", str(config), "log", "--format", "json")
    assert code == 0 and json.loads(out) == []


# ---- the console and the API ------------------------------------------------------------------


@pytest.fixture
def web_app(tmp_path, db_url, clock):
    application = build_web_app(tmp_path, db_url, clock, require_approval=False, programme={"max_bulletin_minutes": 1})
    yield application
    application.close()


def test_the_api_refuses_a_long_bulletin_and_gives_local_times(web_app):
    client = create_app(web_app, secret_key="k", testing=True).test_client()
    headers = {"Authorization": f"Bearer {create_token(web_app, 'chi', 'test')}"}
    refused = client.post("/api/bulletins", json={"text": SENTENCE * 20, "channels": ["radio"]}, headers=headers)
    assert refused.status_code == 400 and refused.get_json()["error"] == "bulletin_too_long"
    assert bulletins(web_app) == 0
    created = client.post("/api/bulletins", json={"text": PARAGRAPH, "channels": ["radio"]}, headers=headers)
    assert created.status_code == 201
    body = created.get_json()
    assert body["estimated_seconds"] > 5 and body["airings"][0]["due_at"].endswith("+07:00")
    preview = client.post("/api/preview", json={"text": PARAGRAPH}, headers=headers).get_json()
    assert 5 < preview["estimated_seconds"] < body["estimated_seconds"]  # the queued one reads its title too
    huge = client.post("/api/preview", json={"text": "x" * (limits.MAX_TEXT_CHARS + 1)}, headers=headers)
    assert huge.status_code == 400 and huge.get_json()["error"] == "text_too_large"
    programme = client.get("/api/programme", headers=headers).get_json()
    assert programme["now"].endswith("+07:00") and programme["airings"][0]["estimated_seconds"] > 5


def test_the_console_shows_the_estimate_and_refuses_a_long_bulletin(web_app):
    client = create_app(web_app, secret_key="k", testing=True).test_client()
    login(client, "chi")
    form = {"at": "next", "priority": "normal", "channels": ["radio"], "csrf_token": csrf(client, "/new")}
    refused = client.post("/new", data={**form, "text": SENTENCE * 20})
    assert refused.status_code == 400 and "quá dài" in refused.get_data(as_text=True)
    assert bulletins(web_app) == 0
    page = client.post("/new", data={**form, "text": PARAGRAPH}, follow_redirects=True).get_data(as_text=True)
    assert "Thời lượng đọc ước tính: 0:" in page
    preview = client.post("/preview", data={"text": PARAGRAPH, "csrf_token": form["csrf_token"]}).get_json()
    assert preview["estimate"].startswith("Thời lượng đọc ước tính: 0:")
    huge = {"text": "x" * (limits.MAX_TEXT_CHARS + 1), "csrf_token": form["csrf_token"]}
    assert client.post("/preview", data=huge).status_code == 400
    today = client.get("/").get_data(as_text=True)
    assert 'class="length"' in today and "~0:" in today


def test_loa_run_logs_in_the_station_time_zone(tmp_path, capsys, caplog):
    """The machine runs on UTC here; the station is on Asia/Ho_Chi_Minh (+07:00)."""
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'loa.db'}")
    queue = ("queue", "--text", "Tin.", "--channels", "facebook", "--at", "now")
    code, _, err = run(capsys, "--config", str(config), *queue)
    assert code == 0, err
    caplog.set_level(logging.INFO)
    code, _, err = run(capsys, "--config", str(config), "run", "--once")
    assert code == 0, err
    lines = [caplog.handler.format(r) for r in caplog.records if r.name == "loa.runner"]
    assert lines and all("+07:00 " in line for line in lines), lines


def test_an_announcement_longer_than_the_maximum_is_not_made(tmp_path, db_url, clock, caplog):
    app = build(
        tmp_path,
        db_url,
        clock,
        programme={
            "announcements": True,
            "announce_empty_slots": True,
            "max_bulletin_minutes": 0.5,
            "opening": SENTENCE * 10,
        },
        channels={"enabled": ["radio"]},
    )
    try:
        with caplog.at_level(logging.WARNING, logger="loa.programme"):
            planner.materialize(app, clock.now(), local(23, 7))
        with app.reads() as session:
            origins = session.scalars(select(Bulletin.origin)).all()
        assert origins == ["closing"]
        assert [getattr(r, "loa_code", None) for r in caplog.records] == ["announcement_too_long"]
    finally:
        app.close()
