"""The channel interface: what a channel is given (Broadcast) and what it returns (Delivery)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from broadcasts.models import Outcome

__all__ = ["Broadcast", "Delivery", "Channel"]


@dataclass(frozen=True, kw_only=True)
class Broadcast:
    """One airing as a channel sees it: no database, no clock."""

    airing_id: int
    bulletin_id: int
    channel: str
    station_code: str
    station_name: str
    timezone: str
    title: str
    body: str
    post_text: str | None
    priority: str
    due_at: datetime
    attempt: int = 1

    @property
    def local_due(self) -> datetime:
        return self.due_at.astimezone(ZoneInfo(self.timezone))

    @property
    def key(self) -> str:
        """A stable name for this airing's outputs, e.g. an-phu-20261123-0600-a42."""
        return f"{self.station_code}-{self.local_due:%Y%m%d-%H%M}-a{self.airing_id}"


@dataclass(frozen=True, kw_only=True)
class Delivery:
    """What came back from a channel, as it goes into the broadcast log."""

    outcome: Outcome
    tts_engine: str | None = None
    audio_path: str | None = None
    audio_sha256: str | None = None
    audio_seconds: float | None = None
    external_id: str | None = None
    external_url: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    detail: dict[str, Any] | None = field(default=None)


class Channel(Protocol):
    """A way out: the radio, a Facebook Page, a Zalo Official Account."""

    name: str

    def publish(self, broadcast: Broadcast) -> Delivery:
        """Deliver once; raise ChannelError when it did not work."""
        ...

    def recover(self, broadcast: Broadcast) -> Delivery | None:
        """After a crash mid-delivery: what happened (a Delivery), or None if surely nothing went out."""
        ...
