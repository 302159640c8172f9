"""The runner's log lines, in the station's language and tagged so `loa run --lang` re-words them."""

from __future__ import annotations

import logging

from audio.errors import tagged
from scheduler.app import App
from scheduler.messages import text

__all__ = ["log", "note", "say"]

log = logging.getLogger("loa.runner")


def say(app: App, code: str, **params: object) -> str:
    """The message `code` in the station's language."""
    return text(code, app.config.lang, **params)


def note(app: App, level: int, code: str, *, exc_info: bool = False, **params: object) -> None:
    """Log the message `code` for the operator, who reads `loa run`'s output (scheduler.messages.formatter)."""
    if log.isEnabledFor(level):
        log.log(level, "%s", say(app, code, **params), exc_info=exc_info, extra=tagged(code, **params))
