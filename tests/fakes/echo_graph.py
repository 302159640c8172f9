"""A hostile Graph API: every reply echoes the caller's token back, in the fields a client stores or shows.

The post's `id` and `permalink_url`, an error's `message`, `error_subcode`
and `fbtrace_id`, the Page's `name`: a client that stores or prints what comes
back from a service without scrubbing it leaks the token it sent.
"""

from __future__ import annotations

import json
from collections import deque
from typing import Any

from tests.fakes.graph_server import GraphServer
from tests.fakes.http_server import Reply, Seen

__all__ = ["EchoGraphServer"]


class EchoGraphServer(GraphServer):
    """`answers` is what the next feed posts get: "post" (an id made of the token) or "error" (a Graph error)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.answers: deque[str] = deque()

    def route(self, seen: Seen) -> Reply:
        token = self._token(seen) or ""
        if seen.method == "GET" and seen.path.endswith("/me"):
            return Reply(200, {"id": self.page_id, "name": f"Trang {token}", "about": token})
        if seen.method == "POST" and seen.path.endswith("/feed"):
            answer = self.answers.popleft() if self.answers else "post"
            if answer == "error":
                return self._echoed_error(token)
            post_id = f"{self.page_id}_{token}"
            self.posts.append({"id": post_id, "message": seen.form.get("message", "")})
            usage = json.dumps({"call_count": 1, "note": token})
            return Reply(200, {"id": post_id, "permalink_url": f"https://x.invalid/{token}"}, {"X-App-Usage": usage})
        if seen.method == "GET" and seen.path.endswith("/feed"):
            return self._echoed_error(token)  # reconcile's lookup: also an echo
        return super().route(seen)

    @staticmethod
    def _echoed_error(token: str) -> Reply:
        error = {
            "message": f"(#100) Invalid parameter {token}",
            "type": "OAuthException",
            "code": 100,
            "error_subcode": token,
            "fbtrace_id": token,
        }
        return Reply(400, {"error": error})
