"""Nghe thử / Listen: render a bulletin's text with the station's own speech before it is queued.

The text is spoken by the same Speaker the radio uses and encoded with the
radio's settings, into a small cache folder under the data dir named by a hash
of the voice and the text (listening twice to the same text renders once).
The folder is kept small: previews older than `KEEP_SECONDS` by the app's
clock, and all but the newest `KEEP_FILES`, are deleted after each render.

`compare_previews` speaks the same text once in each configured voice
(`[speech] engines` with their `voices`), each engine alone (no fallback, so
what is heard is that voice), so a station can choose by ear.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from audio.engines.base import EngineChain, identity
from audio.errors import AudioError, TtsError
from audio.mp3 import read_mp3
from audio.speech import Speaker, render_script
from scheduler.app import App, encode_settings
from scheduler.errors import NotFoundError, UsageError
from scheduler.messages import render

__all__ = [
    "Preview",
    "Voicing",
    "render_preview",
    "compare_previews",
    "configured_voices",
    "preview_file",
    "prune_previews",
    "MAX_CHARS",
    "KEEP_FILES",
    "KEEP_SECONDS",
]

log = logging.getLogger(__name__)

MAX_CHARS = 5_000  # about five minutes of speech: longer bulletins are previewed in parts
KEEP_FILES = 30
KEEP_SECONDS = 3600.0
_NAME = re.compile(r"^[0-9a-f]{32}\.mp3$")


@dataclass(frozen=True, kw_only=True)
class Preview:
    """A rendered preview: its file name in the preview folder, length and the engine that spoke."""

    name: str
    path: Path
    seconds: float
    engine: str
    voice: str = ""


@dataclass(frozen=True, kw_only=True)
class Voicing:
    """One configured voice in a comparison: its preview, or why it could not speak."""

    engine: str
    voice: str
    preview: Preview | None = None
    error: str = ""


def configured_voices(app: App) -> list[tuple[str, str]]:
    """(engine, voice) for each configured engine, in the configured order."""
    chain = app.speaker.engine
    if isinstance(chain, EngineChain):
        return [(e.name, chain.voice_of(i, app.speaker.voice)) for i, e in enumerate(chain.engines)]
    return [(chain.name, app.speaker.voice)]


def _speaker_of(app: App, engine: str | None) -> Speaker:
    """The app's speaker, or one that speaks with the configured engine `engine` alone."""
    chain = app.speaker.engine
    if engine is None:
        return app.speaker
    if isinstance(chain, EngineChain):
        for index, candidate in enumerate(chain.engines):
            if candidate.name == engine:
                alone = EngineChain([candidate], [chain.voice_of(index, app.speaker.voice)])
                return Speaker(alone, voice=app.speaker.voice, options=app.speaker.options)
    elif chain.name == engine:
        return app.speaker
    known = ", ".join(name for name, _ in configured_voices(app))
    raise UsageError("tts_unknown_engine", engine=engine, known=known)


def compare_previews(app: App, text: str) -> list[Voicing]:
    """The same text in each configured voice; a voice that fails says why, the others still speak."""
    voicings = []
    for engine, voice in configured_voices(app):
        try:
            heard = render_preview(app, text, engine=engine)
        except TtsError as exc:
            voicings.append(Voicing(engine=engine, voice=voice, error=str(exc.params.get("reason") or exc.code)))
        else:
            voicings.append(Voicing(engine=engine, voice=voice, preview=heard))
    return voicings


def _folder(app: App) -> Path:
    return app.config.data_dir / "cache" / "listen"


def render_preview(app: App, text: str, *, engine: str | None = None) -> Preview:
    """Speak `text` as the radio would (or with the configured `engine` alone), to an MP3 in the preview folder."""
    if not text.strip():
        raise UsageError("listen_empty")
    if len(text) > MAX_CHARS:
        raise UsageError("listen_too_long", chars=len(text), limit=MAX_CHARS)
    speaker = _speaker_of(app, engine)
    key = "\n".join(
        [
            identity(speaker.engine),
            speaker.voice,
            app.config.audio.bitrate,
            str(app.config.audio.target_lufs),
            speaker.speakable(text),
        ]
    )
    name = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + ".mp3"
    folder = _folder(app)
    path = folder / name
    stamp = app.clock.now().timestamp()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        seconds, spoke, voice = _cached(path), "cache", ""
        if seconds is None:
            rendered = render_script(
                [text], speaker, path, settings=encode_settings(app.config), pause_ms=app.config.audio.pause_ms
            )
            seconds, spoke, voice = rendered.seconds, rendered.engine, rendered.voice
        os.utime(path, (stamp, stamp))  # last used, by the app's clock
    except TtsError as exc:
        if exc.code in ("empty_text", "nothing_speakable"):
            raise UsageError(exc.code) from exc
        reason = exc.params.get("reason") or exc.params.get("reasons") or render(exc, "vi")
        raise TtsError("listen_failed", reason=reason) from exc
    except (AudioError, OSError) as exc:
        reason = render(exc, "vi") if isinstance(exc, AudioError) else (exc.strerror or str(exc))
        raise TtsError("listen_failed", reason=reason) from exc
    prune_previews(app, keep=name)
    return Preview(name=name, path=path, seconds=seconds, engine=spoke, voice=voice)


def _cached(path: Path) -> float | None:
    """The length of an already rendered preview, or None when it must be rendered (absent or unreadable)."""
    try:
        return read_mp3(path).seconds
    except (OSError, ValueError):
        return None


def preview_file(app: App, name: str) -> Path:
    """The preview file `name` (only names this module makes, only in the preview folder)."""
    path = _folder(app) / name
    if not _NAME.match(name) or not path.is_file():
        raise NotFoundError(kind="preview", id=name)
    return path


def prune_previews(app: App, *, keep: str | None = None) -> list[Path]:
    """Delete previews older than KEEP_SECONDS and all but the newest KEEP_FILES; returns what was deleted."""
    folder = _folder(app)
    cutoff = app.clock.now().timestamp() - KEEP_SECONDS
    try:
        files = sorted(((p.stat().st_mtime, p) for p in folder.iterdir() if _NAME.match(p.name)), reverse=True)
    except OSError:
        return []
    deleted = []
    for rank, (mtime, path) in enumerate(files):
        if path.name != keep and (rank >= KEEP_FILES or mtime < cutoff):
            try:
                path.unlink()
                deleted.append(path)
            except OSError as exc:  # another request may have removed it first
                log.debug("preview %s not deleted: %s", path, exc)
    return deleted
