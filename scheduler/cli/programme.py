"""`loa programme`: the coming programme, slot by slot."""

from __future__ import annotations

import json
from datetime import timedelta

import click

from scheduler.cli.options import common_options, say
from scheduler.cli.options import state as current_state
from scheduler.messages import text
from scheduler.messages.labels import ORIGIN_LABELS, PRIORITY_LABELS

__all__ = ["programme"]


@click.command()
@click.option(
    "--days", default=2, show_default=True, type=click.IntRange(1, 31), help="Số ngày tới / how many days ahead."
)
@click.option("--json", "as_json", is_flag=True, help="In JSON / print JSON.")
@common_options
def programme(days: int, as_json: bool) -> None:
    """Chương trình phát những ngày tới / the coming programme, slot by slot."""
    from scheduler.programme import planner
    from scheduler.programme.limits import minutes
    from scheduler.programme.times import format_local

    state = current_state()
    with state.app() as app:
        now = app.clock.now()
        planner.materialize(app, now, now + timedelta(days=days))  # what the runner would create ahead
        lines = planner.upcoming(app, now, days)
    tz = app.config.tz
    if as_json:
        say(
            json.dumps(
                [x.as_json(tz) for x in lines],
                ensure_ascii=False,
                indent=2,
            )
        )
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
        kind = text(f"w_kind_{line.kind}", lang) if line.kind != "speech" else ""
        marks = " ".join(
            x
            for x in (
                PRIORITY_LABELS[lang].get(line.priority, ""),
                ORIGIN_LABELS[lang].get(line.origin, line.origin),
                kind,
            )
            if x
        )
        where = f"{line.channel}:{line.zone}" if line.zone else line.channel
        length = f"{minutes(line.seconds):>5}" if line.seconds is not None else " " * 5
        say(
            f"  {format_local(line.due_at, tz, '%H:%M:%S')}  {where:<9} #{line.airing_id:<5} {length}  "
            f"{('[' + marks + '] ') if marks else ''}{line.title}"
        )
