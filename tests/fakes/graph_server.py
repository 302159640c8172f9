"""A fake Facebook Graph API (Pages) on 127.0.0.1: `/{version}/{page-id}/feed` POST and GET, `/me`, `/debug_token`.

Shapes follow Meta's docs (developers.facebook.com/docs/pages-api/posts,
/docs/graph-api/reference/page/feed, /docs/graph-api/guides/error-handling,
/docs/graph-api/reference/debug_token, /docs/graph-api/securing-requests):
a post answers `{"id": "{page-id}_{post-id}"}` (and the `fields` asked, such
as `permalink_url`); a read answers `{"data": [...], "paging": {"cursors":
{"before", "after"}, "next"}}` newest first, honouring `since` and `limit`
(at most 100), with the access token inside `next` as Graph puts it; an error
is `{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`.

Surprises the real service has, on cue:
- `transient_500()`: the `500 {"error": {"code": 2, "is_transient": true}}`
  Graph sends, also after creating the post (queue it with `process=True`);
- `buc_throttled(minutes)`: error 80001 with `X-Business-Use-Case-Usage`;
- `hidden_reads`: a new post shows in the feed only after that many reads;
- the same message posted twice in a row is refused with 506 (duplicate);
- `app_secret=...`: an app with "Require App Secret" on — every call without
  the right `appsecret_proof` is refused with code 100;
- `scopes`: what debug_token reports; without `pages_manage_posts` a post is
  refused with code 200 (a read-only token).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from tests.fakes.http_server import FakeServer, Reply, Seen, keys_in

VERSION = "v25.0"
PAGE_ID = "104857600123456"
PAGE_NAME = "Đài truyền thanh xã Thử Nghiệm"
TOKEN = "EAAB-fake-page-token-7Zq9XwL2"
APP_ID = "1234567890123"
APP_SECRET = "fb-app-secret-3f9c2e7a1b"
POST_SCOPES = ("pages_manage_posts", "pages_read_engagement", "pages_show_list")


def graph_error(
    code: int,
    message: str,
    *,
    subcode: int | None = None,
    status: int = 400,
    kind: str = "OAuthException",
    headers: dict[str, str] | None = None,
    transient: bool | None = None,
) -> Reply:
    """A Graph error reply in the documented shape."""
    error: dict[str, Any] = {"message": message, "type": kind, "code": code, "fbtrace_id": "AbCdEf123"}
    if subcode is not None:
        error["error_subcode"] = subcode
    if transient is not None:
        error["is_transient"] = transient
    return Reply(status, {"error": error}, headers or {})


def transient_500(code: int = 2, subcode: int | None = None) -> Reply:
    """What Graph answers when it is having a moment — sometimes after it created the post."""
    return graph_error(
        code,
        "An unexpected error has occurred. Please retry your request later.",
        subcode=subcode,
        status=500,
        transient=True,
    )


def buc_throttled(minutes: int, *, code: int = 80001, page_id: str = PAGE_ID) -> Reply:
    """The Business Use Case limit of a Page token reached, with the header that says for how long."""
    usage = {
        page_id: [
            {
                "type": "pages",
                "call_count": 100,
                "total_cputime": 30,
                "total_time": 40,
                "estimated_time_to_regain_access": minutes,
            }
        ]
    }
    return graph_error(
        code,
        "(#80001) There have been too many calls to this Page account. Wait a bit and try again.",
        headers={"X-Business-Use-Case-Usage": json.dumps(usage)},
    )


def proof_of(token: str, secret: str = APP_SECRET) -> str:
    return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()


class GraphServer(FakeServer):
    """The Page feed of one Page, behind one valid Page token."""

    def __init__(
        self,
        *,
        page_id: str = PAGE_ID,
        token: str = TOKEN,
        post_delay: float = 0.0,
        app_secret: str | None = None,
        scopes: tuple[str, ...] = POST_SCOPES,
        expires_at: int = 0,
        hidden_reads: int = 0,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.page_id = page_id
        self.tokens = {token}
        self.posts: list[dict[str, Any]] = []
        self.post_delay = post_delay
        self.app_secret = app_secret  # set: the app requires appsecret_proof on every call
        self.scopes = scopes
        self.expires_at = expires_at
        self.hidden_reads = hidden_reads
        self.now = now or (lambda: datetime.now(UTC))
        self._ids = iter(range(900001, 10**9))
        self._post_lock = threading.Lock()

    @property
    def base(self) -> str:
        return f"{self.url}/{VERSION}"

    def per_key(self) -> Counter[str]:
        """How many posts were made for each airing key."""
        return Counter(k for p in self.posts for k in set(keys_in(p["message"])))

    def _param(self, seen: Seen, name: str) -> str | None:
        return seen.form.get(name) if seen.method == "POST" else seen.query.get(name)

    def _token(self, seen: Seen) -> str | None:
        auth = seen.headers.get("authorization", "")
        if auth.startswith("Bearer "):
            return auth[len("Bearer ") :]
        return self._param(seen, "access_token")

    def _proof_error(self, seen: Seen, token: str) -> Reply | None:
        if self.app_secret is None:
            return None
        proof = self._param(seen, "appsecret_proof")
        if not proof:
            return graph_error(
                100, "API calls from the server require an appsecret_proof argument", kind="GraphMethodException"
            )
        if not hmac.compare_digest(proof, proof_of(token, self.app_secret)):
            return graph_error(100, "Invalid appsecret_proof provided in the API argument", kind="GraphMethodException")
        return None

    def route(self, seen: Seen) -> Reply:
        token = self._token(seen)
        if seen.path == f"/{VERSION}/debug_token" and seen.method == "GET":
            return self._debug(seen, token)
        if token not in self.tokens:
            return graph_error(190, "Error validating access token: Session has expired.", subcode=463)
        refused = self._proof_error(seen, token)
        if refused is not None:
            return refused
        feed = f"/{VERSION}/{self.page_id}/feed"
        if seen.path == feed and seen.method == "POST":
            return self._publish(seen)
        if seen.path == feed and seen.method == "GET":
            return self._read(seen, token)
        if seen.path == f"/{VERSION}/me" and seen.method == "GET":
            return Reply(200, {"id": self.page_id, "name": PAGE_NAME})
        return graph_error(2500, "Unknown path components: " + seen.path)

    def _debug(self, seen: Seen, app_token: str | None) -> Reply:
        # an app token carries the secret itself: Graph asks no appsecret_proof of it
        if app_token != f"{APP_ID}|{self.app_secret or APP_SECRET}":
            return graph_error(190, "Invalid OAuth access token signature.")
        valid = seen.query.get("input_token") in self.tokens
        data: dict[str, Any] = {
            "app_id": APP_ID,
            "type": "PAGE",
            "application": "Loa",
            "is_valid": valid,
            "expires_at": self.expires_at,
            "data_access_expires_at": 1_900_000_000,
            "scopes": list(self.scopes),
            "granular_scopes": [
                {"scope": s, "target_ids": [self.page_id]} for s in self.scopes if s.startswith("pages_")
            ],
            "profile_id": self.page_id,
        }
        if not valid:
            data["error"] = {"code": 190, "message": "Session has expired", "subcode": 463}
        return Reply(200, {"data": data})

    def _publish(self, seen: Seen) -> Reply:
        form = seen.form
        if "pages_manage_posts" not in self.scopes:
            return graph_error(
                200,
                "(#200) If posting to a page, requires both pages_read_engagement and pages_manage_posts as an "
                "admin with sufficient administrative permission",
                status=403,
            )
        if not form.get("message") and not form.get("link"):
            return graph_error(100, "(#100) Missing message or attachment", kind="OAuthException")
        if self.post_delay:
            time.sleep(self.post_delay)
        with self._post_lock:
            if self.posts and self.posts[-1]["message"] == form.get("message"):
                return graph_error(506, "(#506) Duplicate status message")
            post_id = f"{self.page_id}_{next(self._ids)}"
            post = {
                "id": post_id,
                "message": form.get("message", ""),
                "link": form.get("link"),
                "created_time": self.now().strftime("%Y-%m-%dT%H:%M:%S+0000"),
                "permalink_url": f"https://www.facebook.com/{post_id.replace('_', '/posts/')}",
                "_hidden": self.hidden_reads,
            }
            self.posts.append(post)
        body: dict[str, Any] = {"id": post_id}
        for name in (form.get("fields") or "").split(","):
            if name in post and not name.startswith("_"):
                body[name] = post[name]
        return Reply(200, body, {"X-App-Usage": json.dumps({"call_count": 1, "total_time": 1, "total_cputime": 1})})

    def _read(self, seen: Seen, token: str) -> Reply:
        limit = min(int(seen.query.get("limit", 25)), 100)
        start = int(seen.query.get("after", 0))
        since = int(seen.query.get("since", 0))
        fields = (seen.query.get("fields") or "id,message,created_time").split(",")
        with self._post_lock:
            visible = []
            for p in reversed(self.posts):
                if p.get("_hidden", 0) > 0:
                    p["_hidden"] -= 1
                    continue
                visible.append(p)
        newest = [p for p in visible if _stamp(p) is None or _stamp(p) >= since]  # type: ignore[operator]
        page = newest[start : start + limit]
        data = [{k: p[k] for k in fields if k in p and p[k] is not None} for p in page]
        paging: dict[str, Any] = {"cursors": {"before": str(start), "after": str(start + len(page))}}
        if start + len(page) < len(newest):
            paging["next"] = (
                f"{self.base}/{self.page_id}/feed?access_token={token}&limit={limit}&after={start + len(page)}"
            )
        return Reply(200, {"data": data, "paging": paging})


def _stamp(post: dict[str, Any]) -> int | None:
    try:
        return int(datetime.strptime(str(post.get("created_time")), "%Y-%m-%dT%H:%M:%S%z").timestamp())
    except ValueError:
        return None
