"""Extract the text of a plan document (.txt, .md, .docx, .pdf) for the plan parser."""

from __future__ import annotations

import io
import logging
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scheduler.errors import PlanError
from scheduler.messages import Phrase

__all__ = ["SUPPORTED_SUFFIXES", "read_plan_text", "check_zip"]

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf")

# An OLE2 compound file: a legacy .doc, or a password-protected .docx (which Word stores this way).
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_ENCRYPTED = "EncryptionInfo".encode("utf-16-le")

# Bounds on what a plan document may unpack to, checked before any parser sees it (a zip bomb must not
# take the web process's memory). A Word plan is a few hundred KB of XML plus its pictures; these leave
# a wide margin. zipfile reads no more than an entry's declared size (and fails its CRC if the data is
# longer), so checking the declared sizes bounds what is unpacked.
MAX_FILE_MB = 50
MAX_UNPACKED_MB = 100
MAX_ENTRIES = 2_000
MAX_RATIO = 200  # uncompressed : compressed, for entries over 1 MB (Word XML compresses about 10:1)
MAX_PDF_PAGES = 1_000
MAX_TEXT_CHARS = 5_000_000
_MB = 1024 * 1024


def read_plan_text(path: Path) -> str:
    """Return the whole text of a plan document, or raise PlanError saying why it cannot be read."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise PlanError("plan_unsupported_type", path=str(path))
    try:
        if path.stat().st_size > MAX_FILE_MB * _MB:
            raise PlanError("plan_too_large", path=str(path), size_mb=_mb(path.stat().st_size), limit_mb=MAX_FILE_MB)
        data = path.read_bytes()
    except OSError as exc:
        raise PlanError("plan_unreadable", path=str(path), reason=exc.strerror or type(exc).__name__) from exc
    if suffix == ".docx":
        text = _docx_text(path, data)
    elif suffix == ".pdf":
        text = _pdf_text(path, data)
    else:
        text = _decode(path, data)
    if not text.strip():
        raise PlanError("plan_empty", path=str(path))
    if len(text) > MAX_TEXT_CHARS:
        raise PlanError("plan_text_too_long", path=str(path), chars=len(text), limit=MAX_TEXT_CHARS)
    return text


def check_zip(path: Path, data: bytes) -> None:
    """Refuse a zip-based document (.docx) whose entries would unpack too large, too many or too dense."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise PlanError("plan_unreadable", path=str(path), reason=_reason(exc, ".docx")) from exc
    if len(entries) > MAX_ENTRIES:
        raise PlanError("plan_too_many_parts", path=str(path), count=len(entries), limit=MAX_ENTRIES)
    total = sum(entry.file_size for entry in entries)
    if total > MAX_UNPACKED_MB * _MB:
        raise PlanError("plan_unpacks_too_large", path=str(path), size_mb=_mb(total), limit_mb=MAX_UNPACKED_MB)
    for entry in entries:
        if entry.file_size > _MB and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            ratio = entry.file_size // max(entry.compress_size, 1)
            raise PlanError("plan_too_dense", path=str(path), part=entry.filename[:80], ratio=ratio, limit=MAX_RATIO)


def _mb(size: int) -> str:
    """A size in MB with one decimal, for messages."""
    return f"{size / _MB:.1f}"


def _decode(path: Path, data: bytes) -> str:
    """Decode a text file: UTF-16 with a BOM or NUL pattern, else UTF-8, else Windows Vietnamese (cp1258)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    elif len(data) >= 4 and data.count(0) * 5 >= len(data):
        encodings = ["utf-16-le" if data[1::2].count(0) > data[0::2].count(0) else "utf-16-be"]
    else:
        encodings = ["utf-8-sig", "cp1258"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise PlanError("plan_unreadable", path=str(path), reason=Phrase("plan_reason_not_text"))


def _docx_text(path: Path, data: bytes) -> str:
    """Return a .docx's paragraphs and table cells in document order, one paragraph per block."""
    if data.startswith(_OLE_MAGIC):
        if _OLE_ENCRYPTED in data:
            raise PlanError("plan_encrypted", path=str(path))
        raise PlanError("plan_unreadable", path=str(path), reason=Phrase("plan_reason_old_doc"))
    check_zip(path, data)
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
        return "\n\n".join(_blocks(document))
    except PlanError:
        raise
    except Exception as exc:  # python-docx, zipfile and lxml raise many kinds of errors on broken files
        raise PlanError("plan_unreadable", path=str(path), reason=_reason(exc, ".docx")) from exc


def _blocks(container: object) -> Iterator[str]:
    """Yield the text of each paragraph of a document or cell, descending into tables row by row."""
    from docx.table import Table

    for block in container.iter_inner_content():  # type: ignore[attr-defined]
        if isinstance(block, Table):
            for row in block.rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell is returned once per grid column it spans
                        continue
                    seen.add(id(cell._tc))
                    yield from _blocks(cell)
        else:
            yield block.text


def _pdf_text(path: Path, data: bytes) -> str:
    """Return a PDF's text, page after page; an encrypted PDF is opened only if it has no user password."""
    from pypdf.errors import LimitReachedError

    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadWarning

        with warnings.catch_warnings(), _quiet("pypdf"):
            warnings.simplefilter("ignore", PdfReadWarning)
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not _opened(reader):
                raise PlanError("plan_encrypted", path=str(path))
            if len(reader.pages) > MAX_PDF_PAGES:
                raise PlanError("plan_too_many_pages", path=str(path), pages=len(reader.pages), limit=MAX_PDF_PAGES)
            texts: list[str] = []
            chars = 0
            for page in reader.pages:
                contents = page.get_contents()
                if contents is not None:
                    contents.get_data()  # raises LimitReachedError on a bomb (extract_text would only log it)
                texts.append(page.extract_text() or "")
                chars += len(texts[-1])
                if chars > MAX_TEXT_CHARS:
                    raise PlanError("plan_text_too_long", path=str(path), chars=chars, limit=MAX_TEXT_CHARS)
            return "\n".join(texts)
    except PlanError:
        raise
    except LimitReachedError as exc:  # pypdf's own bound on one stream (75 MB unpacked)
        raise PlanError("plan_pdf_stream_too_large", path=str(path)) from exc
    except Exception as exc:  # pypdf raises many kinds of errors on broken files
        raise PlanError("plan_unreadable", path=str(path), reason=_reason(exc, ".pdf")) from exc


@contextmanager
def _quiet(name: str) -> Iterator[None]:
    """Silence a library's warnings in the log while it reads a damaged file; its errors still surface."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _opened(reader: object) -> bool:
    """Try the empty user password (permissions-only protection); tell whether the PDF is now readable."""
    try:
        return bool(reader.decrypt(""))  # type: ignore[attr-defined]
    except Exception:  # a missing crypto backend or a broken encryption dictionary: treat as locked
        return False


def _reason(exc: BaseException, kind: str) -> Phrase:
    """A short reason for a library's error on a damaged `kind` file; its own English words are the detail."""
    detail = " ".join(str(exc).split())[:200]
    return Phrase(
        "plan_reason_damaged",
        {"kind": kind, "detail": detail or type(exc).__name__},
    )
