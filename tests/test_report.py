"""The periodic report: its numbers against a log the test builds, and the files it writes."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from broadcasts.figures import Period
from scheduler.errors import UsageError
from scheduler.report.files import write_report
from scheduler.report.labels import default_report_name, place_name
from scheduler.services.records import choose_period, make_report, parse_month
from tests.log_builder import LogBuilder, local

# Channels that are off in this config (led, portal, ...) and have no records get no column (services.records).
EXTRA = 0
ZERO: dict[str, int] = {}


def chart_kinds(sheet: Worksheet) -> list[str]:
    """The class names of the charts on `sheet` (openpyxl keeps them in `_charts`, which its stubs leave out)."""
    charts: list[object] = cast(Any, sheet)._charts
    return [type(c).__name__ for c in charts]


def november(app) -> dict[str, int]:
    """A month of log for the report: every outcome, a correction, a retry, an airing never run, tz edges."""
    b = LogBuilder(app.sessions, app.station_id)
    b.plan(["1", "1.1", "1.2", "2", "3"], skipped=("3",))
    ids: dict[str, int] = {}
    b.record("radio", "aired", local(2026, 11, 1, 6), item="1.1", seconds=180, late=2)
    b.record("radio", "aired", local(2026, 11, 1, 17), item="1.1", seconds=120, late=90)
    b.record("radio", "aired", local(2026, 11, 2, 6), item="1.1", seconds=60, late=0)
    b.record("facebook", "posted", local(2026, 11, 1, 6), item="1.1", late=5, url="https://facebook.com/1_2")
    b.record("zalo", "posted", local(2026, 11, 3, 6), item="1.2", late=None)
    b.record("radio", "aired", local(2026, 11, 3, 6), item="1", seconds=300, late=10)
    b.record("radio", "aired", local(2026, 11, 3, 5, 59), origin="opening", seconds=30, late=0)
    b.record("radio", "aired", local(2026, 11, 4, 9), seconds=90, late=4)
    b.record(
        "radio",
        "missed",
        local(2026, 11, 5, 6),
        item="1.2",
        late=None,
        error_code="missed",
        error_message="Quá giờ 2 giờ 5 phút (cho phép 10 phút).",
    )
    b.record(
        "facebook",
        "failed",
        local(2026, 11, 5, 6),
        item="1.2",
        late=None,
        error_code="facebook_auth",
        error_message="Token Facebook đã hết hạn.",
    )
    airing, _ = b.record(
        "facebook",
        "unknown",
        local(2026, 11, 6, 6),
        item="2",
        late=None,
        error_code="channel_timeout",
        error_message="Facebook không trả lời sau 20 giây.",
    )
    b.record("facebook", "posted", local(2026, 11, 6, 6), airing=airing, late=None, detail={"reconciled": True})
    b.record("zalo", "unknown", local(2026, 11, 7, 6), item="1", late=None, error_code="channel_dropped")
    b.record("facebook", "dry_run", local(2026, 11, 8, 6), item="1")
    ids["pending"], _ = b.airing("radio", local(2026, 11, 10, 6), item="3")
    ids["failed"], _ = b.record(
        "radio",
        "failed",
        local(2026, 11, 12, 6),
        item="1.1",
        late=None,
        error_code="sink_failed",
        error_message="Không phát được qua folder.",
    )
    ids["retry"], _ = b.record(
        "radio", "aired", local(2026, 11, 12, 8), item="1.1", seconds=60, late=30, retry_of=ids["failed"]
    )
    b.record("radio", "aired", local(2026, 11, 30, 23, 30), item="1.2", seconds=60, late=0)
    # outside the month in station time (one of them is inside it in UTC)
    b.record("radio", "aired", local(2026, 10, 31, 23, 30), item="3", seconds=600)
    b.record("radio", "aired", local(2026, 12, 1, 0, 10), item="3", seconds=600)
    # another station's log is not ours
    other = LogBuilder.other_station(app.sessions)
    other.record("radio", "aired", local(2026, 11, 2, 6), seconds=999)
    return ids


def test_report_counts_match_the_log(app):
    ids = november(app)
    report = make_report(app, Period.month(2026, 11))
    totals = {t.channel: t for t in report.totals}
    assert list(totals) == [
        "radio",
        "facebook",
        "zalo",
    ]  # the others are off by default: no column until they have records
    assert totals["radio"].counts["aired"] == 8 and totals["radio"].counts["missed"] == 1
    assert totals["radio"].counts["failed"] == 1 and totals["radio"].airings == 10 and totals["radio"].records == 10
    assert (
        totals["facebook"].counts["posted"],
        totals["facebook"].counts["failed"],
        totals["facebook"].counts["dry_run"],
        totals["facebook"].counts["unknown"],
    ) == (2, 1, 1, 0)
    assert totals["facebook"].airings == 4 and totals["facebook"].records == 5  # the correction is one airing
    assert totals["zalo"].done == 1 and totals["zalo"].counts["unknown"] == 1
    assert (report.airings, report.done) == (16, 11)

    items = {i.ref: i for i in report.items}
    assert [i.ref for i in report.items] == ["1", "1.1", "1.2", "2", "3"]
    assert items["1"].counts == {"radio": 1, "facebook": 0, "zalo": 0, **ZERO}
    assert items["1.1"].counts == {"radio": 4, "facebook": 1, "zalo": 0, **ZERO} and items["1.1"].total == 5
    assert items["1.2"].counts == {"radio": 1, "facebook": 0, "zalo": 1, **ZERO}
    assert items["2"].counts == {"radio": 0, "facebook": 1, "zalo": 0, **ZERO}
    assert items["3"].total == 0 and not items["3"].covered and items["3"].rotation == "skipped"
    assert report.items_covered == 4
    assert report.other == {
        "announcements": {"radio": 1, "facebook": 0, "zalo": 0, **ZERO},
        "other": {"radio": 1, "facebook": 0, "zalo": 0, **ZERO},
    }

    minutes = {d.day: d.minutes for d in report.days}
    assert len(report.days) == 30 and minutes[date(2026, 11, 1)] == 5.0 and minutes[date(2026, 11, 2)] == 1.0
    assert minutes[date(2026, 11, 3)] == 5.5 and minutes[date(2026, 11, 4)] == 1.5
    assert minutes[date(2026, 11, 12)] == 1.0 and minutes[date(2026, 11, 30)] == 1.0
    assert report.radio_minutes == pytest.approx(15.0) and sum(d.airings for d in report.days) == 8

    problems = [(p.channel, p.outcome) for p in report.problems]
    assert problems == [
        ("radio", "missed"),
        ("facebook", "failed"),
        ("zalo", "unknown"),
        ("radio", "no_record"),
        ("radio", "failed"),
    ]
    first_message = report.problems[0].error_message
    assert first_message is not None and first_message.startswith("Quá giờ")
    assert report.problems[3].airing_id == ids["pending"]
    assert (report.problems[4].retried_as, report.problems[4].retry_outcome) == (ids["retry"], "aired")

    late = {x.channel: x for x in report.lateness}
    assert (late["radio"].count, late["radio"].late, late["radio"].max) == (8, 1, 90.0)
    assert late["radio"].mean == 17.0 and late["radio"].median == 3.0
    assert late["facebook"].count == 1 and late["zalo"].count == 0


def test_report_of_a_range_and_without_a_plan(app):
    b = LogBuilder(app.sessions, app.station_id)
    b.record("radio", "aired", local(2026, 11, 2, 6), seconds=120)
    b.record("radio", "aired", local(2026, 11, 20, 6), seconds=120)
    report = make_report(app, Period(first=date(2026, 11, 1), last=date(2026, 11, 10)))
    assert report.plan_id is None and report.items == [] and report.airings == 1 and len(report.days) == 10
    assert report.other["other"]["radio"] == 1


def test_workbook_has_the_sheets_numbers_and_charts(app, tmp_path):
    november(app)
    report = make_report(app, Period.month(2026, 11))
    path = write_report(report, tmp_path / "bao-cao.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["Tổng hợp", "Theo nội dung", "Phát thanh theo ngày", "Lỗi và bỏ lỡ", "Độ trễ", "Cụm loa"]
    summary = book["Tổng hợp"]
    texts = [c.value for row in summary.iter_rows() for c in row if isinstance(c.value, str)]
    assert "BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH TUYÊN TRUYỀN" in texts and "Tháng 11 năm 2026" in texts
    assert "ĐÀI TRUYỀN THANH XÃ THỬ NGHIỆM" in texts and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts
    assert "Thử Nghiệm, ngày 23 tháng 11 năm 2026" in texts
    rows = {r[0]: r for r in summary.iter_rows(values_only=True) if r[0]}
    assert rows["Truyền thanh"][1] == 8 and rows["Truyền thanh"][3] == 1  # aired, failed
    total = rows["Tổng cộng"]  # aired..unknown, done, problems, success rate, dry runs, airings, records
    assert (total[7], total[8], total[10], total[11]) == (11, 4, 1, 16)
    assert total[9] == pytest.approx(11 / 15, abs=1e-4)  # the dry run is left out of the rate
    rate_cell = next(r for r in summary.iter_rows() if r[0].value == "Tổng cộng")[9]
    assert rate_cell.number_format == "0.0%"
    assert rows["Lỗi, bỏ lỡ, bỏ qua, chưa rõ kết quả"][1] == 4 and rows["Chạy thử (không đăng thật)"][1] == 1
    assert rows["Tỷ lệ thành công (không tính chạy thử)"][1] == "73.3%"
    assert rows["Tổng thời lượng phát thanh (phút)"][1] == 15.0
    assert rows["Số nội dung kế hoạch đã được tuyên truyền"][1] == "4/5"
    assert chart_kinds(summary) == ["BarChart", "LineChart"]
    items = book["Theo nội dung"]
    assert chart_kinds(items) == ["BarChart"]
    by_ref = {r[0]: r for r in items.iter_rows(min_row=5, values_only=True) if r[0]}
    row = by_ref["1.1"]
    assert row[2:5] == (4, 1, 0) and row[5 : 5 + EXTRA] == (0,) * EXTRA and row[5 + EXTRA] == 5
    note = by_ref["3"][7 + EXTRA]
    assert by_ref["3"][5 + EXTRA] == 0 and isinstance(note, str) and "Chưa được tuyên truyền" in note
    flagged = next(r for r in items.iter_rows(min_row=5) if r[0].value == "3")
    assert flagged[0].fill.fgColor.rgb.endswith("F8CBAD")
    days = list(book["Phát thanh theo ngày"].iter_rows(min_row=5, max_row=34, values_only=True))
    first_day = days[0][0]
    assert isinstance(first_day, datetime) and first_day.date() == date(2026, 11, 1)
    assert days[0][1] == "Chủ nhật" and days[0][3] == 5.0
    problems = [r for r in book["Lỗi và bỏ lỡ"].iter_rows(min_row=5, values_only=True) if r[0]]
    last_note = problems[-1][8]
    assert len(problems) == 5 and isinstance(last_note, str) and last_note.startswith("lượt #")


def test_workbook_in_english(app, tmp_path):
    november(app)
    book = load_workbook(write_report(make_report(app, Period.month(2026, 11)), tmp_path / "r.xlsx", "en"))
    assert book.sheetnames[0] == "Summary"
    texts = [c.value for row in book["Summary"].iter_rows() for c in row if isinstance(c.value, str)]
    assert "November 2026" in texts


def test_csv_report_has_every_section(app, tmp_path):
    november(app)
    path = write_report(make_report(app, Period.month(2026, 11)), tmp_path / "bao-cao.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM, so spreadsheet programs read the accents
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    firsts = [r[0] for r in rows if r]
    for heading in (
        "I. KẾT QUẢ CHUNG",
        "II. SỐ LƯỢT THEO KÊNH VÀ KẾT QUẢ",
        "III. SỐ LƯỢT TUYÊN TRUYỀN THEO NỘI DUNG KẾ HOẠCH",
        "IV. THỜI LƯỢNG PHÁT THANH THEO NGÀY",
        "V. CÁC LƯỢT PHÁT LỖI, BỎ LỠ, CHƯA RÕ KẾT QUẢ",
    ):
        assert heading in firsts
    radio = next(r for r in rows if r and r[0] == "Truyền thanh")
    assert radio[1:4] == ["8", "0", "1"]
    facebook = next(r for r in rows if r and r[0] == "Facebook")
    assert facebook[7:13] == ["2", "1", "66.7%", "1", "4", "5"]  # done, problems, rate, dry runs, airings, records
    assert ["2026-11-03", "Thứ Ba", "2", "5.5"] in rows


def test_choose_period():
    today = date(2026, 11, 23)
    assert choose_period(month="2026-02", today=today) == Period.month(2026, 2)
    assert Period.month(2026, 2).last == date(2026, 2, 28)
    assert choose_period(year=2026, today=today).last == date(2026, 12, 31)
    assert choose_period(first=date(2026, 11, 1), today=today).last == today
    cases: list[tuple[dict[str, Any], str]] = [
        ({}, "report_period_missing"),
        ({"month": "2026-11", "year": 2026}, "report_period_conflict"),
        ({"last": date(2026, 11, 1)}, "report_period_missing"),
        ({"first": date(2026, 11, 5), "last": date(2026, 11, 1)}, "report_period_order"),
        ({"year": 26}, "bad_year"),
    ]
    for kwargs, code in cases:
        with pytest.raises(UsageError) as info:
            choose_period(today=today, **kwargs)
        assert info.value.code == code
    for bad in ("2026-13", "2026-00", "11/2026", "tháng 11"):
        with pytest.raises(UsageError):
            parse_month(bad)


def test_names():
    assert place_name("Đài truyền thanh xã An Phú") == "An Phú"
    assert place_name("Đài truyền thanh phường 3") == "3"
    assert place_name("Đài TT thị trấn Hát Lót") == "Hát Lót"


def test_default_file_name(app):
    report = make_report(app, Period.month(2026, 11))
    assert default_report_name(report) == "bao-cao-thu-nghiem-2026-11.xlsx"


# ---- the command line -------------------------------------------------------------------------


def write_config(tmp_path: Path, db_url: str, extra: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[station]\nname = "Đài truyền thanh xã Thử Nghiệm"\ncode = "thu-nghiem"\n'
        f'[database]\nurl = "{db_url}"\n{extra}',
        encoding="utf-8",
    )
    return path


def loa(capsys, *args: str) -> tuple[int, str, str]:
    from tests.cli_support import run

    return run(capsys, *args)


def test_loa_report_writes_xlsx_and_csv(tmp_path, db_url, capsys, monkeypatch):
    from scheduler.app import build_app
    from scheduler.config import load_config

    config = write_config(tmp_path, db_url)
    app = build_app(load_config(config))
    try:
        b = LogBuilder(app.sessions, app.station_id)
        b.plan(["1", "2"])
        b.record("radio", "aired", local(2026, 9, 2, 6), item="1", seconds=240)
        b.record("facebook", "failed", local(2026, 9, 3, 6), item="2", error_code="x", error_message="hỏng")
    finally:
        app.close()
    monkeypatch.chdir(tmp_path)
    code, out, err = loa(capsys, "--config", str(config), "report", "--month", "2026-09")
    assert code == 0, err
    assert (tmp_path / "bao-cao-thu-nghiem-2026-09.xlsx").exists()
    assert (tmp_path / "bao-cao-thu-nghiem-2026-09.xlsx").stat().st_mode & 0o777 == 0o644  # others may read it
    assert "bao-cao-thu-nghiem-2026-09.xlsx" in out and "1/2" in out and "4.0" in out
    assert "1 lỗi, bỏ lỡ, bỏ qua hoặc chưa rõ, 0 chạy thử (không tính); tỷ lệ thành công 50.0%" in out
    code, out, err = loa(
        capsys,
        "--config",
        str(config),
        "report",
        "--from",
        "2026-09-01",
        "--to",
        "2026-09-30",
        "--out",
        str(tmp_path / "a.xlsx"),
        "--out",
        str(tmp_path / "b.csv"),
        "--json",
    )
    assert code == 0, err
    figures = json.loads(out)
    assert figures["airings"] == 2 and figures["done"] == 1 and figures["radio_minutes"] == 4.0
    assert (figures["problems"], figures["dry_runs"], figures["success_rate"]) == (1, 0, 0.5)
    assert figures["items_not_aired"] == ["2"]
    assert (tmp_path / "a.xlsx").exists() and (tmp_path / "b.csv").exists()


@pytest.mark.parametrize(
    "args, words",
    [
        (["report", "--month", "2026-13"], ["2026-13", "YYYY-MM"]),
        (["report"], ["--month"]),
        (["report", "--month", "2026-11", "--year", "2026"], ["--year"]),
        (["report", "--month", "2026-11", "--out", "bao-cao.pdf"], ["bao-cao.pdf", ".xlsx"]),
        (["report", "--from", "2026-11-10", "--to", "2026-11-01"], ["2026-11-10"]),
        (["report", "--month", "2026-11", "--plan", "99"], ["99"]),
    ],
)
def test_bad_report_input_is_one_line(tmp_path, capsys, args, words):
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'loa.db'}")
    code, _out, err = loa(capsys, "--config", str(config), *args)
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Lỗi: "), err
    for word in words:
        assert word in err


@pytest.mark.parametrize(
    "top, ticks",
    [
        (0, [0.0, 1.0]),
        (8, [0, 2, 4, 6, 8]),
        (11, [0, 5, 10, 15]),
        (15.0, [0, 5, 10, 15]),
        (0.7, [0, 0.2, 0.4, 0.6, 0.8]),
    ],
)
def test_chart_axis_ticks_are_round(top, ticks):
    from scheduler.report.svg import nice_ticks

    assert nice_ticks(top) == pytest.approx(ticks)


def test_svg_charts_are_drawn_from_the_report(app):
    import xml.etree.ElementTree as ET

    from scheduler.report.svg import report_charts

    november(app)
    report = make_report(app, Period.month(2026, 11))
    charts = dict(report_charts(report))
    assert list(charts) == [
        "Số lượt thành công theo kênh",
        "Số phút phát thanh mỗi ngày",
        "Số lượt tuyên truyền theo nội dung và kênh",
    ]
    ns = {"s": "http://www.w3.org/2000/svg"}

    def value(rect: ET.Element) -> float:
        number = rect.get("data-value")
        assert number is not None
        return float(number)

    bars = {
        title: [value(r) for r in ET.fromstring(svg).iterfind(".//s:rect[@class='bar']", ns)]
        for title, svg in charts.items()
    }
    assert bars["Số lượt thành công theo kênh"] == [8, 2, 1] + [0] * EXTRA  # done: radio, facebook, zalo, ...
    assert bars["Số phút phát thanh mỗi ngày"] == [d.minutes for d in report.days] and len(report.days) == 30
    assert len(bars["Số lượt tuyên truyền theo nội dung và kênh"]) == 5 * (3 + EXTRA)  # item x channel
    for svg in charts.values():
        assert "<script" not in svg and "style=" not in svg  # the console's CSP allows neither


def test_svg_chart_text_is_escaped():
    import xml.etree.ElementTree as ET

    from scheduler.report.svg import Series, column_chart

    svg = column_chart("<b>&", ["<script>alert(1)</script>"], [Series(name='"x"', color="#000", values=(3.0,))])
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert ET.fromstring(svg).get("aria-label") == "<b>&"


def default_config_month(app) -> None:
    """A month as the default config makes it: the radio airs, Facebook and Zalo only rehearse (dry run)."""
    b = LogBuilder(app.sessions, app.station_id)
    b.plan(["1", "2"])
    for day in (2, 3, 4, 5):
        b.record("radio", "aired", local(2026, 11, day, 6), item="1", seconds=60)
        b.record("facebook", "dry_run", local(2026, 11, day, 6), item="1")
        b.record("zalo", "dry_run", local(2026, 11, day, 6), item="1")
    b.record("radio", "failed", local(2026, 11, 6, 6), item="2", error_code="sink_failed", error_message="hỏng")


def test_dry_runs_are_their_own_column_left_out_of_the_rates(app, tmp_path):
    from broadcasts.figures import report_json

    default_config_month(app)
    report = make_report(app, Period.month(2026, 11))
    assert (report.airings, report.done, report.problem_count, report.dry_runs) == (13, 4, 1, 8)
    assert report.success_rate == 0.8 and len(report.problems) == 1  # the errors sheet and the summary agree
    totals = {t.channel: t for t in report.totals}
    assert (totals["facebook"].done, totals["facebook"].problem_count, totals["facebook"].dry_runs) == (0, 0, 4)
    assert totals["facebook"].success_rate is None and totals["radio"].success_rate == 0.8

    summary = report_json(report)["summary"]
    assert (summary["problems"], summary["dry_runs"], summary["success_rate"]) == (1, 8, 0.8)
    zalo = next(t for t in report_json(report)["totals"] if t["channel"] == "zalo")
    assert (zalo["done"], zalo["problems"], zalo["dry_runs"], zalo["success_rate"]) == (0, 0, 4, None)

    book = load_workbook(write_report(report, tmp_path / "r.xlsx"))
    rows = {r[0]: r for r in book["Tổng hợp"].iter_rows(values_only=True) if r[0]}
    assert rows["Lỗi, bỏ lỡ, bỏ qua, chưa rõ kết quả"][1] == 1 and rows["Chạy thử (không đăng thật)"][1] == 8
    assert rows["Tỷ lệ thành công (không tính chạy thử)"][1] == "80.0%"
    header = next(r for r in book["Tổng hợp"].iter_rows(values_only=True) if r[0] == "Kênh")
    assert header[7:11] == ("Thành công", "Lỗi, bỏ lỡ, bỏ qua, chưa rõ", "Tỷ lệ thành công", "Chạy thử")
    assert rows["Facebook"][7:12] == (0, 0, None, 4, 4)

    rows_csv = list(csv.reader(write_report(report, tmp_path / "r.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert ["Lỗi, bỏ lỡ, bỏ qua, chưa rõ kết quả", "1"] in rows_csv and ["Chạy thử (không đăng thật)", "8"] in rows_csv
    assert next(r for r in rows_csv if r and r[0] == "Zalo")[7:12] == ["0", "0", "", "4", "4"]
    assert next(r for r in rows_csv if r and r[0] == "Tổng cộng")[7:12] == ["4", "1", "80.0%", "8", "13"]


FORMULAS = ('=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1", "  =1")


@pytest.mark.parametrize("formula", FORMULAS, ids=repr)
def test_formula_like_text_stays_text_in_both_files(app, tmp_path, formula):
    from sqlalchemy import update

    from broadcasts.models import ContentItem

    b = LogBuilder(app.sessions, app.station_id)
    b.plan(["1"])
    with app.sessions.begin() as session:
        session.execute(update(ContentItem).where(ContentItem.id == b.items["1"]).values(text=formula))
    b.record("radio", "aired", local(2026, 11, 2, 6), item="1", seconds=60)
    b.record("radio", "failed", local(2026, 11, 3, 6), title=formula, error_code="x", error_message=formula)
    report = make_report(app, Period.month(2026, 11))

    book = load_workbook(write_report(report, tmp_path / "r.xlsx"))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]  # no formula anywhere in the workbook
    planted = [c for c in cells if isinstance(c.value, str) and c.value.strip() == formula.strip()]
    assert len(planted) >= 3 and all(c.data_type == "s" and c.quotePrefix for c in planted)  # item, title, reason
    item_cell = next(c for c in cells if isinstance(c.value, str) and c.value.endswith(formula.strip()))
    assert item_cell.data_type == "s"

    with open(write_report(report, tmp_path / "r.csv"), encoding="utf-8-sig", newline="") as handle:
        values = [v for row in csv.reader(handle) for v in row]
    risky = [v for v in values if v.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r")) and v.strip() != "-"]
    assert not risky, risky
    assert values.count("'" + formula) >= 2  # the bulletin title and the reason, behind an apostrophe


def test_ordinary_text_and_numbers_are_left_alone():
    from scheduler.report.cells import csv_text, looks_like_formula

    assert csv_text("Tuyên truyền: 1+1") == "Tuyên truyền: 1+1" and csv_text("-") == "-" and csv_text(-3) == -3
    assert not looks_like_formula("Bản tin 14h") and looks_like_formula("  @x") and looks_like_formula("\r=1")
