"""`loa queue`: put one bulletin on the air, on its channels, at a time or in the next slot."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from scheduler.cli.options import common_options, say
from scheduler.cli.options import state as current_state
from scheduler.messages import text

__all__ = ["queue"]


@click.command()
@click.option("--text", "text_value", help="Nội dung bản tin / bulletin text.")
@click.option(
    "--file", "file_path", type=click.Path(dir_okay=False), help="Đọc nội dung từ tệp / read text from a file."
)
@click.option("--item", "item_ref", help="Nội dung số REF của kế hoạch đang dùng / a plan item, e.g. 2.1.")
@click.option(
    "--audio",
    "audio_path",
    type=click.Path(dir_okay=False),
    help="Phát tệp thu âm (mp3, wav, m4a, ogg, flac, webm); --text là bài đăng / air a recorded file.",
)
@click.option("--relay", help="Tiếp âm nguồn NAME của [channels.radio.relays] / relay a configured stream.")
@click.option("--minutes", "relay_minutes", type=float, help="Thời lượng tiếp âm (phút) / how long the relay lasts.")
@click.option("--zones", default=None, help="Các cụm loa, vd. thon-dong,loa-day (mặc định: tất cả) / zones.")
@click.option("--title", help="Tiêu đề / title.")
@click.option(
    "--at", "at", default="next", show_default=True, help="now | next | HH:MM | YYYY-MM-DD HH:MM | +10m | ISO-8601."
)
@click.option("--channels", default=None, help="radio,facebook,zalo (mặc định: các kênh đang bật / enabled ones).")
@click.option(
    "--priority",
    type=click.Choice(["normal", "priority", "emergency"]),
    default="normal",
    show_default=True,
    help="Mức ưu tiên theo TT 39/2020 / priority.",
)
@click.option("--json", "as_json", is_flag=True, help="In JSON / print JSON.")
@common_options
def queue(
    text_value: str | None,
    file_path: str | None,
    item_ref: str | None,
    audio_path: str | None,
    relay: str | None,
    relay_minutes: float | None,
    zones: str | None,
    title: str | None,
    at: str,
    channels: str | None,
    priority: str,
    as_json: bool,
) -> None:
    """Xếp một bản tin vào lịch phát / queue a bulletin."""
    from scheduler.errors import UsageError
    from scheduler.programme.limits import MAX_TEXT_CHARS, minutes
    from scheduler.programme.times import format_local
    from scheduler.services.queue import queue_bulletin

    max_file_bytes = MAX_TEXT_CHARS * 4  # UTF-8 takes at most four bytes a character
    state = current_state()
    given = [x for x in (text_value, file_path, item_ref) if x is not None]
    if len(given) > 1 or (not given and audio_path is None and relay is None):
        raise UsageError("queue_one_source")
    if audio_path is not None and relay is not None:
        raise UsageError("queue_kind_one")
    body = text_value
    if file_path is not None:
        try:
            size = Path(file_path).stat().st_size
            if size > max_file_bytes:  # refused before it is read: a 5 MB file is not loaded to be refused later
                raise UsageError("file_too_large", path=file_path, size=size, limit=max_file_bytes)
            body = Path(file_path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError("file_unreadable", path=file_path, reason=getattr(exc, "strerror", None) or exc) from exc
    with state.app() as app:
        media_id = None
        if audio_path is not None:
            from scheduler.services.media import store_media

            click.echo(text("media_checking", state.language, path=audio_path), err=True)
            media = store_media(app, Path(audio_path), uploaded_by=os.environ.get("USER"))
            click.echo(
                text(
                    "media_stored", state.language, id=media.id, length=minutes(media.seconds), lufs=media.loudness_lufs
                ),
                err=True,
            )
            media_id = media.id
        queued = queue_bulletin(
            app,
            text=body,
            item_ref=item_ref,
            title=title,
            at=at,
            channels=channels.split(",") if channels else None,
            priority=priority,
            zones=zones.split(",") if zones else None,
            media_id=media_id,
            relay=relay,
            relay_minutes=relay_minutes,
        )
    if as_json:
        say(json.dumps(queued.as_json(app.config.tz), ensure_ascii=False))
        return
    say(text("queued", state.language, id=queued.bulletin_id))
    for airing in queued.airings:
        where = f"  [{app.config.channels.radio.zone_label(airing.zone)}]" if airing.zone else ""
        say(f"  #{airing.id}  {airing.channel:<9} {format_local(airing.due_at, app.config.tz)}{where}")
    if queued.seconds is not None:
        say("  " + text("queued_estimate", state.language, length=minutes(queued.seconds)))
    for notice in queued.notices:
        say(
            "  ! "
            + text(
                notice.code,
                state.language,
                channel=notice.channel,
                airing=notice.airing_id,
                at=format_local(notice.due_at, app.config.tz, "%Y-%m-%d %H:%M:%S"),
            )
        )
