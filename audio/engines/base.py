"""The speech engine interface, the audio clip it returns, and fallback across engines."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from audio.errors import TtsError, tagged

__all__ = ["Clip", "TtsEngine", "EngineChain", "identity"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class Clip:
    """Mono 16-bit PCM speech at the engine's native rate."""

    pcm: bytes
    sample_rate: int
    engine: str
    voice: str = ""

    @property
    def seconds(self) -> float:
        return len(self.pcm) / 2 / self.sample_rate


class TtsEngine(Protocol):
    """Something that turns already-normalized Vietnamese text into speech."""

    @property
    def name(self) -> str:
        """Who speaks, as the broadcast log records it ("espeak", "gtts", ...)."""
        ...

    def synthesize(self, text: str, voice: str) -> Clip:
        """Speak `text`; raise TtsError when it cannot."""
        ...


def identity(engine: TtsEngine) -> str:
    """What makes an engine's audio what it is (name and settings such as the rate), for cache keys."""
    return str(getattr(engine, "identity", "") or engine.name)


class EngineChain:
    """Engines in configured order: when one fails, the next one speaks."""

    def __init__(self, engines: Sequence[TtsEngine]) -> None:
        if not engines:
            raise ValueError("at least one engine is required")
        self.engines = list(engines)

    @property
    def name(self) -> str:
        return "+".join(e.name for e in self.engines)

    @property
    def identity(self) -> str:
        return "+".join(identity(e) for e in self.engines)

    def synthesize(self, text: str, voice: str) -> Clip:
        reasons: list[str] = []
        if len(self.engines) == 1:  # nothing to fall back to: its own error says most
            return self.engines[0].synthesize(text, voice)
        for engine in self.engines:
            try:
                return engine.synthesize(text, voice)
            except TtsError as exc:
                reason = exc.params.get("reason", exc.code)
                # a paused engine (its breaker open) said so once when it paused: no warning per sentence
                level = logging.DEBUG if exc.code == "tts_unavailable" else logging.WARNING
                log.log(
                    level,
                    "speech engine %s failed, trying the next: %s",
                    engine.name,
                    reason,
                    extra=tagged("log_engine_fallback", engine=engine.name, error=exc),
                )
                reasons.append(f"{engine.name}: {reason}")
        raise TtsError("tts_all_failed", reasons="; ".join(reasons))
