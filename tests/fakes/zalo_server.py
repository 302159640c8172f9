"""A fake Zalo OA API and OAuth v4 endpoint on 127.0.0.1.

Shapes follow developers.zalo.me and Zalo's Java SDK (zaloplatform/zalo-java-sdk):
every OA reply is HTTP 200 with `{"error": 0, "message": "Success", "data": {...}}`
or a negative `error` (-216: access token invalid); the token comes in an
`access_token` header. The OAuth endpoint takes `secret_key` in a header and
`refresh_token`, `app_id`, `grant_type` as a form, answers
`{"access_token", "refresh_token", "expires_in": "90000"}`, and a refresh
token works once (-14020 after that).

The surprises of the real service it plays (see broadcasts/channels/zalo_steps.py for the sources):
- an article is listed by `getslice` only once processed (`list_after` list calls after its create);
- a broadcast needs an explicit target (`{}` is refused, `{"gender": "0"}` is everyone) and is refused at
  night with -234 "This message cannot be sent at night (10:00PM - 6:00AM)" by Zalo's own clock (`clock`);
- with `require_proof` ("Require App Secret" on) every OA call without the right `appsecret_proof` header
  (hex HMAC-SHA256 of the access token keyed by the app secret) gets -242;
- a group's conversation (`/v3.0/oa/group/conversation`) lists the OA's messages, newest first, at most 10
  a page, as a bare list in `data` (like the OA's 1:1 conversation API), so a lost group reply can be looked up.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from tests.fakes.http_server import FakeServer, Reply, Seen, keys_in

APP_ID = "4321987654321"
APP_SECRET = "zalo-app-secret-Q8w3Rt5Y"
REFRESH_TOKEN = "zalo-refresh-0-Hh72kLm9"
GROUPS = {"g-an-phu-1": "Thôn An Phú 1", "g-an-phu-2": "Thôn An Phú 2"}


def zalo_error(code: int, message: str) -> Reply:
    return Reply(200, {"error": code, "message": message})


def ok(data: dict[str, Any] | None = None) -> Reply:
    return Reply(200, {"error": 0, "message": "Success", "data": data or {}})


class ZaloServer(FakeServer):
    """One OA with its articles and groups, and the token chain of one app."""

    def __init__(
        self,
        *,
        verify_after: int = 0,
        post_delay: float = 0.0,
        list_after: int = 0,
        require_proof: bool = False,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.refresh_tokens = {REFRESH_TOKEN}
        self.access_tokens: set[str] = set()
        self.refreshes = 0
        self.articles: list[dict[str, Any]] = []
        self.broadcasts: list[dict[str, Any]] = []
        self.group_messages: list[dict[str, Any]] = []
        self.verify_after = verify_after  # verify calls answered without an id before the id comes
        self.post_delay = post_delay
        self.list_after = list_after  # getslice calls after a create before the article is listed (processing)
        self.require_proof = require_proof
        self.clock = clock  # Zalo's own clock, for the night rule of broadcasts (None: always day)
        self._n = iter(range(1, 10**9))
        self._lock = threading.Lock()

    # ---- what happened ------------------------------------------------------------------------

    def articles_per_key(self) -> Counter[str]:
        return Counter(k for a in self.articles for k in set(keys_in(_text(a["body"]))))

    def groups_per_key(self) -> Counter[tuple[str, str]]:
        return Counter((k, m["group_id"]) for m in self.group_messages for k in set(keys_in(m["text"])))

    def issue_access_token(self) -> str:
        """A valid access token, as if got earlier (for tests that start with a stored one)."""
        token = f"zalo-access-seed-{next(self._n)}-Xy7"
        self.access_tokens.add(token)
        return token

    # ---- routing ----------------------------------------------------------------------------

    def route(self, seen: Seen) -> Reply:
        if seen.path == "/v4/oa/access_token" and seen.method == "POST":
            return self._refresh(seen)
        token = seen.headers.get("access_token")
        if token not in self.access_tokens:
            return zalo_error(-216, "Access token is invalid")
        if self.require_proof and seen.headers.get("appsecret_proof") != proof_of(token):
            return zalo_error(-242, "Invalid appsecret_proof provided in the API argument")
        handlers = {
            ("POST", "/v2.0/article/create"): self._create,
            ("POST", "/v2.0/article/verify"): self._verify,
            ("GET", "/v2.0/article/getslice"): self._slice,
            ("GET", "/v2.0/article/getdetail"): self._detail,
            ("POST", "/v2.0/oa/message"): self._broadcast,
            ("POST", "/v3.0/oa/group/message"): self._group,
            ("GET", "/v2.0/oa/getoa"): lambda s: ok(
                {"oa_id": "2948572123", "name": "UBND xã Thử Nghiệm", "num_follower": 1520, "is_verified": True}
            ),
            ("GET", "/v3.0/oa/group/getgroup"): self._getgroup,
            ("GET", "/v3.0/oa/group/conversation"): self._conversation,
        }
        handler = handlers.get((seen.method, seen.path))
        if handler is None:
            return Reply(404, {"error": 404, "message": "empty api"})
        return handler(seen)

    def _refresh(self, seen: Seen) -> Reply:
        form = seen.form
        if seen.headers.get("secret_key") != APP_SECRET or form.get("app_id") != APP_ID:
            return Reply(
                200,
                {
                    "error": -14002,
                    "error_name": "Invalid app",
                    "error_reason": "App id or secret key is invalid",
                    "error_description": "secret_key is invalid",
                },
            )
        with self._lock:
            token = form.get("refresh_token")
            if form.get("grant_type") != "refresh_token" or token not in self.refresh_tokens:
                return Reply(
                    200,
                    {
                        "error": -14020,
                        "error_name": "Invalid refresh token",
                        "error_reason": "Refresh token is used or expired",
                        "error_description": "refresh_token is invalid",
                    },
                )
            self.refresh_tokens.discard(token)  # a refresh token works once
            n = next(self._n)
            access, refresh = f"zalo-access-{n}-Kp3Tq", f"zalo-refresh-{n}-Vb8Ns"
            self.access_tokens.add(access)
            self.refresh_tokens.add(refresh)
            self.refreshes += 1
        return Reply(200, {"access_token": access, "refresh_token": refresh, "expires_in": "90000"})

    def _create(self, seen: Seen) -> Reply:
        body = seen.json
        if not body.get("title") or not body.get("body") or not isinstance(body.get("cover"), dict):
            return zalo_error(-201, "cover value is invalid" if "cover" not in body else "Parameters invalid")
        if len(body["title"]) >= 150 or len(body.get("description", "")) >= 300:
            return zalo_error(-201, "title allow 1 to 150 characters")
        if self.post_delay:
            time.sleep(self.post_delay)
        with self._lock:
            n = next(self._n)
            self.articles.append(
                {
                    "token": f"tok-{n}",
                    "id": f"art{n:06d}",
                    "verifies": 0,
                    "unlisted": self.list_after,
                    **body,
                    "create_date": int(time.time() * 1000),
                }
            )
        return ok({"token": f"tok-{n}"})

    def _article(self, **match: str) -> dict[str, Any] | None:
        with self._lock:
            return next((a for a in self.articles if all(a.get(k) == v for k, v in match.items())), None)

    def _verify(self, seen: Seen) -> Reply:
        article = self._article(token=seen.json.get("token", ""))
        if article is None:
            return zalo_error(-201, "token is invalid")
        article["verifies"] += 1
        if article["verifies"] <= self.verify_after:
            return ok({})  # still being processed: no id yet
        return ok({"id": article["id"]})

    def _slice(self, seen: Seen) -> Reply:
        offset, limit = int(seen.query.get("offset", 0)), int(seen.query.get("limit", 10))
        if limit > 10:
            return zalo_error(-201, "maximum limit is 10")
        if seen.query.get("type") not in ("normal", "video"):
            return zalo_error(-201, "type accept only 2 value normal and video.")
        with self._lock:
            for article in self.articles:  # each list call moves processing on
                if article["unlisted"] > 0:
                    article["unlisted"] -= 1
                    article["listed_now"] = False
                else:
                    article["listed_now"] = True
            newest = [a for a in reversed(self.articles) if a["listed_now"]]
        medias = [
            {
                "id": a["id"],
                "type": "normal",
                "title": a["title"],
                "status": a.get("status", "show"),
                "total_view": 0,
                "total_share": 0,
                "create_date": a["create_date"],
                "update_date": a["create_date"],
                "thumb": a["cover"].get("photo_url"),
                "link_view": f"https://zalo.me/article/{a['id']}",
            }
            for a in newest[offset : offset + limit]
        ]
        return ok({"medias": medias, "total": len(newest)})

    def _detail(self, seen: Seen) -> Reply:
        article = self._article(id=seen.query.get("id", ""))
        if article is None:
            return zalo_error(-201, "article is not exist")
        return ok(
            {k: article[k] for k in ("id", "type", "title", "author", "description", "body", "status", "create_date")}
            | {"link_view": f"https://zalo.me/article/{article['id']}"}
        )

    def _broadcast(self, seen: Seen) -> Reply:
        body = seen.json
        try:
            element = body["message"]["attachment"]["payload"]["elements"][0]
            target = body["recipient"]["target"]
            assert element["media_type"] == "article"
        except (KeyError, IndexError, TypeError, AssertionError):
            return zalo_error(-201, "Parameters invalid")
        known = {"ages", "gender", "locations", "cities", "platform"}
        if not isinstance(target, dict) or not target or not set(target) <= known:
            return zalo_error(-201, "target is invalid!")
        if self.clock is not None:
            hour = self.clock().astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).hour
            if hour >= 22 or hour < 6:
                return zalo_error(-234, "This message cannot be sent at night (10:00PM - 6:00AM)")
        if self._article(id=element["attachment_id"]) is None:
            return zalo_error(-201, "attachment_id is invalid")
        with self._lock:
            self.broadcasts.append({"article": element["attachment_id"], "target": target})
            n = next(self._n)
        return ok({"message_id": f"bc{n}"})

    def _group(self, seen: Seen) -> Reply:
        body = seen.json
        group = (body.get("recipient") or {}).get("group_id")
        text = (body.get("message") or {}).get("text")
        if group not in GROUPS:
            return zalo_error(-201, "group_id is invalid")
        if not text:
            return zalo_error(-201, "message text is empty")
        if self.post_delay:
            time.sleep(self.post_delay / 2)
        with self._lock:
            n = next(self._n)
            self.group_messages.append(
                {"group_id": group, "text": text, "message_id": f"gm{n}", "time": int(time.time() * 1000)}
            )
        return ok({"message_id": f"gm{n}", "group_id": group})

    def _conversation(self, seen: Seen) -> Reply:
        group = seen.query.get("group_id")
        offset, count = int(seen.query.get("offset", 0)), int(seen.query.get("count", 5))
        if group not in GROUPS:
            return zalo_error(-201, "group_id is invalid")
        if count > 10:
            return zalo_error(-201, "count is invalid!")
        with self._lock:
            newest = [m for m in reversed(self.group_messages) if m["group_id"] == group]
        messages = [
            {
                "src": 0,  # sent by the OA
                "time": m["time"],
                "type": "text",
                "message": m["text"],
                "message_id": m["message_id"],
                "from_id": "2948572123",
                "from_display_name": "UBND xã Thử Nghiệm",
            }
            for m in newest[offset : offset + count]
        ]
        return Reply(200, {"error": 0, "message": "Success", "data": messages})  # a bare list, like conversations

    def _getgroup(self, seen: Seen) -> Reply:
        group = seen.query.get("group_id")
        if group not in GROUPS:
            return zalo_error(-201, "group_id is invalid")
        return ok(
            {
                "group_info": {
                    "group_id": group,
                    "name": GROUPS[group],
                    "status": "enabled",
                    "total_member": 37,
                    "max_member": 100,
                },
                "asset_info": {"asset_type": "gmf100"},
                "group_setting": {},
            }
        )


def proof_of(access_token: str, app_secret: str = APP_SECRET) -> str:
    """The appsecret_proof Zalo expects: hex HMAC-SHA256 of the access token keyed by the app secret."""
    return hmac.new(app_secret.encode(), access_token.encode(), hashlib.sha256).hexdigest()


def _text(body: list[dict[str, Any]]) -> str:
    return "\n".join(str(part.get("content", "")) for part in body if isinstance(part, dict))
