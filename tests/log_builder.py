"""Build a broadcast log row by row, straight into the database, for the log and report tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from broadcasts.models import Airing, AiringStatus, Bulletin, ContentItem, LogRecord, Outcome, Plan, Station

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def local(year: int, month: int, day: int, hour: int = 6, minute: int = 0) -> datetime:
    """A station-local wall time as an aware UTC instant."""
    return datetime(year, month, day, hour, minute, tzinfo=TZ).astimezone(UTC)


class LogBuilder:
    """Adds plans, bulletins, airings and log records for one station; remembers the ids it made."""

    def __init__(self, sessions: Any, station_id: int) -> None:
        self.sessions = sessions
        self.station_id = station_id
        self.items: dict[str, int] = {}
        self.plan_id: int | None = None

    @classmethod
    def other_station(cls, sessions: Any, code: str = "other") -> LogBuilder:
        with sessions.begin() as session:
            station = Station(code=code, name="Đài xã Khác", timezone="Asia/Ho_Chi_Minh")
            session.add(station)
            session.flush()
            return cls(sessions, station.id)

    def plan(
        self,
        refs: list[str],
        *,
        title: str = "Kế hoạch tuyên truyền cải cách hành chính năm 2026",
        skipped: tuple[str, ...] = (),
    ) -> dict[str, int]:
        """A plan of items `refs` (a ref "1.2" has the parent "1"); returns ref -> item id."""
        now = local(2026, 1, 5, 8)
        with self.sessions.begin() as session:
            plan = Plan(
                station_id=self.station_id,
                title=title,
                year=2026,
                issuer="UBND xã",
                channels=["radio"],
                source_name="kh.txt",
                sha256=f"{self.station_id:064d}",
                imported_at=now,
                active=True,
            )
            session.add(plan)
            session.flush()
            for position, ref in enumerate(refs):
                parent = self.items.get(ref.rsplit(".", 1)[0]) if "." in ref else None
                item = ContentItem(
                    plan_id=plan.id,
                    ref=ref,
                    text=f"Nội dung {ref}: tuyên truyền thủ tục hành chính",
                    position=position,
                    parent_id=parent,
                    rotation="skipped" if ref in skipped else "normal",
                )
                session.add(item)
                session.flush()
                self.items[ref] = item.id
            self.plan_id = plan.id
        return dict(self.items)

    def airing(
        self,
        channel: str,
        due: datetime,
        *,
        item: str | None = None,
        origin: str = "operator",
        title: str | None = None,
        status: AiringStatus = AiringStatus.pending,
        retry_of: int | None = None,
        body: str = "Thông báo của UBND xã.",
    ) -> tuple[int, int]:
        """A bulletin and one airing of it; returns (airing id, bulletin id)."""
        with self.sessions.begin() as session:
            bulletin = Bulletin(
                station_id=self.station_id,
                title=title or f"Bản tin {item or origin}",
                body=body,
                content_item_id=self.items.get(item) if item else None,
                origin=origin,
                created_at=due - timedelta(days=1),
            )
            session.add(bulletin)
            session.flush()
            airing = Airing(
                bulletin_id=bulletin.id,
                station_id=self.station_id,
                channel=channel,
                due_at=due,
                status=status,
                retry_of=retry_of,
                created_at=due - timedelta(days=1),
            )
            session.add(airing)
            session.flush()
            return airing.id, bulletin.id

    def record(
        self,
        channel: str,
        outcome: str,
        due: datetime,
        *,
        item: str | None = None,
        origin: str = "operator",
        seconds: float | None = None,
        late: float | None = 0.0,
        error_code: str | None = None,
        error_message: str | None = None,
        url: str | None = None,
        airing: int | None = None,
        retry_of: int | None = None,
        title: str | None = None,
        audio_path: str | None = None,
        sha256: str | None = None,
        detail: dict[str, Any] | None = None,
        body: str = "Thông báo của UBND xã.",
    ) -> tuple[int, int]:
        """A log record (and, unless `airing` is given, its bulletin and airing); returns (airing id, record id)."""
        result = Outcome(outcome)
        status = AiringStatus.unknown if result is Outcome.unknown else AiringStatus.done
        if airing is None:
            airing, _ = self.airing(
                channel, due, item=item, origin=origin, title=title, status=status, retry_of=retry_of, body=body
            )
        with self.sessions.begin() as session:
            row = session.get_one(Airing, airing)
            row.status, row.outcome = status, result
            started = due + timedelta(seconds=late) if late is not None else None
            record = LogRecord(
                airing_id=airing,
                bulletin_id=row.bulletin_id,
                station_id=self.station_id,
                channel=channel,
                outcome=result,
                due_at=row.due_at,
                started_at=started,
                finished_at=(started or due) + timedelta(seconds=seconds or 1),
                late_seconds=late,
                audio_seconds=seconds,
                audio_path=audio_path,
                audio_sha256=sha256,
                tts_engine="espeak" if channel == "radio" and seconds else None,
                external_id=f"{channel}-{airing}" if result is Outcome.posted else None,
                external_url=url,
                error_code=error_code,
                error_message=error_message,
                detail=detail,
                node="test",
                created_at=(started or due) + timedelta(seconds=(seconds or 1) + 1),
            )
            session.add(record)
            session.flush()
            return airing, record.id
