"""`loa dispatch`: one bulletin to many stations (all, a district or a list), each in its own next slot."""

from __future__ import annotations

import json

import click

from scheduler.cli.options import common_options, say
from scheduler.cli.options import state as current_state
from scheduler.messages import text

__all__ = ["dispatch"]


@click.command()
@click.option("--text", "text_value", required=True, help="Nội dung bản tin / bulletin text.")
@click.option("--title", help="Tiêu đề / title.")
@click.option("--post-text", help="Bài đăng mạng xã hội (mặc định: nội dung) / the social post's text.")
@click.option("--to", "to", default=None, help="all: mọi đài / every station (the default).")
@click.option("--district", default=None, help="Gửi các đài của huyện / the stations of a district.")
@click.option("--stations", default=None, help="Mã các đài, vd. xa-a,xa-b / station codes.")
@click.option("--at", "at", default="next", show_default=True, help="now | next | HH:MM | YYYY-MM-DD HH:MM | ISO-8601.")
@click.option(
    "--priority",
    type=click.Choice(["normal", "priority", "emergency"]),
    default="normal",
    show_default=True,
    help="Mức ưu tiên / priority.",
)
@click.option("--channels", default=None, help="radio,facebook,... (mặc định: kênh đang bật của từng đài).")
@click.option("--json", "as_json", is_flag=True, help="In JSON / print JSON.")
@common_options
def dispatch(
    text_value: str,
    title: str | None,
    post_text: str | None,
    to: str | None,
    district: str | None,
    stations: str | None,
    at: str,
    priority: str,
    channels: str | None,
    as_json: bool,
) -> None:
    """Gửi một bản tin cho nhiều đài / send one bulletin to many stations (as the deployment's administrator)."""
    from scheduler.services.dispatch import CLI_ACTOR, parse_target, send_dispatch
    from scheduler.services.reception import STATUS_MESSAGES

    state = current_state()
    target = parse_target(to, district=district, stations=stations)
    with state.app() as app:
        sent = send_dispatch(
            app,
            CLI_ACTOR,
            text=text_value,
            title=title,
            post_text=post_text,
            target=target,
            at=at,
            priority=priority,
            channels=channels.split(",") if channels else None,
            lang=state.language,
        )
    if as_json:
        say(json.dumps(sent.as_json(), ensure_ascii=False))
        return
    lang = state.language
    say(
        text(
            "dispatch_sent",
            lang,
            id=sent.dispatch_id,
            sent=sent.count("queued"),
            skipped=sent.count("skipped"),
            failed=sent.count("not_queued"),
        )
    )
    for one in sent.stations:
        due = one.as_json()["due_at"] or ""
        detail = f"#{one.bulletin_id} {due}" if one.bulletin_id else (one.message or "")
        status = text(STATUS_MESSAGES[one.status], lang)
        say("  " + text("dispatch_station_line", lang, station=one.code, status=status, detail=detail))
