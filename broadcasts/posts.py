"""Post text for social channels, as pure functions of the bulletin."""

from __future__ import annotations

from typing import Sequence

from broadcasts.channel import Broadcast

__all__ = ["render_post", "FACEBOOK_LIMIT", "ZALO_TEXT_LIMIT"]

FACEBOOK_LIMIT = 63_206  # characters of a Page post message
ZALO_TEXT_LIMIT = 2_000  # characters of an OA text message


def render_post(broadcast: Broadcast, *, limit: int, hashtags: Sequence[str] = ()) -> str:
    """The text to post: the bulletin's own post text, or title and body, then hashtags, within `limit`."""
    text = (broadcast.post_text or "").strip()
    if not text:
        title = broadcast.title.strip()
        body = broadcast.body.strip()
        text = f"{title}\n\n{body}" if title and title not in body else body
    tags = " ".join(t if t.startswith("#") else f"#{t}" for t in hashtags if t.strip())
    tail = f"\n\n{tags}" if tags else ""
    if len(text) + len(tail) > limit:
        room = max(limit - len(tail) - 1, 0)
        cut = text[:room]
        if " " in cut[room // 2:]:
            cut = cut[: cut.rfind(" ")]
        text = cut.rstrip() + "…"
    return text + tail
