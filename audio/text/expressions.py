"""Steps of normalization that read numeric expressions in running text.

Each step is a pure ``str -> str`` function; `audio.text.normalize` runs them
in order: phone numbers, document numbers, Roman numerals, dates, ranges,
times, counted words ("thứ 2", "tháng 4", "mức độ 3,4"), then the units and
plain numbers of `audio.text.quantities`.
"""

from __future__ import annotations

import re

from audio.text.abbreviations import Lexicon
from audio.text.numbers import (
    Dialect,
    read_date,
    read_digits,
    read_month,
    read_number,
    read_ordinal,
    read_time,
    roman_to_int,
)
from audio.text.quantities import NUMERAL, read_numeral
from audio.text.spelling import LOWER, UPPER

__all__ = [
    "read_counts",
    "read_dates",
    "read_documents",
    "read_phones",
    "read_roman",
    "read_times",
]

_DASH = r"\s*[-–—]\s*"
_UP = f"[{UPPER}]"
_WORDCH = f"[{UPPER}{LOWER}0-9]"
_WINDOW = 48


def _prefix(words: str) -> re.Pattern[str]:
    """A pattern for ``words`` ending right before a match (searched in a short window)."""
    return re.compile(rf"(?i)(?<!\w)(?:{words})\s+$")


def _after(match: re.Match[str], prefix: re.Pattern[str]) -> re.Match[str] | None:
    """Find ``prefix`` just before ``match``; patterns start on their numeral so the scan stays fast."""
    start = match.start()
    return prefix.search(match.string, max(0, start - _WINDOW), start)


# ---- phone numbers -----------------------------------------------------------------------

_PHONE = re.compile(r"(?=[+0])(?<![\w.,/])(\+84[ .-]?|0)[0-9]+(?:(?:[ .-]|\)\s?)[0-9]+)*")
_HOTLINE_NUMBER = re.compile(r"(?=[0-9])(?<![\w.,])[0-9]+(?:[ .][0-9]+)*(?![\w]|[.,][0-9])")
_HOTLINE_WORDS = re.compile(
    r"(?i)(?<!\w)(?:đường dây nóng|số điện thoại|điện thoại|hotline|tổng đài|số máy|sđt|đt|fax"
    r"|gọi (?:ngay|điện|đến|tới|vào|cho)(?: số| tổng đài)?|gọi số)[\s:“”\"'(),]*(?:số\s+)?$"
)
_EMERGENCY = re.compile(r"(?=1)(?<![\w.,])11[1-9](?![\w]|[.,][0-9])")
_CALL = re.compile(r"(?i)(?<!\w)(?<!kêu )gọi\s+$")
_TOLL_FREE = re.compile(r"(?=1)(?<![\w.,])(1[89]00)[ .]?([0-9]{3,4}(?:[ .]?[0-9]{3})?)(?![\w]|[.,][0-9])")


def _digit_groups(groups: list[str]) -> str:
    """Read digit groups one digit at a time, a pause between groups."""
    return ", ".join(read_digits(g) for g in groups if g)


def _phone(match: re.Match[str]) -> str:
    """Read a phone number that starts with 0 or +84, grouped as written."""
    text = match.group()
    prefix, body = "", text
    if text.startswith("+84"):
        prefix, body = "cộng tám bốn, ", text[3:].lstrip(" .-")
    tokens = re.findall(r"[0-9]+|[^0-9]+", body)
    low, high = (9, 10) if prefix else (10, 11)
    while True:
        digits = sum(len(t) for t in tokens if t[0].isdigit())
        if low <= digits <= high:
            break
        if digits < low or len(tokens) < 3:
            return text
        tokens = tokens[:-2]
    rest = body[len("".join(tokens)) :]
    groups = [t for t in tokens if t[0].isdigit()]
    if len(groups) == 1:
        whole = groups[0]
        cuts = {9: (3, 6), 10: (3, 7) if prefix else (4, 7), 11: (4, 8)}[len(whole)]
        groups = [whole[: cuts[0]], whole[cuts[0] : cuts[1]], whole[cuts[1] :]]
    return prefix + _digit_groups(groups) + rest


def read_phones(text: str) -> str:
    """Read phone numbers and hotlines digit by digit ("0238.3866.123" -> "không hai ba tám, ...")."""
    text = _PHONE.sub(_phone, text)

    def hotline(match: re.Match[str]) -> str:
        if _after(match, _HOTLINE_WORDS):
            return _digit_groups(re.split(r"[ .]", match.group()))
        return match.group()

    text = _HOTLINE_NUMBER.sub(hotline, text)
    text = _EMERGENCY.sub(lambda m: read_digits(m.group()) if _after(m, _CALL) else m.group(), text)
    return _TOLL_FREE.sub(lambda m: _digit_groups([m.group(1), *re.split(r"[ .]", m.group(2))]), text)


# ---- document numbers ------------------------------------------------------------------

_SYMBOL = rf"{_UP}(?:{_UP}|(?=[-/&])){_WORDCH}*(?:[-/&]{_UP}{_WORDCH}*)*"
_DOCUMENT = re.compile(rf"(?=[0-9])(?<![\w/.,])([0-9]+)(?:/([0-9]{{4}}))?(?:\s*/\s*|-|(?={_UP}))({_SYMBOL})(?![\w])")


def read_documents(text: str, lexicon: Lexicon) -> str:
    """Read document numbers ("104/QĐ-UBND" -> "một trăm linh bốn quyết định Ủy ban nhân dân")."""
    dialect = lexicon.dialect

    def document(match: re.Match[str]) -> str:
        number, year, symbol = match.groups()
        words = [read_number(number, dialect)]
        if year:
            words.append(f"năm {read_number(year, dialect)}")
        words.append(lexicon.read_chain(symbol, document=True))
        return " ".join(words)

    return _DOCUMENT.sub(document, text)


# ---- Roman numerals ------------------------------------------------------------------------

_QUARTER = re.compile(r"(?=[IV1-4])(?<=\s)([IV]+|[1-4])(?:\s*/\s*([0-9]{4}))?(?![\w])")
_QUARTER_WORD = _prefix("quý")
_ROMAN = re.compile(r"(?=[IVXLC])(?<=\s)[IVXLC]+(?![\w])")
_ROMAN_WORDS = _prefix(
    r"phần|chương|mục|khóa|khoá|đại hội|thế kỷ|thế kỉ|tập|hạng|loại|cấp|vùng|đợt"
    r"|giai đoạn|kỳ|kì|lần thứ|thứ"
)


def read_roman(text: str, dialect: Dialect = "north") -> str:
    """Read Roman numerals after words like "Quý", "Phần", "khóa", "lần thứ" ("Quý II" -> "Quý hai")."""

    def quarter(match: re.Match[str]) -> str:
        numeral, year = match.groups()
        value = int(numeral) if numeral.isdigit() else roman_to_int(numeral)
        if value is None or not _after(match, _QUARTER_WORD):
            return match.group()
        spoken = read_number(value, dialect)
        return f"{spoken} năm {read_number(year, dialect)}" if year else spoken

    def roman(match: re.Match[str]) -> str:
        value = roman_to_int(match.group())
        word = _after(match, _ROMAN_WORDS)
        if value is None or word is None:
            return match.group()
        return (
            read_ordinal(value, dialect)
            if word.group().rstrip().lower().endswith("thứ")
            else read_number(value, dialect)
        )

    return _ROMAN.sub(roman, _QUARTER.sub(quarter, text))


# ---- dates and ranges --------------------------------------------------------------------

_D = r"(?=[0-9])(?<![0-9/.,])"
_DATE_RANGE = re.compile(
    _D
    + r"([0-9]{1,2})/([0-9]{1,2})(?:/([0-9]{4}))?"
    + _DASH
    + r"([0-9]{1,2})/([0-9]{1,2})(?:/([0-9]{4}))?(?![0-9]|/[0-9])"
)
_DAY_RANGE = re.compile(_D + r"([0-9]{1,2})" + _DASH + r"([0-9]{1,2})/([0-9]{1,2})(?:/([0-9]{4}))?(?![0-9]|/[0-9])")
_FULL_DATE = re.compile(_D + r"(?<!-)([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4})(?![0-9]|[/.,-][0-9])")
_MONTH_YEAR = re.compile(_D + r"([0-9]{1,4})/([0-9]{4})(?![0-9]|[/.,][0-9])")
_DAY_MONTH = re.compile(_D + r"([0-9]{1,2})/([0-9]{1,2})(?![0-9]|[/.,][0-9])")
_RANGE_WORDS = re.compile(r"(?i)(?<!\w)(từ\s+ngày|từ|ngày)\s+$")
_DAY_WORD = _prefix("ngày")
_MONTH_WORD = _prefix("tháng")
_DOCUMENT_WORDS = _prefix("số|nghị định|quyết định|nghị quyết|thông tư|luật|chỉ thị|công văn|kế hoạch|thông báo")
_FRACTION_FOLLOWS = re.compile(r"\s+(?:số|tổng|diện tích|dân số|thời gian)(?!\w)", re.IGNORECASE)


def _valid(day: int | None, month: int | None) -> bool:
    """Tell whether a day and month can be a calendar date."""
    return (day is None or 1 <= day <= 31) and (month is None or 1 <= month <= 12)


def _opt(value: str | None) -> int | None:
    """Convert an optional group of digits."""
    return int(value) if value else None


def _range_start(match: re.Match[str]) -> str:
    """What to say before the first date of a range, given what the text already says."""
    before = _after(match, _RANGE_WORDS)
    said = " ".join(before.group(1).lower().split()) if before else ""
    return {"từ ngày": "", "từ": "ngày ", "ngày": ""}.get(said, "từ ngày ")


def _without_word(match: re.Match[str], spoken: str, word: str, prefix: re.Pattern[str]) -> str:
    """Drop the leading "ngày"/"tháng" of a reading when the text already says it."""
    return spoken[len(word) + 1 :] if _after(match, prefix) else spoken


def read_dates(text: str, dialect: Dialect = "north") -> str:
    """Read dates, date ranges and month/year ("30/7/2025" -> "ngày ba mươi tháng bảy năm ...")."""

    def date_range(match: re.Match[str]) -> str:
        d1, m1, y1, d2, m2, y2 = (_opt(g) for g in match.groups())
        if not (_valid(d1, m1) and _valid(d2, m2)):
            return match.group()
        first = read_date(d1, m1, y1, dialect).removeprefix("ngày ")
        return f"{_range_start(match)}{first} đến {read_date(d2, m2, y2, dialect)}"

    def day_range(match: re.Match[str]) -> str:
        d1, d2, month, year = (_opt(g) for g in match.groups())
        if not (_valid(d1, month) and _valid(d2, None)):
            return match.group()
        return f"{_range_start(match)}{read_number(d1 or 0, dialect)} đến {read_date(d2, month, year, dialect)}"

    def full_date(match: re.Match[str]) -> str:
        day, _, month, year = match.groups()
        if not _valid(int(day), int(month)):
            return match.group()
        return _without_word(match, read_date(int(day), int(month), int(year), dialect), "ngày", _DAY_WORD)

    def month_year(match: re.Match[str]) -> str:
        month, year = int(match.group(1)), int(match.group(2))
        if _after(match, _MONTH_WORD) or (_valid(None, month) and not _after(match, _DOCUMENT_WORDS)):
            if not _valid(None, month):
                return match.group()
            return _without_word(match, read_date(None, month, year, dialect), "tháng", _MONTH_WORD)
        if not 1900 <= year <= 2099:
            return match.group()
        return f"{read_number(month, dialect)} năm {read_number(year, dialect)}"

    def day_month(match: re.Match[str]) -> str:
        day, month = int(match.group(1)), int(match.group(2))
        said_day = _after(match, _DAY_WORD) is not None
        if not _valid(day, month):
            return match.group() if said_day else f"{read_number(day, dialect)} trên {read_number(month, dialect)}"
        if not said_day and (day, month) == (24, 7):
            return f"{read_number(24, dialect)} trên bảy"
        if not said_day and day < month and _FRACTION_FOLLOWS.match(match.string, match.end()):
            return f"{read_number(day, dialect)} phần {read_month(month, dialect)}"
        return _without_word(match, read_date(day, month, None, dialect), "ngày", _DAY_WORD)

    text = _DATE_RANGE.sub(date_range, text)
    text = _DAY_RANGE.sub(day_range, text)
    text = _FULL_DATE.sub(full_date, text)
    text = _MONTH_YEAR.sub(month_year, text)
    return _DAY_MONTH.sub(day_month, text)


# ---- times, ranges and counted words -----------------------------------------------------

_RANGE = re.compile(
    r"([0-9](?:[hH%]|°C?|\s?(?:đồng|đ|triệu|tỷ|nghìn|ngàn|km|m|kg|ha|mm|cm|tấn|ngày|tháng|năm|giờ|phút|người|hộ)"
    r"(?![\w]))?)\s*[-–—]\s*(?=[0-9]|(?:năm|ngày|tháng|quý)\s+[0-9])"
)
_NEGATIVE = re.compile(r"-(?<![\w.,]-)(?=[0-9])")
_CLOCK = re.compile(r"(?=[0-9])(?<![0-9:.,])([01]?[0-9]|2[0-4]):([0-5][0-9])(?::([0-5][0-9]))?(?![0-9]|:[0-9])")
_HOURS = re.compile(r"(?=[0-9])(?<![\w.,])([01]?[0-9]|2[0-4])\s?[hH](?:\s?([0-5][0-9]))?(?![\w])")
_ZERO_MINUTES = re.compile(r"(?<=[0-9] )giờ\s+00(?:\s+phút)?(?![\w])")
_LEADING_ZERO_MINUTES = re.compile(r"(?<=[0-9] )giờ\s+0([1-9])(?![0-9])(?!\s*phút)")
_EDITION = re.compile(r"(?=[0-9])(?<![0-9:])([0-9]+):((?:19|20)[0-9]{2})(?![0-9])")
_COLON_RATIO = re.compile(rf"(?=[0-9])(?<![0-9:.,])({NUMERAL}):({NUMERAL})(?![0-9]|:[0-9])")


def read_times(text: str, dialect: Dialect = "north") -> str:
    """Read ranges, clock times and standard editions ("06:30" -> "sáu giờ ba mươi phút", "7h" -> "bảy giờ")."""
    text = _RANGE.sub(r"\1 đến ", text)
    text = _NEGATIVE.sub("âm ", text)
    text = _ZERO_MINUTES.sub("giờ", text)
    text = _LEADING_ZERO_MINUTES.sub(r"giờ \1 phút", text)
    text = _CLOCK.sub(lambda m: read_time(int(m[1]), int(m[2]), _opt(m[3]), dialect=dialect), text)
    text = _HOURS.sub(lambda m: read_time(int(m[1]), int(m[2] or 0), dialect=dialect, minute_word=False), text)
    text = _EDITION.sub(lambda m: f"{read_numeral(m[1], dialect)} năm {read_number(m[2], dialect)}", text)
    return _COLON_RATIO.sub(lambda m: f"{read_numeral(m[1], dialect)} trên {read_numeral(m[2], dialect)}", text)


_LEVELS = re.compile(r"(?=[0-9])(?<=\s)[0-9]{1,2}(?:,[0-9]{1,2})+(?![0-9]|[.,][0-9])")
_LEVEL_WORDS = _prefix("mức độ|cấp độ|khoản|điều|mục|chương|phần")
_COUNTED = re.compile(r"(?=[0-9])(?<=\s)[0-9]{1,3}(?![0-9]|[.,/:][0-9])")
_ORDINAL_WORD = _prefix("thứ")


def read_counts(text: str, dialect: Dialect = "north") -> str:
    """Read numbers whose reading depends on the word before ("thứ 4" -> "thứ tư", "mức độ 3,4")."""

    def levels(match: re.Match[str]) -> str:
        if not _after(match, _LEVEL_WORDS):
            return match.group()
        return ", ".join(read_number(n, dialect) for n in match.group().split(","))

    def counted(match: re.Match[str]) -> str:
        value = int(match.group())
        if _after(match, _ORDINAL_WORD):
            return read_ordinal(value, dialect)
        if _after(match, _MONTH_WORD):
            return read_month(value, dialect)
        return match.group()

    return _COUNTED.sub(counted, _LEVELS.sub(levels, text))
