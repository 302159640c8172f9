"""What a queued bulletin airs on the radio besides spoken text: a recorded file or a relay, and where it goes.

`loa queue --audio FILE [--text T]`, `loa queue --relay NAME --minutes M`, the
console and the API all come here before anything is stored:

- an audio bulletin plays its stored file (`scheduler.services.media`); the
  social channels get its text; without text it is radio-only, and the
  operator is told so;
- a relay plays a configured stream for a set time, on the radio only;
- either can target some loudspeaker zones (`--zones a,b`); emergencies go to all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from broadcasts.models import BulletinKind, Media
from scheduler.app import App
from scheduler.errors import UsageError

__all__ = ["RadioKind", "resolve_kind", "MAX_RELAY_MINUTES"]

MAX_RELAY_MINUTES = 240


@dataclass(frozen=True, kw_only=True)
class RadioKind:
    """The kind of a bulletin to queue, with what it needs and what the operator should hear about it."""

    kind: BulletinKind = BulletinKind.speech
    media: Media | None = None
    relay: str | None = None
    relay_seconds: float | None = None
    default_title: str | None = None
    default_body: str = ""
    channels: Sequence[str] | None = None  # narrowed where the kind allows only some
    notices: tuple[str, ...] = field(default_factory=tuple)


def _media(app: App, media_id: int) -> Media:
    with app.reads() as session:
        media = session.scalar(select(Media).where(Media.id == media_id, Media.station_id == app.station_id))
    if media is None:
        raise UsageError("media_unknown", media=media_id)
    return media


def resolve_kind(
    app: App,
    *,
    text: str | None,
    channels: Sequence[str] | None,
    media_id: int | None = None,
    relay: str | None = None,
    relay_minutes: float | None = None,
) -> RadioKind:
    """The kind asked for, checked; raises UsageError before anything is stored."""
    if media_id is not None and relay is not None:
        raise UsageError("queue_kind_one")
    wanted = [c.strip().lower() for c in channels or () if c.strip()]
    if relay is not None:
        relays = app.config.channels.radio.relays
        name = relay.strip()
        if name not in relays:
            raise UsageError("queue_unknown_relay", relay=name, relays=", ".join(relays) or "-")
        if text:
            raise UsageError("queue_kind_one")
        if any(c != "radio" for c in wanted):
            raise UsageError("queue_relay_radio_only")
        if relay_minutes is None or not 1 <= relay_minutes <= MAX_RELAY_MINUTES:
            raise UsageError("queue_relay_minutes", max=MAX_RELAY_MINUTES)
        label = relays[name].label or name
        return RadioKind(
            kind=BulletinKind.relay,
            relay=name,
            relay_seconds=float(relay_minutes) * 60,
            default_title=f"Tiếp âm {label}",
            default_body=f"Tiếp âm {label}",
            channels=["radio"],
        )
    if media_id is None:
        return RadioKind(channels=channels)
    media = _media(app, media_id)
    title = media.source_name.rsplit(".", 1)[0].strip() or "Bản tin âm thanh"
    if (text or "").strip():
        return RadioKind(kind=BulletinKind.audio, media=media, default_title=title, channels=channels)
    if wanted and "radio" not in wanted:
        raise UsageError("queue_audio_needs_text")
    return RadioKind(
        kind=BulletinKind.audio,
        media=media,
        default_title=title,
        default_body="",
        channels=["radio"],
        notices=("notice_audio_radio_only",) if any(c != "radio" for c in wanted or app.channels) else (),
    )
