"""Speech engines behind one interface (`base.TtsEngine`: `synthesize(text, voice) -> Clip`), and their registry.

- `base`: the interface, the clip, `EngineChain` (fallback in order), `EngineType` (what the registry knows of
  an engine: its settings, how to build it, its voices) and `VoicedEngine` (an engine with its own voice);
- `espeak`, `gtts`, `piper`: the offline and Google engines;
- `fpt`, `viettel`, `openai_speech`: the cloud Vietnamese voices and a self-hosted OpenAI-compatible server,
  sharing `cloud` (an HTTP call within a timeout, its failures named, the audio decoded);
- `breaker`: a circuit breaker around an online engine;
- `cache`: the sentence cache and a size-bounded folder.

ENGINES is the one list of every engine Loa can use: a new engine is one module
(offering `ENGINE`, an `EngineType`) plus one line here. Config checking,
`build_engines`, `loa say --engine` and the README ask the registry; modules
are imported only when asked for.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from audio.engines.base import EngineType

__all__ = ["ENGINES", "engine_names", "engine_type"]

ENGINES: dict[str, str] = {
    "espeak": "audio.engines.espeak",
    "gtts": "audio.engines.gtts",
    "piper": "audio.engines.piper",
    "fpt": "audio.engines.fpt",
    "viettel": "audio.engines.viettel",
    "openai": "audio.engines.openai_speech",
}


def engine_names() -> tuple[str, ...]:
    """The names of every registered engine, in the registry's order."""
    return tuple(ENGINES)


def engine_type(name: str) -> EngineType[Any]:
    """What the registry knows of the engine called `name`; KeyError if there is none."""
    module = importlib.import_module(ENGINES[name])
    kind: EngineType[Any] = module.ENGINE
    return kind
