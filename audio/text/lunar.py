"""The Vietnamese lunar calendar (âm lịch), computed for UTC+7 with Hồ Ngọc Đức's algorithm.

Pure arithmetic: new moons and the sun's longitude from astronomical series
(Jean Meeus, "Astronomical Algorithms"), month 11 always holds the winter
solstice, and in a year of 13 months the first month without a major solar
term is the leap month. Vietnam's calendar follows its own time zone, which is
why Tết sometimes falls on another day than in China (1985: 21 January here,
20 February there).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from audio.text.numbers import read_number

__all__ = ["LunarDate", "solar_to_lunar", "year_name", "read_lunar_date"]

VIETNAM_TZ = 7.0
_STEMS = ("Giáp", "Ất", "Bính", "Đinh", "Mậu", "Kỷ", "Canh", "Tân", "Nhâm", "Quý")
_BRANCHES = ("Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi")
_MONTH_NAMES = {1: "Giêng", 4: "tư", 12: "Chạp"}


@dataclass(frozen=True, kw_only=True)
class LunarDate:
    """A day of the lunar calendar; `leap` marks the repeated (leap) month."""

    day: int
    month: int
    year: int
    leap: bool = False


def _julian_day(d: date) -> int:
    """The Julian day number of a Gregorian date."""
    a = (14 - d.month) // 12
    y = d.year + 4800 - a
    m = d.month + 12 * a - 3
    return d.day + (153 * m + 2) // 5 + 365 * y + y // 4 - y // 100 + y // 400 - 32045


def _new_moon(k: int) -> float:
    """The Julian day (with fraction, UT) of the k-th new moon after 1 January 1900."""
    t = k / 1236.85
    t2, t3 = t * t, t * t * t
    dr = math.pi / 180
    jd = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
    jd += 0.00033 * math.sin((166.56 + 132.87 * t - 0.009173 * t2) * dr)
    m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3
    mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3
    f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3
    c1 = (0.1734 - 0.000393 * t) * math.sin(m * dr) + 0.0021 * math.sin(2 * dr * m)
    c1 += -0.4068 * math.sin(mpr * dr) + 0.0161 * math.sin(dr * 2 * mpr) - 0.0004 * math.sin(dr * 3 * mpr)
    c1 += 0.0104 * math.sin(dr * 2 * f) - 0.0051 * math.sin(dr * (m + mpr))
    c1 += -0.0074 * math.sin(dr * (m - mpr)) + 0.0004 * math.sin(dr * (2 * f + m))
    c1 += -0.0004 * math.sin(dr * (2 * f - m)) - 0.0006 * math.sin(dr * (2 * f + mpr))
    c1 += 0.0010 * math.sin(dr * (2 * f - mpr)) + 0.0005 * math.sin(dr * (2 * mpr + m))
    if t < -11:
        delta_t = 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    else:
        delta_t = -0.000278 + 0.000265 * t + 0.000262 * t2
    return jd + c1 - delta_t


def _new_moon_day(k: int, tz: float) -> int:
    """The local day number on which the k-th new moon falls."""
    return math.floor(_new_moon(k) + 0.5 + tz / 24)


def _sun_longitude(jdn: float) -> float:
    """The sun's apparent longitude in radians, 0 to 2π, at a Julian day (UT)."""
    t = (jdn - 2451545.0) / 36525
    t2 = t * t
    dr = math.pi / 180
    m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2
    l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2
    dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * math.sin(dr * m)
    dl += (0.019993 - 0.000101 * t) * math.sin(dr * 2 * m) + 0.000290 * math.sin(dr * 3 * m)
    longitude = (l0 + dl) * dr
    return longitude - 2 * math.pi * math.floor(longitude / (2 * math.pi))


def _sun_sector(day: int, tz: float) -> int:
    """Which of the 12 major solar terms (0-11) the sun is in at the start of a local day."""
    return math.floor(_sun_longitude(day - 0.5 - tz / 24) / math.pi * 6)


def _month11(year: int, tz: float) -> int:
    """The day number on which lunar month 11 (the month of the winter solstice) of `year` begins."""
    offset = _julian_day(date(year, 12, 31)) - 2415021
    k = math.floor(offset / 29.530588853)
    start = _new_moon_day(k, tz)
    if _sun_sector(start, tz) >= 9:
        start = _new_moon_day(k - 1, tz)
    return start


def _leap_month_offset(a11: int, tz: float) -> int:
    """In a 13-month year starting at `a11`, the index of the first month without a major solar term."""
    k = math.floor((a11 - 2415021.076998695) / 29.530588853 + 0.5)
    i = 1
    arc = _sun_sector(_new_moon_day(k + i, tz), tz)
    while True:
        last = arc
        i += 1
        arc = _sun_sector(_new_moon_day(k + i, tz), tz)
        if arc == last or i >= 14:
            return i - 1


def solar_to_lunar(day: date, tz: float = VIETNAM_TZ) -> LunarDate:
    """The lunar date of a Gregorian date (Vietnam, UTC+7, unless another zone offset is given)."""
    number = _julian_day(day)
    k = math.floor((number - 2415021.076998695) / 29.530588853)
    month_start = _new_moon_day(k + 1, tz)
    if month_start > number:
        month_start = _new_moon_day(k, tz)
    a11 = _month11(day.year, tz)
    b11 = a11
    if a11 >= month_start:
        year = day.year
        a11 = _month11(day.year - 1, tz)
    else:
        year = day.year + 1
        b11 = _month11(day.year + 1, tz)
    lunar_day = number - month_start + 1
    diff = math.floor((month_start - a11) / 29)
    leap = False
    month = diff + 11
    if b11 - a11 > 365:
        leap_diff = _leap_month_offset(a11, tz)
        if diff >= leap_diff:
            month = diff + 10
            leap = diff == leap_diff
    if month > 12:
        month -= 12
    if month >= 11 and diff < 4:
        year -= 1
    return LunarDate(day=lunar_day, month=month, year=year, leap=leap)


def year_name(year: int) -> str:
    """The sexagenary name of a lunar year ("Bính Ngọ" for 2026)."""
    return f"{_STEMS[(year + 6) % 10]} {_BRANCHES[(year + 8) % 12]}"


def read_lunar_date(lunar: LunarDate) -> str:
    """Read a lunar date the way an announcer says it ("mùng một tháng Giêng năm Bính Ngọ")."""
    day = f"mùng {read_number(lunar.day)}" if lunar.day <= 10 else read_number(lunar.day)
    month = _MONTH_NAMES.get(lunar.month) or read_number(lunar.month)
    leap = " nhuận" if lunar.leap else ""
    return f"{day} tháng {month}{leap} năm {year_name(lunar.year)}"
