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
    from scheduler.runner import Runner

    state = current_state()
    config = state.load()
    setup_logging(state.debug, state.language, config.tz)  # log times in the station's zone
    with state.app() as app:
        runner = Runner(app)
        if once:
            records = runner.run_due()
            say(text("run_once_done", state.language, count=len(records)))
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
        runner.start()
        say(text("running", state.language, station=app.config.station.name), err=True)
        while not stop.wait(1.0):
            pass
        say(text("stopping", state.language), err=True)
        runner.stop(wait=True)
