"""The step of normalization that reads weather and disaster bulletins as the forecasters write them.

The national hydro-meteorological centre (Trung tâm Dự báo khí tượng thủy
văn quốc gia, nchmf.gov.vn) and the papers that relay it write positions as
"16,2 độ Vĩ Bắc; 110,2 độ Kinh Đông" or "21,2°N – 109,5°E", winds as "cấp 8
(60-75 km/giờ), giật cấp 10" or "cấp 10-11", waves as "2,0–4,0m", rain as
"100-200mm", "20-50 mm/12 giờ", and river levels against the alarm levels
"BĐ1" to "BĐ3" ("trên BĐ2 0,03m", "báo động (BĐ)3"). This step turns them
into what an announcer says; the numbers and units left are read by the
later steps (`audio.text.quantities`).
"""

from __future__ import annotations

import re

from audio.text.numbers import Dialect, read_number
from audio.text.quantities import NUMERAL, read_numeral

__all__ = ["read_weather"]

_HEMISPHERES = {"N": "vĩ bắc", "S": "vĩ nam", "E": "kinh đông", "W": "kinh tây"}
_COORDINATE = rf"({NUMERAL})\s?°\s?([NSEW])(?![\w])"
_POSITION_RANGE = re.compile(rf"(?=[0-9])(?<![\w.,])({NUMERAL})\s*[-–—]\s*(?={_COORDINATE})")
_POSITION = re.compile(rf"(?=[0-9])(?<![\w.,]){_COORDINATE}(?:\s*[-–—,;/]\s*{_COORDINATE})?")
_DEGREE_WORDS = re.compile(r"(?i)(?<=độ )(?:vĩ (?:bắc|nam)|kinh (?:đông|tây))(?!\w)")
# A measure's number written with a decimal point ("94.2mm") or an empty fraction ("2,0–4,0m", "119,0 độ").
_MEASURED = r"(?=\s*(?:(?:[-–—]|đến)\s*[0-9.,]+\s*)?(?:(?:mm|cm|km|m)(?![\w²³])|°|độ\s+(?:C|[Vv]ĩ|[Kk]inh)(?!\w)))"
_DECIMAL_POINT = re.compile(rf"(?=[0-9])(?<![\w.,])([0-9]+)\.([0-9]{{1,2}})(?![0-9.,]){_MEASURED}")
_EMPTY_FRACTION = re.compile(rf"(?=[0-9])(?<![\w.,])([0-9]+),0+(?![0-9.,]){_MEASURED}")
_LEVEL_RANGE = re.compile(r"(?i)(?<!\w)(cấp)\s+([0-9]{1,2})\s*[-–—]\s*(?:cấp\s+)?([0-9]{1,2})(?![0-9/]|[.,][0-9])")
_SPEED_AFTER_LEVEL = re.compile(
    r"(?i)(?<!\w)(cấp\s+[0-9]{1,2}(?:\s*[-–—]\s*[0-9]{1,2})?)\s*\(\s*"
    r"(?=[0-9]+\s*[-–—]\s*[0-9]+\s*(?:km/h|km/giờ|m/s)\s*\))"
)
_PER_PERIOD = re.compile(r"(?<=mm|cm)\s*/\s*([0-9]{1,2})\s*(giờ|h|ngày)(?![\w])")
_ALARM_RANGE = re.compile(r"(?<!\w)(?:BĐ|báo động)\s?([1-3])\s*[-–—]\s*(?:BĐ|báo động)\s?([1-3])(?![\w])")
_ALARM = re.compile(r"(?<!\w)BĐ\s?([1-3])(?![\w])")
# "trên BĐ3 0,29m": a pause keeps the level apart from the height above it
_ALARM_THEN_HEIGHT = re.compile(r"(?<!\w)(báo động [1-3])\s+(?=[0-9])")


def read_weather(text: str, dialect: Dialect = "north") -> str:
    """Read positions, wind levels, rain per period and flood alarm levels of a bulletin."""

    def position(match: re.Match[str]) -> str:
        first, side, second, other = match.groups()
        spoken = f"{read_numeral(first, dialect)} độ {_HEMISPHERES[side]}"
        if second:
            spoken += f", {read_numeral(second, dialect)} độ {_HEMISPHERES[other]}"
        return spoken

    text = _DECIMAL_POINT.sub(r"\1,\2", text)
    text = _EMPTY_FRACTION.sub(r"\1", text)
    if "°" in text:
        text = _POSITION.sub(position, _POSITION_RANGE.sub(lambda m: f"{read_numeral(m[1], dialect)} đến ", text))
    text = _DEGREE_WORDS.sub(lambda m: m.group().lower(), text)
    text = _SPEED_AFTER_LEVEL.sub(r"\1 (từ ", text)
    text = _LEVEL_RANGE.sub(lambda m: f"{m[1]} {read_number(m[2], dialect)} đến cấp {read_number(m[3], dialect)}", text)
    text = _PER_PERIOD.sub(lambda m: f" trong {m[1]} {'giờ' if m[2] == 'h' else m[2]}", text)
    if "BĐ" in text or "báo động" in text:
        text = _ALARM_RANGE.sub(lambda m: f"báo động {m[1]} đến báo động {m[2]}", text)
        text = _ALARM_THEN_HEIGHT.sub(r"\1, ", _ALARM.sub(r"báo động \1", text))
    return text
