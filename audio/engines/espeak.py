"""The offline espeak-ng engine, through the library that espeakng-loader ships.

No system package is needed: the shared library and its voice data come from
PyPI. The library keeps global state, so every call holds one process-wide lock.
"""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass
from typing import Any

from audio.engines.base import Clip, EngineType, Voice
from audio.errors import TtsError

__all__ = ["EspeakEngine", "VOICES", "ENGINE"]

# Loa voice name -> espeak-ng language of the voice file
VOICES = {
    "vi": "vi",
    "vi-north": "vi",
    "vi-vn-x-central": "vi-vn-x-central",
    "vi-vn-x-south": "vi-vn-x-south",
}
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_CHARS_UTF8 = 1
_RATE = 1
_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


class _Voice(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_char_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


class _Library:
    """The loaded libespeak-ng with its one synthesis buffer."""

    lock = threading.Lock()
    _instance: _Library | None = None

    def __init__(self) -> None:
        try:
            import espeakng_loader
        except ImportError as exc:
            raise TtsError("tts_failed", engine="espeak", reason="espeakng-loader is not installed") from exc
        try:
            lib = ctypes.CDLL(espeakng_loader.get_library_path())
            data = espeakng_loader.get_data_path().encode()
        except (OSError, RuntimeError) as exc:
            raise TtsError("tts_failed", engine="espeak", reason=f"cannot load libespeak-ng: {exc}") from exc
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_char_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        lib.espeak_SetVoiceByProperties.argtypes = [ctypes.POINTER(_Voice)]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        self.sample_rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data, 0)
        if self.sample_rate <= 0:
            raise TtsError("tts_failed", engine="espeak", reason="espeak-ng could not initialise its data")
        self.chunks: list[bytes] = []
        self._callback = _CALLBACK(self._collect)  # keep a reference for the C side
        lib.espeak_SetSynthCallback(self._callback)
        self.lib = lib

    def _collect(self, wav: Any, count: int, _events: Any) -> int:
        if count > 0:
            self.chunks.append(ctypes.string_at(wav, count * 2))
        return 0

    @classmethod
    def get(cls) -> _Library:
        with cls.lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance


class EspeakEngine:
    """espeak-ng speaking Vietnamese; fast, offline, robotic but clear."""

    name = "espeak"

    def __init__(self, *, rate: int = 150) -> None:
        if not 80 <= rate <= 450:
            raise ValueError("espeak rate must be between 80 and 450 words per minute")
        self.rate = rate

    @property
    def identity(self) -> str:
        return f"espeak:rate={self.rate}"

    def synthesize(self, text: str, voice: str) -> Clip:
        language = VOICES.get(voice)
        if language is None:
            raise TtsError(
                "tts_failed", engine=self.name, reason=f"unknown voice '{voice}' (espeak has {', '.join(VOICES)})"
            )
        library = _Library.get()
        encoded = text.encode("utf-8")
        with _Library.lock:
            spec = _Voice(languages=language.encode())
            if library.lib.espeak_SetVoiceByProperties(ctypes.byref(spec)) != 0:
                raise TtsError("tts_failed", engine=self.name, reason=f"voice data for '{language}' is missing")
            library.lib.espeak_SetParameter(_RATE, self.rate, 0)
            library.chunks = []
            status = library.lib.espeak_Synth(encoded, len(encoded) + 1, 0, 0, 0, _CHARS_UTF8, None, None)
            library.lib.espeak_Synchronize()
            pcm = b"".join(library.chunks)
            library.chunks = []
        if status != 0:
            raise TtsError("tts_failed", engine=self.name, reason=f"espeak_Synth returned {status}")
        if not pcm:
            raise TtsError("tts_failed", engine=self.name, reason="no audio produced")
        return Clip(pcm=pcm, sample_rate=library.sample_rate, engine=self.name, voice=voice)


@dataclass(frozen=True, kw_only=True)
class EspeakSettings:
    """espeak has no table of its own: it reads `speech.rate` and `speech.voice`."""


ENGINE = EngineType(
    settings=EspeakSettings,
    build=lambda context: EspeakEngine(rate=context.speech.rate),
    voices=(
        Voice("vi", "north", ""),
        Voice("vi-north", "north", ""),
        Voice("vi-vn-x-central", "central", ""),
        Voice("vi-vn-x-south", "south", ""),
    ),
    default_voices={"north": "vi", "central": "vi-vn-x-central", "south": "vi-vn-x-south"},
)
