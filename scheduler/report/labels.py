"""The words of the periodic report, the way a commune office files it (the texts are codes r_* in messages)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from broadcasts.figures import Period, Report
from scheduler.messages import MESSAGES, text
from scheduler.messages.labels import MONTH_NAMES

__all__ = ["label", "period_text", "issue_line", "place_name", "local", "default_report_name"]


def label(lang: str, key: str, **params: object) -> str:
    """The report's word for `key` (message code r_<key>) in `lang`, formatted with `params` if any."""
    if params:
        return text("r_" + key, lang, **params)
    return MESSAGES["r_" + key][1 if lang == "en" else 0]


def _day(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def period_text(period: Period, lang: str, *, short: bool = False) -> str:
    """ "Tháng 11 năm 2026", "Năm 2026" or "Từ ngày 01/11/2026 đến ngày 15/11/2026" (short: "tháng 11/2026")."""
    prefix = "period_short_" if short else ""
    if period.kind == "month":
        return label(
            lang,
            prefix + "month",
            month=period.first.month,
            year=period.first.year,
            month_name=MONTH_NAMES["en" if lang == "en" else "vi"][period.first.month - 1],
        )
    if period.kind == "year":
        return label(lang, prefix + "year", year=period.first.year)
    return label(lang, prefix + "range", first=_day(period.first), last=_day(period.last))


def place_name(station_name: str) -> str:
    """The commune's name from the station's ("Đài truyền thanh xã An Phú" gives "An Phú"), else dots."""
    name = " ".join(station_name.split())
    for prefix in ("đài truyền thanh", "đài tt", "đài phát thanh", "đài"):
        if name.lower().startswith(prefix):
            name = name[len(prefix) :].strip()
            break
    for kind in ("thị trấn", "xã", "phường"):
        if name.lower().startswith(kind + " "):
            name = name[len(kind) :].strip()
            break
    return name or "…………"


def issue_line(report: Report, lang: str) -> str:
    at = report.issued_at.astimezone(ZoneInfo(report.timezone))
    return label(
        lang, "issue", place=place_name(report.station_name), d=f"{at.day:02d}", m=f"{at.month:02d}", y=at.year
    )


def local(report: Report, moment: datetime) -> datetime:
    """An instant as a naive local time (what a spreadsheet cell holds)."""
    return moment.astimezone(ZoneInfo(report.timezone)).replace(tzinfo=None)


def default_report_name(report: Report, suffix: str = ".xlsx") -> str:
    """bao-cao-<station>-2026-11.xlsx, bao-cao-<station>-2026.xlsx or bao-cao-<station>-20261101-20261115.xlsx."""
    p = report.period
    when = (
        f"{p.first:%Y-%m}"
        if p.kind == "month"
        else f"{p.first:%Y}"
        if p.kind == "year"
        else f"{p.first:%Y%m%d}-{p.last:%Y%m%d}"
    )
    return f"bao-cao-{report.station_code}-{when}{suffix}"
