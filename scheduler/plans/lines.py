"""Turn the raw text of a plan into clean lines: NFC, plain spaces, no Markdown marks, no page furniture."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["Line", "clean_lines", "collapse", "is_noise", "looks_like_markdown", "squash_key", "strip_motto"]


@dataclass(frozen=True, kw_only=True, slots=True)
class Line:
    """One non-empty line of a plan: its text, its indentation and whether a blank line precedes it."""

    text: str
    indent: int
    gap: bool


# Line breaks of every flavour (CRLF, CR, form feed from PDF page breaks, Unicode separators).
_BREAKS = re.compile(r"\r\n?|[\v\f\x1c-\x1e\x85\u2028\u2029]")
# Characters that carry nothing: zero-width spaces and joiners, BOM, soft hyphen, other controls.
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad\x00-\x08\x0e-\x1b\x7f]")
# Every horizontal space, including the non-breaking and typographic ones.
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_SPACE_BEFORE_PUNCT = re.compile(r" +([,.;:!?])(?![.,;:!?/])")

# Markdown marks left by converted .docx files.
_BLOCKQUOTE = re.compile(r"^\s{0,3}(?:>\s?)+")
_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s+|$)")
_HEADING_CLOSE = re.compile(r"\s+#+\s*$")
_RULE = re.compile(r"^\s*([-*_=~])(?:\s*\1){2,}\s*$")
_TABLE_RULE = re.compile(r"^\s*:?-{2,}:?\s*$")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_HTML = re.compile(r"</?(?:u|b|i|s|em|strong|sup|sub|span|p|div|mark|font)\b[^<>]{0,200}>", re.IGNORECASE)
_IMAGE = re.compile(r"!\[[^\]\n]{0,500}\]\([^)\n]{0,500}\)")
_LINK = re.compile(r"\[([^\]\n]{0,500})\]\([^)\s]{0,500}\)")
_STAR_BULLET = re.compile(r"^(\s*)\*\s+")
_STRONG = re.compile(r"\*\*|__+")
_EMPHASIS_STAR = re.compile(r"(?<![\w*\\])\*(?=[^\s*])([^*\n]{1,2000}?)(?<=[^\s*\\])\*(?![\w*])")
_EMPHASIS_LINE = re.compile(r"(?<![\w\\])_(?=[^\s_])([^_\n]{1,2000}?)(?<=[^\s_\\])_(?!\w)")
_MARKDOWN_SIGNS = re.compile(r"^ {0,3}#{1,6} |\*\*|__|^[ \t]*\* |^[ \t]*\|.*\|[ \t]*$|\\[-+.*#]", re.MULTILINE)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|])")

# Page furniture: page numbers ("3", "- 3 -", "Trang 3", "3/12") and separator lines.
_PAGE_NUMBER = re.compile(
    r"^(?:[-\u2013\u2014]\s*)?(?:(?:trang|page)\s*)?[0-9]{1,3}(?:\s*/\s*[0-9]{1,3})?(?:\s*[-\u2013\u2014])?$",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"^[\W_]{3,}$")
# The national motto of every letterhead, in both spellings of "HÒA".
_MOTTO = re.compile(
    r"C\s*Ộ\s*N\s*G\s+H\s*(?:OÀ|ÒA|OA)\s+X\s*Ã\s+H\s*Ộ\s*I\s+C\s*H\s*Ủ\s+N\s*G\s*H\s*Ĩ\s*A\s+V\s*I\s*Ệ\s*T\s+N\s*A\s*M"
    r"|Độc\s+lập\s*[-\u2013\u2014]+\s*Tự\s+do\s*[-\u2013\u2014]+\s*Hạnh\s+phúc",
    re.IGNORECASE,
)


def collapse(text: str) -> str:
    """Collapse every run of whitespace to one space and drop spaces before punctuation."""
    text = _SPACES.sub(" ", text.replace("\n", " ")).strip()
    return _SPACE_BEFORE_PUNCT.sub(r"\1", text)


def squash_key(text: str) -> str:
    """Return a comparison key that ignores case and all whitespace."""
    return "".join(text.casefold().split())


def strip_motto(text: str) -> str:
    """Remove the national motto ("CỘNG HÒA ... VIỆT NAM", "Độc lập - Tự do - Hạnh phúc") from a line."""
    return _MOTTO.sub(" ", text).strip() if "ộ" in text.casefold() else text


def is_noise(text: str) -> bool:
    """Tell whether a cleaned line is a page number or a separator rule."""
    return bool(_PAGE_NUMBER.match(text) or _SEPARATOR.match(text))


def looks_like_markdown(text: str) -> bool:
    """Tell whether a text carries Markdown marks (headings, bold, star bullets, tables, escapes)."""
    return bool(_MARKDOWN_SIGNS.search(text))


def _unmark(raw: str) -> list[str]:
    """Strip Markdown marks from one raw line; a table row becomes one piece per cell."""
    line = _BLOCKQUOTE.sub("", raw)
    if _RULE.match(line):
        return []
    stripped = line.strip()
    if len(stripped) > 1 and stripped.startswith("|") and stripped.endswith("|"):
        cells = stripped[1:-1].split("|")
        if all(_TABLE_RULE.match(cell) for cell in cells):
            return []
        pieces = [piece for cell in cells for piece in _BR.split(cell)]
    else:
        pieces = _BR.split(line)
    out = []
    for piece in pieces:
        piece = _HEADING_CLOSE.sub("", _HEADING.sub("", piece)) if piece.lstrip().startswith("#") else piece
        piece = _STAR_BULLET.sub(r"\1- ", piece)
        if "<" in piece:
            piece = _HTML.sub("", piece)
        if "](" in piece:
            piece = _LINK.sub(r"\1", _IMAGE.sub("", piece))
        piece = _STRONG.sub("", piece)
        if "*" in piece:
            piece = _EMPHASIS_STAR.sub(r"\1", piece)
        if "_" in piece:
            piece = _EMPHASIS_LINE.sub(r"\1", piece)
        if "\\" in piece:
            piece = _ESCAPE.sub(r"\1", piece)
        out.append(piece)
    return out


def clean_lines(text: str) -> list[Line]:
    """Split a plan's text into clean, non-empty lines, noting which follow a blank line."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    lines: list[Line] = []
    gap = False
    for raw in _BREAKS.sub("\n", text).split("\n"):
        for piece in _unmark(raw.expandtabs(4)):
            spaced = _SPACES.sub(" ", piece)
            body = collapse(strip_motto(spaced))
            if not body:
                gap = gap or not spaced.strip()
                continue
            if is_noise(body):
                continue
            indent = len(piece) - len(piece.lstrip(" "))
            lines.append(Line(text=body, indent=indent, gap=gap))
            gap = False
    return lines
