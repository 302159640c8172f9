"""The Zalo Official Account channel: an OA article, and text to the OA's groups.

Requests are built by pure functions; in dry-run they are recorded in the log
(without tokens) and nothing is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from broadcasts.channel import Broadcast, Delivery
from broadcasts.errors import ChannelError
from broadcasts.models import Outcome
from broadcasts.posts import ZALO_TEXT_LIMIT, render_post

__all__ = ["ZaloSettings", "ZaloChannel", "zalo_requests"]


@dataclass(frozen=True, kw_only=True)
class ZaloSettings:
    api_url: str = "https://openapi.zalo.me"
    dry_run: bool = True
    group_ids: Sequence[str] = ()
    broadcast: bool = False
    timeout_seconds: float = 20.0


def zalo_requests(broadcast: Broadcast, settings: ZaloSettings) -> list[dict[str, Any]]:
    """The OA API requests that publish `broadcast` (the access_token header is added only when sending)."""
    api = settings.api_url.rstrip("/")
    body = render_post(broadcast, limit=100_000)
    article = {
        "method": "POST",
        "url": f"{api}/v2.0/article/create",
        "json": {
            "type": "normal",
            "title": broadcast.title.strip()[:150] or broadcast.station_name,
            "author": broadcast.station_name[:50],
            "description": body[:300],
            "body": [{"type": "text", "content": body}],
            "status": "show",
            "comment": "show",
        },
    }
    text = render_post(broadcast, limit=ZALO_TEXT_LIMIT)
    groups = [
        {"method": "POST", "url": f"{api}/v3.0/oa/group/message",
         "json": {"recipient": {"group_id": group}, "message": {"text": text}}}
        for group in settings.group_ids
    ]
    return [article, *groups]


class ZaloChannel:
    """Publishes bulletins on a Zalo Official Account and its groups."""

    name = "zalo"

    def __init__(self, settings: ZaloSettings) -> None:
        self.settings = settings

    def publish(self, broadcast: Broadcast) -> Delivery:
        requests = zalo_requests(broadcast, self.settings)
        if self.settings.dry_run:
            return Delivery(outcome=Outcome.dry_run, detail={"requests": requests})
        raise ChannelError("channel_live_unavailable", channel=self.name)

    def recover(self, broadcast: Broadcast) -> Delivery | None:
        return None if self.settings.dry_run else Delivery(outcome=Outcome.unknown, error_code="crashed_unclear")
