"""The abbreviation tables and the reading of acronyms and document symbols.

Keys are case-sensitive ("KH" is expanded, "kh" is not). `ABBREVIATIONS` is
read everywhere (with the agencies of `audio.text.agencies`); `DOCUMENT_SYMBOLS`
overrides it inside document numbers such as "104/QĐ-UBND" (there "CT" is
"chỉ thị", elsewhere "Chủ tịch"). A station's own table
(ReadingOptions.abbreviations) overrides both. An acronym found in no table is
lower-cased when it is a Vietnamese word ("MỤC" -> "mục"), cut into known parts
when it can be ("NQCP" -> "nghị quyết Chính phủ"), else spelled ("VNPT" -> "vê
en pê tê"). `drop_repeated` drops an abbreviation in parentheses right after
the words it abbreviates ("cải cách hành chính (CCHC)"), known or matching
their initials, so it is not read twice.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from audio.text.agencies import AGENCIES
from audio.text.numbers import Dialect, read_number
from audio.text.spelling import LOWER, UPPER, is_syllable, spell

__all__ = ["ABBREVIATIONS", "DOCUMENT_SYMBOLS", "LOANWORDS", "Lexicon", "drop_repeated", "lexicon"]

ABBREVIATIONS: dict[str, str] = {
    # State bodies, offices and signatures
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "UBMTTQ": "Ủy ban Mặt trận Tổ quốc",
    "MTTQ": "Mặt trận Tổ quốc",
    "MTTQVN": "Mặt trận Tổ quốc Việt Nam",
    "TW": "Trung ương",
    "UBTVQH": "Ủy ban Thường vụ Quốc hội",
    "QH": "Quốc hội",
    "ĐBQH": "đại biểu Quốc hội",
    "CP": "Chính phủ",
    "TTg": "Thủ tướng Chính phủ",
    "BCĐ": "Ban chỉ đạo",
    "BCH": "Ban chấp hành",
    "BTV": "Ban thường vụ",
    "BTG": "Ban tuyên giáo",
    "BDV": "Ban dân vận",
    "UBKT": "Ủy ban kiểm tra",
    "BQL": "Ban quản lý",
    "ĐU": "Đảng ủy",
    "ĐCSVN": "Đảng Cộng sản Việt Nam",
    "CHXHCN": "Cộng hòa xã hội chủ nghĩa",
    "XHCN": "xã hội chủ nghĩa",
    "LHQ": "Liên Hợp Quốc",
    "VP": "văn phòng",
    "VT": "văn thư",
    "CT": "Chủ tịch",
    "PCT": "Phó Chủ tịch",
    "PBT": "Phó Bí thư",
    "GD": "Giám đốc",
    "PGD": "Phó Giám đốc",
    "TT": "thường trực",
    "TM.": "Thay mặt",
    "KT.": "Ký thay",
    "TL.": "Thừa lệnh",
    "TUQ.": "Thừa ủy quyền",
    "TP": "thành phố",
    "TP.": "thành phố",
    "Tp.": "thành phố",
    "TP.HCM": "thành phố Hồ Chí Minh",
    "TPHCM": "thành phố Hồ Chí Minh",
    "HCM": "Hồ Chí Minh",
    "TX": "thị xã",
    "VN": "Việt Nam",
    "PVHCC": "Phục vụ hành chính công",
    "HCC": "hành chính công",
    # Documents
    "KH": "kế hoạch",
    "QĐ": "quyết định",
    "NQ": "nghị quyết",
    "NĐ": "nghị định",
    "CT-TTg": "chỉ thị Thủ tướng Chính phủ",
    "b/c": "báo cáo",
    "v.v.": "vân vân",
    # Departments and sectors
    "KHĐT": "Kế hoạch và Đầu tư",
    "KH&ĐT": "Kế hoạch và Đầu tư",
    "TT&TT": "Thông tin và Truyền thông",
    "TTTT": "Thông tin và Truyền thông",
    "VH&TT": "văn hóa và thông tin",
    "VH-TT": "văn hóa thông tin",
    "VHTT": "văn hóa thông tin",
    "VH-TT&DL": "văn hóa, thể thao và du lịch",
    "VHTTDL": "văn hóa, thể thao và du lịch",
    "VH-XH": "văn hóa xã hội",
    "VHXH": "văn hóa xã hội",
    "KT-XH": "kinh tế xã hội",
    "KTXH": "kinh tế xã hội",
    "GD&ĐT": "giáo dục và đào tạo",
    "GDĐT": "giáo dục và đào tạo",
    "LĐTBXH": "lao động thương binh và xã hội",
    "LĐ-TB&XH": "lao động thương binh và xã hội",
    "TN&MT": "tài nguyên và môi trường",
    "TNMT": "tài nguyên và môi trường",
    "NN&PTNT": "nông nghiệp và phát triển nông thôn",
    "NNPTNT": "nông nghiệp và phát triển nông thôn",
    "PTNT": "phát triển nông thôn",
    "GTVT": "giao thông vận tải",
    "QP-AN": "quốc phòng an ninh",
    "QPAN": "quốc phòng an ninh",
    "ANQP": "an ninh quốc phòng",
    "TTYT": "trung tâm y tế",
    "TYT": "trạm y tế",
    "BVĐK": "bệnh viện đa khoa",
    "KCB": "khám chữa bệnh",
    # Administrative reform, indexes and public services
    "CCHC": "cải cách hành chính",
    "TTHC": "thủ tục hành chính",
    "DVC": "dịch vụ công",
    "DVCTT": "dịch vụ công trực tuyến",
    "CNTT": "công nghệ thông tin",
    "CSDL": "cơ sở dữ liệu",
    "CĐS": "chuyển đổi số",
    "CQĐT": "chính quyền điện tử",
    "PAKN": "phản ánh kiến nghị",
    "CBCCVC": "cán bộ, công chức, viên chức",
    "CBCC": "cán bộ, công chức",
    "ĐVHC": "đơn vị hành chính",
    "PAR INDEX": "pa in đéc",
    "PAR Index": "pa in đéc",
    "Par Index": "pa in đéc",
    "Par index": "pa in đéc",
    "PAPI": "pa pi",
    "Papi": "pa pi",
    "SIPAS": "xi pát",
    "Sipas": "xi pát",
    "PCI": "pê xê i",
    "DTI": "đê tê i",
    "ISO": "i sô",
    "TCVN": "tê xê vê en",
    "QR": "quy a",
    "OCOP": "ô cốp",
    "VNeID": "vê en e ai đi",
    "COVID": "cô vít",
    "Covid": "cô vít",
    "ASEAN": "a xê an",
    "OK": "ô kê",
    "USD": "đô la Mỹ",
    "VNĐ": "đồng",
    "VND": "đồng",
    # Social policy, mass organisations and daily life
    "BHYT": "bảo hiểm y tế",
    "BHXH": "bảo hiểm xã hội",
    "BHTN": "bảo hiểm thất nghiệp",
    "CCCD": "căn cước công dân",
    "CMND": "chứng minh nhân dân",
    "ATTP": "an toàn thực phẩm",
    "VSATTP": "vệ sinh an toàn thực phẩm",
    "ATVSTP": "an toàn vệ sinh thực phẩm",
    "PCCC": "phòng cháy chữa cháy",
    "CNCH": "cứu nạn cứu hộ",
    "ANTT": "an ninh trật tự",
    "TTATGT": "trật tự an toàn giao thông",
    "ATGT": "an toàn giao thông",
    "CSGT": "cảnh sát giao thông",
    "CAND": "Công an nhân dân",
    "QĐND": "Quân đội nhân dân",
    "HTX": "hợp tác xã",
    "NTM": "nông thôn mới",
    "KDC": "khu dân cư",
    "TDP": "tổ dân phố",
    "CLB": "câu lạc bộ",
    "THCS": "trung học cơ sở",
    "THPT": "trung học phổ thông",
    "TNCS": "Thanh niên Cộng sản",
    "ĐTN": "Đoàn Thanh niên",
    "HLHPN": "Hội Liên hiệp Phụ nữ",
    "LHPN": "Liên hiệp Phụ nữ",
    "HND": "Hội Nông dân",
    "HCCB": "Hội Cựu chiến binh",
    "CCB": "cựu chiến binh",
    "NCT": "người cao tuổi",
    "NLĐ": "người lao động",
    "DN": "doanh nghiệp",
    "SĐT": "số điện thoại",
    "ĐT": "điện thoại",
    "STT": "số thứ tự",
    "ĐVT": "đơn vị tính",
    "QL": "quốc lộ",
    **AGENCIES,
}

DOCUMENT_SYMBOLS: dict[str, str] = {
    "CT": "chỉ thị",
    "TT": "thông tư",
    "TB": "thông báo",
    "BC": "báo cáo",
    "CV": "công văn",
    "HD": "hướng dẫn",
    "TTr": "tờ trình",
    "KL": "kết luận",
    "CTr": "chương trình",
    "QĐi": "quy định",
    "QC": "quy chế",
    "ĐA": "đề án",
    "TU": "Tỉnh ủy",
    "HU": "Huyện ủy",
    "ĐU": "Đảng ủy",
    "L": "luật",
    "UB": "Ủy ban",
    "PL": "phụ lục",
    "CTN": "Chủ tịch nước",
}

# Loanwords a Vietnamese voice stumbles on, matched whole and in any case.
LOANWORDS: dict[str, str] = {
    "internet": "in tơ nét",
    "email": "i meo",
    "e-mail": "i meo",
    "website": "oép sai",
    "web": "oép",
    "online": "on lai",
    "facebook": "phây búc",
    "fanpage": "phan pết",
    "zalo": "da lô",
    "youtube": "diu túp",
    "tiktok": "tích tốc",
    "video": "vi đê ô",
    "clip": "cờ líp",
    "wifi": "oai phai",
    "hotline": "hót lai",
    "app": "áp",
    "pano": "pa nô",
    "beaufort": "bô pho",
}

_UP = f"[{UPPER}]"
_WORD = f"[{UPPER}{LOWER}0-9]"
# An acronym-like token: two capitals ("CCHC", "TTg", "UBTVQH15") or a capital and a digit ("H5N1").
_ACRONYM = f"{_UP}(?:{_UP}|[0-9]){_WORD}*"
_JOINERS = "-/&"
_MAX_DECOMPOSED = 16
_PART = re.compile(rf"[{LOWER}{UPPER}]+|[0-9]+")


@dataclass(frozen=True)
class Lexicon:
    """The merged abbreviation tables of one station, with their compiled patterns."""

    general: Mapping[str, str]
    document: Mapping[str, str]
    chain: re.Pattern[str]
    general_keys: re.Pattern[str]
    document_keys: re.Pattern[str]
    dialect: Dialect = "north"

    def read_chain(self, chain: str, *, document: bool = False) -> str:
        """Read a run of acronyms joined by "-", "/" or "&" ("QĐ-UBND" -> "quyết định Ủy ban nhân dân")."""
        table, keys = (self.document, self.document_keys) if document else (self.general, self.general_keys)
        words, index = [], 0
        while index < len(chain):
            ch = chain[index]
            if ch in _JOINERS or ch.isspace():
                if ch == "&":
                    words.append("và")
                index += 1
                continue
            match = keys.match(chain, index)
            if match:
                words.append(table[match.group()])
                index = match.end()
                continue
            end = index
            while end < len(chain) and chain[end] not in _JOINERS:
                end += 1
            words.append(self.read_part(chain[index:end], table))
            index = end
        return " ".join(w for w in words if w)

    def read_part(self, part: str, table: Mapping[str, str]) -> str:
        """Read one acronym: from the table, as a word, cut into known parts, or spelled."""
        if part in table:
            return table[part]
        pieces = _PART.findall(part)
        if len(pieces) > 1:
            return " ".join(read_number(p, self.dialect) if p.isdigit() else self.read_part(p, table) for p in pieces)
        if not pieces:
            return ""
        if part.isdigit():
            return read_number(part, self.dialect)
        if part.isupper() and is_syllable(part):
            return part.lower()
        split = _decompose(part, table)
        if split:
            return " ".join(table[p] for p in split)
        return spell(part) if part.isupper() else part


# "(CCHC)", "(sau đây gọi tắt là CCHC)", "(BĐ)" right after the words they abbreviate
_REPEATED = re.compile(
    rf"\s*\((?i:\s*(?:sau đây\s+)?(?:gọi|viết)\s+tắt(?:\s+là)?\s*:?\s*)?"
    rf"({_UP}(?:[{UPPER}{LOWER}0-9]|[&-](?={_UP}))*{_UP}[{UPPER}{LOWER}0-9]*)\s*\)"
)
_FOLD_WORD = re.compile(r"[^\W_]+")


def _fold(text: str) -> list[str]:
    """The words of ``text`` without case, tone or vowel marks ("Ủy ban" -> ["uy", "ban"])."""
    bare = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return _FOLD_WORD.findall("".join(ch for ch in bare if not unicodedata.combining(ch)).lower())


def _abbreviates(token: str, before: str, lex: Lexicon) -> bool:
    """Tell whether ``token`` abbreviates the words that end ``before``: its reading, or their initials."""
    expansion = _fold(lex.read_chain(token))
    tail = _fold(before[-200:])
    if expansion and tail[-len(expansion) :] == expansion:
        return True
    letters = "".join(_fold(token))
    if not token.isupper() or not letters.isalpha() or len(letters) > len(tail):
        return False
    return "".join(word[0] for word in tail[-len(letters) :]) == letters


def drop_repeated(text: str, lex: Lexicon) -> str:
    """Drop an abbreviation in parentheses right after its own expansion, so it is not read twice."""
    if "(" not in text:
        return text

    def repeated(match: re.Match[str]) -> str:
        if not _abbreviates(match.group(1), text[: match.start()], lex):
            return match.group()
        following = text[match.end() : match.end() + 1]
        return " " if following.isalnum() else ""

    return _REPEATED.sub(repeated, text)


def _decompose(word: str, table: Mapping[str, str]) -> list[str] | None:
    """Cut a short ``word`` into table keys of two or more letters, longest first, or None."""
    size = len(word)
    if not 2 <= size <= _MAX_DECOMPOSED:
        return None
    # done[i]: word[i:] can be cut into keys; then take the longest key whose rest can be cut.
    done = [False] * size + [True]
    for start in range(size - 2, -1, -1):
        done[start] = any(done[end] and word[start:end] in table for end in range(start + 2, size + 1))
    if not done[0]:
        return None
    parts, start = [], 0
    while start < size:
        end = next(e for e in range(size, start + 1, -1) if done[e] and word[start:e] in table)
        parts.append(word[start:end])
        start = end
    return parts


def _alternation(keys: list[str]) -> str:
    """A regex alternation of literal keys, longest first."""
    return "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))


@functools.lru_cache(maxsize=32)
def _build(extra: tuple[tuple[str, str], ...], dialect: Dialect) -> Lexicon:
    """Compile the lexicon for one station table."""
    general = {**ABBREVIATIONS, **dict(extra)}
    document = {**ABBREVIATIONS, **DOCUMENT_SYMBOLS, **dict(extra)}
    item = f"(?:{_alternation(list(general))}|{_ACRONYM})"
    first = re.escape("".join(sorted({k[0] for k in general} - set(UPPER))))
    chain = re.compile(rf"(?=[{UPPER}{first}])(?<![\w])(?:{item})(?:[{_JOINERS}](?:{item}))*(?![\w])")
    after = rf"(?=[{_JOINERS}]|$)"
    return Lexicon(
        general=general,
        document=document,
        chain=chain,
        general_keys=re.compile(rf"(?:{_alternation(list(general))}){after}"),
        document_keys=re.compile(rf"(?:{_alternation(list(document))}){after}"),
        dialect=dialect,
    )


def lexicon(extra: Mapping[str, str] | None = None, dialect: Dialect = "north") -> Lexicon:
    """The lexicon with a station's additions and overrides (cached per table)."""
    items = tuple(sorted((str(k), str(v)) for k, v in (extra or {}).items() if k))
    return _build(items, dialect)
