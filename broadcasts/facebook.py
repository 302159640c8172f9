"""The Facebook Page channel: Graph API `POST /{page-id}/feed`.

The request is built by a pure function; in dry-run it is recorded in the log
(without the token) and nothing is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from broadcasts.channel import Broadcast, Delivery
from broadcasts.errors import ChannelError
from broadcasts.models import Outcome
from broadcasts.posts import FACEBOOK_LIMIT, render_post

__all__ = ["FacebookSettings", "FacebookChannel", "feed_request"]


@dataclass(frozen=True, kw_only=True)
class FacebookSettings:
    page_id: str
    graph_url: str = "https://graph.facebook.com/v25.0"
    dry_run: bool = True
    timeout_seconds: float = 20.0
    hashtags: Sequence[str] = ()


def feed_request(broadcast: Broadcast, settings: FacebookSettings) -> dict[str, Any]:
    """The Graph API request that publishes `broadcast` (the token is added only when sending)."""
    page = settings.page_id or "{page-id}"
    return {
        "method": "POST",
        "url": f"{settings.graph_url.rstrip('/')}/{page}/feed",
        "data": {"message": render_post(broadcast, limit=FACEBOOK_LIMIT, hashtags=settings.hashtags)},
    }


class FacebookChannel:
    """Posts bulletins to a Facebook Page."""

    name = "facebook"

    def __init__(self, settings: FacebookSettings) -> None:
        self.settings = settings

    def publish(self, broadcast: Broadcast) -> Delivery:
        request = feed_request(broadcast, self.settings)
        if self.settings.dry_run:
            return Delivery(outcome=Outcome.dry_run, detail={"request": request})
        raise ChannelError("channel_live_unavailable", channel=self.name)

    def recover(self, broadcast: Broadcast) -> Delivery | None:
        return None if self.settings.dry_run else Delivery(outcome=Outcome.unknown, error_code="crashed_unclear")
