"""How long a bulletin may be: its raw size, its spoken length on the radio, its text on the social channels.

Every path that makes bulletins (`loa queue`, the console, the API, rotation
and announcements) asks these before anything is stored. The spoken length is
estimated from the normalized text at the configured rate (`audio.timing`);
the radio refuses a bulletin longer than `programme.max_bulletin_minutes` or
than the slot it goes into. The raw size is bounded first, before the text is
normalized: a text over MAX_TEXT_CHARS is refused at once.
"""

from __future__ import annotations

from collections.abc import Iterable

from audio.timing import spoken_seconds
from broadcasts.channels.posts import FACEBOOK_LIMIT, ZALO_TEXT_LIMIT
from broadcasts.models import Bulletin, BulletinKind
from scheduler.app import App
from scheduler.errors import UsageError

__all__ = [
    "MAX_TEXT_CHARS",
    "ZALO_ARTICLE_LIMIT",
    "check_size",
    "bulletin_seconds",
    "airtime_seconds",
    "text_limit",
    "check_channels",
    "radio_refusal",
    "generated_refusal",
    "check_radio",
    "minutes",
]

MAX_TEXT_CHARS = 100_000  # characters of a bulletin's title and text together: bounded before anything else
ZALO_ARTICLE_LIMIT = 100_000  # characters of a Zalo OA article's body, as the channel renders it


def minutes(seconds: float) -> str:
    """`seconds` as the operator reads a length: "4:05"."""
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def check_size(*texts: str | None) -> None:
    """Refuse, before any work on it, a text longer than MAX_TEXT_CHARS."""
    size = sum(len(t) for t in texts if t)
    if size > MAX_TEXT_CHARS:
        raise UsageError("text_too_large", chars=size, limit=MAX_TEXT_CHARS)


def bulletin_seconds(app: App, title: str, body: str) -> float:
    """The estimated spoken length of a bulletin on the radio: its title (unless the text starts with it), then
    its text, with the pause between them; the station's greeting and closing around it are not counted."""
    title, body = title.strip(), body.strip()
    parts = [title, body] if title and title not in body else [body]
    rate = app.config.speech.rate
    seconds = sum(spoken_seconds(app.speaker.speakable(part), rate) for part in parts if part)
    return round(seconds + app.config.audio.pause_ms / 1000 * (len(parts) - 1), 1)


def airtime_seconds(app: App, bulletin: Bulletin) -> float:
    """How long a bulletin holds the radio: a recorded file's length, a relay's set time, or the spoken estimate."""
    if bulletin.kind is BulletinKind.audio and bulletin.media is not None:
        return round(bulletin.media.seconds, 1)
    if bulletin.kind is BulletinKind.relay and bulletin.relay_seconds is not None:
        return round(bulletin.relay_seconds, 1)
    return bulletin_seconds(app, bulletin.title, bulletin.body)


def text_limit(app: App, channel: str) -> int | None:
    """The most characters `channel` takes in one post, or None if it has no limit of its own."""
    if channel == "facebook":
        return FACEBOOK_LIMIT
    if channel == "zalo":
        groups = getattr(app.config.channels.settings.get("zalo"), "group_ids", ())
        return ZALO_TEXT_LIMIT if groups else ZALO_ARTICLE_LIMIT  # a group message is plain text, cut at its limit
    return None


def check_channels(app: App, channels: Iterable[str], title: str, body: str) -> None:
    """Refuse a text longer than a chosen social channel takes (its title and text, as posted)."""
    title, body = title.strip(), body.strip()
    size = len(f"{title}\n\n{body}" if title and title not in body else body)
    for channel in channels:
        limit = text_limit(app, channel)
        if limit is not None and size > limit:
            raise UsageError("text_over_channel_limit", channel=channel, chars=size, limit=limit)


def radio_refusal(app: App, seconds: float, slot_seconds: int | None = None) -> tuple[str, dict[str, str]] | None:
    """Why a radio bulletin of `seconds` cannot air (a message code and its values), or None if it can."""
    longest = app.config.programme.max_bulletin_minutes * 60
    if seconds > longest:
        return "bulletin_too_long", {"length": minutes(seconds), "limit": minutes(longest)}
    if slot_seconds is not None and seconds > slot_seconds:
        return "bulletin_longer_than_slot", {"length": minutes(seconds), "limit": minutes(slot_seconds)}
    return None


def generated_refusal(app: App, title: str, body: str, slot_seconds: int) -> tuple[str, dict[str, str]] | None:
    """Why a generated radio bulletin (rotation, announcement) of a slot cannot air, or None if it can."""
    size = len(title) + len(body)
    if size > MAX_TEXT_CHARS:
        return "text_too_large", {"chars": str(size), "limit": str(MAX_TEXT_CHARS)}
    return radio_refusal(app, bulletin_seconds(app, title, body), slot_seconds)


def check_radio(app: App, seconds: float, slot_seconds: int | None = None) -> None:
    """Refuse a radio bulletin longer than the configured maximum or than its slot."""
    refusal = radio_refusal(app, seconds, slot_seconds)
    if refusal is not None:
        raise UsageError(refusal[0], **refusal[1])
