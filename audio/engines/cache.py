"""Caches on disk: a size-bounded folder evicting the least recently used files, and a sentence cache engine.

`LruFolder` writes each file to a temporary name and renames it, so a reader
never sees half a file; a read marks the file used (its modification time),
and when the folder grows past its bound the files used longest ago are
removed. Several processes may share a folder: each keeps a running total and
rescans the folder before it evicts.

`CachedEngine` wraps one engine and keeps the speech of every sentence it has
spoken, keyed by the engine's identity (name and settings such as the rate),
the voice and the normalized text: the daily greeting and closing are
synthesized once.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from audio.engines.base import Clip, TtsEngine, identity
from audio.errors import tagged

__all__ = ["LruFolder", "CachedEngine", "clip_key"]

log = logging.getLogger(__name__)

_MAGIC = b"LOA-CLIP1\n"
_STALE_PART_SECONDS = 3600.0
LOW_WATER = 0.9  # after eviction the folder holds at most this share of its bound


class LruFolder:
    """Files in one folder whose total size stays under `max_bytes`; the least recently used go first."""

    def __init__(self, folder: Path, max_bytes: int) -> None:
        self.folder = Path(folder)
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._total: int | None = None  # bytes in the folder as this process knows it

    def path(self, name: str) -> Path:
        if not name or "/" in name or "\\" in name or name.startswith("."):
            raise ValueError(f"bad cache file name {name!r}")
        return self.folder / name

    def lookup(self, name: str) -> Path | None:
        """The path of a cached file, marked as just used, or None when it is not there."""
        path = self.path(name)
        try:
            os.utime(path)
        except OSError:
            return None
        return path

    def read(self, name: str) -> bytes | None:
        """The bytes of a cached file, marked as just used, or None."""
        path = self.lookup(name)
        if path is None:
            return None
        try:
            return path.read_bytes()
        except OSError:
            return None

    def write(self, name: str, data: bytes) -> bool:
        """Store `data` under `name` atomically; False when it is larger than the whole cache."""
        return self._store(name, len(data), lambda tmp: Path(tmp).write_bytes(data))

    def add(self, name: str, source: Path) -> bool:
        """Store a copy of the file `source` (a hard link when possible) under `name`."""
        size = Path(source).stat().st_size

        def place(tmp: str) -> None:
            os.unlink(tmp)
            try:
                os.link(source, tmp)
            except OSError:
                shutil.copyfile(source, tmp)

        return self._store(name, size, place)

    def _store(self, name: str, size: int, fill: Callable[[str], object]) -> bool:
        if size > self.max_bytes:
            return False
        target = self.path(name)
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=self.folder)
        os.close(fd)
        try:
            fill(tmp)
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        with self._lock:
            if self._total is None:
                self._total = self._scan_total()
            else:
                self._total += size
            over = self._total > self.max_bytes
        if over:
            self.evict()
        return True

    def _entries(self) -> list[tuple[float, int, Path]]:
        """(last use, size, path) of each cached file; stale temporary files are removed."""
        entries = []
        now = time.time()
        try:
            listing = list(os.scandir(self.folder))
        except OSError:
            return []
        for entry in listing:
            try:
                stat = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if not entry.is_file(follow_symlinks=False):
                continue
            if entry.name.startswith("."):
                if entry.name.endswith(".part") and now - stat.st_mtime > _STALE_PART_SECONDS:
                    _remove(Path(entry.path))
                continue
            entries.append((stat.st_mtime, stat.st_size, Path(entry.path)))
        return entries

    def _scan_total(self) -> int:
        return sum(size for _, size, _ in self._entries())

    def size(self) -> int:
        """Bytes the cached files take now."""
        return self._scan_total()

    def evict(self) -> int:
        """Remove the least recently used files until the folder is under its bound; return how many."""
        with self._lock:
            entries = sorted(self._entries(), key=lambda e: (e[0], e[2].name))
            total = sum(size for _, size, _ in entries)
            removed = 0
            if total > self.max_bytes:
                goal = int(self.max_bytes * LOW_WATER)
                for _, size, path in entries:
                    if total <= goal:
                        break
                    if _remove(path):
                        total -= size
                        removed += 1
            self._total = total
        if removed:
            log.info(
                "cache %s: removed %d least recently used files",
                self.folder,
                removed,
                extra=tagged("log_cache_trimmed", folder=self.folder, count=removed),
            )
        return removed


def _remove(path: Path) -> bool:
    try:
        path.unlink()
        return True
    except FileNotFoundError:
        return True
    except OSError:
        return False


def clip_key(engine: TtsEngine, text: str, voice: str) -> str:
    """The cache key of one sentence: engine identity, voice and normalized text."""
    material = json.dumps([_MAGIC.decode().strip(), identity(engine), voice, text], ensure_ascii=False)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def _encode(clip: Clip) -> bytes:
    head = json.dumps({"rate": clip.sample_rate, "engine": clip.engine, "voice": clip.voice, "bytes": len(clip.pcm)})
    return _MAGIC + head.encode("utf-8") + b"\n" + clip.pcm


def _decode(data: bytes) -> Clip | None:
    """The clip in a cache file, or None when the file is damaged."""
    if not data.startswith(_MAGIC):
        return None
    end = data.find(b"\n", len(_MAGIC))
    try:
        head = json.loads(data[len(_MAGIC) : end])
        pcm = data[end + 1 :]
        if end < 0 or len(pcm) != head["bytes"] or not pcm or int(head["rate"]) <= 0:
            return None
        return Clip(pcm=pcm, sample_rate=int(head["rate"]), engine=str(head["engine"]), voice=str(head["voice"]))
    except (ValueError, KeyError, TypeError):
        return None


class CachedEngine:
    """Wraps an engine: a sentence it has spoken before comes from the cache, not from the engine."""

    def __init__(self, engine: TtsEngine, folder: Path, max_bytes: int) -> None:
        self.engine = engine
        self.name = engine.name
        self.store = LruFolder(folder, max_bytes)
        self.hits = 0
        self.misses = 0

    @property
    def identity(self) -> str:
        return identity(self.engine)

    def synthesize(self, text: str, voice: str) -> Clip:
        name = clip_key(self.engine, text, voice) + ".clip"
        data = self.store.read(name)
        clip = _decode(data) if data is not None else None
        if clip is not None:
            self.hits += 1
            return clip
        clip = self.engine.synthesize(text, voice)
        self.misses += 1
        try:
            self.store.write(name, _encode(clip))
        except OSError as exc:  # a full or read-only disk must not stop the bulletin
            log.warning(
                "cannot write the speech cache %s: %s",
                self.store.folder,
                exc,
                extra=tagged("log_cache_unwritable", folder=self.store.folder, reason=exc.strerror or str(exc)),
            )
        return clip
