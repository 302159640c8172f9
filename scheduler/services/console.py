"""Read-only views the web console shows: today's programme, channel status, one log record's audio."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from broadcasts.errors import NotFoundError
from broadcasts.models import LogRecord
from scheduler.app import App
from scheduler.programme import planner
from scheduler.programme.planner import ProgrammeLine

__all__ = ["Today", "ChannelStatus", "today", "channel_status", "audio_file"]


@dataclass(frozen=True, kw_only=True)
class Today:
    """The coming airings of the next day and the first of them."""

    now: datetime
    lines: tuple[ProgrammeLine, ...]
    next: ProgrammeLine | None


@dataclass(frozen=True, kw_only=True)
class ChannelStatus:
    """A channel: whether it is wired and its last log record."""

    name: str
    enabled: bool
    last: LogRecord | None


def today(app: App, days: int = 1) -> Today:
    """The programme of the next `days` days and the next airing."""
    now = app.clock.now()
    lines = tuple(planner.upcoming(app, now, days))
    return Today(now=now, lines=lines, next=next((x for x in lines if x.due_at >= now - timedelta(minutes=1)), None))


def channel_status(app: App) -> list[ChannelStatus]:
    """Every known channel with its newest log record."""
    names = list(dict.fromkeys([*app.config.channels.enabled, *app.channels]))
    with app.reads() as session:
        newest = (
            select(LogRecord.channel, func.max(LogRecord.id).label("id"))
            .where(LogRecord.station_id == app.station_id)
            .group_by(LogRecord.channel)
            .subquery()
        )
        last = {r.channel: r for r in session.scalars(select(LogRecord).join(newest, newest.c.id == LogRecord.id))}
    return [ChannelStatus(name=n, enabled=n in app.channels, last=last.get(n)) for n in names]


def audio_file(app: App, record_id: int) -> Path:
    """The archived audio of one log record; only files under the data folder are served."""
    with app.reads() as session:
        record = session.get(LogRecord, record_id)
        if record is None or record.station_id != app.station_id or not record.audio_path:
            raise NotFoundError(kind="audio", id=record_id)
        path = Path(record.audio_path)
    path = (path if path.is_absolute() else app.config.data_dir / path).resolve()
    if not path.is_relative_to(app.config.data_dir.resolve()) or not path.is_file():
        raise NotFoundError(kind="audio", id=record_id)
    return path
