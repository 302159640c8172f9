"""Vietnamese text normalization: what an announcer would say, ready for a TTS engine.

`normalize` composes pure ``str -> str`` steps: lines, bullets and headings,
abbreviations repeating their expansion, e-mail and web addresses, phone
numbers, weather bulletins (`audio.text.weather`), document numbers, Roman
numerals, dates, times, counted words, units, acronyms, loanwords, plain
numbers, then punctuation and whitespace, and last the station's own
pronunciations. `explain` runs the same steps and says which rule produced each
part (`audio.text.trace`). Number readings and their north/south differences are
in `audio.text.numbers`, the abbreviation tables in `audio.text.abbreviations`
and `audio.text.agencies`, letter names in `audio.text.spelling`.

Readings chosen (VTV/VOV style):

- document numbers: number, year, then the symbols expanded, no pauses
  ("số 104/QĐ-UBND" -> "số một trăm linh bốn quyết định Ủy ban nhân dân",
  "35/2023/UBTVQH15" -> "ba mươi lăm năm hai nghìn ... Ủy ban Thường vụ Quốc hội mười lăm");
- dates say "ngày ... tháng ... năm ..." (no "mùng", month 1 is "tháng một"),
  never twice; "01/8 - 31/12/2025" is "từ ngày ... đến ngày ...";
- "06:30" -> "sáu giờ ba mươi phút", "17h30" -> "mười bảy giờ ba mươi";
- phone numbers digit by digit, a pause between the groups as written
  (ungrouped mobiles 4-3-3); hotlines after "đường dây nóng", "gọi", ...;
- addresses: "a còng", "chấm", named letters, Vietnamese-shaped labels as syllables;
- headings "I." and "1." become "Một."; all-capital Vietnamese words are
  lower-cased, unknown acronyms spelled; the word "I" elsewhere is left alone;
- a dash between numbers is "đến"; between words it is a space before a
  lower-case word ("kinh tế - xã hội") and a pause before a capital.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from audio.text.abbreviations import LOANWORDS, Lexicon, drop_repeated, lexicon
from audio.text.expressions import (
    read_counts,
    read_dates,
    read_documents,
    read_phones,
    read_roman,
    read_times,
)
from audio.text.numbers import Dialect, read_digits, read_number, roman_to_int
from audio.text.quantities import read_numbers, read_units
from audio.text.spelling import LOWER, UPPER, read_address, spell
from audio.text.trace import Explanation, Reading, changes
from audio.text.weather import read_weather

__all__ = [
    "MAX_SENTENCE",
    "Explanation",
    "Reading",
    "ReadingOptions",
    "explain",
    "is_speakable",
    "normalize",
    "split_sentences",
]

# Sentences longer than this many characters are cut at a pause for the TTS engine.
MAX_SENTENCE = 200


@dataclass(frozen=True, kw_only=True)
class ReadingOptions:
    """How a station wants its texts read: dialect, extra abbreviations, custom pronunciations."""

    dialect: Literal["north", "south"] = "north"
    abbreviations: Mapping[str, str] = field(default_factory=dict)
    pronunciations: Mapping[str, str] = field(default_factory=dict)


# ---- characters and lines ------------------------------------------------------------------

_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200f\u2060\ufeff]")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\ue000-\uf8ff\ud800-\udfff]")
_SPACES = re.compile(r"[^\S\n]{2,}|[^\S \n]")
_ELLIPSIS = re.compile(r"(?:\.{3,}|…)+(\s*[.,;:!?])?")
_END_MARK = re.compile(r"\./\.")
_BULLET = re.compile(r"^(?:(?:[-*•·●○■□▪►➢✓–—]|\+(?![0-9]))+\s*|[a-zđ][.)]\s+|[A-ZĐ]\)\s*)")
_MARKS = r"(?:\*{1,2}|_{1,2})?"  # Markdown emphasis closing a heading number ("**III.** ...")
_MARKDOWN = re.compile(r"^(#{1,6}\s+)?(?:\*\*|__|\*(?=[^\s*]))?")
_HEADING_NUMBER = re.compile(rf"^(?:([0-9]{{1,2}}(?:\.[0-9]{{1,2}})+)\.?|([0-9]{{1,2}})[.)]){_MARKS}\s+")
_HEADING_ROMAN = re.compile(rf"^([IVXLC]+)(?:[.)]|\s[-–—]){_MARKS}\s+")
_TERMINAL = ".!?;:,"
_MIN_WRAP = 40


def _prepare(text: str) -> str:
    """Compose characters (NFC), unify line breaks and spaces, drop invisible and control characters."""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", _LINE_BREAKS.sub("\n", text))
    text = _END_MARK.sub(".", _SPACES.sub(" ", _CONTROL.sub(" ", text)))
    return _ELLIPSIS.sub(_ellipsis, text)


def _ellipsis(match: re.Match[str]) -> str:
    """An ellipsis is a pause: a comma inside a sentence, a period before a capital or a line end."""
    if match.group(1):
        return match.group(1).strip()
    following = match.string[match.end() : match.end() + 2].lstrip(" ")
    return "," if following[:1] and following[0] in LOWER else "."


def _heading(line: str, dialect: Dialect) -> tuple[str, str]:
    """Remove a bullet or read a heading number ("I. MỤC ĐÍCH", "## **I. MỤC ĐÍCH**" -> "Một. MỤC ĐÍCH")."""
    markdown = _MARKDOWN.match(line)
    titled = bool(markdown and markdown.group(1))
    line = line[markdown.end() :] if markdown else line
    bullet = _BULLET.match(line)
    if bullet:
        return line[bullet.end() :], "bullet"
    number = _HEADING_NUMBER.match(line)
    roman = _HEADING_ROMAN.match(line)
    value = roman_to_int(roman.group(1)) if roman else None
    if number:
        dotted, single = number.groups()
        spoken = " chấm ".join(read_number(p, dialect) for p in (dotted or single).split("."))
        rest = line[number.end() :]
    elif roman and value:
        spoken, rest = read_number(value, dialect), line[roman.end() :]
    else:
        return line, "heading" if titled else ""
    return f"{spoken[:1].upper()}{spoken[1:]}. {rest}", "heading"


def _is_caps(line: str) -> bool:
    """Tell whether a line is an all-capitals heading."""
    return any(ch.isalpha() for ch in line) and not any(ch in LOWER for ch in line)


def _ends_before(previous: str, line: str, marked: str, paragraph_break: bool) -> bool:
    """Tell whether the previous line needs a period before ``line``: headings always start a sentence."""
    if marked == "heading":
        return previous[-1] not in ".!?"
    starts_new = bool(marked) or (paragraph_break and line[0] not in LOWER)
    return starts_new and previous[-1] not in _TERMINAL


def _join_lines(text: str, dialect: Dialect) -> str:
    """Join wrapped lines, drop bullets and end headings, items and short lines with a period."""
    lines = text.split("\n")
    # A line shorter than most is not wrapped: it ends a heading or a paragraph.
    wrap_width = max(_MIN_WRAP, 0.7 * max((len(line.strip()) for line in lines), default=0))
    out: list[str] = []
    ends_paragraph = blank = False
    for raw in lines:
        line = raw.strip()
        if not line:
            blank = True
            continue
        line, marked = _heading(line, dialect)
        line = line.strip()
        if not line:
            blank = True
            continue
        if out and _ends_before(out[-1], line, marked, blank or ends_paragraph):
            out[-1] += "."
        out.append(line)
        ends_paragraph, blank = _is_caps(raw) or len(raw.strip()) < wrap_width, False
    return " ".join(out)


# ---- addresses, acronyms, loanwords ----------------------------------------------------------

_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_URL = re.compile(
    r"(?i)(?<![\w@.])(?:(?:https?|ftp)://[^\s<>\"“”()]+"
    r"|(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:vn|com|net|org|gov|edu|info|io|biz)(?:/[^\s<>\"“”()]*)?)(?![\w])"
)
_URL_HINT = re.compile(r"(?i)://|\.(?:vn|com|net|org|gov|edu|info|io|biz)(?![a-z0-9-])")
_INITIALS = re.compile(rf"(?=[{UPPER}])(?<![\w.])(?:[{UPPER}]\.)+[{UPPER}](?![\w])\.?")
_LOANWORDS = re.compile(
    "(?=[" + "".join(sorted({k[0] for k in LOANWORDS} | {k[0].upper() for k in LOANWORDS})) + "])"
    r"(?<![\w-])(?i:" + "|".join(re.escape(k) for k in sorted(LOANWORDS, key=len, reverse=True)) + r")(?![\w-])"
)


def _read_addresses(text: str, words: Mapping[str, str]) -> str:
    """Read e-mail and web addresses; their labels may be given spoken forms in ``words``."""
    if "@" in text:
        text = _EMAIL.sub(lambda m: f" {read_address(m.group(), words)} ", text)
    if not _URL_HINT.search(text):
        return text

    def url(match: re.Match[str]) -> str:
        address = match.group()
        trimmed = address.rstrip(".,;:!?'")
        return f" {read_address(trimmed, words)} {address[len(trimmed) :]}"

    return _URL.sub(url, text)


def _read_acronyms(text: str, lex: Lexicon) -> str:
    """Expand abbreviations, lower-case capitalized Vietnamese words, spell the rest."""
    text = _INITIALS.sub(lambda m: spell(m.group()), text)
    return lex.chain.sub(lambda m: lex.read_chain(m.group()), text)


def _read_loanwords(text: str) -> str:
    """Respell loanwords the Vietnamese voices misread ("Facebook" -> "phây búc")."""
    return _LOANWORDS.sub(lambda m: LOANWORDS[m.group().lower()], text)


# ---- punctuation and whitespace --------------------------------------------------------------

_SYMBOL_WORDS = {"&": " và ", "@": " a còng ", "%": " phần trăm ", "°": " độ ", "+": " cộng ", "=": " bằng "}
_SYMBOL_WORD = re.compile(r"[&@%°=+]")
_UNSPOKEN = re.compile(r"[^\w\s,.;:!?]|_")
_PAUSE = re.compile(r"[()\[\]{}]")
_DASH = re.compile(r"[-–—‒―]+")
_BETWEEN_LETTERS = re.compile(r"\.(?<=[^\W\d_]\.)(?=[^\W\d_])")
_PUNCT_RUN = re.compile(r"[,.;:!?](?: ?[,.;:!?])+")
_SPACE_BEFORE = re.compile(r" (?=[,.;:!?])")
_SPACE_AFTER = re.compile(r"([,.;:!?])(?=[^\W_])")
_SENTENCE_START = re.compile(rf"([.!?] +)([{LOWER}])")
_RANK = ".?!;:,"


def _dash(match: re.Match[str]) -> str:
    """A dash between words is a space before a lower-case word ("kinh tế - xã hội"), else a pause."""
    text, start, end = match.string, match.start(), match.end()
    while start > 0 and text[start - 1] == " ":
        start -= 1
    while end < len(text) and text[end] == " ":
        end += 1
    before, after = text[start - 1 : start], text[end : end + 1]
    if before.isalnum() and after.isalnum():
        return " " if after in LOWER else ", "
    return " "


def _symbol(match: re.Match[str]) -> str:
    """Say a symbol as a word; "+" only between two words ("Zalo+Facebook")."""
    ch, text, index = match.group(), match.string, match.start()
    if ch == "+" and not (0 < index < len(text) - 1 and text[index - 1].isalnum() and text[index + 1].isalnum()):
        return " "
    return _SYMBOL_WORDS[ch]


def _strongest(match: re.Match[str]) -> str:
    """Keep the strongest mark of a run of punctuation (",." -> ".")."""
    return min((ch for ch in match.group() if ch in _RANK), key=_RANK.index)


def _clean(text: str) -> str:
    """Turn the symbols left into words or pauses and tidy punctuation and spaces."""
    text = _SYMBOL_WORD.sub(_symbol, text)
    text = _PAUSE.sub(", ", text)
    text = _DASH.sub(_dash, text)
    text = _BETWEEN_LETTERS.sub(". ", text)
    text = " ".join(_UNSPOKEN.sub(" ", text).split())
    text = _SPACE_BEFORE.sub("", text)
    text = _PUNCT_RUN.sub(_strongest, text)
    text = _SPACE_AFTER.sub(r"\1 ", text)
    return text.lstrip(",.;:!? ").rstrip(", ")


def _capitalize(text: str) -> str:
    """Capitalize the first letter of every sentence."""
    text = _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), text)
    return text[:1].upper() + text[1:] if text[:1] in LOWER else text


def _pronounce(text: str, pronunciations: Mapping[str, str]) -> str:
    """Apply the station's custom spoken forms to whole words, case-sensitively."""
    keys = sorted((k for k in pronunciations if k), key=len, reverse=True)
    if not keys:
        return text
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(k) for k in keys) + r")(?!\w)")
    return pattern.sub(lambda m: pronunciations[m.group()], text)


# ---- public API ----------------------------------------------------------------------------

_ASCII_DIGITS = re.compile(r"[0-9]+")


def _guarded(step: Callable[[str], str], text: str) -> str:
    """Run one step; a step that fails leaves the text as it was, so normalization never raises."""
    try:
        return step(text)
    except Exception:
        return text


def _steps(options: ReadingOptions) -> list[tuple[str, Callable[[str], str]]]:
    """The steps of normalization in order, each with the name of its rule (`explain` shows it)."""
    dialect: Dialect = "south" if options.dialect == "south" else "north"
    lex = lexicon(options.abbreviations, dialect)
    return [
        ("characters", _prepare),
        ("heading", lambda t: _join_lines(t, dialect)),
        ("repeated", lambda t: drop_repeated(t, lex)),
        ("address", lambda t: _read_addresses(t, options.pronunciations)),
        ("phone", read_phones),
        ("weather", lambda t: read_weather(t, dialect)),
        ("document", lambda t: read_documents(t, lex)),
        ("roman", lambda t: read_roman(t, dialect)),
        ("date", lambda t: read_dates(t, dialect)),
        ("time", lambda t: read_times(t, dialect)),
        ("count", lambda t: read_counts(t, dialect)),
        ("unit", lambda t: read_units(t, dialect)),
        ("abbreviation", lambda t: _read_acronyms(t, lex)),
        ("loanword", _read_loanwords),
        ("number", lambda t: read_numbers(t, dialect)),
        ("symbol", _clean),
        ("case", _capitalize),
        ("digits", lambda t: _ASCII_DIGITS.sub(lambda m: f" {read_digits(m.group())} ", t)),
        ("pronunciation", lambda t: " ".join(_pronounce(t, options.pronunciations).split())),
    ]


def normalize(text: str, options: ReadingOptions | None = None) -> str:
    """Rewrite ``text`` as the words a Vietnamese announcer would say."""
    if not isinstance(text, str):
        return ""
    for _, step in _steps(options or ReadingOptions()):
        text = _guarded(step, text)
    return text


def explain(text: str, options: ReadingOptions | None = None) -> Explanation:
    """Normalize ``text`` and say which rule produced each part of the reading (the same text `normalize` gives)."""
    options = options or ReadingOptions()
    readings: list[Reading] = []
    text = text if isinstance(text, str) else ""
    for rule, step in _steps(options):
        spoken = _guarded(step, text)
        if spoken != text:
            readings += changes(text, spoken, rule, options.abbreviations)
        text = spoken
    return Explanation(spoken=text, readings=tuple(readings))


def is_speakable(text: str) -> bool:
    """Tell whether ``text`` has anything to say (a letter or a digit)."""
    return any(ch.isalnum() for ch in text)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_SHORT_SENTENCE_WORDS = 1
_CUTS = (re.compile(r"(?<=[;:])\s+"), re.compile(r"(?<=,)\s+"), re.compile(r"\s+"))


def _pack(text: str, level: int = 0) -> list[str]:
    """Cut a long sentence at its strongest pauses into chunks of at most MAX_SENTENCE characters."""
    if len(text) <= MAX_SENTENCE:
        return [text]
    if level == len(_CUTS):
        return [text[i : i + MAX_SENTENCE] for i in range(0, len(text), MAX_SENTENCE)]
    chunks: list[str] = []
    open_chunk = False
    for part in filter(None, _CUTS[level].split(text)):
        if len(part) > MAX_SENTENCE:
            chunks.extend(_pack(part, level + 1))
            open_chunk = True
        elif open_chunk and len(chunks[-1]) + 1 + len(part) <= MAX_SENTENCE:
            chunks[-1] += " " + part
        else:
            chunks.append(part)
            open_chunk = True
    return chunks


def split_sentences(text: str) -> list[str]:
    """Split normalized text into speakable sentences of at most MAX_SENTENCE characters, never mid-word."""
    sentences: list[str] = []
    carry = ""  # a one-word sentence (a heading number such as "Hai.") is kept with the next one
    for sentence in _SENTENCE_END.split(" ".join(text.split())):
        if not is_speakable(sentence):
            continue
        sentence = f"{carry} {sentence}".strip() if carry else sentence
        carry = ""
        if len(sentence.split()) <= _SHORT_SENTENCE_WORDS:
            carry = sentence
            continue
        sentences.extend(chunk for chunk in _pack(sentence) if is_speakable(chunk))
    if carry:
        sentences.append(carry)
    return sentences
