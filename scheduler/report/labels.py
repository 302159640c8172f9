"""The words of the periodic report, the way a commune office files it, in Vietnamese and English."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from broadcasts.report import Period, Report

__all__ = ["LABELS", "label", "period_text", "issue_line", "place_name", "local", "default_report_name", "WEEKDAYS"]

WEEKDAYS = {"vi": ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"],
            "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]}

LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "nation": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "motto": "Độc lập - Tự do - Hạnh phúc",
        "title": "BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH TUYÊN TRUYỀN",
        "plan": "Thực hiện: {title}",
        "no_plan": "(Chưa có kế hoạch tuyên truyền đang áp dụng)",
        "source": "Số liệu tổng hợp tự động từ nhật ký phát sóng của hệ thống Loa, lập lúc {at}.",
        "sheet_summary": "Tổng hợp", "sheet_items": "Theo nội dung", "sheet_days": "Phát thanh theo ngày",
        "sheet_problems": "Lỗi và bỏ lỡ", "sheet_lateness": "Độ trễ",
        "s1": "I. KẾT QUẢ CHUNG", "s2": "II. SỐ LƯỢT THEO KÊNH VÀ KẾT QUẢ",
        "s3": "III. SỐ LƯỢT TUYÊN TRUYỀN THEO NỘI DUNG KẾ HOẠCH", "s4": "IV. THỜI LƯỢNG PHÁT THANH THEO NGÀY",
        "s5": "V. CÁC LƯỢT PHÁT LỖI, BỎ LỠ, CHƯA RÕ KẾT QUẢ", "s6": "VI. ĐỘ TRỄ SO VỚI GIỜ PHÁT DỰ KIẾN",
        "k_airings": "Tổng số lượt phát, đăng theo lịch", "k_done": "Thành công (đã phát, đã đăng)",
        "k_problems": "Lỗi, bỏ lỡ, bỏ qua, chưa rõ kết quả", "k_minutes": "Tổng thời lượng phát thanh (phút)",
        "k_items": "Số nội dung kế hoạch đã được tuyên truyền", "k_missing": "Nội dung chưa được tuyên truyền",
        "channel": "Kênh", "done": "Thành công", "airings": "Tổng số lượt", "records": "Số bản ghi nhật ký",
        "total": "Tổng cộng", "ref": "Mục", "item": "Nội dung tuyên truyền", "last": "Lần gần nhất",
        "note": "Ghi chú", "not_aired": "Chưa được tuyên truyền", "via_children": "Qua các mục con",
        "rotation_skipped": "Không đưa vào xoay vòng", "announcements": "Lời mở đầu, kết thúc chương trình",
        "other": "Tin, bài khác ngoài kế hoạch", "day": "Ngày", "weekday": "Thứ", "count": "Số lượt",
        "minutes": "Số phút", "no": "STT", "airing": "Lượt phát", "due": "Giờ dự kiến", "outcome": "Kết quả",
        "bulletin": "Bản tin", "code": "Mã lỗi", "reason": "Lý do", "retried": "Phát lại",
        "retried_as": "lượt #{id}: {outcome}", "no_problems": "Không có lượt phát nào lỗi hoặc bỏ lỡ.",
        "no_record": "không có bản ghi (quá giờ mà chưa chạy)", "measured": "Số lượt có đo",
        "late": "Trễ từ 1 phút", "mean": "Trung bình (giây)", "median": "Trung vị (giây)",
        "p95": "95% số lượt không quá (giây)", "max": "Lớn nhất (giây)",
        "late_note": "Độ trễ tính từ giờ phát dự kiến đến lúc bắt đầu phát/đăng, chỉ với các lượt thành công.",
        "count_note": "Mỗi lượt phát được tính một lần theo kết quả cuối cùng (bản ghi đính chính được tính thay "
                      "cho bản ghi trước).",
        "chart_channels": "Số lượt thành công theo kênh", "chart_minutes": "Số phút phát thanh mỗi ngày",
        "chart_items": "Số lượt tuyên truyền theo nội dung và kênh",
        "recipients": "Nơi nhận:\n- Thường trực UBND xã (để b/c);\n- Lưu: Đài truyền thanh.",
        "signer": "NGƯỜI LẬP BÁO CÁO", "sign_hint": "(Ký, ghi rõ họ tên)",
        "month": "Tháng {month} năm {year}", "year": "Năm {year}",
        "range": "Từ ngày {first} đến ngày {last}", "issue": "{place}, ngày {d} tháng {m} năm {y}",
        "period_short_month": "tháng {month}/{year}", "period_short_year": "năm {year}",
        "period_short_range": "từ {first} đến {last}",
    },
    "en": {
        "nation": "SOCIALIST REPUBLIC OF VIETNAM",
        "motto": "Independence - Freedom - Happiness",
        "title": "REPORT ON THE COMMUNICATION PLAN'S IMPLEMENTATION",
        "plan": "Plan: {title}",
        "no_plan": "(No communication plan in force)",
        "source": "Figures compiled automatically from the Loa broadcast log at {at}.",
        "sheet_summary": "Summary", "sheet_items": "By item", "sheet_days": "Radio by day",
        "sheet_problems": "Failures and misses", "sheet_lateness": "Lateness",
        "s1": "I. OVERALL RESULTS", "s2": "II. AIRINGS BY CHANNEL AND OUTCOME",
        "s3": "III. AIRINGS BY PLAN ITEM", "s4": "IV. RADIO AIR TIME BY DAY",
        "s5": "V. FAILED, MISSED AND UNCLEAR AIRINGS", "s6": "VI. LATENESS AGAINST THE PLANNED TIME",
        "k_airings": "Scheduled airings and posts", "k_done": "Done (aired, posted)",
        "k_problems": "Failed, missed, skipped or unclear", "k_minutes": "Radio air time (minutes)",
        "k_items": "Plan items that went out", "k_missing": "Plan items not yet aired",
        "channel": "Channel", "done": "Done", "airings": "Airings", "records": "Log records",
        "total": "Total", "ref": "Item", "item": "Content", "last": "Last aired",
        "note": "Note", "not_aired": "Not aired", "via_children": "Through its sub-items",
        "rotation_skipped": "Left out of the rotation", "announcements": "Programme openings and closings",
        "other": "Other bulletins outside the plan", "day": "Date", "weekday": "Day", "count": "Airings",
        "minutes": "Minutes", "no": "No.", "airing": "Airing", "due": "Due", "outcome": "Outcome",
        "bulletin": "Bulletin", "code": "Error code", "reason": "Reason", "retried": "Retried",
        "retried_as": "airing #{id}: {outcome}", "no_problems": "No airing failed or was missed.",
        "no_record": "no record (overdue, never run)", "measured": "Measured",
        "late": "Late by 1 min or more", "mean": "Mean (s)", "median": "Median (s)", "p95": "95th percentile (s)",
        "max": "Max (s)",
        "late_note": "Lateness runs from the planned time to the start of playout or posting, successful airings only.",
        "count_note": "Each airing counts once, by its final outcome (a correcting record replaces the earlier one).",
        "chart_channels": "Successful airings by channel", "chart_minutes": "Radio minutes per day",
        "chart_items": "Airings by plan item and channel",
        "recipients": "To:\n- The Commune People's Committee (for information);\n- File.",
        "signer": "PREPARED BY", "sign_hint": "(Signature and full name)",
        "month": "{month_name} {year}", "year": "Year {year}", "range": "From {first} to {last}",
        "issue": "{place}, {d}/{m}/{y}", "period_short_month": "{year}-{month:02d}", "period_short_year": "{year}",
        "period_short_range": "{first} to {last}",
    },
}
_MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December"]


def label(lang: str, key: str, **params: object) -> str:
    template = LABELS.get(lang, LABELS["vi"])[key]
    return template.format(**params) if params else template


def _day(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def period_text(period: Period, lang: str, *, short: bool = False) -> str:
    """ "Tháng 11 năm 2026", "Năm 2026" or "Từ ngày 01/11/2026 đến ngày 15/11/2026" (short: "tháng 11/2026")."""
    prefix = "period_short_" if short else ""
    if period.kind == "month":
        return label(lang, prefix + "month", month=period.first.month, year=period.first.year,
                     month_name=_MONTH_NAMES[period.first.month - 1])
    if period.kind == "year":
        return label(lang, prefix + "year", year=period.first.year)
    return label(lang, prefix + "range", first=_day(period.first), last=_day(period.last))


def place_name(station_name: str) -> str:
    """The commune's name from the station's ("Đài truyền thanh xã An Phú" gives "An Phú"), else dots."""
    name = " ".join(station_name.split())
    for prefix in ("đài truyền thanh", "đài tt", "đài phát thanh", "đài"):
        if name.lower().startswith(prefix):
            name = name[len(prefix):].strip()
            break
    for kind in ("thị trấn", "xã", "phường"):
        if name.lower().startswith(kind + " "):
            name = name[len(kind):].strip()
            break
    return name or "…………"


def issue_line(report: Report, lang: str) -> str:
    at = report.issued_at.astimezone(ZoneInfo(report.timezone))
    return label(lang, "issue", place=place_name(report.station_name), d=f"{at.day:02d}", m=f"{at.month:02d}",
                 y=at.year)


def local(report: Report, moment: datetime) -> datetime:
    """An instant as a naive local time (what a spreadsheet cell holds)."""
    return moment.astimezone(ZoneInfo(report.timezone)).replace(tzinfo=None)


def default_report_name(report: Report, suffix: str = ".xlsx") -> str:
    """bao-cao-<station>-2026-11.xlsx, bao-cao-<station>-2026.xlsx or bao-cao-<station>-20261101-20261115.xlsx."""
    p = report.period
    when = (f"{p.first:%Y-%m}" if p.kind == "month" else f"{p.first:%Y}" if p.kind == "year"
            else f"{p.first:%Y%m%d}-{p.last:%Y%m%d}")
    return f"bao-cao-{report.station_code}-{when}{suffix}"
