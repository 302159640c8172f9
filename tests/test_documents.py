"""Tests of reading plan documents: text encodings, .docx, .pdf and every way a file can be unreadable."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from scheduler.errors import PlanError
from scheduler.messages import render
from scheduler.plans.documents import SUPPORTED_SUFFIXES, read_plan_text
from scheduler.plans.parse import ParsedPlan, parse_plan
from tests.plan_fixtures import (
    EXPECTED,
    HAI_PHONG,
    MINH_DUC,
    REAL_PLANS,
    blocks,
    outline,
    real_plan,
    to_cp1258,
    to_docx,
    to_markdown,
    to_pdf,
)

RUNNING_HEADER = ("ỦY BAN NHÂN DÂN", "XÃ MINH ĐỨC", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")


def _read_error(path: Path) -> PlanError:
    """Return the PlanError that reading `path` raises."""
    with pytest.raises(PlanError) as caught:
        read_plan_text(path)
    assert caught.value.params["path"] == str(path)
    for lang in ("vi", "en"):
        assert "{" not in render(caught.value, lang)
    return caught.value


def _same_plan(got: ParsedPlan, want: ParsedPlan) -> None:
    """Assert two readings of one plan agree on everything."""
    assert (got.title, got.year, got.issuer, got.channels) == (want.title, want.year, want.issuer, want.channels)
    assert got.items == want.items


def test_supported_suffixes() -> None:
    assert SUPPORTED_SUFFIXES == (".txt", ".md", ".docx", ".pdf")


# -- the real plans as .docx and .pdf --------------------------------------------------------------


@pytest.mark.parametrize("name", REAL_PLANS)
def test_real_plan_as_docx(name: str, tmp_path: Path) -> None:
    text = real_plan(name)
    plan = parse_plan(read_plan_text(to_docx(text, tmp_path / "plan.docx")))
    assert outline(plan.items) == EXPECTED[name]["outline"]
    _same_plan(plan, parse_plan(text))


@pytest.mark.parametrize("name", REAL_PLANS)
def test_real_plan_as_docx_with_word_bullets(name: str, tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    for block in blocks(real_plan(name)):
        line = " ".join(block)
        if line.startswith(("- ", "+ ")):  # Word draws these bullets itself: the text has no marker
            document.add_paragraph(line[2:], style="List Bullet" if line[0] == "-" else "List Bullet 2")
        else:
            document.add_paragraph(line)
    document.save(str(tmp_path / "plan.docx"))

    plan = parse_plan(read_plan_text(tmp_path / "plan.docx"))
    want = parse_plan(real_plan(name)).items
    assert [(item.ref, item.parent, item.text) for item in plan.items] == [(i.ref, i.parent, i.text) for i in want]
    assert [item.label for item in plan.items] == [None if i.label in ("-", "+") else i.label for i in want]


@pytest.mark.parametrize("name", REAL_PLANS)
def test_real_plan_as_pdf_with_page_numbers_and_running_letterhead(name: str, tmp_path: Path) -> None:
    text = real_plan(name)
    extracted = read_plan_text(to_pdf(text, tmp_path / "plan.pdf", running_header=RUNNING_HEADER))
    assert extracted.count("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") >= 2  # the letterhead really repeats
    plan = parse_plan(extracted)
    assert outline(plan.items) == EXPECTED[name]["outline"]
    _same_plan(plan, parse_plan(text))


def test_hai_phong_pdf_breaks_the_content_section_across_pages(tmp_path: Path) -> None:
    extracted = read_plan_text(to_pdf(real_plan(HAI_PHONG), tmp_path / "plan.pdf", running_header=RUNNING_HEADER))
    content = extracted[extracted.index("1. Nội dung tuyên truyền") : extracted.index("III. TỔ CHỨC THỰC HIỆN")]
    assert "\n1\nỦY BAN NHÂN DÂN\nXÃ MINH ĐỨC\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n" in content
    texts = {item.ref: item.text for item in parse_plan(extracted).items}
    assert all(texts[ref] == text for ref, text in EXPECTED[HAI_PHONG]["texts"].items())  # type: ignore[attr-defined]


def test_markdown_file(tmp_path: Path) -> None:
    path = tmp_path / "ke-hoach.md"
    path.write_text(to_markdown(real_plan(HAI_PHONG)), encoding="utf-8")
    _same_plan(parse_plan(read_plan_text(path)), parse_plan(real_plan(HAI_PHONG)))


# -- text encodings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8"),
        lambda text: text.encode("utf-8-sig"),
        lambda text: text.encode("utf-16"),
        lambda text: text.encode("utf-16-le"),
        lambda text: text.encode("utf-16-be"),
        to_cp1258,
    ],
    ids=["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1258"],
)
def test_text_encodings(encode: object, tmp_path: Path) -> None:
    text = real_plan(MINH_DUC)
    path = tmp_path / "ke-hoach.txt"
    path.write_bytes(encode(text))  # type: ignore[operator]
    read = read_plan_text(path)
    assert "\ufeff" not in read
    _same_plan(parse_plan(read), parse_plan(text))


def test_cp1258_really_has_combining_tone_marks() -> None:
    assert "ộ".encode() not in to_cp1258("Cộng hòa") and to_cp1258("ộ") == b"\xf4\xf2"


def test_suffix_case_does_not_matter(tmp_path: Path) -> None:
    path = tmp_path / "KE-HOACH.TXT"
    path.write_text("KẾ HOẠCH", encoding="utf-8")
    assert read_plan_text(path) == "KẾ HOẠCH"


# -- .docx structure -------------------------------------------------------------------------------


def test_docx_paragraphs_and_tables_in_document_order(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Trước bảng")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Ô gộp"
    table.cell(1, 0).text = "Trái"
    inner = table.cell(1, 1).add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "Bảng lồng"
    document.add_paragraph("Sau bảng").add_run().add_break()
    document.paragraphs[-1].add_run("dòng mới")
    path = tmp_path / "bang.docx"
    document.save(str(path))

    text = read_plan_text(path)
    assert text.split("\n\n") == ["Trước bảng", "Ô gộp", "Trái", "", "Bảng lồng", "", "Sau bảng\ndòng mới"]


# -- unreadable files ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ke-hoach.doc", "ke-hoach.odt", "ke-hoach.rtf", "ke-hoach", "ke-hoach.txt.zip"])
def test_unsupported_type(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_text("KẾ HOẠCH", encoding="utf-8")
    assert _read_error(path).code == "plan_unsupported_type"


@pytest.mark.parametrize("suffix", SUPPORTED_SUFFIXES)
def test_missing_file(suffix: str, tmp_path: Path) -> None:
    error = _read_error(tmp_path / f"khong-co{suffix}")
    assert error.code == "plan_unreadable" and error.params["reason"]


def test_directory_is_unreadable(tmp_path: Path) -> None:
    folder = tmp_path / "thu-muc.txt"
    folder.mkdir()
    assert _read_error(folder).code == "plan_unreadable"


@pytest.mark.parametrize("content", [b"", b"   \r\n\t\n", "\ufeff\n".encode("utf-8")])
def test_empty_text_file(content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "trong.txt"
    path.write_bytes(content)
    assert _read_error(path).code == "plan_empty"


def test_binary_text_file(tmp_path: Path) -> None:
    path = tmp_path / "anh.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert _read_error(path).code == "plan_unreadable"


def test_empty_docx(tmp_path: Path) -> None:
    import docx

    path = tmp_path / "trong.docx"
    docx.Document().save(str(path))
    assert _read_error(path).code == "plan_empty"


def test_pdf_without_text(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    path = tmp_path / "ban-quet.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    assert _read_error(path).code == "plan_empty"


def _valid_docx(tmp_path: Path) -> bytes:
    """Return the bytes of a small valid .docx."""
    return to_docx("KẾ HOẠCH\nA\n\n1. Nội dung\n\n- Ý.\n", tmp_path / "nguon.docx").read_bytes()


@pytest.mark.parametrize("damage", ["random", "truncated", "zip without document", "broken xml"])
def test_corrupt_docx(damage: str, tmp_path: Path) -> None:
    data = _valid_docx(tmp_path)
    if damage == "random":
        data = bytes((n * 37) % 256 for n in range(2_000))
    elif damage == "truncated":
        data = data[: len(data) // 2]
    else:
        buffer = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
            for item in source.infolist():
                content = source.read(item)
                if item.filename == "word/document.xml":
                    if damage == "zip without document":
                        continue
                    content = content[: len(content) // 2]
                target.writestr(item, content)
        data = buffer.getvalue()
    path = tmp_path / "hong.docx"
    path.write_bytes(data)
    error = _read_error(path)
    assert error.code == "plan_unreadable" and error.params["reason"]


def test_old_word_file_renamed_to_docx(tmp_path: Path) -> None:
    path = tmp_path / "cu.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4_000))
    error = _read_error(path)
    assert error.code == "plan_unreadable" and error.params["reason"].code == "plan_reason_old_doc"
    assert "(.doc)" in render(error, "vi") and "save it as .docx" in render(error, "en")


def test_password_protected_docx(tmp_path: Path) -> None:
    path = tmp_path / "mat-khau.docx"  # Word stores an encrypted .docx in an OLE file with an EncryptionInfo stream
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "EncryptionInfo".encode("utf-16-le") + bytes(500)
    )
    assert _read_error(path).code == "plan_encrypted"


@pytest.mark.parametrize("damage", ["garbage", "truncated", "header only"])
def test_corrupt_pdf(damage: str, tmp_path: Path) -> None:
    data = to_pdf("KẾ HOẠCH\nA\n\n1. Nội dung\n\n- Ý.\n", tmp_path / "nguon.pdf").read_bytes()
    data = {
        "garbage": b"%PDF-1.7\n" + bytes((n * 91) % 256 for n in range(3_000)),
        "truncated": data[: len(data) // 3],
        "header only": b"%PDF-1.4\n%%EOF\n",
    }[damage]
    path = tmp_path / "hong.pdf"
    path.write_bytes(data)
    error = _read_error(path)
    assert error.code in {"plan_unreadable", "plan_empty"}
    if damage != "truncated":  # a truncated PDF may still give up its first pages' text, or nothing
        assert error.code == "plan_unreadable" and error.params["reason"]


def test_encrypted_pdf(tmp_path: Path) -> None:
    path = to_pdf(real_plan(HAI_PHONG), tmp_path / "mat-khau.pdf", password="bi-mat")
    assert _read_error(path).code == "plan_encrypted"


def test_pdf_protected_only_against_editing_is_read(tmp_path: Path) -> None:
    path = to_pdf(real_plan(HAI_PHONG), tmp_path / "chi-doc.pdf", password="")
    assert len(parse_plan(read_plan_text(path)).items) == len(EXPECTED[HAI_PHONG]["outline"])  # type: ignore[arg-type]


def test_pypdf_encryption_is_also_refused(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    source = to_pdf(real_plan(HAI_PHONG), tmp_path / "nguon.pdf")
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password="123456", owner_password="654321", algorithm="RC4-128")
    path = tmp_path / "rc4.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    assert _read_error(path).code == "plan_encrypted"


# -- bombs: a document that unpacks far larger than it is ------------------------------------------


def _bomb(path: Path, *, name: str, size: int, entries: int = 0) -> Path:
    """A real .docx with one more part of `size` zero bytes (deflated to ~1/1000) and `entries` tiny parts."""
    to_docx(real_plan(MINH_DUC), path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        if size:
            with archive.open(name, "w", force_zip64=True) as part:
                chunk = b"\0" * (1024 * 1024)
                for _ in range(size // len(chunk)):
                    part.write(chunk)
        for i in range(entries):
            archive.writestr(f"loa/part{i}.xml", "<a/>")
    return path


def test_docx_bomb_is_refused_before_parsing(tmp_path: Path) -> None:
    path = _bomb(tmp_path / "bomb.docx", name="word/media/image1.bin", size=120 * 1024 * 1024)
    assert path.stat().st_size < 1024 * 1024  # small on disk, 120 MB unpacked
    error = _read_error(path)
    assert error.code == "plan_unpacks_too_large"
    assert "unpacks to 120" in render(error, "en") and "giải nén" in render(error, "vi")


def test_dense_docx_part_is_refused(tmp_path: Path) -> None:
    error = _read_error(_bomb(tmp_path / "dense.docx", name="word/document2.xml", size=4 * 1024 * 1024))
    assert error.code == "plan_too_dense" and error.params["part"] == "word/document2.xml"
    assert "zip bomb" in render(error, "en")


def test_docx_with_too_many_parts_is_refused(tmp_path: Path) -> None:
    error = _read_error(_bomb(tmp_path / "many.docx", name="", size=0, entries=2_001))
    assert error.code == "plan_too_many_parts"


def test_an_ordinary_docx_passes_the_bounds(tmp_path: Path) -> None:
    from scheduler.plans.documents import check_zip

    path = to_docx(real_plan(MINH_DUC), tmp_path / "plan.docx")
    check_zip(path, path.read_bytes())  # no error


def test_oversized_plan_file_is_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from scheduler.plans import documents

    monkeypatch.setattr(documents, "MAX_FILE_MB", 1)
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * (2 * 1024 * 1024))
    assert _read_error(path).code == "plan_too_large"


def test_pdf_with_too_many_pages_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from scheduler.plans import documents

    monkeypatch.setattr(documents, "MAX_PDF_PAGES", 1)
    path = to_pdf(real_plan(MINH_DUC), tmp_path / "plan.pdf")
    assert _read_error(path).code == "plan_too_many_pages"


def test_pdf_bomb_stream_is_refused(tmp_path: Path) -> None:
    import zlib

    stream = zlib.compress(b"0 0 m\n" * (14 * 1024 * 1024), 9)  # ~84 MB unpacked: over pypdf's 75 MB bound
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    path = tmp_path / "bomb.pdf"
    path.write_bytes(out.getvalue())
    assert path.stat().st_size < 1024 * 1024
    assert _read_error(path).code == "plan_pdf_stream_too_large"
