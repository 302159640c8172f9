"""A hand-over ledger: one small durable file per airing key, "pending" then "done".

Sinks mark "pending" before audio leaves Loa and "done" once it has; after a
crash, the state tells whether an airing went out, surely did not, or is unclear.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

__all__ = ["Ledger"]


class Ledger:
    """Durable per-key hand-over states in a folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def mark(self, key: str, state: str, **extra: str) -> None:
        """Record `state` for `key` durably (temporary file, fsync, rename)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{key}.json"
        tmp = self.folder / f".{key}.json.part"
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump({"state": state, **extra}, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)

    def state(self, key: str) -> str | None:
        """The recorded state, None if nothing was recorded; "corrupt" if unreadable."""
        try:
            return str(json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))["state"])
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            return "corrupt"

    def was_played(self, key: str) -> bool | None:
        """For sinks that play in real time: done -> True, nothing -> False, otherwise unclear."""
        state = self.state(key)
        if state is None:
            return False
        return True if state == "done" else None
