"""From a script to speech: normalize, split into sentences, speak each with the engines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from audio.engines.base import Clip, TtsEngine
from audio.errors import TtsError
from audio.mix import Encoded, EncodeSettings, assemble, encode_mp3
from audio.text import ReadingOptions, is_speakable, normalize, split_sentences

__all__ = ["Speaker", "Rendered", "render_script"]

SENTENCE_PAUSE_MS = 250


@dataclass(frozen=True, kw_only=True)
class Rendered:
    """A rendered bulletin: the MP3, its digest and length, and who spoke (engine and voice, "+" between several)."""

    path: Path
    sha256: str
    seconds: float
    engine: str
    voice: str = ""


class Speaker:
    """Normalizes Vietnamese text and speaks it sentence by sentence."""

    def __init__(self, engine: TtsEngine, *, voice: str = "vi", options: ReadingOptions | None = None) -> None:
        self.engine = engine
        self.voice = voice
        self.options = options or ReadingOptions()

    def speakable(self, text: str) -> str:
        """The text as it will be read aloud."""
        return normalize(text, self.options)

    def speak(self, text: str) -> list[Clip]:
        """Speak `text` as a list of sentence clips."""
        if not text.strip():
            raise TtsError("empty_text")
        spoken = self.speakable(text)
        if not is_speakable(spoken):
            raise TtsError("nothing_speakable")
        return [
            self.engine.synthesize(sentence, self.voice)
            for sentence in split_sentences(spoken)
            if is_speakable(sentence)
        ]


def render_script(
    parts: Sequence[str | Clip],
    speaker: Speaker,
    out_path: Path,
    *,
    settings: EncodeSettings,
    pause_ms: int = 700,
    verify: bool = True,
) -> Rendered:
    """Speak each non-empty text part (a Clip, such as a jingle, plays as is) with pauses between, then encode."""
    pieces: list[Clip | int] = []
    engines: list[str] = []
    voices: list[str] = []
    spoken = False
    for part in parts:
        if isinstance(part, Clip):
            if pieces:
                pieces.append(pause_ms)
            pieces.append(part)
            continue
        if not part.strip():
            continue
        if pieces:
            pieces.append(pause_ms)
        for index, clip in enumerate(speaker.speak(part)):
            if index:
                pieces.append(SENTENCE_PAUSE_MS)
            pieces.append(clip)
            spoken = True
            if clip.engine not in engines:
                engines.append(clip.engine)
            if clip.voice and clip.voice not in voices:
                voices.append(clip.voice)
    if not spoken:
        raise TtsError("empty_text")
    encoded: Encoded = encode_mp3(assemble(pieces), out_path, settings, verify=verify)
    return Rendered(
        path=encoded.path,
        sha256=encoded.sha256,
        seconds=encoded.seconds,
        engine="+".join(engines),
        voice="+".join(voices),
    )
