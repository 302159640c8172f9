"""What can happen to an airing, as the broadcast log records it: the one list of outcomes.

Kept apart from the models so the command line can name the outcomes without loading SQLAlchemy.
"""

from __future__ import annotations

import enum

__all__ = ["Outcome", "FINAL_OUTCOMES"]


class Outcome(str, enum.Enum):
    """The outcome of an airing in the broadcast log (DESIGN.md's contract)."""

    aired = "aired"
    posted = "posted"
    failed = "failed"
    missed = "missed"
    skipped = "skipped"
    dry_run = "dry_run"
    unknown = "unknown"


FINAL_OUTCOMES = frozenset(o for o in Outcome if o is not Outcome.unknown)
