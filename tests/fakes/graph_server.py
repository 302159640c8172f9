"""A fake Facebook Graph API (Pages) on 127.0.0.1: `/{version}/{page-id}/feed` POST and GET, and `/me`.

Shapes follow Meta's docs (developers.facebook.com/docs/pages-api/posts,
/docs/graph-api/reference/page/feed, /docs/graph-api/guides/error-handling):
a post answers `{"id": "{page-id}_{post-id}"}`; a read answers
`{"data": [...], "paging": {"cursors": {"before", "after"}, "next"}}`; an
error is `{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from tests.fakes.http_server import FakeServer, Reply, Seen, keys_in

VERSION = "v25.0"
PAGE_ID = "104857600123456"
PAGE_NAME = "Đài truyền thanh xã Thử Nghiệm"
TOKEN = "EAAB-fake-page-token-7Zq9XwL2"


def graph_error(
    code: int,
    message: str,
    *,
    subcode: int | None = None,
    status: int = 400,
    kind: str = "OAuthException",
    headers: dict[str, str] | None = None,
) -> Reply:
    """A Graph error reply in the documented shape."""
    error: dict[str, Any] = {"message": message, "type": kind, "code": code, "fbtrace_id": "AbCdEf123"}
    if subcode is not None:
        error["error_subcode"] = subcode
    return Reply(status, {"error": error}, headers or {})


class GraphServer(FakeServer):
    """The Page feed of one Page, behind one valid Page token."""

    def __init__(self, *, page_id: str = PAGE_ID, token: str = TOKEN, post_delay: float = 0.0) -> None:
        super().__init__()
        self.page_id = page_id
        self.tokens = {token}
        self.posts: list[dict[str, Any]] = []
        self.post_delay = post_delay
        self._ids = iter(range(900001, 10**9))
        self._post_lock = threading.Lock()

    @property
    def base(self) -> str:
        return f"{self.url}/{VERSION}"

    def per_key(self) -> Counter[str]:
        """How many posts were made for each airing key."""
        return Counter(k for p in self.posts for k in set(keys_in(p["message"])))

    def _token(self, seen: Seen) -> str | None:
        auth = seen.headers.get("authorization", "")
        if auth.startswith("Bearer "):
            return auth[len("Bearer ") :]
        if seen.method == "POST":
            return seen.form.get("access_token")
        return seen.query.get("access_token")

    def route(self, seen: Seen) -> Reply:
        token = self._token(seen)
        if token not in self.tokens:
            return graph_error(190, "Error validating access token: Session has expired.", subcode=463)
        feed = f"/{VERSION}/{self.page_id}/feed"
        if seen.path == feed and seen.method == "POST":
            return self._publish(seen)
        if seen.path == feed and seen.method == "GET":
            return self._read(seen)
        if seen.path == f"/{VERSION}/me" and seen.method == "GET":
            return Reply(200, {"id": self.page_id, "name": PAGE_NAME})
        return graph_error(2500, "Unknown path components: " + seen.path)

    def _publish(self, seen: Seen) -> Reply:
        form = seen.form
        if not form.get("message") and not form.get("link"):
            return graph_error(100, "(#100) Missing message or attachment", kind="OAuthException")
        if self.post_delay:
            time.sleep(self.post_delay)
        with self._post_lock:
            post_id = f"{self.page_id}_{next(self._ids)}"
            self.posts.append(
                {
                    "id": post_id,
                    "message": form.get("message", ""),
                    "link": form.get("link"),
                    "created_time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000"),
                    "permalink_url": f"https://www.facebook.com/{post_id.replace('_', '/posts/')}",
                }
            )
        return Reply(
            200, {"id": post_id}, {"X-App-Usage": json.dumps({"call_count": 1, "total_time": 1, "total_cputime": 1})}
        )

    def _read(self, seen: Seen) -> Reply:
        limit = int(seen.query.get("limit", 25))
        start = int(seen.query.get("after", 0))
        fields = (seen.query.get("fields") or "id,message,created_time").split(",")
        newest = list(reversed(self.posts))
        page = newest[start : start + limit]
        data = [{k: p[k] for k in fields if k in p and p[k] is not None} for p in page]
        paging: dict[str, Any] = {"cursors": {"before": str(start), "after": str(start + len(page))}}
        if start + len(page) < len(newest):
            paging["next"] = f"{self.base}/{self.page_id}/feed?after={start + len(page)}"
        return Reply(200, {"data": data, "paging": paging})
