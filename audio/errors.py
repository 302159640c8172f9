"""The root of Loa's error tree and the errors of the sound layer.

The root lives here, in the lowest layer, so every layer can raise errors of
one family; `scheduler/errors.py` documents the whole tree.
"""

from __future__ import annotations

from typing import Any

__all__ = ["LoaError", "TtsError", "AudioError", "tagged"]


def tagged(code: str, **params: Any) -> dict[str, Any]:
    """The `extra` of a log call the operator reads: the record is re-worded from the message
    catalogue, in the station's language, by `scheduler.messages.formatter.StationLanguage` (the plain message
    stays for library use). Like errors, it lives here so every layer can use it."""
    return {"loa_code": code, "loa_params": params}


class LoaError(Exception):
    """An error with a stable `code` and the parameters its message needs.

    Messages in Vietnamese and English are looked up by code in
    `scheduler.messages`; `str()` gives a plain English fallback.
    """

    code = "error"

    def __init__(self, code: str | None = None, /, **params: Any) -> None:
        self.code = code or type(self).code
        self.params = params
        super().__init__(self.code, params)

    def __str__(self) -> str:
        details = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.code}: {details}" if details else self.code


class TtsError(LoaError):
    """A text-to-speech engine could not speak (engine, reason)."""

    code = "tts_failed"


class AudioError(LoaError):
    """Audio could not be assembled, encoded or played out."""

    code = "audio_failed"
