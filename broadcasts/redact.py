"""Secrets never reach a log line: known secret values are replaced before any handler sees a record.

Whoever reads a token (the secrets reader, the Zalo token store) calls
`remember(value)`; `scrub(text)` hides every remembered value (also URL-encoded),
and `install()` puts a log-record factory in place that scrubs each record's
message and traceback, whatever logger or handler it goes through (also `--debug`).
`scrub_value` scrubs every string inside a reply's parsed JSON: whatever a
service sends back (an id, a trace id, a subcode) may echo a token, so it is
scrubbed where it is stored (the log record, the journal, an error's parameters)
and where it is shown (every message, every formatted log line).
"""

from __future__ import annotations

import logging
import threading
import traceback
from typing import Any
from urllib.parse import quote, quote_plus

__all__ = ["remember", "scrub", "scrub_value", "install", "MASK"]

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
        _secrets.update({value, quote(value, safe=""), quote_plus(value)})
    install()


def scrub(text: str) -> str:
    """`text` with every remembered secret replaced by ***."""
    with _lock:
        values = sorted(_secrets, key=len, reverse=True)
    for value in values:
        if value in text:
            text = text.replace(value, MASK)
    return text


def scrub_value(value: Any) -> Any:
    """`value` with every string in it scrubbed: dict keys and values, list and tuple items, the rest as is."""
    if not _secrets:
        return value
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {scrub_value(k): scrub_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(scrub_value(v) for v in value)
    return value


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
