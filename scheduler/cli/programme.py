"""`loa programme` and `loa plan item`: the coming programme and the rotation of plan items."""

from __future__ import annotations

import json
from datetime import timedelta

import click

from scheduler.cli.options import common_options, say
from scheduler.cli.options import state as current_state
from scheduler.messages import text

__all__ = ["COMMANDS", "PLAN_COMMANDS"]

PRIORITY_LABELS = {"vi": {"normal": "", "priority": "ƯU TIÊN", "emergency": "KHẨN CẤP"},
                   "en": {"normal": "", "priority": "PRIORITY", "emergency": "EMERGENCY"}}
ORIGIN_LABELS = {"vi": {"opening": "mở đầu", "closing": "kết thúc", "rotation": "xoay vòng", "operator": "",
                        "demo": "demo"},
                 "en": {"opening": "opening", "closing": "closing", "rotation": "rotation", "operator": "",
                        "demo": "demo"}}


@click.command()
@click.option("--days", default=2, show_default=True, type=click.IntRange(1, 31),
              help="Số ngày tới / how many days ahead.")
@click.option("--json", "as_json", is_flag=True, help="In JSON / print JSON.")
@common_options
def programme(days: int, as_json: bool) -> None:
    """Chương trình phát những ngày tới / the coming programme, slot by slot."""
    from scheduler.programme import planner
    from scheduler.programme.times import format_local

    state = current_state()
    app = state.app()
    try:
        now = app.clock.now()
        planner.materialize(app, now, now + timedelta(days=days))  # what the runner would create ahead
        lines = planner.upcoming(app, now, days)
    finally:
        app.close()
    tz = app.config.tz
    if as_json:
        say(json.dumps([{"airing_id": x.airing_id, "channel": x.channel, "due_at": x.due_at.isoformat(),
                         "slot": x.slot, "priority": x.priority, "origin": x.origin, "title": x.title,
                         "status": x.status} for x in lines], ensure_ascii=False, indent=2))
        return
    lang = state.language
    if not lines:
        say(text("programme_empty", lang, days=days))
        return
    heading = None
    for line in lines:
        group = (format_local(line.due_at, tz, "%Y-%m-%d"), line.slot)
        if group != heading:
            heading = group
            say("")
            say(f"{group[0]}  {line.slot or text('programme_no_slot', lang)}")
        marks = " ".join(x for x in (PRIORITY_LABELS[lang].get(line.priority, ""),
                                     ORIGIN_LABELS[lang].get(line.origin, line.origin)) if x)
        say(f"  {format_local(line.due_at, tz, '%H:%M:%S')}  {line.channel:<9} #{line.airing_id:<5} "
            f"{('[' + marks + '] ') if marks else ''}{line.title}")


@click.command("item")
@click.argument("ref")
@click.option("--pin", "mode", flag_value="pinned", help="Chỉ xoay vòng các mục được ghim / air pinned items only.")
@click.option("--skip", "mode", flag_value="skipped", help="Không đưa vào xoay vòng / leave out of the rotation.")
@click.option("--normal", "mode", flag_value="normal", help="Bỏ ghim, bỏ loại trừ / back to normal.")
@click.option("--order", type=int, help="Thứ tự trong vòng xoay / position in the rotation.")
@common_options
def plan_item(ref: str, mode: str | None, order: int | None) -> None:
    """Ghim, bỏ qua hoặc sắp xếp một nội dung trong vòng xoay / pin, skip or reorder a plan item."""
    from scheduler.programme import planner

    state = current_state()
    app = state.app()
    try:
        item = planner.set_rotation(app, ref.strip(), mode=mode, order=order)
    finally:
        app.close()
    say(text("rotation_set", state.language, ref=item.ref, mode=item.rotation,
             order=item.rotation_order if item.rotation_order is not None else "-"))


COMMANDS = [programme]
PLAN_COMMANDS = [plan_item]
