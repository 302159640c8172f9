"""A local WordPress REST API (wp/v2) on 127.0.0.1: posts, media, users/me, Application Password Basic auth.

It speaks the handbook's shapes (see broadcasts/channels/portal_wordpress.py):
`POST /wp-json/wp/v2/posts` (JSON) answers 201 with the post, a taken slug
gets `-2` as WordPress does; `POST /wp-json/wp/v2/media` takes the raw file
with `Content-Disposition: attachment; filename=...`; `GET` of either
collection filters by `slug`; errors are `{"code", "message", "data":
{"status"}}`. Faults are queued as in `http_server` (`reply(500, ...,
process=True)`: the post is created, then a 500 comes back).
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections import Counter
from typing import Any

from tests.fakes.http_server import FakeServer, Reply, Seen

USER = "loa-bot"
APP_PASSWORD = "abcd EFGH 1234 ijkl MNOP 5678"

POSTS = "/wp-json/wp/v2/posts"
MEDIA = "/wp-json/wp/v2/media"


def wp_error(status: int, code: str, message: str) -> Reply:
    return Reply(status, {"code": code, "message": message, "data": {"status": status}})


class WordPressServer(FakeServer):
    """Posts and media in memory, one user with one application password."""

    def __init__(self, *, capabilities: dict[str, bool] | None = None, post_delay: float = 0.0) -> None:
        super().__init__()
        self.post_delay = post_delay  # seconds a create takes after it is stored (a kill may land in between)
        self.posts: list[dict[str, Any]] = []
        self.media: list[dict[str, Any]] = []
        self.uploads: dict[int, bytes] = {}
        self.capabilities = capabilities or {"publish_posts": True, "upload_files": True}

    def _authorised(self, seen: Seen) -> bool:
        header = seen.headers.get("authorization", "")
        if not header.startswith("Basic "):
            return False
        user, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
        return user == USER and password.replace(" ", "") == APP_PASSWORD.replace(" ", "")

    def _slug(self, wanted: str, items: list[dict[str, Any]]) -> str:
        taken = {i["slug"] for i in items}
        slug, n = wanted, 2
        while slug in taken:  # wp_unique_post_slug
            slug, n = f"{wanted}-{n}", n + 1
        return slug

    def route(self, seen: Seen) -> Reply:
        if not self._authorised(seen):
            if seen.headers.get("authorization"):
                return wp_error(401, "incorrect_password", "The provided password is an invalid application password.")
            if seen.method == "POST":
                return wp_error(401, "rest_cannot_create", "Sorry, you are not allowed to create posts as this user.")
        with self.lock:
            if seen.path == "/wp-json/wp/v2/users/me" and seen.method == "GET":
                if not self._authorised(seen):
                    return wp_error(401, "rest_not_logged_in", "You are not currently logged in.")
                return Reply(200, {"id": 1, "name": "Loa", "slug": USER, "capabilities": self.capabilities})
            if seen.path in (POSTS, MEDIA) and seen.method == "GET":
                items = self.posts if seen.path == POSTS else self.media
                slugs = set(seen.query.get("slug", "").split(","))
                return Reply(200, [i for i in items if i["slug"] in slugs])
            if seen.path == POSTS and seen.method == "POST":
                try:
                    body = json.loads(seen.body.decode("utf-8"))
                except ValueError:
                    return wp_error(400, "rest_invalid_json", "Invalid JSON body passed.")
                post_id = 100 + len(self.posts) + len(self.media)
                slug = self._slug(str(body.get("slug") or f"post-{post_id}"), self.posts)
                post = {
                    "id": post_id,
                    "slug": slug,
                    "status": body.get("status", "draft"),
                    "link": f"{self.url}/{slug}/",
                    "title": {"raw": body.get("title", ""), "rendered": body.get("title", "")},
                    "content": {"raw": body.get("content", ""), "rendered": body.get("content", "")},
                    "categories": body.get("categories", []),
                }
                self.posts.append(post)
                if self.post_delay:
                    time.sleep(self.post_delay)  # the post exists; its reply is still to come
                return Reply(201, post)
            if seen.path == MEDIA and seen.method == "POST":
                disposition = seen.headers.get("content-disposition", "")
                match = re.search(r'filename="?([^";]+)"?', disposition)
                if not match or not seen.body:
                    return wp_error(400, "rest_upload_no_data", "No data supplied.")
                media_id = 100 + len(self.posts) + len(self.media)
                wanted = seen.query.get("slug") or match.group(1).rsplit(".", 1)[0]
                slug = self._slug(wanted, self.media)
                item = {
                    "id": media_id,
                    "slug": slug,
                    "mime_type": seen.headers.get("content-type", ""),
                    "source_url": f"{self.url}/wp-content/uploads/{match.group(1)}",
                }
                self.media.append(item)
                self.uploads[media_id] = seen.body
                return Reply(201, item)
        return wp_error(404, "rest_no_route", "No route was found matching the URL and request method.")

    def create_requests(self) -> int:
        return len(self.seen("POST", POSTS))

    def posts_per_key(self) -> Counter[str]:
        """How many posts carry each airing key (by slug, the -2 of a duplicate counted as the same key)."""
        return Counter(re.sub(r"(-a\d+)-\d+$", r"\1", p["slug"]) for p in self.posts)
