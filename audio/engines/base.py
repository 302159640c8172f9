"""The speech engine interface, the audio clip it returns, and fallback across engines."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from audio.errors import TtsError, tagged

__all__ = [
    "Clip",
    "TtsEngine",
    "EngineChain",
    "identity",
    "EngineType",
    "EngineContext",
    "EngineProblem",
    "Voice",
]

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
    """Engines in configured order: when one fails, the next one speaks.

    `voices` gives each engine its own voice (FPT's "banmai", Viettel's "hn-quynhanh"); an empty one speaks with
    the voice the caller asks for.
    """

    def __init__(self, engines: Sequence[TtsEngine], voices: Sequence[str] = ()) -> None:
        if not engines:
            raise ValueError("at least one engine is required")
        if voices and len(voices) != len(engines):
            raise ValueError("one voice per engine, or none")
        self.engines = list(engines)
        self.voices = list(voices) or [""] * len(self.engines)

    def voice_of(self, index: int, voice: str) -> str:
        """The voice the engine at `index` speaks with when `voice` is asked for."""
        return self.voices[index] or voice

    @property
    def name(self) -> str:
        return "+".join(e.name for e in self.engines)

    @property
    def identity(self) -> str:
        return "+".join(identity(e) + (f"/{v}" if v else "") for e, v in zip(self.engines, self.voices, strict=True))

    def synthesize(self, text: str, voice: str) -> Clip:
        reasons: list[str] = []
        if len(self.engines) == 1:  # nothing to fall back to: its own error says most
            return self.engines[0].synthesize(text, self.voice_of(0, voice))
        for index, engine in enumerate(self.engines):
            try:
                return engine.synthesize(text, self.voice_of(index, voice))
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


@dataclass(frozen=True)
class Voice:
    """A voice an engine offers: its id, the dialect it speaks (north, central, south) and who speaks."""

    id: str
    dialect: str
    gender: str  # "female" | "male" | "" (unknown)


@dataclass(frozen=True, kw_only=True)
class EngineProblem:
    """A setting an engine cannot use: its key under `[speech]`, a message code of what was expected, the value."""

    key: str
    expected: str
    value: Any
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class EngineContext:
    """What an engine is built with: `[speech]` (`speech`), its own `[speech.<name>]` table (`settings`), and the world.

    `secret(name)` looks a key up in the secrets mechanism (the environment or the secrets file; each value read is
    masked in every log line); `path` resolves a file name against the config file's folder.
    """

    speech: Any
    settings: Any
    secret: Callable[[str], str | None] = lambda name: None
    path: Callable[[str], Path] = Path
    monotonic: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep


def _no_problems(settings: Any, used: bool) -> Iterable[EngineProblem]:
    return ()


S = TypeVar("S")


@dataclass(frozen=True, kw_only=True)
class EngineType(Generic[S]):
    """An engine as the registry knows it: its settings, how to build it, its voices, what it cannot use.

    `voices` lists the service's voices (empty: any voice name the server knows, e.g. a self-hosted one);
    `online` engines are built behind the circuit breaker.
    """

    settings: type[S]
    build: Callable[[EngineContext], TtsEngine]
    online: bool = False
    voices: tuple[Voice, ...] = ()
    default_voices: Mapping[str, str] = field(default_factory=dict)  # dialect -> voice id
    problems: Callable[[S, bool], Iterable[EngineProblem]] = _no_problems

    def voice_ids(self) -> tuple[str, ...]:
        return tuple(v.id for v in self.voices)

    def default_voice(self, dialect: str) -> str:
        """The voice of `dialect` ("north", "south", ...), else the first listed; "" when any name goes."""
        return self.default_voices.get(dialect) or next(iter(self.default_voices.values()), "")
