"""The playout sink interface: where rendered radio audio goes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

__all__ = ["Sink", "Played"]


@dataclass(frozen=True, kw_only=True)
class Played:
    """What a sink did with a file: where it went (a path or URL)."""

    sink: str
    target: str


class Sink(Protocol):
    """Plays or hands over one MP3 per airing, identified by a stable key."""

    name: str

    def play(self, audio: Path, *, key: str) -> Played:
        """Play or hand over `audio`; raise AudioError("sink_failed") when it cannot."""
        ...

    def was_played(self, key: str) -> bool | None:
        """After a crash: True if `key` went out, False if surely not, None if unclear."""
        ...

    def stop(self) -> None:
        """Interrupt what is playing now (an emergency); the interrupted `play` raises
        AudioError("sink_interrupted"). A sink that hands over instantly does nothing."""
        ...
