"""Short rendered bulletins for the playout sink tests: a tone, encoded like real radio audio."""

from __future__ import annotations

from pathlib import Path

from audio.mix import Encoded, EncodeSettings, assemble, encode_mp3
from tests.fakes.tts import ToneEngine


def tone_mp3(path: Path, seconds: float) -> Encoded:
    """An MP3 of a 440 Hz tone lasting about `seconds` (44.1 kHz mono 128 kbit/s, loudness-normalized)."""
    clip = ToneEngine().synthesize("x" * max(int(seconds / 0.04), 1), "vi")
    return encode_mp3(assemble([clip]), path, EncodeSettings())
