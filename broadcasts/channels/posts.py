"""Post text for social channels, as pure functions of the bulletin and a template.

A template may use {title}, {body}, {text} (the bulletin's post text, or its
title and body), {hashtags}, {link}, {station}, {date} and {key}. It must
use {key}: the airing's key in the post is how a post whose reply was lost is
found again on the page (`loa reconcile`), so it is never posted twice.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator, Sequence
from typing import Any

from broadcasts.channels.base import Broadcast, Problem

__all__ = [
    "render_post",
    "post_text",
    "check_template",
    "post_problems",
    "clip",
    "DEFAULT_TEMPLATE",
    "FACEBOOK_LIMIT",
    "ZALO_TEXT_LIMIT",
    "PLACEHOLDERS",
]

FACEBOOK_LIMIT = 63_206  # characters of a Page post message
ZALO_TEXT_LIMIT = 2_000  # characters of an OA text message
DEFAULT_TEMPLATE = "{text}\n\n{link}\n\n{hashtags}\n\n{station} · {key}"
PLACEHOLDERS = ("title", "body", "text", "hashtags", "link", "station", "date", "key")


def check_template(template: str) -> bool:
    """Whether `template` can be used: well formed, only known placeholders, and {key} among them."""
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError:
        return False
    return fields <= set(PLACEHOLDERS) and "key" in fields


def post_problems(settings: Any, urls: Sequence[str]) -> Iterator[Problem]:
    """What a social channel's settings cannot use: its `template`, `timeout_seconds`, and the endpoints `urls`."""
    if not check_template(settings.template):
        yield Problem(
            key="template",
            expected="exp_post_template",
            params={"fields": "{text} {title} {body} {hashtags} {link} {station} {date}"},
            value=settings.template,
        )
    if settings.timeout_seconds <= 0:
        yield Problem(key="timeout_seconds", expected="exp_positive", value=settings.timeout_seconds)
    for name in urls:
        if not re.match(r"^https?://", getattr(settings, name)):
            yield Problem(key=name, expected="exp_url", value=getattr(settings, name))


def post_text(broadcast: Broadcast) -> str:
    """The bulletin's own post text, or its title and body."""
    text = (broadcast.post_text or "").strip()
    if text:
        return text
    title = broadcast.title.strip()
    body = broadcast.body.strip()
    return f"{title}\n\n{body}" if title and title not in body else body


def clip(text: str, room: int) -> str:
    """`text` cut to at most `room` characters at a word boundary, with an ellipsis."""
    if len(text) <= room:
        return text
    if room <= 1:
        return "…"[: max(room, 0)]
    cut = text[: room - 1]
    if " " in cut[room // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip() + "…"


def _hashtags(hashtags: Sequence[str]) -> str:
    return " ".join(t.strip() if t.strip().startswith("#") else f"#{t.strip()}" for t in hashtags if t.strip())


def render_post(
    broadcast: Broadcast, *, limit: int, template: str = DEFAULT_TEMPLATE, hashtags: Sequence[str] = (), link: str = ""
) -> str:
    """The text to post, from `template`, within `limit` characters (the bulletin text is shortened first)."""
    values = {
        "title": broadcast.title.strip(),
        "body": broadcast.body.strip(),
        "text": post_text(broadcast),
        "hashtags": _hashtags(hashtags),
        "link": link.strip(),
        "station": broadcast.station_name,
        "date": f"{broadcast.local_due:%d/%m/%Y}",
        "key": broadcast.key,
    }

    def fill(v: dict[str, str]) -> str:
        out = template.format(**v)
        out = re.sub(r"[ \t]+\n", "\n", out)
        return re.sub(r"\n{3,}", "\n\n", out).strip()

    rendered = fill(values)
    if len(rendered) <= limit:
        return rendered
    overflow = len(rendered) - limit
    for name in ("text", "body", "title"):
        if values[name] and overflow > 0 and "{" + name + "}" in template:
            values[name] = clip(values[name], max(len(values[name]) - overflow, 1))
            rendered = fill(values)
            overflow = len(rendered) - limit
    return rendered if len(rendered) <= limit else rendered[: max(limit - 1, 0)] + "…"
