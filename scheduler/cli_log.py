"""`loa log`: the broadcast log, filtered, as a table, CSV or JSON."""

from __future__ import annotations

import click

from scheduler.cli_base import common_options, say
from scheduler.cli_base import state as current_state

__all__ = ["COMMANDS"]


@click.command("log")
@click.option("--since", help="Từ ngày (giờ địa phương) / from date, YYYY-MM-DD.")
@click.option("--until", help="Đến hết ngày / to date inclusive, YYYY-MM-DD.")
@click.option("--channel", help="radio | facebook | zalo")
@click.option("--status", type=click.Choice(["aired", "posted", "failed", "missed", "skipped", "dry_run", "unknown"]),
              help="Kết quả / outcome.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--limit", type=click.IntRange(min=1), help="Số dòng tối đa / at most N records.")
@common_options
def log_command(since: str | None, until: str | None, channel: str | None, status: str | None, fmt: str,
                limit: int | None) -> None:
    """Xem nhật ký phát sóng / show the broadcast log."""
    from broadcasts.log import LogQuery
    from broadcasts.models import Outcome
    from scheduler.output import log_csv, log_json, log_table
    from scheduler.services import read_log
    from scheduler.times import day_range, parse_local_date

    state = current_state()
    app = state.app()
    try:
        tz = app.config.tz
        start, end = day_range(parse_local_date(since) if since else None,
                               parse_local_date(until) if until else None, tz)
        records = read_log(app, LogQuery(since=start, until=end, channel=channel,
                                         outcome=Outcome(status) if status else None, limit=limit))
    finally:
        app.close()
    if fmt == "json":
        say(log_json(records, tz))
    elif fmt == "csv":
        click.echo(log_csv(records, tz), nl=False)
    else:
        say(log_table(records, tz, state.language))


COMMANDS = [log_command]
