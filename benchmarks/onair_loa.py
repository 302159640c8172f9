"""The benchmark's Loa side: bulletins queued in the database, aired by the real Runner to the Icecast sink.

What runs is Loa's own on-air path with the system clock: `build_app` with a
SQLite store, one approved bulletin and one radio airing per clip with its due
time, and `Runner.start()` whose APScheduler timers (scheduler/runner/timers.py)
fire each airing at its due time; `Runner.execute` claims it, takes the radio's
turn and calls the channel's `publish`. The channel here is `ClipChannel`,
which hands the bulletin's pre-made clip straight to `IcecastSink.play` instead
of rendering speech: in production the render happens ahead of the air time
(`render_lead_seconds`), so at the due time the radio channel also only looks
up a finished MP3 and calls `sink.play`.

The sink is Loa's Icecast sink: kept-up (`keep_up=True`, the mount open with
silence between airings, #16) when this checkout's `IcecastSink` takes that
argument, otherwise the per-airing sink (a new source connection per bulletin;
the listener then finds the mount only once the airing has connected).
"""

from __future__ import annotations

import inspect
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from audio.mix import EncodeSettings
from audio.sinks.icecast import IcecastSink
from broadcasts.channels.base import Broadcast, Delivery
from broadcasts.models import Airing, AiringStatus, Approval, Bulletin, LogRecord, Outcome, Priority
from scheduler.app import App, build_app
from scheduler.config import parse_config
from scheduler.runner import Runner

__all__ = ["ClipChannel", "LoaSide", "keep_up_supported"]


def keep_up_supported() -> bool:
    """Whether this checkout's IcecastSink can keep the mount up between airings."""
    return "keep_up" in inspect.signature(IcecastSink).parameters


class ClipChannel:
    """The radio channel with its render done: plays the bulletin's clip through the sink."""

    name = "radio"

    def __init__(self, sink: Any, clips: dict[int, Path]) -> None:
        self.sink = sink
        self.clips = clips  # bulletin id -> MP3

    def publish(self, broadcast: Broadcast) -> Delivery:
        played = self.sink.play(self.clips[broadcast.bulletin_id], key=broadcast.key)
        return Delivery(outcome=Outcome.aired, external_id=played.target, detail={"sink": played.sink})

    def recover(self, broadcast: Broadcast) -> Delivery | None:
        return None

    def interrupt(self) -> None:
        self.sink.stop()


class LoaSide:
    """Loa's store, sink and runner for one benchmark run; `start`, `queue`, then `stop`."""

    def __init__(self, folder: Path, *, url: str, password: str, keep_up: bool) -> None:
        self.folder = folder
        self.keep_up = keep_up
        kwargs: dict[str, Any] = {
            "url": url,
            "user": "source",
            "password": password,
            "timeout": 5.0,
            "ledger": folder / "ledger",
        }
        if keep_up:
            kwargs.update(keep_up=True, encoding=EncodeSettings())
        self.sink: Any = IcecastSink(**kwargs)
        self.clips: dict[int, Path] = {}
        config = parse_config(
            {
                "station": {"name": "Bench", "code": "bench"},
                "database": {"url": f"sqlite:///{folder / 'loa.db'}"},
                "runner": {"poll_seconds": 1.0, "workers": 2},
                "channels": {"enabled": ["radio"], "radio": {"grace_minutes": 60.0}},
            },
            source="<benchmark>",
            base_dir=folder,
        )
        self.app: App = build_app(config, channels={"radio": ClipChannel(self.sink, self.clips)})
        self.runner = Runner(self.app)

    def open_mount(self) -> None:
        """Kept-up: become the mount's source now, before any bulletin (the per-airing sink has nothing to do)."""
        if self.keep_up:
            self.sink.start()

    def queue(self, items: list[tuple[Path, datetime]]) -> None:
        """One approved bulletin and one radio airing per (clip, due time)."""
        now = datetime.now(UTC)
        with self.app.sessions.begin() as session:
            for index, (clip, due) in enumerate(items):
                bulletin = Bulletin(
                    station_id=self.app.station_id,
                    title=f"bench {index + 1}",
                    body="bench",
                    priority=Priority.normal,
                    approval=Approval.approved,
                    origin="benchmark",
                    created_at=now,
                )
                session.add(bulletin)
                session.flush()
                self.clips[bulletin.id] = clip
                session.add(
                    Airing(
                        bulletin_id=bulletin.id,
                        station_id=self.app.station_id,
                        channel="radio",
                        due_at=due,
                        status=AiringStatus.pending,
                        attempts=0,
                        created_at=now,
                    )
                )

    def start(self) -> None:
        self.runner.start()
        self.runner.ready.wait(30)

    def records(self) -> list[tuple[datetime, datetime | None, str]]:
        """(due, started, outcome) of each log record, in due order: the runner's own view of the run."""
        from sqlalchemy import select

        with self.app.sessions() as session:
            rows = session.execute(
                select(LogRecord.due_at, LogRecord.started_at, LogRecord.outcome).order_by(LogRecord.due_at)
            ).all()
        return [(_aware(r.due_at), _aware(r.started_at) if r.started_at else None, str(r.outcome.value)) for r in rows]

    def stop(self) -> None:
        try:
            self.runner.stop()
        finally:
            close = getattr(self.sink, "close", None)
            if close is not None:
                close()
            self.app.close()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def late_ms(records: list[tuple[datetime, datetime | None, str]]) -> list[float]:
    """How late the runner says each airing started (its started_at minus due), in ms."""
    return [(started - due) / timedelta(milliseconds=1) for due, started, _ in records if started is not None]
