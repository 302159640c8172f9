"""The folder sink: copy the MP3 into an outbox folder that a vendor platform picks up.

The copy is atomic (temporary name, fsync, rename). A small ledger beside
Loa's data records "pending" before the rename and "done" after it, so after a
crash Loa can tell whether a file was handed over even if the platform has
already taken it from the outbox.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from audio.errors import AudioError
from audio.sink import Played

__all__ = ["FolderSink"]


class FolderSink:
    """Hands MP3 files to an outbox folder."""

    name = "folder"

    def __init__(self, outbox: Path, ledger: Path) -> None:
        self.outbox = Path(outbox)
        self.ledger = Path(ledger)

    def _target(self, key: str) -> Path:
        return self.outbox / f"{key}.mp3"

    def _mark(self, key: str, state: str) -> None:
        self.ledger.mkdir(parents=True, exist_ok=True)
        path = self.ledger / f"{key}.json"
        tmp = path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump({"state": state, "target": str(self._target(key))}, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)

    def play(self, audio: Path, *, key: str) -> Played:
        target = self._target(key)
        part = self.outbox / f".{key}.mp3.part"
        try:
            self.outbox.mkdir(parents=True, exist_ok=True)
            self._mark(key, "pending")
            with open(audio, "rb") as source, open(part, "wb") as sink:
                shutil.copyfileobj(source, sink, 1 << 20)
                sink.flush()
                os.fsync(sink.fileno())
            os.replace(part, target)
            self._mark(key, "done")
        except OSError as exc:
            if part.exists():
                part.unlink()
            raise AudioError("sink_failed", sink=f"{self.name} {self.outbox}", reason=exc.strerror or str(exc)) from exc
        return Played(sink=self.name, target=str(target))

    def was_played(self, key: str) -> bool | None:
        try:
            state = json.loads((self.ledger / f"{key}.json").read_text(encoding="utf-8"))["state"]
        except FileNotFoundError:
            return False
        except (OSError, ValueError, KeyError):
            return None
        if state == "done" or self._target(key).exists():
            return True
        if (self.outbox / f".{key}.mp3.part").exists():
            return False  # the crash came before the rename: nothing was handed over
        return None  # handed over and already taken, or never copied: cannot tell
