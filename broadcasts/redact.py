"""Secrets never reach a log line: known secret values are replaced before any handler sees a record.

Whoever reads a token (the secrets reader, the Zalo token store) calls
`remember(value)`; `scrub(text)` hides every remembered value, and `install()`
puts a log-record factory in place that scrubs each record's message and
traceback, whatever logger or handler it goes through (also `--debug`).
"""

from __future__ import annotations

import logging
import threading
import traceback
from typing import Any

__all__ = ["remember", "scrub", "install", "MASK"]

MASK = "***"
_MIN_LENGTH = 6  # shorter values are too likely to occur in ordinary text
_secrets: set[str] = set()
_lock = threading.Lock()
_installed: list[Any] = []


def remember(value: str | None) -> None:
    """Treat `value` as a secret from now on (and start scrubbing log records)."""
    if not value or len(value) < _MIN_LENGTH:
        return
    with _lock:
        _secrets.add(value)
    install()


def scrub(text: str) -> str:
    """`text` with every remembered secret replaced by ***."""
    with _lock:
        values = sorted(_secrets, key=len, reverse=True)
    for value in values:
        if value in text:
            text = text.replace(value, MASK)
    return text


def install() -> None:
    """Wrap the log-record factory once so every record is scrubbed where it is made."""
    with _lock:
        if _installed:
            return
        previous = logging.getLogRecordFactory()
        _installed.append(previous)

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if not _secrets:
            return record
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not hide the record
            message = str(record.msg)
        record.msg, record.args = scrub(message), None
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = scrub("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
        return record

    logging.setLogRecordFactory(factory)
