"""Showing records to people: a terminal table, CSV and JSON, in Vietnamese or English."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from typing import Any, Sequence
from zoneinfo import ZoneInfo

from broadcasts.log import CONTRACT_FIELDS, record_dict
from broadcasts.models import LogRecord
from scheduler.times import format_local

__all__ = ["OUTCOME_LABELS", "log_table", "log_csv", "log_json", "table"]

OUTCOME_LABELS = {
    "vi": {"aired": "đã phát", "posted": "đã đăng", "failed": "lỗi", "missed": "bỏ lỡ", "skipped": "bỏ qua",
           "dry_run": "chạy thử", "unknown": "chưa rõ"},
    "en": {"aired": "aired", "posted": "posted", "failed": "failed", "missed": "missed", "skipped": "skipped",
           "dry_run": "dry run", "unknown": "unknown"},
}
_HEADERS = {
    "vi": ["Số", "Lượt", "Kênh", "Kết quả", "Giờ phát", "Trễ", "Thời lượng", "Bộ đọc", "Chi tiết"],
    "en": ["ID", "Airing", "Channel", "Outcome", "Due", "Late", "Length", "Engine", "Detail"],
}


def _width(text: str) -> int:
    return sum(0 if unicodedata.combining(ch) else 1 for ch in text)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if _width(text) <= limit else text[: limit - 1] + "…"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain aligned text table (combining accents take no width)."""
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths)).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    out.extend(line(r) for r in rows)
    return "\n".join(out)


def _detail(record: LogRecord) -> str:
    if record.error_message:
        return record.error_message
    if record.external_url:
        return record.external_url
    if record.audio_path:
        return record.audio_path
    return record.external_id or ""


def log_table(records: Sequence[LogRecord], tz: ZoneInfo, lang: str = "vi", detail_width: int = 70) -> str:
    labels = OUTCOME_LABELS.get(lang, OUTCOME_LABELS["vi"])
    rows = []
    for r in records:
        late = f"{r.late_seconds:.1f}s" if r.late_seconds else ""
        length = f"{r.audio_seconds:.1f}s" if r.audio_seconds else ""
        rows.append([str(r.id), str(r.airing_id), r.channel, labels[r.outcome.value],
                     format_local(r.due_at, tz), late, length, r.tts_engine or "", _clip(_detail(r), detail_width)])
    if not rows:
        return "(nhật ký trống)" if lang == "vi" else "(the log is empty)"
    return table(_HEADERS.get(lang, _HEADERS["vi"]), rows)


def log_json(records: Sequence[LogRecord], tz: ZoneInfo) -> str:
    return json.dumps([record_dict(r, tz) for r in records], ensure_ascii=False, indent=2)


def log_csv(records: Sequence[LogRecord], tz: ZoneInfo) -> str:
    buffer = io.StringIO()
    dicts: list[dict[str, Any]] = [record_dict(r, tz) for r in records]
    fields = [*CONTRACT_FIELDS, "late_seconds"]
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(dicts)
    return buffer.getvalue()
