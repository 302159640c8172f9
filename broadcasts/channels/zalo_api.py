"""The Zalo OA API's requests, as pure functions of a bulletin and the channel's settings.

The shapes and the sources they follow are described in `broadcasts.channels.zalo`.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from broadcasts.channels.base import Broadcast
from broadcasts.channels.posts import ZALO_TEXT_LIMIT, clip, post_text, render_post

if TYPE_CHECKING:
    from broadcasts.channels.zalo import ZaloSettings

__all__ = [
    "zalo_requests",
    "article_request",
    "group_request",
    "broadcast_request",
    "quiet_hours",
    "broadcast_opens",
    "endpoint",
    "article_title",
    "article_problems",
    "EVERYONE",
    "QUIET",
]

QUIET = (22, 6)  # Zalo broadcasts are not sent from 22:00 to 06:00
EVERYONE = {"gender": "0"}  # the broadcast target "every follower": gender 0 = all genders (Zalo refuses {})
TITLE_LIMIT, AUTHOR_LIMIT, DESCRIPTION_LIMIT = 150, 50, 300  # a normal article's limits (Article API v2.0)


def _nfc(text: str) -> str:
    """Vietnamese text in NFC: Zalo counts characters of the composed form (NFD is longer)."""
    return unicodedata.normalize("NFC", text)


def endpoint(settings: ZaloSettings, path: str) -> str:
    """The address of `path` on the configured OA API."""
    return f"{settings.api_url.rstrip('/')}/{path.lstrip('/')}"


def article_title(broadcast: Broadcast) -> str:
    """The article title: the bulletin title, or the station name, clipped."""
    # Zalo refuses 150 although it says 1-150
    return clip(_nfc(broadcast.title.strip() or broadcast.station_name.strip()), TITLE_LIMIT - 10)


def article_author(broadcast: Broadcast, settings: ZaloSettings) -> str:
    """The article's author: the `author` setting, else the station name, clipped to Zalo's 50."""
    return clip(_nfc(settings.author.strip() or broadcast.station_name.strip()), AUTHOR_LIMIT)


def article_description(broadcast: Broadcast) -> str:
    """The article's description: the post text on one line, under Zalo's 300."""
    return clip(_nfc(post_text(broadcast).replace("\n", " ").strip()), DESCRIPTION_LIMIT - 10)


def article_problems(broadcast: Broadcast, settings: ZaloSettings) -> list[str]:
    """What a normal article lacks before Zalo would refuse it: message codes naming the setting to fix."""
    problems = []
    if not settings.cover_url.startswith(("http://", "https://")):
        problems.append("zalo_article_no_cover")
    if not article_author(broadcast, settings):
        problems.append("zalo_article_no_author")
    if not article_description(broadcast):
        problems.append("zalo_article_no_description")
    title = article_title(broadcast)
    if not title or len(title) >= TITLE_LIMIT:
        problems.append("zalo_article_no_title")
    return problems


def article_request(broadcast: Broadcast, settings: ZaloSettings) -> dict[str, Any]:
    """The article create request (the access_token header is added only when sending)."""
    text = render_post(
        broadcast, limit=100_000, template=settings.template, hashtags=settings.hashtags, link=settings.link
    )
    body: dict[str, Any] = {
        "type": "normal",
        "title": article_title(broadcast),
        "author": article_author(broadcast, settings),
        "description": article_description(broadcast),
        "body": [{"type": "text", "content": part.strip()} for part in text.split("\n\n") if part.strip()],
        "status": "show",
        "comment": "show",
    }
    if settings.cover_url:
        body["cover"] = {"cover_type": "photo", "photo_url": settings.cover_url, "status": "show"}
    return {"method": "POST", "url": endpoint(settings, "v2.0/article/create"), "json": body}


def broadcast_request(settings: ZaloSettings, article_id: str) -> dict[str, Any]:
    """The broadcast of an article to every follower of the OA (an explicit target: Zalo refuses `{}`)."""
    element = {"media_type": "article", "attachment_id": article_id}
    return {
        "method": "POST",
        "url": endpoint(settings, "v2.0/oa/message"),
        "json": {
            "recipient": {"target": dict(EVERYONE)},
            "message": {
                "attachment": {"type": "template", "payload": {"template_type": "media", "elements": [element]}}
            },
        },
    }


def group_request(broadcast: Broadcast, settings: ZaloSettings, group_id: str) -> dict[str, Any]:
    """A text message to one OA-managed group."""
    text = render_post(
        broadcast, limit=ZALO_TEXT_LIMIT, template=settings.template, hashtags=settings.hashtags, link=settings.link
    )
    return {
        "method": "POST",
        "url": endpoint(settings, "v3.0/oa/group/message"),
        "json": {"recipient": {"group_id": group_id}, "message": {"text": text}},
    }


def zalo_requests(broadcast: Broadcast, settings: ZaloSettings) -> list[dict[str, Any]]:
    """Every request that publishes `broadcast`, in order (ids not known yet are placeholders)."""
    out = [
        article_request(broadcast, settings),
        {"method": "POST", "url": endpoint(settings, "v2.0/article/verify"), "json": {"token": "{article-token}"}},
    ]
    if settings.broadcast:
        out.append(broadcast_request(settings, "{article-id}"))
    out.extend(group_request(broadcast, settings, group) for group in settings.group_ids)
    return out


def quiet_hours(moment: datetime, zone: str) -> bool:
    """True from 22:00 to 06:00 in the station's time zone."""
    hour = moment.astimezone(ZoneInfo(zone)).hour
    return hour >= QUIET[0] or hour < QUIET[1]


def broadcast_opens(moment: datetime, zone: str) -> datetime:
    """When Zalo takes broadcasts again after `moment`: the next 06:00 in the station's zone (UTC), or `moment`."""
    tz = ZoneInfo(zone)
    local = moment.astimezone(tz)
    if not quiet_hours(moment, zone):
        return moment
    day = local.date() + timedelta(days=1) if local.hour >= QUIET[0] else local.date()
    return datetime.combine(day, time(QUIET[1]), tzinfo=tz).astimezone(UTC)
