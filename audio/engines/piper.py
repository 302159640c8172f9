"""A local neural voice: Piper with a .onnx voice file that the station supplies.

Piper is an optional extra (`pip install 'loa[piper]'`, which brings
`piper-tts` and onnxruntime). When the package or the voice file is missing,
the engine raises a TtsError that names what is missing, so the chain falls
back to the next engine. The voice is loaded once, on first use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audio.engines.base import Clip, EngineContext, EngineType
from audio.errors import TtsError

__all__ = ["PiperEngine", "load_piper_voice", "ENGINE"]


def load_piper_voice(model: Path) -> Any:
    """Load a Piper voice with piper-tts (its `<model>.onnx.json` beside it)."""
    try:
        from piper import PiperVoice
    except ImportError as exc:
        raise TtsError(
            "tts_engine_missing",
            engine="piper",
            package="piper-tts",
            reason="piper-tts is not installed (pip install 'loa[piper]')",
        ) from exc
    return PiperVoice.load(str(model))


class PiperEngine:
    """Piper speaking with one voice file; offline, natural, heavier than espeak."""

    name = "piper"

    def __init__(
        self, *, model: str | Path, length_scale: float = 1.0, loader: Callable[[Path], Any] = load_piper_voice
    ) -> None:
        self.model = Path(model) if str(model).strip() else None
        self.length_scale = length_scale
        self.loader = loader
        self._voice: Any = None
        self._lock = threading.Lock()

    @property
    def identity(self) -> str:
        if self.model is None:
            return "piper:-"
        try:
            stat = self.model.stat()
            stamp = f"{stat.st_size}:{int(stat.st_mtime)}"
        except OSError:
            stamp = "missing"
        return f"piper:{self.model.name}:{stamp}:length={self.length_scale:g}"

    def _load(self) -> Any:
        if self.model is None:
            raise TtsError(
                "voice_unset",
                engine=self.name,
                key="speech.piper_voice",
                reason="no voice file configured (speech.piper_voice)",
            )
        if not self.model.is_file():
            raise TtsError(
                "voice_missing", engine=self.name, path=str(self.model), reason=f"voice file {self.model} not found"
            )
        if not Path(f"{self.model}.json").is_file():
            raise TtsError(
                "voice_missing",
                engine=self.name,
                path=f"{self.model}.json",
                reason=f"voice settings {self.model}.json not found",
            )
        if self._voice is None:
            try:
                self._voice = self.loader(self.model)
            except TtsError:
                raise
            except Exception as exc:
                raise TtsError(
                    "tts_failed", engine=self.name, reason=f"cannot load {self.model.name}: {type(exc).__name__}: {exc}"
                ) from exc
        return self._voice

    def synthesize(self, text: str, voice: str) -> Clip:
        with self._lock:
            piper = self._load()
            try:
                options = _synthesis_config(self.length_scale)
                chunks = list(
                    piper.synthesize(text, syn_config=options) if options is not None else piper.synthesize(text)
                )
            except Exception as exc:
                raise TtsError("tts_failed", engine=self.name, reason=f"{type(exc).__name__}: {exc}") from exc
        pcm = b"".join(chunk.audio_int16_bytes for chunk in chunks)
        if not pcm:
            raise TtsError("tts_failed", engine=self.name, reason="no audio produced")
        rates = {chunk.sample_rate for chunk in chunks}
        if len(rates) != 1 or any(getattr(c, "sample_channels", 1) != 1 for c in chunks):
            raise TtsError("tts_failed", engine=self.name, reason="the voice gave audio in a form Loa cannot join")
        return Clip(pcm=pcm, sample_rate=rates.pop(), engine=self.name, voice=voice)


def _synthesis_config(length_scale: float) -> Any:
    """piper-tts's SynthesisConfig for a speaking rate, or None at the voice's own rate."""
    if length_scale == 1.0:
        return None
    try:
        from piper import SynthesisConfig
    except ImportError:
        return None
    return SynthesisConfig(length_scale=length_scale)


@dataclass(frozen=True, kw_only=True)
class PiperSettings:
    """Piper reads `speech.piper_voice` (the .onnx file: the voice is the file) and `speech.rate`."""


def _build(context: EngineContext) -> PiperEngine:
    speech = context.speech
    # Piper's speed is a length scale: the configured rate against espeak's default 150 words a minute
    return PiperEngine(
        model=context.path(speech.piper_voice) if speech.piper_voice.strip() else "",
        length_scale=round(150 / speech.rate, 3),
    )


ENGINE = EngineType(settings=PiperSettings, build=_build)
