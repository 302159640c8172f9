"""How a Vietnamese announcer reads numbers, digits, decimals, dates and times.

Dialects (``"north"`` is the default, VTV/VOV style):

==========================  ===========================  ============================
case                        north                        south
==========================  ===========================  ============================
zero tens inside a number   104: một trăm linh bốn       104: một trăm lẻ bốn
thousands                   2000: hai nghìn              2000: hai ngàn
final 4 after "mươi"        24: hai mươi tư              24: hai mươi bốn
==========================  ===========================  ============================

Shared by both: 5 after "mười"/"mươi" is "lăm" (the colloquial "nhăm" is not
used), 1 after "mươi" is "mốt" (11 stays "mười một"), 14 is "mười bốn", month
4 is "tháng tư" and ordinal 4 is "thứ tư"; a zero hundreds digit inside a
number is "không trăm" (2025: hai nghìn không trăm hai mươi lăm); large
numbers use "triệu" and "tỷ"; the decimal comma is "phẩy".
"""

from __future__ import annotations

from typing import Literal

__all__ = [
    "DIGITS",
    "Dialect",
    "read_date",
    "read_decimal",
    "read_digits",
    "read_month",
    "read_number",
    "read_ordinal",
    "read_time",
    "roman_to_int",
]

Dialect = Literal["north", "south"]

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")

# Integers with more digits than this are identifiers, read digit by digit.
_MAX_CARDINAL_DIGITS = 15
_BILLION = 10**9
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def read_digits(digits: str) -> str:
    """Read each ASCII digit of ``digits`` on its own ("0238" -> "không hai ba tám")."""
    return " ".join(DIGITS[ord(ch) - 48] for ch in digits if "0" <= ch <= "9")


def _tens_and_units(tens: int, units: int, dialect: Dialect, *, after_hundreds: bool) -> list[str]:
    """Read the last two digits of a three-digit group."""
    if tens == 0:
        if not units:
            return []
        return ["linh" if dialect == "north" else "lẻ", DIGITS[units]] if after_hundreds else [DIGITS[units]]
    words = ["mười"] if tens == 1 else [DIGITS[tens], "mươi"]
    if units == 5:
        words.append("lăm")
    elif units == 1 and tens > 1:
        words.append("mốt")
    elif units == 4 and tens > 1 and dialect == "north":
        words.append("tư")
    elif units:
        words.append(DIGITS[units])
    return words


def _group(value: int, dialect: Dialect, *, inner: bool) -> list[str]:
    """Read a group of three digits; ``inner`` groups say "không trăm" for a zero hundreds digit."""
    hundreds, rest = divmod(value, 100)
    words: list[str] = []
    if hundreds or inner:
        words += [DIGITS[hundreds], "trăm"]
    words += _tens_and_units(rest // 10, rest % 10, dialect, after_hundreds=bool(words))
    return words


def _words(value: int, dialect: Dialect, *, inner: bool) -> list[str]:
    """Read a positive integer as a list of words."""
    if value >= _BILLION:
        high, low = divmod(value, _BILLION)
        words = [*_words(high, dialect, inner=inner), "tỷ"]
        return words + (_words(low, dialect, inner=True) if low else [])
    thousand = "nghìn" if dialect == "north" else "ngàn"
    words = []
    for group, scale in ((value // 10**6, "triệu"), (value // 1000 % 1000, thousand), (value % 1000, "")):
        if group:
            words += _group(group, dialect, inner=inner or bool(words))
            if scale:
                words.append(scale)
    return words


def read_number(value: int | str, dialect: Dialect = "north") -> str:
    """Read an integer (or a string of ASCII digits) as a Vietnamese cardinal number."""
    if isinstance(value, str):
        digits = "".join(ch for ch in value if "0" <= ch <= "9")
        if not digits:
            return ""
        if len(digits.lstrip("0")) > _MAX_CARDINAL_DIGITS:
            return read_digits(digits)
        value = int(digits)
    if value < 0:
        return "âm " + read_number(-value, dialect)
    if value == 0:
        return DIGITS[0]
    if value >= 10**_MAX_CARDINAL_DIGITS:
        return read_digits(str(value))
    return " ".join(_words(value, dialect, inner=False))


def read_decimal(integer: str, fraction: str, dialect: Dialect = "north") -> str:
    """Read a decimal written "integer,fraction" ("96", "2" -> "chín mươi sáu phẩy hai")."""
    head = read_number(integer or "0", dialect)
    if not fraction:
        return head
    significant = fraction.lstrip("0")
    zeros = len(fraction) - len(significant)
    words = [DIGITS[0]] * zeros
    if significant:
        words.append(read_number(significant, dialect) if len(significant) <= 3 else read_digits(significant))
    return f"{head} phẩy {' '.join(words)}"


def read_month(month: int, dialect: Dialect = "north") -> str:
    """Read a month number the way it follows "tháng" (4 -> "tư" in every dialect)."""
    return "tư" if month == 4 else read_number(month, dialect)


def read_ordinal(value: int, dialect: Dialect = "north") -> str:
    """Read the number after "thứ" (1 -> "nhất", 4 -> "tư", otherwise the cardinal)."""
    return {1: "nhất", 4: "tư"}.get(value) or read_number(value, dialect)


def read_date(
    day: int | None = None, month: int | None = None, year: int | None = None, dialect: Dialect = "north"
) -> str:
    """Read the given parts of a date ("ngày ba mươi tháng bảy năm hai nghìn ...")."""
    parts = []
    if day is not None:
        parts.append(f"ngày {read_number(day, dialect)}")
    if month is not None:
        parts.append(f"tháng {read_month(month, dialect)}")
    if year is not None:
        parts.append(f"năm {read_number(year, dialect)}")
    return " ".join(parts)


def read_time(
    hour: int, minute: int = 0, second: int | None = None, *, dialect: Dialect = "north", minute_word: bool = True
) -> str:
    """Read a clock time ("sáu giờ ba mươi phút"); ``minute_word=False`` drops "phút" after 10 minutes."""
    words = f"{read_number(hour, dialect)} giờ"
    if minute or second:
        words += f" {read_number(minute, dialect)}"
        if minute_word or minute < 10 or second:
            words += " phút"
    if second:
        words += f" {read_number(second, dialect)} giây"
    return words


def roman_to_int(numeral: str) -> int | None:
    """Parse a canonical upper-case Roman numeral ("XII" -> 12), or None when it is not one."""
    if not numeral or len(numeral) > 15 or any(ch not in _ROMAN for ch in numeral):
        return None
    total = 0
    for index, ch in enumerate(numeral):
        value = _ROMAN[ch]
        following = _ROMAN[numeral[index + 1]] if index + 1 < len(numeral) else 0
        total += -value if value < following else value
    return total if total > 0 and _int_to_roman(total) == numeral else None


def _int_to_roman(value: int) -> str:
    """Write a positive integer as a canonical Roman numeral."""
    out = []
    for number, letters in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        count, value = divmod(value, number)
        out.append(letters * count)
    return "".join(out)
