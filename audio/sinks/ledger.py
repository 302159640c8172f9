"""A hand-over ledger: one small durable record per airing key, "pending" then "done".

Sinks mark "pending" before audio leaves Loa and "done" once it has; after a
crash, the state tells whether an airing went out, surely did not, or is unclear.

Where the records are kept is a `Book`: a folder of small files here (the
default), or the database (`broadcasts.evidence`), so that a node taking over
another node's airing reads what that node handed over.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

__all__ = ["Book", "FolderBook", "Ledger"]


@runtime_checkable
class Book(Protocol):
    """Durable records by key: what a ledger or a journal keeps."""

    def load(self, key: str) -> dict[str, Any] | None:
        """The record of `key`, None if nothing was recorded; ValueError if it cannot be read."""
        ...

    def save(self, key: str, data: dict[str, Any]) -> None:
        """Replace the record of `key` durably: it is kept before this returns."""
        ...


class FolderBook:
    """One JSON file per key in a folder (temporary file, fsync, rename)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def load(self, key: str) -> dict[str, Any] | None:
        try:
            data = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise ValueError(str(exc)) from exc
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return data

    def save(self, key: str, data: dict[str, Any]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{key}.json"
        tmp = self.folder / f".{key}.json.part"
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)


class Ledger:
    """Durable per-key hand-over states in a book (a folder by default)."""

    def __init__(self, book: Path | Book) -> None:
        self.book: Book = book if isinstance(book, Book) else FolderBook(Path(book))

    def mark(self, key: str, state: str, **extra: str) -> None:
        """Record `state` for `key` durably."""
        self.book.save(key, {"state": state, **extra})

    def state(self, key: str) -> str | None:
        """The recorded state, None if nothing was recorded; "corrupt" if unreadable."""
        try:
            data = self.book.load(key)
            return None if data is None else str(data["state"])
        except (ValueError, KeyError, TypeError):
            return "corrupt"

    def was_played(self, key: str) -> bool | None:
        """For sinks that play in real time: done -> True, nothing -> False, otherwise unclear."""
        state = self.state(key)
        if state is None:
            return False
        return True if state == "done" else None
