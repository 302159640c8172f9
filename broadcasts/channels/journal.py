"""The send journal: what a social channel did for one airing, written to disk before and after each request.

A step is marked `sending` (durably) just before its request goes out and
`done` with the post id as soon as the reply says so. After a crash the
journal tells `recover` whether a request may be out there (then the post is
looked up) or surely is not (then the airing simply runs again), and a step
that is `done` is never sent twice, also when a later step is retried.

Where it is kept is a `Book` (audio.sinks.ledger): files in a folder by
default (`JournalFolder`), the database in a running app (`broadcasts.evidence`),
so a node taking over another node's airing reads what that node sent.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import threading
from pathlib import Path
from typing import Any

from audio.sinks.ledger import Book
from broadcasts.redact import scrub_value

__all__ = ["Journal", "JournalFolder", "write_durably", "SENDING", "DONE"]

SENDING = "sending"
DONE = "done"
_lock = threading.Lock()


def write_durably(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    """Replace `path` with `data` atomically: temp file, fsync, rename, fsync of the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if os.name == "posix":
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    if os.name == "posix":
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


class JournalFolder:
    """One JSON file per airing key under `directory` (mode 0600, written atomically)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def _path(self, key: str) -> Path:
        return self.directory / (re.sub(r"[^A-Za-z0-9_.-]", "_", key) + ".json")

    def load(self, key: str) -> dict[str, Any] | None:
        try:
            raw = self._path(key).read_bytes()
        except FileNotFoundError:
            return None
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return data

    def save(self, key: str, data: dict[str, Any]) -> None:
        body = json.dumps({"version": 1, "key": key, **data}, ensure_ascii=False, sort_keys=True)
        write_durably(self._path(key), body.encode("utf-8"), mode=0o600)


class Journal:
    """The steps of each airing key in a book: {"steps": {name: {"state": ..., ...}}}."""

    def __init__(self, book: Path | Book) -> None:
        self.book: Book = book if isinstance(book, Book) else JournalFolder(Path(book))

    def load(self, key: str) -> dict[str, dict[str, Any]]:
        """The steps recorded for `key` (empty if none)."""
        try:
            data = self.book.load(key)
            if data is None:
                return {}
            steps = data.get("steps", {})
            return {name: dict(step) for name, step in steps.items() if isinstance(step, dict)}
        except (ValueError, AttributeError):  # a torn record cannot happen (atomic writes); be safe anyway
            return {"?": {"state": SENDING}}

    def _save(self, key: str, steps: dict[str, dict[str, Any]]) -> None:
        steps = scrub_value(steps)  # ids and urls come from the service, which may echo the token
        self.book.save(key, {"steps": steps})

    def mark(self, key: str, step: str, state: str, **fields: Any) -> None:
        """Record `step` of `key` as `state` (with ids and the like), durably."""
        with _lock:
            steps = self.load(key)
            steps[step] = {"state": state, **fields}
            self._save(key, steps)

    def forget(self, key: str, step: str) -> None:
        """Drop `step`: its request surely did not go out."""
        with _lock:
            steps = self.load(key)
            if steps.pop(step, None) is not None:
                self._save(key, steps)

    def carry_over(self, old_key: str, new_key: str) -> list[str]:
        """Start `new_key` with the finished steps of `old_key` (a retry sends only what is missing)."""
        with _lock:
            done = {name: step for name, step in self.load(old_key).items() if step.get("state") == DONE}
            if done:
                self._save(new_key, done)
            return sorted(done)
