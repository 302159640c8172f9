"""Vietnamese letter names, syllable checks, and the reading of e-mail and web addresses.

Letters are named the way acronyms are spelled aloud on Vietnamese radio:
B "bê", C "xê", D and Đ "đê", G "gờ", L "lờ", M "em", N "en", R "rờ", S "ét",
X "ích", W "vê kép", Y "i dài" ("UBND" -> "u bê en đê", "gov" -> "gờ o vê").
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping

from audio.text.numbers import read_digits

__all__ = [
    "LOWER",
    "UPPER",
    "is_syllable",
    "read_address",
    "read_label",
    "spell",
]

# Every lower-case letter a Vietnamese text uses, plus f, j, w, z for loanwords.
LOWER = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệfghiìíỉĩịjklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvwxyỳýỷỹỵz"
UPPER = LOWER.upper()

_LETTER_NAMES = {
    "a": "a",
    "ă": "á",
    "â": "ớ",
    "b": "bê",
    "c": "xê",
    "d": "đê",
    "đ": "đê",
    "e": "e",
    "ê": "ê",
    "f": "ép",
    "g": "gờ",
    "h": "hát",
    "i": "i",
    "j": "gi",
    "k": "ca",
    "l": "lờ",
    "m": "em",
    "n": "en",
    "o": "o",
    "ô": "ô",
    "ơ": "ơ",
    "p": "pê",
    "q": "quy",
    "r": "rờ",
    "s": "ét",
    "t": "tê",
    "u": "u",
    "ư": "ư",
    "v": "vê",
    "w": "vê kép",
    "x": "ích",
    "y": "i dài",
    "z": "dét",
}

# Common labels of addresses, read as Vietnamese listeners know them.
_ADDRESS_WORDS = {
    "www": "vê kép vê kép vê kép",
    "gov": "gờ o vê",
    "vn": "vê en",
    "com": "com",
    "net": "nét",
    "org": "o rờ gờ",
    "edu": "e đu",
    "info": "in phô",
    "mail": "meo",
    "gmail": "gờ meo",
    "yahoo": "da hu",
    "hotmail": "hót meo",
    "outlook": "ao lúc",
    "facebook": "phây búc",
    "zalo": "da lô",
    "youtube": "diu túp",
    "google": "gu gồ",
    "dichvucong": "dịch vụ công",
    "chinhphu": "chính phủ",
    "baochinhphu": "báo chính phủ",
    "html": "hát tê em lờ",
    "php": "pê hát pê",
}

_SEPARATOR_NAMES = {
    ".": "chấm",
    "@": "a còng",
    "-": "gạch ngang",
    "_": "gạch dưới",
    "/": "gạch chéo",
    ":": "hai chấm",
    "+": "cộng",
    "?": "chấm hỏi",
    "=": "bằng",
    "&": "và",
    "#": "thăng",
    "%": "phần trăm",
    "~": "ngã",
}

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_NUCLEI = sorted(
    [
        "a",
        "ă",
        "â",
        "e",
        "ê",
        "i",
        "o",
        "ô",
        "ơ",
        "u",
        "ư",
        "y",
        "ai",
        "ao",
        "au",
        "ay",
        "âu",
        "ây",
        "eo",
        "êu",
        "ia",
        "iê",
        "iu",
        "oa",
        "oă",
        "oe",
        "oi",
        "ôi",
        "ơi",
        "oo",
        "ua",
        "uâ",
        "uê",
        "ui",
        "uô",
        "uơ",
        "uy",
        "ưa",
        "ưi",
        "ưu",
        "ươ",
        "yê",
        "iêu",
        "yêu",
        "oai",
        "oay",
        "oao",
        "oeo",
        "uây",
        "uôi",
        "uya",
        "uyê",
        "uyu",
        "ươi",
        "ươu",
    ],
    key=len,
    reverse=True,
)
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    rf"(?:{'|'.join(_NUCLEI)})"
    r"(?:ch|ng|nh|[cmnpt])?"
)
_MAX_SYLLABLE = 7
_LABEL_PART = re.compile(r"[0-9]+|[^\W\d_]+")


def spell(letters: str) -> str:
    """Name each letter of ``letters`` ("VNPT" -> "vê en pê tê"); other characters are skipped."""
    names = []
    for ch in letters.lower():
        name = _LETTER_NAMES.get(ch) or _LETTER_NAMES.get(_strip_tone(ch))
        if name is None and ch.isalpha():
            name = _LETTER_NAMES.get(unicodedata.normalize("NFD", ch)[0])
        if name:
            names.append(name)
    return " ".join(names)


def _strip_tone(word: str) -> str:
    """Remove the five tone marks but keep the vowel marks (ấ -> â)."""
    decomposed = unicodedata.normalize("NFD", word)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))


def is_syllable(word: str) -> bool:
    """Tell whether ``word`` (any case, tones allowed) is shaped like one Vietnamese syllable."""
    return len(word) <= _MAX_SYLLABLE and _SYLLABLE.fullmatch(_strip_tone(word.lower())) is not None


@functools.lru_cache(maxsize=1024)
def _syllables(word: str) -> tuple[str, ...] | None:
    """Cut a lower-case word without spaces into the fewest Vietnamese syllables, or None."""
    if len(word) > 60:
        return None
    best: list[tuple[str, ...] | None] = [None] * (len(word) + 1)
    best[0] = ()
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - _MAX_SYLLABLE), end):
            head = best[start]
            if head is not None and _SYLLABLE.fullmatch(word[start:end]):
                candidate = (*head, word[start:end])
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    return best[-1]


def read_label(label: str, words: Mapping[str, str] | None = None) -> str:
    """Read one label of an address: a known word, Vietnamese syllables, digits one by one, or letters."""
    if words and label in words:
        return words[label]
    lower = label.lower()
    if lower in _ADDRESS_WORDS:
        return _ADDRESS_WORDS[lower]
    parts = []
    for part in _LABEL_PART.findall(lower):
        if part.isdigit():
            parts.append(read_digits(part))
            continue
        syllables = _syllables(part) if part.isascii() else None
        parts.append(" ".join(syllables) if syllables else spell(part))
    return " ".join(p for p in parts if p)


def read_address(address: str, words: Mapping[str, str] | None = None) -> str:
    """Read an e-mail or web address, dropping the scheme ("ubnd@x.gov.vn" -> "u bê en đê a còng ...")."""
    address = re.sub(r"^(?:https?|ftp)://", "", address, flags=re.IGNORECASE).rstrip("/")
    spoken = []
    for piece in re.split(r"([^\w]|_)", address):
        if not piece:
            continue
        if piece in _SEPARATOR_NAMES:
            spoken.append(_SEPARATOR_NAMES[piece])
        elif piece.isalnum():
            spoken.append(read_label(piece, words))
    return " ".join(s for s in spoken if s)
