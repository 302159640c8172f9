"""The folder sink: copy the MP3 into an outbox folder that a vendor platform picks up.

The copy is atomic (temporary name, fsync, rename). The hand-over ledger
records "pending" before the rename and "done" after it, so after a crash Loa
can tell whether a file was handed over even if the platform has already
taken it from the outbox.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from audio.errors import AudioError
from audio.sinks.base import Played
from audio.sinks.ledger import Book, Ledger

__all__ = ["FolderSink"]


class FolderSink:
    """Hands MP3 files to an outbox folder."""

    name = "folder"

    def __init__(self, outbox: Path, ledger: Path | Book) -> None:
        self.outbox = Path(outbox)
        self.ledger = Ledger(ledger)

    def _target(self, key: str) -> Path:
        return self.outbox / f"{key}.mp3"

    def _part(self, key: str) -> Path:
        return self.outbox / f".{key}.mp3.part"

    def play(self, audio: Path, *, key: str) -> Played:
        target, part = self._target(key), self._part(key)
        try:
            self.outbox.mkdir(parents=True, exist_ok=True)
            self.ledger.mark(key, "pending", target=str(target))
            with open(audio, "rb") as source, open(part, "wb") as sink:
                shutil.copyfileobj(source, sink, 1 << 20)
                sink.flush()
                os.fsync(sink.fileno())
            os.replace(part, target)
            self.ledger.mark(key, "done", target=str(target))
        except OSError as exc:
            if part.exists():
                part.unlink()
            raise AudioError("sink_failed", sink=f"{self.name} {self.outbox}", reason=exc.strerror or str(exc)) from exc
        return Played(sink=self.name, target=str(target))

    def was_played(self, key: str) -> bool | None:
        state = self.ledger.state(key)
        if state is None:
            return False
        if state == "done" or self._target(key).exists():
            return True
        if self._part(key).exists():
            return False  # the crash came before the rename: nothing was handed over
        return None  # handed over and already taken, or never copied: cannot tell

    def stop(self) -> None:
        """A hand-over is instantaneous: there is nothing to interrupt."""
