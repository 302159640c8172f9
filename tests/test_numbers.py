"""Readings of numbers, digits, decimals, dates and times (audio.text.numbers)."""

from __future__ import annotations

import pytest

from audio.text.numbers import (
    read_date,
    read_decimal,
    read_digits,
    read_month,
    read_number,
    read_ordinal,
    read_time,
    roman_to_int,
)

NORTH = [
    (0, "không"),
    (1, "một"),
    (4, "bốn"),
    (5, "năm"),
    (10, "mười"),
    (11, "mười một"),
    (14, "mười bốn"),
    (15, "mười lăm"),
    (19, "mười chín"),
    (20, "hai mươi"),
    (21, "hai mươi mốt"),
    (24, "hai mươi tư"),
    (25, "hai mươi lăm"),
    (30, "ba mươi"),
    (31, "ba mươi mốt"),
    (44, "bốn mươi tư"),
    (45, "bốn mươi lăm"),
    (55, "năm mươi lăm"),
    (99, "chín mươi chín"),
    (100, "một trăm"),
    (101, "một trăm linh một"),
    (104, "một trăm linh bốn"),
    (105, "một trăm linh năm"),
    (110, "một trăm mười"),
    (111, "một trăm mười một"),
    (115, "một trăm mười lăm"),
    (121, "một trăm hai mươi mốt"),
    (124, "một trăm hai mươi tư"),
    (200, "hai trăm"),
    (999, "chín trăm chín mươi chín"),
    (1000, "một nghìn"),
    (1001, "một nghìn không trăm linh một"),
    (1010, "một nghìn không trăm mười"),
    (1100, "một nghìn một trăm"),
    (1245, "một nghìn hai trăm bốn mươi lăm"),
    (2000, "hai nghìn"),
    (2005, "hai nghìn không trăm linh năm"),
    (2015, "hai nghìn không trăm mười lăm"),
    (2021, "hai nghìn không trăm hai mươi mốt"),
    (2024, "hai nghìn không trăm hai mươi tư"),
    (2025, "hai nghìn không trăm hai mươi lăm"),
    (2030, "hai nghìn không trăm ba mươi"),
    (2398, "hai nghìn ba trăm chín mươi tám"),
    (4791, "bốn nghìn bảy trăm chín mươi mốt"),
    (9001, "chín nghìn không trăm linh một"),
    (10_000, "mười nghìn"),
    (15_000, "mười lăm nghìn"),
    (18_091, "mười tám nghìn không trăm chín mươi mốt"),
    (21_000, "hai mươi mốt nghìn"),
    (100_000, "một trăm nghìn"),
    (105_000, "một trăm linh năm nghìn"),
    (1_000_000, "một triệu"),
    (1_000_005, "một triệu không trăm linh năm"),
    (1_050_000, "một triệu không trăm năm mươi nghìn"),
    (1_500_000, "một triệu năm trăm nghìn"),
    (12_345_678, "mười hai triệu ba trăm bốn mươi lăm nghìn sáu trăm bảy mươi tám"),
    (1_000_000_000, "một tỷ"),
    (1_000_000_001, "một tỷ không trăm linh một"),
    (2_500_000_000, "hai tỷ năm trăm triệu"),
    (2_000_000_000_000, "hai nghìn tỷ"),
    (-5, "âm năm"),
    ("0238", "hai trăm ba mươi tám"),
    ("10", "mười"),
]

SOUTH = [
    (14, "mười bốn"),
    (21, "hai mươi mốt"),
    (24, "hai mươi bốn"),
    (25, "hai mươi lăm"),
    (104, "một trăm lẻ bốn"),
    (1000, "một ngàn"),
    (1_000_005, "một triệu không trăm lẻ năm"),
    (2024, "hai ngàn không trăm hai mươi bốn"),
    (2025, "hai ngàn không trăm hai mươi lăm"),
]


@pytest.mark.parametrize(("value", "expected"), NORTH)
def test_read_number_north(value: int | str, expected: str) -> None:
    assert read_number(value) == expected


@pytest.mark.parametrize(("value", "expected"), SOUTH)
def test_read_number_south(value: int, expected: str) -> None:
    assert read_number(value, "south") == expected


def test_a_very_long_number_is_read_digit_by_digit() -> None:
    assert read_number("1234567890123456") == "một hai ba bốn năm sáu bảy tám chín không một hai ba bốn năm sáu"


@pytest.mark.parametrize(
    ("digits", "expected"),
    [
        ("0238", "không hai ba tám"),
        ("113", "một một ba"),
        ("4", "bốn"),
        ("", ""),
    ],
)
def test_read_digits(digits: str, expected: str) -> None:
    assert read_digits(digits) == expected


@pytest.mark.parametrize(
    ("integer", "fraction", "expected"),
    [
        ("96", "2", "chín mươi sáu phẩy hai"),
        ("2", "5", "hai phẩy năm"),
        ("0", "05", "không phẩy không năm"),
        ("1", "25", "một phẩy hai mươi lăm"),
        ("3", "14159", "ba phẩy một bốn một năm chín"),
        ("2", "0", "hai phẩy không"),
    ],
)
def test_read_decimal(integer: str, fraction: str, expected: str) -> None:
    assert read_decimal(integer, fraction) == expected


def test_read_date() -> None:
    assert read_date(30, 7, 2025) == "ngày ba mươi tháng bảy năm hai nghìn không trăm hai mươi lăm"
    assert read_date(1, 8) == "ngày một tháng tám"
    assert read_date(None, 4, 2024) == "tháng tư năm hai nghìn không trăm hai mươi tư"
    assert read_date(24, 4, 2024, "south") == "ngày hai mươi bốn tháng tư năm hai ngàn không trăm hai mươi bốn"


def test_read_time() -> None:
    assert read_time(6, 30) == "sáu giờ ba mươi phút"
    assert read_time(17) == "mười bảy giờ"
    assert read_time(17, 30, minute_word=False) == "mười bảy giờ ba mươi"
    assert read_time(7, 5, minute_word=False) == "bảy giờ năm phút"
    assert read_time(6, 30, 15) == "sáu giờ ba mươi phút mười lăm giây"


@pytest.mark.parametrize(("month", "expected"), [(1, "một"), (4, "tư"), (11, "mười một"), (12, "mười hai")])
def test_read_month(month: int, expected: str) -> None:
    assert read_month(month) == expected
    assert read_month(month, "south") == expected


@pytest.mark.parametrize(("value", "expected"), [(1, "nhất"), (2, "hai"), (4, "tư"), (14, "mười bốn")])
def test_read_ordinal(value: int, expected: str) -> None:
    assert read_ordinal(value) == expected


@pytest.mark.parametrize(
    ("numeral", "expected"),
    [
        ("I", 1),
        ("IV", 4),
        ("IX", 9),
        ("XII", 12),
        ("XIII", 13),
        ("XXI", 21),
        ("MMXXV", 2025),
        ("IIII", None),
        ("IC", None),
        ("", None),
        ("ABC", None),
    ],
)
def test_roman_to_int(numeral: str, expected: int | None) -> None:
    assert roman_to_int(numeral) == expected
