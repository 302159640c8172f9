"""Spreadsheet cells that stay text: a value starting like a formula is never run as one (OWASP CSV injection).

A plan item, a bulletin title or a service's error message is text from
outside; one starting with `=`, `+`, `-` or `@` (or a tab or carriage return,
even after leading spaces) would be a live formula when a spreadsheet program
opens the report. The .xlsx stores such a value as a string cell with Excel's
quote prefix (shown as written, still text when edited); the .csv, which has no
cell types, gets a leading apostrophe, as OWASP recommends.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FORMULA_STARTS", "looks_like_formula", "csv_text"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: Any) -> bool:
    """Whether `value` is text a spreadsheet program could take for a formula ("-" alone is harmless)."""
    if not isinstance(value, str) or not value or value.strip() == "-":
        return False
    return value.startswith(FORMULA_STARTS) or value.lstrip(" ").startswith(FORMULA_STARTS)


def csv_text(value: Any) -> Any:
    """`value` for a CSV cell: formula-like text behind an apostrophe, everything else as it is."""
    return "'" + value if looks_like_formula(value) else value
