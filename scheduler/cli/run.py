"""`loa run`: a runner node, until stopped, or one pass over what is due with --once."""

from __future__ import annotations

import logging
import os
import signal
import threading
from typing import Any

import click

from audio.errors import tagged
from scheduler.cli.options import common_options, say
from scheduler.cli.options import state as current_state
from scheduler.messages import text

__all__ = ["run"]


@click.command()
@click.option("--once", is_flag=True, help="Làm những việc đã đến giờ rồi thoát / do what is due, then exit.")
@common_options
def run(once: bool) -> None:
    """Chạy đài (tiến trình nền) / run the station daemon."""
    from scheduler.messages.formatter import setup_logging
    from scheduler.runner.node import Node

    state = current_state()
    config = state.load()
    setup_logging(state.debug, state.language, config.tz)  # log times in the station's zone
    with Node(config) as node:
        if once:
            count = node.run_once()
            say(text("run_once_done", state.language, count=count))
            return
        stop = threading.Event()

        def _signal(signum: int, _frame: Any) -> None:
            if stop.is_set():
                logging.getLogger("loa.runner").warning(
                    "second signal: stopping at once", extra=tagged("second_signal")
                )
                os._exit(130)
            stop.set()

        signal.signal(signal.SIGINT, _signal)
        signal.signal(signal.SIGTERM, _signal)
        node.start()
        names = [s.app.config.station.name for s in node.served.values()]
        if not names and not config.runner.stations:
            raise click.ClickException(text("run_no_station", state.language, node=node.name, wanted="[]"))
        if len(names) == 1 and not config.runner.stations:
            say(text("running", state.language, station=names[0]), err=True)
        else:
            shown = ", ".join(names[:10]) + (" …" if len(names) > 10 else "")
            say(text("running_node", state.language, node=node.name, count=len(names), stations=shown), err=True)
        while not stop.wait(1.0):
            pass
        say(text("stopping", state.language), err=True)
