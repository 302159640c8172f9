"""The real plans of shared/plans, what a person reads in them, and converters to .md, .docx and .pdf."""

from __future__ import annotations

import re
import unicodedata
from importlib.resources import files
from pathlib import Path

import pytest

PLANS_DIR = Path(__file__).resolve().parents[2] / "shared" / "plans"
HOANG_MAI = "000_689469da6a896f95.txt"
MINH_DUC = "001_4e301de45e56e2b5.txt"
HAI_PHONG = "003_1df89c22df6dec19.txt"
REAL_PLANS = (HOANG_MAI, MINH_DUC, HAI_PHONG)

_MOTTO_OR_DATE = re.compile(r"CỘNG H(?:OÀ|ÒA)|Độc lập|ngày .* năm")


def real_plan(name: str) -> str:
    """Return the text of a plan in shared/plans, skipping the test when shared/ is not beside the repo."""
    path = PLANS_DIR / name
    if not path.is_file():
        pytest.skip(f"the real plans are not available: {PLANS_DIR} does not exist beside the repository")
    return path.read_text(encoding="utf-8")


def outline(items: object) -> list[tuple[str, str | None, str | None]]:
    """Return (ref, parent, label) for each parsed item."""
    return [(item.ref, item.parent, item.label) for item in items]  # type: ignore[attr-defined]


def blocks(text: str) -> list[list[str]]:
    """Split a plain-text plan into its blank-line separated blocks of stripped lines."""
    out: list[list[str]] = []
    for chunk in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        if lines:
            out.append(lines)
    return out


def _header_split(text: str) -> tuple[list[list[str]], list[list[str]]]:
    """Split blocks into the letterhead (before "KẾ HOẠCH") and the rest."""
    parts = blocks(text)
    at = next(i for i, block in enumerate(parts) if block[0] == "KẾ HOẠCH")
    return parts[:at], parts[at:]


def to_markdown(text: str) -> str:
    """Write a plan the way a .docx-to-Markdown converter does: headings, bold, escapes, a letterhead table."""
    head, body = _header_split(text)
    out: list[str] = []
    if head:
        left = [line for block in head for line in block if not _MOTTO_OR_DATE.search(line)]
        right = [line for block in head for line in block if _MOTTO_OR_DATE.search(line)]
        out += [f"| **{'<br>'.join(left)}** | **{'<br>'.join(right)}** |", "|:---:|:---:|", ""]
    for block in body:
        line = " ".join(block)
        if line == "KẾ HOẠCH":
            line = "# **KẾ HOẠCH**"
        elif re.match(r"[IVX]+\. ", line):
            line = f"## {line}"
        elif re.match(r"\d+\. \S+( \S+){0,7}$", line):
            line = "### " + line.replace(".", "\\.", 1)
        elif line.startswith("- "):
            first, _, rest = line[2:].partition(" ")
            line = f"- **{first}** {rest}"
        elif line.startswith("+ "):
            line = "\\+ " + line[2:]
        elif re.match(r"[a-zđ]\) ", line):
            line = f"**{line[:2]}** {line[3:]}"
        elif line.startswith(("Thực hiện", "Căn cứ")):
            line = f"> {line}"
        out += [line, ""]
    return "\n".join(out)


def to_docx(text: str, path: Path) -> Path:
    """Write a plan as a .docx: the letterhead in a two-column table, one paragraph per block."""
    import docx

    head, body = _header_split(text)
    document = docx.Document()
    if head:
        cells = document.add_table(rows=1, cols=2).rows[0].cells
        for cell, right in zip(cells, (False, True), strict=True):
            lines = [line for block in head for line in block if bool(_MOTTO_OR_DATE.search(line)) == right]
            cell.paragraphs[0].text = lines[0]  # a new cell holds one empty paragraph
            for line in lines[1:]:
                cell.add_paragraph(line)
    for block in body:
        document.add_paragraph(" ".join(block))
    document.save(str(path))
    return path


def vietnamese_font() -> Path:
    """Return a TTF font with Vietnamese glyphs, shipped by the fontpkg-be-vietnam-pro package."""
    return Path(str(files("fontpkg_be_vietnam_pro") / "files" / "BeVietnamPro-Regular.ttf"))


def to_pdf(text: str, path: Path, *, running_header: tuple[str, ...] = (), password: str | None = None) -> Path:
    """Write a plan as a justified A4 PDF with page numbers and, from page 2, `running_header` lines."""
    from fpdf import FPDF

    class _Plan(FPDF):
        def header(self) -> None:
            if self.page_no() > 1:
                for line in running_header:
                    self.cell(0, 5, line, align="C", new_x="LMARGIN", new_y="NEXT")
                self.ln(2)

        def footer(self) -> None:
            self.set_y(-15)
            self.cell(0, 10, str(self.page_no()), align="C")

    pdf = _Plan(format="A4")
    pdf.add_font("BeVietnamPro", "", str(vietnamese_font()))
    pdf.set_font("BeVietnamPro", size=12)
    pdf.add_page()
    head, body = _header_split(text)
    for block in head + body[:1]:  # the letterhead and the title keep their own lines, centred
        for line in block:
            pdf.cell(0, 6, line, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    for block in body[1:]:
        pdf.multi_cell(0, 6, " ".join(block), align="J", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    if password is not None:
        pdf.set_encryption(owner_password="owner-secret", user_password=password)
    pdf.output(str(path))
    return path


def to_cp1258(text: str) -> bytes:
    """Encode Vietnamese text in Windows-1258, which writes tone marks as combining characters."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            out.append(char.encode("cp1258"))
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", char)
            shape = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
            out.append((shape + "".join(c for c in decomposed if c in tones)).encode("cp1258"))
    return b"".join(out)


# What a person reads in each real plan: title, year, issuer, channels and the outline of its content items.
EXPECTED: dict[str, dict[str, object]] = {
    HOANG_MAI: {
        "title": "Tuyên truyền Cải cách hành chính Nhà nước phường Hoàng Mai năm 2025",
        "year": 2025,
        "issuer": "Ủy ban nhân dân phường Hoàng Mai",
        "channels": ("radio", "portal", "print"),
        "outline": [(str(n), None, "-") for n in range(1, 7)] + [(f"6.{n}", "6", "+") for n in range(1, 16)],
        "texts": {
            "1": "Những quan điểm, chủ trương của Đảng, chính sách pháp luật của Nhà nước về cải cách hành chính;",
            "6": "Các nội dung khác trong 06 nội dung của cải cách hành chính Nhà nước gồm: Cải cách thể chế; "
            "cải cách thủ tục hành chính; cải cách tổ chức bộ máy hành chính Nhà nước; cải cách chế độ công vụ; "
            "cải cách tài chính công; xây dựng và phát triển chính quyền điện tử, chính quyền số:",
            "6.1": "Việc xây dựng, ban hành văn bản quy phạm pháp luật của Hội đồng nhân dân và Ủy ban nhân dân "
            "phường;",
            "6.5": "Các quy định về quyền, nghĩa vụ, trách nhiệm, đạo đức của cán bộ, công chức, viên chức trong "
            "thực thi công vụ, nhiệm vụ; thực hiện quy tắc ứng xử, văn hóa giao tiếp, tác phong, thái độ phục vụ "
            "Nhân dân của cán bộ, công chức, viên chức; về tăng cường kỷ luật, kỷ cương hành chính trong các cơ "
            "quan, đơn vị;",
            "6.9": "Việc áp dụng Hệ thống quản lý văn bản và điều hành (VNPT - Ioffice), chữ ký số tại các cơ quan, "
            "đơn vị;",
            "6.15": "Tuyên truyền về kết quả thực hiện cải cách hành chính của phường trong năm 2025, những định "
            "hướng của năm 2026.",
        },
    },
    MINH_DUC: {
        "title": "Thông tin, tuyên truyền cải cách hành chính năm 2023",
        "year": 2023,
        "issuer": "Ủy ban nhân dân xã Minh Đức",
        "channels": ("radio", "facebook", "zalo", "portal", "print"),
        "outline": [(str(n), None, "-") for n in range(1, 5)],
        "texts": {
            "1": "Các quan điểm, chủ trương của Đảng, chính sách, pháp luật của Nhà nước về cải cách hành chính. "
            "Vai trò, trách nhiệm của các cấp ủy đảng, đoàn thể, của người đứng đầu cơ quan hành chính các cấp, "
            "người đứng đầu các tổ chức chính trị - xã hội, các đơn vị sự nghiệp công lập đối với việc triển khai "
            "thực hiện nhiệm vụ cải cách hành chính.",
            "3": "Tuyên truyền nâng cao các Chỉ số của tỉnh, gồm: Chỉ số cải cách hành chính (Par index), Chỉ số hài "
            "lòng của người dân, tổ chức đối với sự phục vụ của các cơ quan hành chính nhà nước (Sipas); Chỉ số "
            "hiệu quả quản trị hành chính công (Papi), Chỉ số năng lực cạnh tranh cấp tỉnh (PCI) và các Chỉ số khác.",
            "4": "Tuyên truyền, biểu dương các mô hình, các tập thể, cá nhân điển hình tiên tiến trong thực hiện "
            "nhiệm vụ cải cách hành chính cũng như phản ánh những tồn tại, hạn chế trong hoạt động của cơ quan nhà "
            "nước và trong thực thi công vụ của cán bộ, công chức, viên chức.",
        },
        "contains": {
            "2": (
                "Kế hoạch cải cách hành chính nhà nước giai đoạn 2021-2025 trên địa bàn tỉnh và Kế hoạch",
                "dịch vụ công mức độ 3,4; cải cách tổ chức bộ máy",
                "tuyên truyền mô hình chính quyền điện tử...",
            ),
        },
    },
    HAI_PHONG: {
        "title": "Tuyên truyền cải cách hành chính nhà nước năm 2024",
        "year": 2024,
        "issuer": "Sở Kế hoạch và Đầu tư",
        "channels": ("portal", "led", "email"),
        "outline": [("1", None, "a)"), ("1.1", "1", "-"), ("1.2", "1", "-")]
        + [
            (str(n), None, f"{letter})")
            for n, letter in enumerate(["b", "c", "d", "đ", "e", "f", "g", "h", "i", "k", "l"], start=2)
        ],
        "texts": {
            "1": "Tiếp tục đẩy mạnh tuyên truyền, phổ biến những quan điểm, chủ trương của Đảng, chính sách pháp "
            "luật của Nhà nước về cải cách hành chính:",
            "2": "Vai trò, trách nhiệm của các cấp ủy Đảng, của người đứng đầu cơ quan hành chính nhà nước các "
            "cấp, người đứng đầu các tổ chức chính trị - xã hội, các đơn vị sự nghiệp công lập đối với việc triển "
            "khai thực hiện nhiệm vụ cải cách hành chính.",
            "4": "Tầm quan trọng, ý nghĩa, mục tiêu của cải cách hành chính trong việc góp phần cải thiện môi "
            "trường đầu tư kinh doanh, nâng cao năng lực cạnh tranh, thúc đẩy phát triển kinh tế - xã hội thành phố.",
            "7": "Thông tin kịp thời các phản ánh, kiến nghị của người dân, tổ chức, doanh nghiệp về giải quyết "
            "thủ tục hành chính của các cơ quan, đơn vị có thái độ, hành vi tiêu cực, sách nhiễu trong thi hành "
            "công vụ, giải quyết thủ tục hành chính.",
            "12": "Thực hiện Hệ thống Quản lý chất lượng theo tiêu chuẩn quốc gia TCVN ISO 9001:2015 trong hoạt "
            "động của các cơ quan nhà nước thành phố và triển khai áp dụng tiêu chuẩn TCVN ISO 18091:2020 tại một "
            "số địa phương cấp huyện, cấp xã trên địa bàn thành phố.",
        },
        "contains": {
            "1.1": ("Nội dung Nghị quyết số 76/NQCP ngày 15/7/2021 của Chính phủ", "và các văn bản có liên quan;"),
            "1.2": ("Nội dung các văn bản chỉ đạo, hướng dẫn của Thành ủy", "thành phố Hải Phòng năm 2024."),
            "5": (
                "Kết quả thực hiện công tác cải cách hành chính năm",
                "cải thiện Chỉ số chuyển đổi số cấp tỉnh (DTI).",
            ),
        },
    },
}
