"""A speech engine that answers at once with a tone as long as the text."""

from __future__ import annotations

import math
import struct

from audio.engines.base import Clip
from audio.errors import TtsError


class ToneEngine:
    """Speaks every text as a 440 Hz tone, 40 ms per character; fails when told to."""

    def __init__(self, name: str = "tone", *, fail: bool = False, rate: int = 16_000) -> None:
        self.name = name
        self.fail = fail
        self.rate = rate
        self.calls: list[str] = []

    def synthesize(self, text: str, voice: str) -> Clip:
        self.calls.append(text)
        if self.fail:
            raise TtsError("tts_failed", engine=self.name, reason="told to fail")
        frames = int(self.rate * 0.04 * max(len(text), 1))
        pcm = b"".join(
            struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / self.rate))) for i in range(frames)
        )
        return Clip(pcm=pcm, sample_rate=self.rate, engine=self.name, voice=voice)
