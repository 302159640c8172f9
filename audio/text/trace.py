"""What each step of normalization changed: the written words, the spoken words and the rule that read them.

`audio.text.explain` runs the same steps as `normalize` and compares, word
by word, the text before and after each one; a change of punctuation, case
or spacing alone is not listed. The rule names are stable identifiers
(``"document"``, ``"abbreviation"``, ``"spelled"``, ``"station_abbreviation"``...)
that a user interface translates.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from audio.text.abbreviations import ABBREVIATIONS, DOCUMENT_SYMBOLS
from audio.text.numbers import DIGITS
from audio.text.spelling import LOWER, spell

__all__ = ["Explanation", "Reading", "changes"]

_WORDS = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r"[^\s(),;:!?\"“”]+")
_DIFFED = re.compile(r"[^\W_]+|[^\w\s]")
_LETTER_WORDS = set(spell(LOWER).split()) | set(DIGITS)
_AROUND = "()[]{}\"'“”‘’,.;:!?*#_"


@dataclass(frozen=True, kw_only=True)
class Reading:
    """One part of the text as written, as it is spoken, and the rule that changed it."""

    written: str
    spoken: str
    rule: str


@dataclass(frozen=True, kw_only=True)
class Explanation:
    """The spoken text (what `normalize` returns) and the readings that made it, in the order applied."""

    spoken: str
    readings: tuple[Reading, ...]


def _skeleton(text: str) -> list[str]:
    """The words of ``text`` without case or punctuation."""
    return _WORDS.findall(text.lower())


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """The words and marks of ``text`` with where they are, the units the readings are compared in."""
    return [(m.group(), m.start(), m.end()) for m in _DIFFED.finditer(text)]


def _acronym_rule(written: str, spoken: str, station: Mapping[str, str]) -> str:
    """Which table read an acronym: the station's, the built-in one, or none (a word or letters)."""
    tokens = {t.strip(".") for t in _TOKEN.findall(written)} | set(_TOKEN.findall(written))
    for part in list(tokens):
        tokens.update(re.split(r"[-/&]", part))
    if any(t in station for t in tokens):
        return "station_abbreviation"
    if any(t in ABBREVIATIONS or t in DOCUMENT_SYMBOLS for t in tokens):
        return "abbreviation"
    return "spelled" if set(spoken.lower().split()) <= _LETTER_WORDS else "abbreviation"


def changes(before: str, after: str, rule: str, station: Mapping[str, str] | None = None) -> list[Reading]:
    """The readings one step made, in whole written words; ``station`` is the station's abbreviation table."""
    old, new = _tokens(before), _tokens(after)
    matcher = difflib.SequenceMatcher(None, [t[0] for t in old], [t[0] for t in new], autojunk=False)
    found: list[list[int]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        # a word read in part ("133km/giờ", "16,2°N") is shown whole, with what stayed of it
        while i1 > 0 and j1 > 0 and _joined(before, old, i1 - 1) and old[i1 - 1][0] not in _AROUND:
            i1, j1 = i1 - 1, j1 - 1
        if found and found[-1][1] <= i1 and _no_space(before, old, found[-1][1] - 1, i1):
            found[-1][1], found[-1][3] = i2, j2
        else:
            found.append([i1, i2, j1, j2])
    for change in found:
        i2, j2 = change[1], change[3]
        while i2 < len(old) and j2 < len(new) and old[i2][0] == new[j2][0] and _joined(before, old, i2 - 1):
            if old[i2][0] in _AROUND:
                break
            i2, j2 = i2 + 1, j2 + 1
        change[1], change[3] = i2, j2
    readings = []
    for i1, i2, j1, j2 in found:
        written, spoken = _text(before, old, i1, i2), _text(after, new, j1, j2)
        if _skeleton(written) != _skeleton(spoken):
            named = _acronym_rule(written, spoken, station or {}) if rule == "abbreviation" else rule
        elif rule == "abbreviation" and written.isupper() and not spoken.isupper():
            named = "capitals"  # an all-capital Vietnamese word, lower-cased ("MỤC" -> "mục")
        else:
            continue
        readings.append(Reading(written=written, spoken=spoken, rule=named))
    return readings


def _joined(text: str, tokens: list[tuple[str, int, int]], left: int) -> bool:
    """Tell whether token ``left`` and the one after it are written with no space between them."""
    return 0 <= left < len(tokens) - 1 and tokens[left][2] == tokens[left + 1][1]


def _no_space(text: str, tokens: list[tuple[str, int, int]], last: int, first: int) -> bool:
    """Tell whether the text from the end of token ``last`` to the start of token ``first`` has no space."""
    if last < 0 or first >= len(tokens):
        return False
    return not any(ch.isspace() for ch in text[tokens[last][2] : tokens[first][1]])


def _text(text: str, tokens: list[tuple[str, int, int]], first: int, last: int) -> str:
    """Tokens ``first`` to ``last`` (exclusive) as written, without the marks around them."""
    if last <= first:
        return ""
    return text[tokens[first][1] : tokens[last - 1][2]].strip(_AROUND + " ")
