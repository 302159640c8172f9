"""`loa log`: filters by local dates, channel, outcome, plan, item and text; table, CSV, JSON; paging.
And the log is append-only: a whole flow never updates or deletes a log record."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from broadcasts.errors import ChannelError
from broadcasts.log import LogQuery, count_log, fold, query_log
from broadcasts.models import LogRecord
from scheduler.cli.output import clock_duration, short_duration
from tests.cli_support import LOG_CONTRACT, run
from tests.log_builder import LogBuilder, local


@pytest.fixture
def logged(tmp_path: Path, db_url: str) -> Path:
    """A config file whose database holds a small log around the turn of November 2026."""
    from scheduler.app import build_app
    from scheduler.config import load_config

    config = tmp_path / "config.toml"
    config.write_text(
        f'[station]\nname = "Đài truyền thanh xã Thử"\ncode = "thu"\n[database]\nurl = "{db_url}"\n', encoding="utf-8"
    )
    app = build_app(load_config(config))
    try:
        b = LogBuilder(app.sessions, app.station_id)
        b.plan(["1", "1.1", "2"])
        b.record("radio", "aired", local(2026, 10, 31, 23, 50), item="1", seconds=75, title="Cuối tháng mười")
        b.record(
            "radio",
            "aired",
            local(2026, 11, 1, 6),
            item="1.1",
            seconds=185,
            late=3,
            title="Nộp thuế đất đúng hạn",
            audio_path="/srv/loa/data/audio/2026/11/01/thu-a2.mp3",
            body="Đề nghị bà con nộp thuế sử dụng đất phi nông nghiệp trước ngày 31/12.",
        )
        b.record(
            "facebook",
            "posted",
            local(2026, 11, 1, 6),
            item="1.1",
            late=4,
            url="https://www.facebook.com/123456789/posts/987654321",
            title="Nộp thuế đất đúng hạn",
        )
        b.record(
            "zalo",
            "failed",
            local(2026, 11, 2, 6),
            item="2",
            late=None,
            error_code="zalo_auth",
            error_message="Mã truy cập Zalo đã hết hạn hoặc bị thu hồi; hãy cấp quyền lại cho ứng dụng OA "
            "bằng lệnh 'loa channels auth zalo' rồi chạy lại.\nChi tiết: -216",
            title="Lịch tiêm chủng",
        )
        b.record(
            "radio",
            "missed",
            local(2026, 11, 2, 17),
            late=None,
            error_code="missed",
            error_message="Quá giờ 35 phút.",
            title="Thông báo cúp điện",
        )
        for day in range(3, 28):
            b.record("radio", "aired", local(2026, 11, day, 6), seconds=60, title=f"Bản tin sáng {day}")
        b.record("radio", "aired", local(2026, 12, 1, 0, 5), seconds=60, title="Đầu tháng mười hai")
    finally:
        app.close()
    return config


def log_json(capsys, config: Path, *args: str) -> list[dict]:
    code, out, err = run(capsys, "--config", str(config), "log", "--format", "json", *args)
    assert code == 0, err
    return json.loads(out)


def test_filters_by_local_dates_channel_outcome_item_and_text(logged, capsys):
    month = log_json(capsys, logged, "--month", "2026-11")
    assert len(month) == 29 and all(set(r) >= LOG_CONTRACT for r in month)
    assert month[0]["due_at"] == "2026-11-01T06:00:00+07:00"  # 31 Oct 23:50 and 1 Dec 00:05 local are out
    assert [r["due_at"][:10] for r in log_json(capsys, logged, "--since", "2026-10-31", "--until", "2026-10-31")] == [
        "2026-10-31"
    ]
    assert len(log_json(capsys, logged, "--since", "2026-12-01")) == 1
    assert {r["channel"] for r in log_json(capsys, logged, "--channel", "facebook,zalo")} == {"facebook", "zalo"}
    assert [r["outcome"] for r in log_json(capsys, logged, "--status", "failed,missed")] == ["failed", "missed"]
    item = log_json(capsys, logged, "--item", "1")  # the item and its sub-items
    assert [r["channel"] for r in item] == ["radio", "radio", "facebook"]
    assert len(log_json(capsys, logged, "--item", "1.1")) == 2
    assert log_json(capsys, logged, "--search", "thue dat")[0]["outcome"] == "aired"  # without diacritics
    assert len(log_json(capsys, logged, "--search", "THUẾ")) == 2
    assert log_json(capsys, logged, "--search", "thuê") == []  # with diacritics they count
    assert [r["error_code"] for r in log_json(capsys, logged, "--search", "-216")] == ["zalo_auth"]
    assert len(log_json(capsys, logged, "--search", "phi nông nghiệp", "--channel", "radio")) == 1


def test_table_is_readable(logged, capsys):
    code, out, err = run(capsys, "--config", str(logged), "log", "--since", "2026-11-01", "--until", "2026-11-02")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == [
        "Số",
        "Lượt",
        "Giờ",
        "phát",
        "Kênh",
        "Kết",
        "quả",
        "Trễ",
        "Thời",
        "lượng",
        "Bản",
        "tin",
        "Chi",
        "tiết",
    ]
    radio = next(x for x in lines if "đã phát" in x)
    assert "2026-11-01 06:00" in radio and "3s" in radio and "3:05" in radio and "thu-a2.mp3" in radio
    assert "/srv/loa" not in radio and "Nộp thuế đất đúng hạn" in radio
    assert "https://www.facebook.com/123456789/posts/987654321" in out  # links whole
    failed = next(x for x in lines if "lỗi" in x)
    assert "Mã truy cập Zalo đã hết hạn" in failed and failed.rstrip().endswith("…") and "-216" not in failed
    code, out, _ = run(capsys, "--config", str(logged), "--lang", "en", "log", "--status", "missed")
    assert "missed" in out and "Quá giờ 35 phút." in out and "Due" in out


def test_paging(logged, capsys):
    code, out, err = run(capsys, "--config", str(logged), "log", "--month", "2026-11", "--limit", "10")
    assert code == 0, err
    assert "Trang 1/3: bản ghi 1–10 trong 29. Xem tiếp: --page 2" in out
    code, out, _ = run(capsys, "--config", str(logged), "log", "--month", "2026-11", "--limit", "10", "--page", "3")
    assert "Trang 3/3: bản ghi 21–29 trong 29." in out and "--page 4" not in out
    page = log_json(capsys, logged, "--month", "2026-11", "--limit", "10", "--page", "2")
    everything = log_json(capsys, logged, "--month", "2026-11")
    assert [r["id"] for r in page] == [r["id"] for r in everything[10:20]]
    assert len(log_json(capsys, logged, "--month", "2026-11", "--page", "1")) == 29  # 50 a page by default
    code, _, err = run(capsys, "--config", str(logged), "log", "--month", "2026-11", "--limit", "10", "--page", "9")
    assert code == 1 and "chỉ có 3 trang" in err


def test_csv_has_the_contract_and_titles(logged, capsys):
    code, out, err = run(capsys, "--config", str(logged), "log", "--format", "csv", "--channel", "facebook")
    assert code == 0, err
    header, row = out.splitlines()
    assert header.startswith("id,airing_id,bulletin_id") and header.endswith("late_seconds,title")
    assert "Nộp thuế đất đúng hạn" in row and "+07:00" in row


def test_csv_keeps_formula_like_text_as_text(logged, capsys):
    import csv
    import io

    from scheduler.app import build_app
    from scheduler.config import load_config

    app = build_app(load_config(logged))
    try:
        LogBuilder(app.sessions, app.station_id).record(
            "zalo",
            "failed",
            local(2026, 11, 9, 6),
            title='=HYPERLINK("http://evil.example","x")',
            error_message="@SUM(1)",
        )
    finally:
        app.close()
    code, out, err = run(capsys, "--config", str(logged), "log", "--format", "csv", "--channel", "zalo")
    assert code == 0, err
    row = list(csv.DictReader(io.StringIO(out)))[-1]
    assert row["title"] == '\'=HYPERLINK("http://evil.example","x")' and row["error_message"] == "'@SUM(1)"
    assert row["due_at"].startswith("2026-11-09")  # times and numbers are left alone


@pytest.mark.parametrize(
    "args, words",
    [
        (["--status", "aired,sent"], ["sent", "aired"]),
        (["--month", "2026-13"], ["2026-13"]),
        (["--month", "2026-11", "--since", "2026-11-02"], ["--month"]),
        (["--item", "9.9"], ["9.9"]),
        (["--plan", "42"], ["42"]),
    ],
)
def test_bad_log_input_is_one_line(logged, capsys, args, words):
    code, _out, err = run(capsys, "--config", str(logged), "log", *args)
    assert code == 1 and err.count("\n") == 1 and err.startswith("Lỗi: "), err
    for word in words:
        assert word in err


def test_query_functions(app):
    b = LogBuilder(app.sessions, app.station_id)
    for day in range(1, 6):
        b.record("radio", "aired", local(2026, 11, day), seconds=60)
    with app.reads() as session:
        query = LogQuery(since=local(2026, 11, 2, 0), limit=2, offset=1)
        assert [r.due_at for r in query_log(session, app.station_id, query)] == [local(2026, 11, 3), local(2026, 11, 4)]
        assert count_log(session, app.station_id, query) == 4


def test_small_formatters():
    assert fold("Đề nghị NỘP THUẾ") == "de nghi nop thue" and fold("Thuế", accents=True) == "thuế"
    assert [short_duration(x) for x in (None, 0.4, 12, 185, 3720)] == ["", "", "12s", "3m05s", "1h02m"]
    assert [clock_duration(x) for x in (None, 0, 59.6, 185, 3725)] == ["", "", "1:00", "3:05", "1:02:05"]


# ---- append-only ----------------------------------------------------------------------------------


@pytest.fixture
def no_log_edits():
    """Fail the test if any SQL updates or deletes log_records, through the ORM or not."""
    edits: list[str] = []
    pattern = re.compile(r"^\s*(UPDATE\s+\"?log_records\"?|DELETE\s+FROM\s+\"?log_records\"?)\b", re.I)

    def on_sql(conn, cursor, statement, parameters, context, executemany):
        if pattern.search(statement):
            edits.append(statement)

    def on_edit(mapper, connection, target):
        edits.append(f"ORM {type(target).__name__} {target.id}")

    event.listen(Engine, "before_cursor_execute", on_sql)
    event.listen(LogRecord, "before_update", on_edit)
    event.listen(LogRecord, "before_delete", on_edit)
    yield edits
    event.remove(Engine, "before_cursor_execute", on_sql)
    event.remove(LogRecord, "before_update", on_edit)
    event.remove(LogRecord, "before_delete", on_edit)


def test_the_guard_sees_an_edit(app, no_log_edits):
    from sqlalchemy import update

    b = LogBuilder(app.sessions, app.station_id)
    _, record_id = b.record("radio", "aired", local(2026, 11, 1), seconds=1)
    with app.sessions.begin() as session:
        session.execute(update(LogRecord).where(LogRecord.id == record_id).values(error_message="x"))
    assert len(no_log_edits) == 1
    no_log_edits.clear()


def test_a_whole_flow_only_appends_to_the_log(tmp_path, db_url, clock, capsys, no_log_edits):
    """Queue, air (real radio audio), fail, unclear, mark, retry, miss; then log, report and prune the archive."""
    from broadcasts.figures import Period
    from scheduler.app import build_app
    from scheduler.runner import Runner
    from scheduler.services.archive import prune_archive
    from scheduler.services.queue import queue_bulletin
    from scheduler.services.records import make_report
    from scheduler.services.social import mark_airing, retry_airing
    from tests.conftest import make_config
    from tests.fakes.channels import RecordingChannel
    from tests.fakes.tts import ToneEngine

    social = {name: RecordingChannel(name) for name in ("facebook", "zalo")}
    app = build_app(make_config(tmp_path, db_url), clock=clock, tts=ToneEngine(), channels=social)
    try:
        social["facebook"].then(ChannelError("channel_failed", channel="facebook", reason="HTTP 400"))
        social["zalo"].then(ChannelError("channel_dropped", channel="zalo", sent=True, reason="reset"))
        first = queue_bulletin(app, text="Thông báo nộp thuế.", at="now")
        runner = Runner(app, backoff_seconds=0.0)
        outcomes = {r.channel: r.outcome.value for r in runner.run_due()}
        assert outcomes == {"radio": "aired", "facebook": "failed", "zalo": "unknown"}
        ids = {a.channel: a.id for a in first.airings}
        mark_airing(app, ids["zalo"], "posted", external_id="zalo-1")
        retried = retry_airing(app, ids["facebook"])
        assert [r.outcome.value for r in Runner(app).run_due()] == ["posted"]
        queue_bulletin(app, text="Bản tin trưa.", at="now", channels=["radio"])
        clock.advance(minutes=30)
        assert [r.outcome.value for r in Runner(app).run_due()] == ["missed"]

        records = log_json(capsys, _write_config(tmp_path, db_url), "--month", "2026-11")
        assert [r["outcome"] for r in records] == ["aired", "failed", "unknown", "posted", "posted", "missed"]
        assert records[0]["audio_sha256"] and Path(records[0]["audio_path"]).exists()
        report = make_report(app, Period.month(2026, 11))
        totals = {t.channel: (t.done, t.airings, t.records) for t in report.totals}
        assert "portal" not in totals  # registered, off and not in this log: no column (services.records)
        assert {k: v for k, v in totals.items() if v != (0, 0, 0)} == {
            "radio": (1, 2, 2),
            "facebook": (1, 2, 2),
            "zalo": (1, 1, 2),
        }
        assert [p.retried_as for p in report.problems if p.channel == "facebook"] == [retried.new_airing_id]

        clock.advance(days=3 * 365)
        assert prune_archive(app, dry_run=True).deleted
        assert prune_archive(app).deleted and not Path(records[0]["audio_path"]).exists()
        prune_archive(app, force=True)
        assert len(log_json(capsys, _write_config(tmp_path, db_url), "--month", "2026-11")) == 6
    finally:
        app.close()
    assert no_log_edits == []


def _write_config(tmp_path: Path, db_url: str) -> Path:
    """A config file for the same database and station as make_config's."""
    path = tmp_path / "loa.toml"
    path.write_text(
        f'[station]\nname = "Đài truyền thanh xã Thử Nghiệm"\ncode = "thu-nghiem"\n[database]\nurl = "{db_url}"\n',
        encoding="utf-8",
    )
    return path
