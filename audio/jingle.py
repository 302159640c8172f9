"""The intro jingle of a bulletin: the station's own sound file, or a generated three-tone chime.

The chime is made with pydub's tone generators (no sound file ships with
Loa): three soft bell-like notes rising through a major chord (G4, C5, E5),
each with a quick attack, a fading tail and a quieter octave overtone,
overlapping like a station signal.
"""

from __future__ import annotations

import hashlib
import warnings
from functools import lru_cache
from pathlib import Path

from audio.engines.base import Clip
from audio.errors import AudioError
from audio.mix import decode_audio

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from pydub import AudioSegment
    from pydub.generators import Sine

__all__ = ["CHIME", "NO_JINGLE", "chime", "load_jingle", "jingle_identity"]

CHIME = ""  # the configured value that asks for the generated chime
NO_JINGLE = "none"
CHIME_VERSION = "chime-1"  # change it when the chime's sound changes, so rendered bulletins are redone
RATE = 22_050  # the rate most engines speak at: no resampling for espeak or Piper; ample for a loudspeaker
NOTES = (392.00, 523.25, 659.25)  # G4, C5, E5
NOTE_STEP_MS = 260
NOTE_MS = 900
MAX_JINGLE_SECONDS = 60.0


def _bell(frequency: float) -> AudioSegment:
    """One soft bell-like note: the tone and a quieter octave, quick attack, long fade."""
    tone = Sine(frequency, sample_rate=RATE, bit_depth=16).to_audio_segment(duration=NOTE_MS, volume=-18)
    overtone = Sine(frequency * 2, sample_rate=RATE, bit_depth=16).to_audio_segment(duration=NOTE_MS, volume=-30)
    return tone.overlay(overtone).fade_in(12).fade_out(NOTE_MS - 60)


@lru_cache(maxsize=1)
def chime() -> Clip:
    """A short rising three-tone chime (about 1.4 s), mono 16-bit at 22.05 kHz; made once per process."""
    length = NOTE_STEP_MS * (len(NOTES) - 1) + NOTE_MS
    out = AudioSegment.silent(duration=length, frame_rate=RATE).set_sample_width(2).set_channels(1)
    for index, frequency in enumerate(NOTES):
        out = out.overlay(_bell(frequency), position=index * NOTE_STEP_MS)
    return Clip(pcm=out.raw_data, sample_rate=RATE, engine="", voice="")


def load_jingle(setting: str, base: Path | None = None) -> Clip | None:
    """The jingle for a configured value: None for "none", the chime for "", else the file decoded at 22.05 kHz."""
    if setting.strip().lower() == NO_JINGLE:
        return None
    if not setting.strip():
        return chime()
    path = Path(setting).expanduser()
    if base is not None and not path.is_absolute():
        path = base / path
    if not path.is_file():
        raise AudioError("jingle_unreadable", path=str(path), reason="not found")
    try:
        clip = decode_audio(path, sample_rate=RATE, timeout=60.0)
    except AudioError as exc:
        raise AudioError("jingle_unreadable", path=str(path), reason=exc.params.get("reason", str(exc))) from exc
    if clip.seconds > MAX_JINGLE_SECONDS:
        raise AudioError("jingle_unreadable", path=str(path), reason=f"longer than {MAX_JINGLE_SECONDS:g} s")
    return clip


def jingle_identity(setting: str, base: Path | None = None) -> str:
    """What the jingle sounds like, for a bulletin's fingerprint: the chime's version or the file's digest."""
    if setting.strip().lower() == NO_JINGLE:
        return NO_JINGLE
    if not setting.strip():
        return CHIME_VERSION
    path = Path(setting).expanduser()
    if base is not None and not path.is_absolute():
        path = base / path
    try:
        return "file:" + hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return f"missing:{path}"
