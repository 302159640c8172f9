"""Steps of normalization that read quantities: measures, money, percentages, then every plain number left."""

from __future__ import annotations

import re

from audio.text.numbers import Dialect, read_decimal, read_digits, read_number
from audio.text.spelling import LOWER

__all__ = ["NUMERAL", "read_numeral", "read_numbers", "read_units"]

NUMERAL = r"[0-9]+(?:[.,][0-9]+)*"  # a written number, with Vietnamese separators

_UNITS = {
    "km/h": "ki lô mét trên giờ",
    "m/s": "mét trên giây",
    "hPa": "héc tô pát xcan",
    "km²": "ki lô mét vuông",
    "km2": "ki lô mét vuông",
    "m²": "mét vuông",
    "m2": "mét vuông",
    "m³": "mét khối",
    "m3": "mét khối",
    "km": "ki lô mét",
    "cm": "xen ti mét",
    "mm": "mi li mét",
    "m": "mét",
    "ha": "héc ta",
    "kg": "ki lô gam",
    "mg": "mi li gam",
    "g": "gam",
    "ml": "mi li lít",
    "kWh": "ki lô oát giờ",
    "kW": "ki lô oát",
    "MW": "mê ga oát",
    "°C": "độ xê",
    "°": "độ",
    "%": "phần trăm",
    "đồng": "đồng",
    "đ": "đồng",
    "VNĐ": "đồng",
    "VND": "đồng",
    "USD": "đô la Mỹ",
    "$": "đô la",
    "tấn": "tấn",
    "lít": "lít",
}
_PER_ONE = {"đồng", "đ", "VNĐ", "VND", "USD", "$", "%", "tấn", "kg"}  # "đồng/kg": "đồng một ki lô gam"
_UNIT_ALT = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_PER = rf"/(?:{_UNIT_ALT}|[{LOWER}]+)"
_MEASURE = re.compile(rf"(?=[0-9])(?<![\w.,])({NUMERAL})\s?({_UNIT_ALT})((?:{_PER})*)(?![\w²³])")
_DOLLAR_FIRST = re.compile(rf"\$\s?({NUMERAL})(?![0-9])")
_BARE_UNIT = re.compile(r"(?=[kcm])(?<![\w/])(km/h|km²|m²|m³|kg|km|cm|mm|kWh)(?![\w²³])")
_CURRENCY_PER = re.compile(rf"(?=[đV])(?<!\w)(đồng|VNĐ)/([{LOWER}]+)")
_PER_AREA = re.compile(rf"(?<=[{LOWER}])/(?=(?:km²|km2|m²|m2|m³|ha|km|kg)(?![\w²³]))")
_DEGREE_C = re.compile(r"(?=đ)(?<!\w)độ\s+C(?![\w])")
_RATIO = re.compile(rf"(?=[0-9])(?<![\w/.,])({NUMERAL})/({NUMERAL})(?![\w/])")
NUMERALBER = re.compile(NUMERAL)
_THOUSANDS = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?")


def read_units(text: str, dialect: Dialect = "north") -> str:
    """Read measures, money and percentages ("96,2%" -> "chín mươi sáu phẩy hai phần trăm")."""

    def measure(match: re.Match[str]) -> str:
        number, unit, per = match.groups()
        joiner = " một " if unit in _PER_ONE else " trên "
        spoken = f"{read_numeral(number, dialect)} {_UNITS[unit]}"
        for part in per.split("/")[1:]:
            spoken += joiner + _UNITS.get(part, part)
        return spoken

    text = _DOLLAR_FIRST.sub(lambda m: f"{read_numeral(m[1], dialect)} đô la", text)
    text = _MEASURE.sub(measure, text)
    text = _CURRENCY_PER.sub(lambda m: f"đồng một {_UNITS.get(m[2], m[2])}", text)
    text = _PER_AREA.sub(" trên ", text)
    text = _BARE_UNIT.sub(lambda m: _UNITS[m[1]], text)
    return _DEGREE_C.sub("độ xê", text)


def read_numeral(numeral: str, dialect: Dialect = "north") -> str:
    """Read a written number with Vietnamese separators ("1.245" = 1245, "2,5" = 2.5, "1.1" = "một chấm một")."""
    if _THOUSANDS.fullmatch(numeral):
        integer, _, fraction = numeral.replace(".", "").partition(",")
        return read_decimal(integer, fraction, dialect)
    if "." not in numeral:
        parts = numeral.split(",")
        if len(parts) == 2:
            return read_decimal(parts[0], parts[1], dialect)
        if len(parts) > 2:
            return ", ".join(_read_integer(p, dialect) for p in parts)
        return _read_integer(numeral, dialect)
    pieces = re.split(r"([.,])", numeral)
    return " ".join({".": "chấm", ",": "phẩy"}.get(p) or _read_integer(p, dialect, section=True) for p in pieces)


def _read_integer(digits: str, dialect: Dialect, *, section: bool = False) -> str:
    """Read a digit string: leading zeros make it a code read digit by digit."""
    if len(digits) > 1 and digits.startswith("0") and (section or len(digits) > 2):
        return read_digits(digits)
    return read_number(digits, dialect)


def read_numbers(text: str, dialect: Dialect = "north") -> str:
    """Read every remaining number, so no ASCII digit is left ("1.245" -> "một nghìn hai trăm bốn mươi lăm")."""
    text = _RATIO.sub(lambda m: f"{read_numeral(m[1], dialect)} trên {read_numeral(m[2], dialect)}", text)
    return NUMERALBER.sub(lambda m: f" {read_numeral(m.group(), dialect)} ", text)
