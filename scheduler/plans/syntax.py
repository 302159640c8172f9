"""Recognize the parts of a plan's lines: item markers ("-", "+", "a)", "1.1.") and section headings."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "Marker",
    "ends_sentence",
    "heading_body",
    "is_closing",
    "is_content_heading",
    "is_form_heading",
    "is_major_heading",
    "is_next_part",
    "is_roman_heading",
    "leading_number",
    "marker_of",
]


@dataclass(frozen=True, kw_only=True, slots=True)
class Marker:
    """An item marker at the start of a line: its kind (for nesting), its label as written and the rest."""

    kind: str
    label: str
    body: str
    bullet: bool


# Hyphen-minus, en and em dashes, minus sign, hyphen and non-breaking hyphen all open a "-" item.
DASHES = "-\u2013\u2014\u2212\u2010\u2011"
BULLETS = "•●▪◦○■□➢➤►✓✔·"
# Word's Symbol and Wingdings bullets reach PDF text as private-use characters; they are written "•".
_PRIVATE_BULLETS = "\uf0b7\uf0a7\uf0d8\uf076\uf0fc\uf0e0\uf0a8\uf06e\uf0d2"

_MARKER = re.compile(
    rf"(?:(?P<dash>[{DASHES}])|(?P<plus>\+)|(?P<bullet>[{BULLETS}{_PRIVATE_BULLETS}])"
    r"|\((?P<paren>[0-9]{1,2}|[a-zđ])\)"
    r"|(?P<letter>[a-zđ])(?P<ldelim>[.)])"
    r"|(?P<num>[0-9]{1,2}(?:\.[0-9]{1,2}){0,3})(?P<ndelim>[.)]?))"
)
_ROMAN = re.compile(r"(?P<num>[IVX]{1,5})\s*[.):\u2013-]\s*")
_ROMANS = frozenset(
    ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
    + ["X" + r for r in ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]]
)
_ENUMERATOR = re.compile(r"(?:[IVX]{1,5}|[0-9]{1,2}(?:\.[0-9]{1,2}){0,3}|[a-zđA-ZĐ])\s*[.):\u2013-]\s*")
_LEADING_NUMBER = re.compile(r"([0-9]{1,2})\s*[.)]\s")
_CLOSING = re.compile(r"(?:Nơi\s+nhận|Trên\s+đây\s+là)\b", re.IGNORECASE)
_OPENERS = "\"'(«\u201c\u2018"
_SENTENCE_ENDS = (".", ";", ":", "!", "?", "…")

_NEXT_PARTS = (
    "hình thức",
    "phương thức",
    "cách thức",
    "phương pháp",
    "thời gian",
    "tiến độ",
    "tổ chức thực hiện",
    "kinh phí",
    "một số hoạt động",
    "các hoạt động",
    "hoạt động tuyên truyền",
    "giải pháp",
    "biện pháp",
    "nhiệm vụ",
    "phân công",
    "trách nhiệm",
    "đối tượng",
    "phạm vi",
    "lực lượng",
    "chế độ báo cáo",
    "mục đích",
    "yêu cầu",
)


def marker_of(text: str, *, nested: bool = True) -> Marker | None:
    """Return the item marker that opens a line, or None; `nested` looks inside a Markdown bullet ("- a) ...")."""
    match = _MARKER.match(text)
    if match is None:
        return None
    rest = text[match.end() :]
    glued = bool(rest) and not rest[0].isspace()
    upper_next = bool(rest) and (rest[0].isupper() or rest[0] in _OPENERS)
    body = rest.strip()
    if match["dash"] or match["bullet"]:
        if glued and not upper_next:
            return None
        inner = marker_of(body, nested=False) if body and nested else None
        if (inner is not None and inner.kind != "-" and not inner.kind.startswith("n")) or _delimited(inner):
            return inner
        if match["dash"]:
            return Marker(kind="-", label="-", body=body, bullet=True)
        char = match["bullet"]  # each private-use bullet is its own level, written "•"
        return Marker(kind=char, label="•" if char in _PRIVATE_BULLETS else char, body=body, bullet=True)
    if match["plus"]:
        if glued and not upper_next:
            return None
        return Marker(kind="+", label="+", body=body, bullet=True)
    if match["paren"]:
        if glued and not upper_next:
            return None
        kind = "(1)" if match["paren"].isdigit() else "(a)"
        return Marker(kind=kind, label=f"({match['paren']})", body=body, bullet=False)
    if match["letter"]:
        delim = match["ldelim"]
        if glued and (delim == "." or not upper_next):
            return None
        return Marker(kind="a" + delim, label=match["letter"] + delim, body=body, bullet=False)
    number, delim = match["num"], match["ndelim"]
    depth = number.count(".") + 1
    if glued and not (delim == ")" and upper_next):
        return None
    if not delim and (depth < 2 or not rest):
        return None
    return Marker(kind=f"n{depth}{delim}", label=number + delim, body=body, bullet=False)


def _delimited(marker: Marker | None) -> bool:
    """Tell whether a marker is a number closed by "." or ")" (a list item inside a Markdown bullet)."""
    return marker is not None and marker.kind.startswith("n") and marker.kind[-1] in ".)"


def ends_sentence(text: str) -> bool:
    """Tell whether a piece of text ends a sentence or a clause (. ; : ! ? …), ignoring closing quotes."""
    return text.rstrip(" \"'»)]\u201d\u2019").endswith(_SENTENCE_ENDS)


def heading_body(text: str) -> str:
    """Return a heading without its enumerator ("III.", "1.", "a)")."""
    match = _ENUMERATOR.match(text)
    return text[match.end() :] if match else text


def leading_number(text: str) -> int | None:
    """Return the number that opens a line ("2. Hình thức" -> 2), or None."""
    match = _LEADING_NUMBER.match(text)
    return int(match[1]) if match else None


def is_roman_heading(text: str) -> bool:
    """Tell whether a line is a Roman-numbered heading ("III. NỘI DUNG, HÌNH THỨC TUYÊN TRUYỀN")."""
    match = _ROMAN.match(text)
    return match is not None and match["num"] in _ROMANS and text[match.end() : match.end() + 1].isupper()


def is_major_heading(text: str) -> bool:
    """Tell whether a line opens a main part: a Roman-numbered heading or a Vietnamese heading in capitals."""
    if is_roman_heading(text):
        return True
    if text[:1] and text[:1] in DASHES + "+" + BULLETS + _PRIVATE_BULLETS:
        return False
    return _in_capitals(heading_body(text))


def _in_capitals(text: str) -> bool:
    """Tell whether a text is a heading in capitals: words, no lowercase, some Vietnamese (not just acronyms)."""
    letters = [char for char in text if char.isalpha()]
    return (
        len(letters) >= 6
        and " " in text
        and text[:1].isalpha()
        and all(char.isupper() for char in letters)
        and any(not char.isascii() for char in letters)
    )


def is_closing(text: str) -> bool:
    """Tell whether a line starts the closing of the document ("Nơi nhận", "Trên đây là ...")."""
    return bool(_CLOSING.match(text))


def _is_heading_on(text: str, subjects: tuple[str, ...]) -> bool:
    """Tell whether a line is a short heading opening with one of `subjects` ("2. Hình thức tuyên truyền:")."""
    body = heading_body(text)
    numbered = body != text
    if body[:3].casefold() == "về ":
        body = body[3:]
    if not body[:1].isupper() or body.rstrip().endswith((".", ";", ",")):
        return False
    # A numbered or capitalized heading may be long; a bare one is short, unlike a wrapped line of a PDF.
    if len(body.split()) > (12 if numbered or _in_capitals(body) else 6):
        return False
    folded = body.casefold()
    return any(folded.startswith(subject) for subject in subjects)


def is_content_heading(text: str) -> bool:
    """Tell whether a line heads the content part ("1. Nội dung tuyên truyền", "II. NỘI DUNG THỰC HIỆN")."""
    return _is_heading_on(text, ("nội dung",))


def is_form_heading(text: str) -> bool:
    """Tell whether a line heads the forms part that names the channels ("2. Hình thức tuyên truyền")."""
    return _is_heading_on(text, ("hình thức",))


def is_next_part(text: str) -> bool:
    """Tell whether a line heads a part that follows the content items (forms, timing, funding, ...)."""
    return _is_heading_on(text, _NEXT_PARTS)
