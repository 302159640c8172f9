"""Showing records to people: a terminal table, CSV and JSON, in Vietnamese or English."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import PurePath
from typing import Any
from zoneinfo import ZoneInfo

from broadcasts.log import CONTRACT_FIELDS, record_dict
from broadcasts.models import LogRecord
from scheduler.messages import text
from scheduler.messages.labels import LOG_HEADERS, NOTE_LABELS, OUTCOME_LABELS
from scheduler.programme.times import format_local

__all__ = ["log_table", "log_csv", "log_json", "table", "short_duration", "clock_duration"]


def _width(text: str) -> int:
    return sum(0 if unicodedata.combining(ch) else 1 for ch in text)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if _width(text) <= limit:
        return text
    text = unicodedata.normalize("NFC", text)
    return text[: limit - 1] + "…"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain aligned text table (combining accents take no width)."""
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=False)).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    out.extend(line(r) for r in rows)
    return "\n".join(out)


def short_duration(seconds: float | None) -> str:
    """Lateness as people say it: "" under a second, then 12s, 3m05s, 1h02m."""
    if seconds is None or seconds < 1:
        return ""
    whole = round(seconds)
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole // 3600}h{whole % 3600 // 60:02d}m"


def clock_duration(seconds: float | None) -> str:
    """A length of audio as m:ss (h:mm:ss past an hour); "" when unknown."""
    if not seconds:
        return ""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def _detail(record: LogRecord, lang: str, width: int) -> str:
    """The one thing worth reading about a record: the error, else the post link, else the audio file."""
    notes = [label for key, label in NOTE_LABELS.get(lang, NOTE_LABELS["vi"]).items() if (record.detail or {}).get(key)]
    prefix = f"[{', '.join(notes)}] " if notes else ""
    if record.error_message:
        first = record.error_message.strip().splitlines()[0] if record.error_message.strip() else ""
        return _clip(prefix + first, width)
    if record.external_url:  # a link is only useful whole
        return prefix + record.external_url
    if record.audio_path:
        return _clip(prefix + PurePath(record.audio_path).name, width)
    return _clip(prefix + (record.external_id or record.error_code or ""), width)


def log_table(
    records: Sequence[LogRecord],
    tz: ZoneInfo,
    lang: str = "vi",
    detail_width: int = 60,
    *,
    titles: Mapping[int, str] | None = None,
    title_width: int = 32,
    stations: Mapping[int, str] | None = None,
) -> str:
    """The log as an aligned table: local times, lateness, audio length, bulletin title and the detail;
    with `stations` (a province's log: station id -> code) each channel cell names its station first."""
    labels = OUTCOME_LABELS.get(lang, OUTCOME_LABELS["vi"])
    rows = []
    for r in records:
        title = (titles or {}).get(r.bulletin_id, "")
        rows.append(
            [
                str(r.id),
                str(r.airing_id),
                format_local(r.due_at, tz, "%Y-%m-%d %H:%M"),
                (f"{stations.get(r.station_id, r.station_id)} " if stations else "")
                + (f"{r.channel}:{r.zone}" if r.zone else r.channel),
                labels[r.outcome.value],
                short_duration(r.late_seconds),
                clock_duration(r.audio_seconds),
                _clip(title, title_width),
                _detail(r, lang, detail_width),
            ]
        )
    if not rows:
        return text("log_empty", lang)
    headers = LOG_HEADERS.get(lang, LOG_HEADERS["vi"])
    if titles is None:
        keep = [i for i in range(len(headers)) if i != 7]
        headers = [headers[i] for i in keep]
        rows = [[row[i] for i in keep] for row in rows]
    return table(headers, rows)


def log_json(records: Sequence[LogRecord], tz: ZoneInfo) -> str:
    return json.dumps([record_dict(r, tz) for r in records], ensure_ascii=False, indent=2)


def log_csv(records: Sequence[LogRecord], tz: ZoneInfo, titles: Mapping[int, str] | None = None) -> str:
    """The contract fields, lateness and (when known) the bulletin title, one record a row.

    Text that a spreadsheet program would run as a formula (a title starting with `=`, ...) gets a leading
    apostrophe, as in the report's CSV."""
    from scheduler.report.cells import csv_text

    buffer = io.StringIO()
    fields = [*CONTRACT_FIELDS, "late_seconds"] + (["title"] if titles is not None else [])
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for r in records:
        row: dict[str, Any] = record_dict(r, tz)
        if titles is not None:
            row["title"] = titles.get(r.bulletin_id, "")
        writer.writerow({key: csv_text(value) for key, value in row.items()})
    return buffer.getvalue()
