"""The broadcast log: appending records and reading them back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcasts.models import LogRecord, Outcome

__all__ = ["LogQuery", "query_log", "record_dict", "CONTRACT_FIELDS"]

CONTRACT_FIELDS = (
    "id", "airing_id", "bulletin_id", "channel", "outcome", "due_at", "started_at", "finished_at",
    "tts_engine", "audio_path", "audio_sha256", "audio_seconds", "external_id", "external_url",
    "error_code", "error_message",
)


@dataclass(frozen=True, kw_only=True)
class LogQuery:
    """Filters of `loa log`; instants are UTC bounds [since, until)."""

    since: datetime | None = None
    until: datetime | None = None
    channel: str | None = None
    outcome: Outcome | None = None
    airing_ids: tuple[int, ...] | None = None
    limit: int | None = None


def query_log(session: Session, station_id: int, query: LogQuery) -> list[LogRecord]:
    """Records of one station matching `query`, oldest first (by due time, then id)."""
    stmt = select(LogRecord).where(LogRecord.station_id == station_id)
    if query.since is not None:
        stmt = stmt.where(LogRecord.due_at >= query.since)
    if query.until is not None:
        stmt = stmt.where(LogRecord.due_at < query.until)
    if query.channel:
        stmt = stmt.where(LogRecord.channel == query.channel)
    if query.outcome is not None:
        stmt = stmt.where(LogRecord.outcome == query.outcome)
    if query.airing_ids is not None:
        stmt = stmt.where(LogRecord.airing_id.in_(query.airing_ids))
    stmt = stmt.order_by(LogRecord.due_at, LogRecord.id)
    if query.limit:
        stmt = stmt.limit(query.limit)
    return list(session.scalars(stmt))


def record_dict(record: LogRecord, tz: ZoneInfo) -> dict[str, Any]:
    """A record as the JSON contract of `loa log --format json` (times ISO-8601 in the station's zone)."""
    out: dict[str, Any] = {}
    for name in CONTRACT_FIELDS:
        value = getattr(record, name)
        if isinstance(value, datetime):
            value = value.astimezone(tz).isoformat()
        elif isinstance(value, Outcome):
            value = value.value
        out[name] = value
    out["late_seconds"] = record.late_seconds
    return out
