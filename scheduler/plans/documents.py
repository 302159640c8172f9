"""Extract the text of a plan document (.txt, .md, .docx, .pdf) for the plan parser."""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scheduler.errors import PlanError
from scheduler.messages import Phrase

__all__ = ["SUPPORTED_SUFFIXES", "read_plan_text"]

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf")

# An OLE2 compound file: a legacy .doc, or a password-protected .docx (which Word stores this way).
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_ENCRYPTED = "EncryptionInfo".encode("utf-16-le")


def read_plan_text(path: Path) -> str:
    """Return the whole text of a plan document, or raise PlanError saying why it cannot be read."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise PlanError("plan_unsupported_type", path=str(path))
    try:
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
    return text


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
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadWarning

        with warnings.catch_warnings(), _quiet("pypdf"):
            warnings.simplefilter("ignore", PdfReadWarning)
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not _opened(reader):
                raise PlanError("plan_encrypted", path=str(path))
            return "\n".join(page.extract_text() or "" for page in reader.pages)
    except PlanError:
        raise
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
