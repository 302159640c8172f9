"""Read a plan's title, year, issuer and channel kinds from its clean lines."""

from __future__ import annotations

import re

from scheduler.plans.lines import Line, collapse
from scheduler.plans.syntax import (
    ends_sentence,
    is_closing,
    is_form_heading,
    is_major_heading,
    is_roman_heading,
    marker_of,
)

__all__ = [
    "CHANNEL_KINDS",
    "find_channels",
    "find_issuer",
    "find_title",
    "find_year",
    "is_letterhead_line",
    "title_text",
]

CHANNEL_KINDS = ("radio", "facebook", "zalo", "portal", "led", "email", "print")

_CHANNELS: dict[str, re.Pattern[str]] = {
    "radio": re.compile(r"truyền\s*thanh|phát\s*thanh|hệ\s+thống\s+loa|cụm\s+loa|loa\s+(?:công\s+cộng|không\s+dây)"),
    "facebook": re.compile(r"facebook|fanpage|fan\s+page|\bfb\b"),
    "zalo": re.compile(r"zalo"),
    "portal": re.compile(
        r"thông\s+tin\s+điện\s+tử|\bttđt\b|cổng\s+thông\s+tin|website|webiste|trang\s+web\b|\bweb\s*site"
    ),
    "led": re.compile(r"\bled\b|màn\s+hình\s+(?:điện\s+tử|lớn)|bảng\s+điện\s+tử"),
    "email": re.compile(r"e-?mail|thư\s+điện\s+tử"),
    "print": re.compile(
        r"\bbáo\s+(?:chí|in|giấy|viết)\b|tạp\s+chí|\bpa\s*-?\s*n[oô]\b|áp\s+phích|\bappic\b|băng\s*-?\s*[rz]ôn"
        r"|tờ\s+(?:rơi|gấp)|khẩu\s+hiệu|tranh\s+cổ\s+động|ấn\s+phẩm|bản\s+tin\s+in|sổ\s+tay|cẩm\s+nang"
    ),
}
# A newspaper named by its title ("Báo Bình Phước"), as opposed to "báo cáo" (a report).
_NEWSPAPER = re.compile(r"\bBáo\s+(\w)")

_TITLE = re.compile(r"K ?Ế ?H ?O ?Ạ ?C ?H(?![^\W\d_])\s*[:.]?\s*(?P<rest>.*)")
_PREAMBLE = re.compile(r"(?:Thực hiện|Căn cứ|Triển khai|Thi hành|Theo|Nhằm|Để|Xét|Trên cơ sở|Ngày)\b")
_YEAR_AFTER_NAM = re.compile(r"năm\s+((?:19|20)[0-9]{2})(?![0-9])", re.IGNORECASE)
_DATE_YEAR = re.compile(r"\bngày\b.{0,40}\bnăm\s+((?:19|20)[0-9]{2})(?![0-9])", re.IGNORECASE)
_NUMBER_LINE = re.compile(r"(?:Số|SỐ)\s*[:.]")
# "Số: 12/KH-UBND" and "Minh Đức, ngày 15 tháng 01 năm 2026", as letterheads write them.
_DOCUMENT_NUMBER = re.compile(r"(?:Số|SỐ)\s*:\s*[0-9]*\s*/\s*[0-9]*\s*[A-ZĐ]{1,8}\b")
_DATE_AFTER_PLACE = re.compile(r",\s*ngày\b[^.;]{0,30}\btháng\b[^.;]{0,30}\bnăm\s+[0-9]{4}\s*$")

_ORG_START = re.compile(
    r"(?:(?:ỦY|UỶ)\s+BAN|UBND|HĐND|HỘI\s+ĐỒNG|SỞ|PHÒNG|BAN|TRUNG\s+TÂM|VĂN\s+PHÒNG|ĐÀI|ĐẢNG\s+(?:ỦY|UỶ|BỘ)"
    r"|CÔNG\s+AN|BỘ|CỤC|CHI\s+CỤC|TỔNG\s+CỤC|MẶT\s+TRẬN|ĐOÀN|HỘI|TRƯỜNG)(?![^\W\d_])",
    re.IGNORECASE,
)
_ORG_LINE = re.compile(
    r"(?:(?:ỦY|UỶ)\s+BAN\s+NHÂN\s+DÂN|UBND|HĐND|(?:XÃ|PHƯỜNG|THỊ\s+TRẤN|HUYỆN|QUẬN|TỈNH|THÀNH\s+PHỐ|THỊ\s+XÃ)\s+\S)"
)
_SUBJECT = re.compile(
    r"(?:^|[.;]\s+)(?P<org>(?:(?:Ủy|Uỷ)\s+ban\s+nhân\s+dân|UBND|Sở|Phòng|Ban|Trung\s+tâm|Văn\s+phòng|Đài"
    r"|Hội\s+đồng\s+nhân\s+dân|HĐND|Đảng\s+ủy)\b[^.;:]{0,80}?)\s+(?:xây\s+dựng|ban\s+hành|triển\s+khai)\s+[Kk]ế\s+hoạch"
)
_UNITS = ("thị trấn", "thị xã", "thành phố", "đặc khu", "xã", "phường", "huyện", "quận", "tỉnh")
_NAMED_ORGS = ("trung tâm", "văn phòng", "chi cục", "tổng cục", "sở", "phòng", "ban", "đài", "cục", "bộ", "hội")
_KEEP_UPPER = frozenset({"UBND", "HĐND", "MTTQ", "TTHC", "CCHC", "VHXH", "VH-TT", "VH-XH", "KT-XH"})


def find_title(lines: list[Line]) -> int | None:
    """Return the index of the "KẾ HOẠCH" line that heads the document, or None."""
    for i, line in enumerate(lines):
        match = _TITLE.match(line.text)
        if match and not match["rest"].casefold().startswith("số"):
            return i
    return None


def title_text(lines: list[Line], at: int) -> str:
    """Return the title: what follows "KẾ HOẠCH" on its line and the lines under it, joined."""
    match = _TITLE.match(lines[at].text)
    parts = [match["rest"]] if match and match["rest"] else []
    for line in lines[at + 1 : at + 6]:
        text = line.text
        if is_closing(text) or _PREAMBLE.match(text) or marker_of(text) or is_roman_heading(text):
            break
        if parts and ((line.gap and not text[:1].islower()) or (not line.gap and ends_sentence(parts[-1]))):
            break
        if sum(map(len, parts)) > 250:
            break
        parts.append(text)
    return collapse(" ".join(parts))


def find_year(title: str, header: list[Line]) -> int | None:
    """Return the plan's year: "năm 2025" in the title, else the year of the date line, else None."""
    years = _YEAR_AFTER_NAM.findall(title)
    if years:
        return int(years[-1])
    for line in header:
        match = _DATE_YEAR.search(line.text)
        if match:
            return int(match[1])
    return None


def is_letterhead_line(text: str) -> bool:
    """Tell whether a line belongs to a letterhead: an authority in capitals, a document number or a dated place."""
    if _DOCUMENT_NUMBER.match(text) or _is_place_date(text):
        return True
    return bool(_ORG_LINE.match(text)) and not any(char.islower() for char in text)


def _is_place_date(text: str) -> bool:
    """Tell whether a line is a letterhead's place and date ("Minh Đức, ngày 15 tháng 01 năm 2026")."""
    place, comma, _ = text.partition(",")
    words = place.split()
    if not comma or not 0 < len(words) <= 5 or not all(word[0].isupper() and word.isalpha() for word in words):
        return False
    return bool(_DATE_AFTER_PLACE.match(text, len(place)))


def find_issuer(lines: list[Line], title_at: int | None) -> str | None:
    """Return the issuing authority from the letterhead, else from the sentence that issues the plan."""
    if title_at is not None:
        issuer = _letterhead_issuer(lines[:title_at])
        if issuer:
            return issuer
    start = title_at + 1 if title_at is not None else 0
    preamble: list[str] = []
    for line in lines[start : start + 40]:
        if is_major_heading(line.text):
            break
        preamble.append(line.text)
    return _subject_issuer(collapse(" ".join(preamble)))


def _letterhead_issuer(header: list[Line]) -> str | None:
    """Return the last authority named in the letterhead, with its place ("ỦY BAN NHÂN DÂN" + "XÃ AN PHÚ")."""
    names: list[str | None] = []
    for line in header:
        text = line.text
        capitals = any(c.isalpha() for c in text) and not any(c.islower() for c in text)
        usable = not _NUMBER_LINE.match(text) and not _DATE_YEAR.search(text) and len(text) <= 120
        names.append(text if usable and (capitals or _ORG_START.match(text)) else None)
    starts = [i for i, name in enumerate(names) if name and _ORG_START.match(name)]
    if not starts:
        return None
    parts = [names[starts[-1]] or ""]
    for name in names[starts[-1] + 1 : starts[-1] + 3]:
        if not name or _ORG_START.match(name):
            break
        parts.append(name)
    return _org_case(collapse(" ".join(parts)))


def _subject_issuer(preamble: str) -> str | None:
    """Return the authority in "<authority> xây dựng Kế hoạch ...", completed with its place if needed."""
    match = _SUBJECT.search(preamble)
    if match is None:
        return None
    subject = collapse(match["org"])
    unit = next((u for u in _UNITS if subject.casefold().endswith(" " + u)), None)
    if unit is not None:
        place = _place_after(preamble, unit)
        if place:
            subject = f"{subject} {place}"
    return subject


def _place_after(text: str, unit: str) -> str | None:
    """Return the capitalized name that follows a unit word ("phường Hoàng Mai" -> "Hoàng Mai")."""
    words = text.split()
    size = len(unit.split())
    for i in range(len(words) - size):
        if " ".join(words[i : i + size]).casefold() != unit:
            continue
        name: list[str] = []
        for word in words[i + size :]:
            bare = word.strip(",.;:()")
            if not bare or not (bare[0].isupper() or bare.isdigit()):
                break
            name.append(bare)
            if bare != word:
                break
        if name:
            return " ".join(name)
    return None


def _org_case(name: str) -> str:
    """Write an authority's name given in capitals the way the body of a document writes it."""
    if any(char.islower() for char in name):
        return name
    words = name.split()
    out: list[str] = []
    i = 0
    place = False
    capital_next = True
    folded = name.casefold()
    for named in _NAMED_ORGS:
        if folded.startswith(named + " "):
            size = len(named.split())
            out.append(" ".join(words[:size]).capitalize())
            i = size
            break
    while i < len(words):
        word = words[i]
        pair = " ".join(words[i : i + 2]).casefold()
        unit_size = 2 if pair in _UNITS else 1 if word.casefold() in _UNITS and pair != "xã hội" else 0
        if unit_size and out:
            out.extend(w.lower() for w in words[i : i + unit_size])
            i += unit_size
            place = True
            continue
        if word in _KEEP_UPPER or not any(char.isalpha() for char in word):
            out.append(word)
            capital_next = capital_next or word in ("-", "\u2013", "&")
        elif place or capital_next:
            out.append(word.capitalize())
            capital_next = False
        elif word == "VÀ":
            out.append("và")
            capital_next = True
        else:
            out.append(word.lower())
        i += 1
    return " ".join(out)


def find_channels(lines: list[Line], begin: int, skip: range) -> tuple[str, ...]:
    """Return the channel kinds the plan names in its forms part (else in its other parts), in a stable order."""
    form = next((i for i in range(begin, len(lines)) if i not in skip and is_form_heading(lines[i].text)), None)
    if form is not None:
        end = next(
            (j for j in range(form + 1, len(lines)) if is_major_heading(lines[j].text) or is_closing(lines[j].text)),
            len(lines),
        )
        picked = [lines[j].text for j in range(form, end) if j not in skip]
    else:
        first = next((i for i in range(begin, len(lines)) if is_major_heading(lines[i].text)), begin)
        picked = []
        for j in range(first, len(lines)):
            if is_closing(lines[j].text):
                break
            if j not in skip:
                picked.append(lines[j].text)
    text = collapse(" ".join(picked))
    folded = text.casefold()
    found = {kind for kind, pattern in _CHANNELS.items() if pattern.search(folded)}
    if any(match[1].isupper() for match in _NEWSPAPER.finditer(text)):
        found.add("print")
    return tuple(kind for kind in CHANNEL_KINDS if kind in found)
