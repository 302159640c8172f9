"""A synthetic broadcast log for the benchmarks: stations, plans, bulletins, airings and records in chunks."""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, insert

from broadcasts.channels import channel_names
from broadcasts.models import Airing, Bulletin, ContentItem, LogRecord, Outcome, Plan, Station

__all__ = ["TZ", "CHANNELS", "ITEMS", "CHUNK", "RADIO", "SOCIAL", "pick", "Filler"]

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CHANNELS = channel_names()
ITEMS = 30
CHUNK = 20_000
RADIO = [(Outcome.aired, 0.95), (Outcome.missed, 0.02), (Outcome.failed, 0.02), (Outcome.skipped, 0.01)]
SOCIAL = [
    (Outcome.posted, 0.90),
    (Outcome.dry_run, 0.05),
    (Outcome.failed, 0.03),
    (Outcome.unknown, 0.01),
    (Outcome.missed, 0.01),
]


def pick(rng: random.Random, table: list[tuple[Outcome, float]]) -> Outcome:
    x = rng.random()
    for outcome, share in table:
        x -= share
        if x < 0:
            return outcome
    return table[0][0]


class Filler:
    """Makes stations, plans, bulletins, airings and log records with explicit ids, inserted in chunks."""

    def __init__(self, sessions: Any, stations: int, seed: int) -> None:
        self.sessions = sessions
        self.stations = stations
        self.rng = random.Random(seed)
        self.ids = {"bulletin": 0, "airing": 0, "record": 0}
        self.rows: dict[str, list[dict[str, Any]]] = {"bulletin": [], "airing": [], "record": []}
        self.items: dict[int, list[int]] = {}
        self.written = 0

    def next_id(self, kind: str) -> int:
        self.ids[kind] += 1
        return self.ids[kind]

    def setup(self, first: datetime) -> None:
        with self.sessions.begin() as session:
            session.execute(
                insert(Station),
                [
                    {
                        "id": s,
                        "code": f"xa-{s:02d}",
                        "name": f"Đài truyền thanh xã Số {s}",
                        "timezone": "Asia/Ho_Chi_Minh",
                    }
                    for s in range(1, self.stations + 1)
                ],
            )
            session.execute(
                insert(Plan),
                [
                    {
                        "id": s,
                        "station_id": s,
                        "title": "Kế hoạch tuyên truyền CCHC",
                        "year": first.year,
                        "issuer": "UBND xã",
                        "channels": list(CHANNELS),
                        "source_name": "kh.docx",
                        "sha256": f"{s:064x}",
                        "imported_at": first,
                        "active": True,
                    }
                    for s in range(1, self.stations + 1)
                ],
            )
            rows = []
            for s in range(1, self.stations + 1):
                self.items[s] = []
                for n in range(ITEMS):
                    item_id = (s - 1) * ITEMS + n + 1
                    rows.append(
                        {
                            "id": item_id,
                            "plan_id": s,
                            "ref": f"{n // 5 + 1}.{n % 5 + 1}",
                            "text": f"Nội dung tuyên truyền số {n + 1}",
                            "position": n,
                            "rotation": "normal",
                        }
                    )
                    self.items[s].append(item_id)
            session.execute(insert(ContentItem), rows)

    def day(self, station: int, day: date, records: int) -> int:
        """Append about `records` records of one station's local day; returns how many were made."""
        made = 0
        per_slot = math.ceil(records / len(CHANNELS) / 2)
        for hour in (6, 17):
            for k in range(per_slot):
                if made >= records:
                    return made
                due = datetime(day.year, day.month, day.day, hour, 0, tzinfo=TZ).astimezone(UTC) + timedelta(
                    minutes=4 * k
                )
                item = self.rng.choice(self.items[station]) if self.rng.random() < 0.85 else None
                bulletin = self.next_id("bulletin")
                self.rows["bulletin"].append(
                    {
                        "id": bulletin,
                        "station_id": station,
                        "title": f"Bản tin {bulletin}",
                        "body": "Thông báo của Ủy ban nhân dân xã về thủ tục hành chính.",
                        "priority": "normal",
                        "approval": "approved",
                        "content_item_id": item,
                        "origin": "rotation" if item else "operator",
                        "created_at": due - timedelta(hours=12),
                    }
                )
                for channel in CHANNELS:
                    if made >= records:
                        break
                    made += self._airing(station, bulletin, channel, due)
        return made

    def _airing(self, station: int, bulletin: int, channel: str, due: datetime) -> int:
        rng = self.rng
        outcome = pick(rng, RADIO if channel == "radio" else SOCIAL)
        airing = self.next_id("airing")
        self.rows["airing"].append(
            {
                "id": airing,
                "bulletin_id": bulletin,
                "station_id": station,
                "channel": channel,
                "due_at": due,
                "status": "unknown" if outcome is Outcome.unknown else "done",
                "outcome": outcome.value,
                "attempts": 1,
                "created_at": due - timedelta(hours=12),
            }
        )
        late = None if outcome in (Outcome.missed, Outcome.failed) else round(rng.expovariate(1 / 3.0), 2)
        started = due + timedelta(seconds=late) if late is not None else None
        seconds = round(rng.uniform(30, 300), 1) if channel == "radio" and outcome is Outcome.aired else None
        record = {
            "id": self.next_id("record"),
            "airing_id": airing,
            "bulletin_id": bulletin,
            "station_id": station,
            "channel": channel,
            "outcome": outcome.value,
            "due_at": due,
            "started_at": started,
            "finished_at": (started or due) + timedelta(seconds=seconds or 2),
            "late_seconds": late,
            "tts_engine": "espeak" if seconds else None,
            "audio_path": f"/srv/loa/data/audio/{due:%Y/%m/%d}/xa-{station:02d}-a{airing}.mp3" if seconds else None,
            "audio_sha256": f"{airing:064x}" if seconds else None,
            "audio_seconds": seconds,
            "external_id": f"{channel}-{airing}" if outcome is Outcome.posted else None,
            "external_url": f"https://www.facebook.com/1/posts/{airing}"
            if outcome is Outcome.posted and channel == "facebook"
            else None,
            "error_code": None if outcome in (Outcome.aired, Outcome.posted, Outcome.dry_run) else outcome.value,
            "error_message": None
            if outcome in (Outcome.aired, Outcome.posted, Outcome.dry_run)
            else "Không kết nối được máy chủ (hết thời gian chờ 20 giây).",
            "detail": None,
            "node": "bench",
            "created_at": (started or due) + timedelta(seconds=(seconds or 2) + 1),
        }
        self.rows["record"].append(record)
        if len(self.rows["record"]) >= CHUNK:
            self.flush()
        return 1

    def flush(self) -> None:
        with self.sessions.begin() as session:
            for kind, model in (("bulletin", Bulletin), ("airing", Airing), ("record", LogRecord)):
                if self.rows[kind]:
                    # the Core table: one executemany, not the ORM's groups by which values are null
                    session.execute(insert(cast(Table, model.__table__)), self.rows[kind])
                    if kind == "record":
                        self.written += len(self.rows[kind])
                    self.rows[kind] = []
