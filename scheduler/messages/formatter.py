"""The daemon's log in the station's language.

Library code (audio/, broadcasts/) logs in English, and tags the operator-facing
records with a message code: `extra=tagged(code, **params)` (audio.errors).
The formatter that `setup_logging` installs words such a record from the
catalogue in the chosen language; an error among the params (anything with
`code` and `params`) is rendered too. Untagged records pass as they are, and the
record itself is never changed, so other handlers see it as logged. Times are
the station's (its time zone, with the offset), not the machine's. Every
formatted line is scrubbed of remembered secrets (broadcasts.redact).
"""

from __future__ import annotations

import copy
import logging
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from broadcasts.redact import scrub
from scheduler.messages import render, text

__all__ = ["StationFormatter", "setup_logging"]

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class StationFormatter(logging.Formatter):
    """Formats tagged records in `lang` ("vi" or "en"), their times in the station's zone `tz`."""

    def __init__(self, lang: str, fmt: str = FORMAT, tz: ZoneInfo | None = None) -> None:
        super().__init__(fmt)
        self.lang = lang
        self.tz = tz

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        """`2026-11-23 06:00:00,000+07:00`: the station's local time of the record, with its offset."""
        if self.tz is None:
            return super().formatTime(record, datefmt)
        moment = datetime.fromtimestamp(record.created, self.tz)
        if datefmt:
            return moment.strftime(datefmt)
        return f"{moment:%Y-%m-%d %H:%M:%S},{int(record.msecs):03d}{moment.isoformat()[-6:]}"

    def format(self, record: logging.LogRecord) -> str:
        code = getattr(record, "loa_code", None)
        if code:
            params = {
                k: render(v, self.lang) if hasattr(v, "code") and hasattr(v, "params") else v
                for k, v in (getattr(record, "loa_params", None) or {}).items()
            }
            record = copy.copy(record)
            record.msg, record.args = text(code, self.lang, **params), None
        return scrub(super().format(record))  # the params and the traceback are formatted here, after the record


def setup_logging(debug: bool, lang: str, tz: ZoneInfo | None = None) -> None:
    """Log to stderr with times in the station's zone `tz`, in `lang`; APScheduler and Alembic only when something
    is wrong."""
    logging.basicConfig(level=logging.DEBUG if debug else logging.INFO, stream=sys.stderr, format=FORMAT)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(StationFormatter(lang, tz=tz))
    for noisy in ("apscheduler", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
