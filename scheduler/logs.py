"""The daemon's log in the station's language.

Library code (audio/, broadcasts/) logs in English, and tags the operator-facing
records with a message code: `extra={"loa_code": code, "loa_params": {...}}`.
The handler that `setup_logging` installs rewrites such a record with the
catalogue's text in the chosen language; an error among the params (anything
with `code` and `params`) is rendered too. Untagged records pass as they are.
"""

from __future__ import annotations

import logging
import sys
from audio.errors import tagged
from scheduler.messages import render, text

__all__ = ["StationLanguage", "setup_logging", "tagged"]


class StationLanguage(logging.Filter):
    """Rewrites tagged records in `lang` ("vi" or "en")."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def filter(self, record: logging.LogRecord) -> bool:
        code = getattr(record, "loa_code", None)
        if code:
            params = {k: render(v, self.lang) if hasattr(v, "code") and hasattr(v, "params") else v
                      for k, v in (getattr(record, "loa_params", None) or {}).items()}
            record.msg, record.args = text(code, self.lang, **params), None
        return True


def setup_logging(debug: bool, lang: str) -> None:
    """Log to stderr with times, in `lang`; APScheduler and Alembic only when something is wrong."""
    logging.basicConfig(level=logging.DEBUG if debug else logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, StationLanguage) for f in handler.filters):
            handler.addFilter(StationLanguage(lang))
    for noisy in ("apscheduler", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
