"""Finding a post again on the Page feed by its airing key, and the Graph calls that read.

The lookup reads `GET /{page-id}/feed?fields=id,message,created_time,permalink_url`
newest first with `since` (https://developers.facebook.com/docs/graph-api/reference/page/feed)
and follows the cursor `paging.cursors.after` for as long as the reply names a
`paging.next` page (https://developers.facebook.com/docs/graph-api/results)
and the posts read are still inside the lookup window, so a busy Page is
covered in full, not only its first pages. The `next` URL itself is not
requested: Graph puts the access token in it, and tokens never sit in a URL here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import requests

from broadcasts.channels.base import Broadcast, Delivery
from broadcasts.channels.facebook_graph import graph_error
from broadcasts.channels.http import read_json, send
from broadcasts.errors import ChannelError
from broadcasts.models import Outcome
from broadcasts.redact import scrub

__all__ = ["Auth", "get", "find_post", "LOOKUP_WINDOW", "MAX_PAGES", "PAGE_SIZE"]

LOOKUP_WINDOW = timedelta(days=1)  # posts older than this before the airing's due time are not searched
PAGE_SIZE = 100  # Graph's largest page of a feed read
MAX_PAGES = 50  # 5,000 posts in the window: beyond that the lookup says it could not cover it


@dataclass(frozen=True)
class Auth:
    """The credentials of one call: the token, and the appsecret_proof when the app requires one."""

    token: str
    proof: str | None = None

    @property
    def form(self) -> dict[str, str]:
        """Fields for a POST body."""
        return {"access_token": self.token, **({"appsecret_proof": self.proof} if self.proof else {})}

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Query parameters of a read, with the proof (a hash, useless without the token)."""
        return {**params, **({"appsecret_proof": self.proof} if self.proof else {})}


def get(
    session: requests.Session,
    url: str,
    auth: Auth,
    params: Mapping[str, Any],
    *,
    channel: str,
    error: Callable[[Mapping[str, Any], requests.Response], ChannelError],
) -> Any:
    """One Graph read; its JSON, or ChannelError (Graph's own error, or a server error to try again)."""
    response = send(
        session, "GET", url, channel=channel, idempotent=True, headers=auth.headers, params=auth.params(params)
    )
    payload = read_json(response, channel=channel, idempotent=True)
    failure = graph_error(payload)
    if failure is not None:
        raise error(failure, response)
    if response.status_code != 200 or not isinstance(payload, dict):
        raise ChannelError(
            "channel_server_error",
            channel=channel,
            status=response.status_code,
            retryable=True,
            http=response.status_code,
            reason=scrub(response.reason or ""),
        )
    return payload


def _created(post: Mapping[str, Any]) -> datetime | None:
    try:
        return datetime.strptime(str(post.get("created_time")), "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return None


def find_post(broadcast: Broadcast, read: Callable[[dict[str, Any]], Any], *, channel: str) -> Delivery | None:
    """The post carrying `broadcast.key` on the feed `read` returns page by page, or None if surely absent."""
    pattern = re.compile(re.escape(broadcast.key) + r"(?![0-9A-Za-z])")
    since = broadcast.due_at - LOOKUP_WINDOW
    params: dict[str, Any] = {
        "fields": "id,message,created_time,permalink_url",
        "limit": PAGE_SIZE,
        "since": int(since.timestamp()),
    }
    for _ in range(MAX_PAGES):
        payload = read(params)
        posts = [p for p in payload.get("data") or [] if isinstance(p, dict)]
        for post in posts:
            if pattern.search(str(post.get("message") or "")):
                post_id = str(post.get("id"))
                return Delivery(
                    outcome=Outcome.posted,
                    external_id=post_id,
                    external_url=post.get("permalink_url") or f"https://www.facebook.com/{post_id}",
                    detail={"found_on_page": True, "created_time": post.get("created_time")},
                )
        paging = payload.get("paging") or {}
        after = (paging.get("cursors") or {}).get("after")
        oldest = min((t for t in map(_created, posts) if t is not None), default=None)
        if not after or not paging.get("next") or (oldest is not None and oldest < since):
            return None  # the whole window was read
        params["after"] = after
    raise ChannelError("facebook_lookup_incomplete", channel=channel, retryable=True, pages=MAX_PAGES)
