"""The broadcast log: reading records back, filtered and paged.

The log is append-only: a correction (a reconciled post, an operator's mark)
is a new record of the same airing, never an edit, so nothing here writes.
Text search folds case and, when the words typed have no diacritics, the
diacritics too ("thue" finds "thuế"); it runs in Python over the records the
other filters leave, because SQLite cannot fold Vietnamese.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from broadcasts.channels.base import Delivery
from broadcasts.models import Airing, Bulletin, ContentItem, LogRecord, Outcome
from broadcasts.redact import scrub_value
from broadcasts.store import clean_text

__all__ = [
    "new_record",
    "LogQuery",
    "LogPage",
    "query_log",
    "count_log",
    "read_page",
    "bulletin_titles",
    "record_dict",
    "fold",
    "CONTRACT_FIELDS",
]

CONTRACT_FIELDS = (
    "id",
    "airing_id",
    "bulletin_id",
    "channel",
    "outcome",
    "due_at",
    "started_at",
    "finished_at",
    "tts_engine",
    "audio_path",
    "audio_sha256",
    "audio_seconds",
    "external_id",
    "external_url",
    "error_code",
    "error_message",
    "zone",
    "heard_delay_ms",
    "heard_seconds",
    "silent_seconds",
    "longest_silence_seconds",
    "node",  # the runner node that wrote it ("which node aired this")
    "station_id",  # whose record it is (a province's consolidated log, `loa log --stations`)
)
_CHUNK = 2_000
_S = TypeVar("_S", bound=Select)


@dataclass(frozen=True, kw_only=True)
class LogQuery:
    """Filters of `loa log`; instants are UTC bounds [since, until); empty tuples mean "any"."""

    since: datetime | None = None
    until: datetime | None = None
    channel: str | None = None
    channels: tuple[str, ...] = ()
    outcome: Outcome | None = None
    outcomes: tuple[Outcome, ...] = ()
    plan_id: int | None = None
    item_ref: str | None = None
    text: str | None = None
    airing_ids: tuple[int, ...] | None = None
    # a province's consolidated log: these stations instead of the one asked for (None: that one only)
    station_ids: tuple[int, ...] | None = None
    limit: int | None = None
    offset: int = 0

    @property
    def all_channels(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(([self.channel] if self.channel else []) + list(self.channels)))

    @property
    def all_outcomes(self) -> tuple[Outcome, ...]:
        return tuple(dict.fromkeys(([self.outcome] if self.outcome else []) + list(self.outcomes)))


@dataclass(frozen=True, kw_only=True)
class LogPage:
    """One page of the log: its records (oldest first), how many match in all, and the bulletin titles."""

    records: list[LogRecord]
    total: int
    offset: int = 0
    titles: dict[int, str] = field(default_factory=dict)


def fold(text: str, *, accents: bool = False) -> str:
    """Text for matching: NFC, case-folded, and without diacritics unless `accents` (đ becomes d)."""
    text = unicodedata.normalize("NFC", text).casefold()
    if accents:
        return text
    text = text.replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _has_accents(text: str) -> bool:
    return fold(text, accents=True) != fold(text)


def _filtered(stmt: _S, station_id: int, query: LogQuery) -> _S:
    """`stmt` (over log_records) narrowed by every filter except the text search."""
    if query.station_ids is not None:
        stmt = stmt.where(LogRecord.station_id.in_(query.station_ids))
    else:
        stmt = stmt.where(LogRecord.station_id == station_id)
    if query.since is not None:
        stmt = stmt.where(LogRecord.due_at >= query.since)
    if query.until is not None:
        stmt = stmt.where(LogRecord.due_at < query.until)
    channels = query.all_channels
    if channels:
        stmt = stmt.where(LogRecord.channel.in_(channels) if len(channels) > 1 else LogRecord.channel == channels[0])
    outcomes = query.all_outcomes
    if outcomes:
        stmt = stmt.where(LogRecord.outcome.in_(outcomes) if len(outcomes) > 1 else LogRecord.outcome == outcomes[0])
    if query.airing_ids is not None:
        stmt = stmt.where(LogRecord.airing_id.in_(query.airing_ids))
    if query.plan_id is not None or query.item_ref:
        stmt = stmt.join(Bulletin, Bulletin.id == LogRecord.bulletin_id).join(
            ContentItem, ContentItem.id == Bulletin.content_item_id
        )
        if query.plan_id is not None:
            stmt = stmt.where(ContentItem.plan_id == query.plan_id)
        if query.item_ref:
            ref = query.item_ref.strip()
            stmt = stmt.where(or_(ContentItem.ref == ref, ContentItem.ref.startswith(ref + ".", autoescape=True)))
    return stmt


def _search_ids(session: Session, station_id: int, query: LogQuery) -> list[int]:
    """Ids (in log order) of the records whose bulletin or outcome text contains `query.text`."""
    assert query.text is not None
    accents = _has_accents(query.text)
    needle = fold(query.text.strip(), accents=accents)
    columns = select(
        LogRecord.id,
        LogRecord.bulletin_id,
        LogRecord.error_code,
        LogRecord.error_message,
        LogRecord.external_id,
        LogRecord.external_url,
        LogRecord.audio_path,
    )
    stmt = _filtered(columns, station_id, query)
    rows = session.execute(stmt.order_by(LogRecord.due_at, LogRecord.id)).all()
    bulletins: dict[int, str] = {}
    wanted = sorted({r.bulletin_id for r in rows})
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        for bid, title, body, post in session.execute(
            select(Bulletin.id, Bulletin.title, Bulletin.body, Bulletin.post_text).where(Bulletin.id.in_(chunk))
        ):
            bulletins[bid] = fold(" ".join(x for x in (title, body, post) if x), accents=accents)
    found = []
    for row in rows:
        own = fold(
            " ".join(
                x for x in (row.error_code, row.error_message, row.external_id, row.external_url, row.audio_path) if x
            ),
            accents=accents,
        )
        if needle in own or needle in bulletins.get(row.bulletin_id, ""):
            found.append(row.id)
    return found


def _by_ids(session: Session, ids: Sequence[int]) -> list[LogRecord]:
    records: list[LogRecord] = []
    for start in range(0, len(ids), _CHUNK):
        records.extend(session.scalars(select(LogRecord).where(LogRecord.id.in_(ids[start : start + _CHUNK]))))
    return sorted(records, key=lambda r: (r.due_at, r.id))


def query_log(session: Session, station_id: int, query: LogQuery) -> list[LogRecord]:
    """Records of one station matching `query`, oldest first (by due time, then id)."""
    if query.text:
        ids = _search_ids(session, station_id, query)
        end = query.offset + query.limit if query.limit else None
        return _by_ids(session, ids[query.offset : end])
    stmt = _filtered(select(LogRecord), station_id, query).order_by(LogRecord.due_at, LogRecord.id)
    if query.offset:
        stmt = stmt.offset(query.offset)
    if query.limit:
        stmt = stmt.limit(query.limit)
    return list(session.scalars(stmt))


def count_log(session: Session, station_id: int, query: LogQuery) -> int:
    """How many records match `query`, ignoring its limit and offset."""
    if query.text:
        return len(_search_ids(session, station_id, query))
    return session.scalar(_filtered(select(func.count(LogRecord.id)), station_id, query)) or 0


def bulletin_titles(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """Titles of the given bulletins, by id."""
    wanted = sorted(set(ids))
    titles: dict[int, str] = {}
    for start in range(0, len(wanted), _CHUNK):
        titles.update(
            (bid, title)
            for bid, title in session.execute(
                select(Bulletin.id, Bulletin.title).where(Bulletin.id.in_(wanted[start : start + _CHUNK]))
            )
        )
    return titles


def read_page(session: Session, station_id: int, query: LogQuery) -> LogPage:
    """One page of matching records, the total count and the titles of their bulletins."""
    if query.text:
        ids = _search_ids(session, station_id, query)
        end = query.offset + query.limit if query.limit else None
        records, total = _by_ids(session, ids[query.offset : end]), len(ids)
    else:
        records = query_log(session, station_id, query)
        paged = query.offset or (query.limit is not None and len(records) >= query.limit)
        total = count_log(session, station_id, query) if paged else len(records)
    return LogPage(
        records=records,
        total=total,
        offset=query.offset,
        titles=bulletin_titles(session, (r.bulletin_id for r in records)),
    )


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
    out["detail"] = record.detail
    return out


def new_record(
    airing: Airing,
    delivery: Delivery,
    *,
    node: str,
    started: datetime | None,
    finished: datetime,
    late_seconds: float | None = None,
    error_message: str | None = None,
    detail: dict[str, Any] | None = None,
) -> LogRecord:
    """The log record of what `delivery` says happened to `airing` (the caller adds it in its transaction).

    What came back from a service is scrubbed of secrets (a reply may echo the token) and cut to its column.
    """
    return LogRecord(
        airing_id=airing.id,
        bulletin_id=airing.bulletin_id,
        station_id=airing.station_id,
        channel=airing.channel,
        outcome=delivery.outcome,
        due_at=airing.due_at,
        started_at=started,
        finished_at=finished,
        late_seconds=late_seconds,
        tts_engine=_cut(delivery.tts_engine, 32),
        audio_path=delivery.audio_path,
        audio_sha256=_cut(delivery.audio_sha256, 64),
        audio_seconds=delivery.audio_seconds,
        external_id=_cut(delivery.external_id, 255),
        external_url=_cut(delivery.external_url, 2_000),
        zone=airing.zone,
        heard_delay_ms=delivery.heard_delay_ms,
        heard_seconds=delivery.heard_seconds,
        silent_seconds=delivery.silent_seconds,
        longest_silence_seconds=delivery.longest_silence_seconds,
        error_code=_cut(delivery.error_code, 64),
        error_message=_cut(error_message if error_message is not None else delivery.error_message, 4_000),
        detail=_clean(scrub_value(delivery.detail if detail is None else detail)),
        node=node,
        created_at=finished,
    )


def _cut(value: Any, length: int) -> Any:
    """A string from a service, scrubbed of secrets, made storable and cut to `length`; other values as they are."""
    return clean_text(scrub_value(value))[:length] if isinstance(value, str) else value


def _clean(value: Any) -> Any:
    """A reply's parsed JSON made storable: every string in it without NUL or lone surrogates."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value
