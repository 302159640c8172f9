"""The radio's rendered bulletins on disk: the archive's sidecar files and the render cache shared between airings."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from audio.engines.cache import LruFolder
from audio.mix import sha256_file
from audio.speech import Rendered

__all__ = ["read_sidecar", "write_sidecar", "prepared", "from_cache", "to_cache"]


def read_sidecar(path: Path) -> Any:
    """What the sidecar of the archived MP3 at `path` says (parsed JSON), or {} if it is missing or unreadable."""
    try:
        return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_sidecar(path: Path, rendered: Rendered, *, airing_id: int, fingerprint: str) -> None:
    """Write, atomically, the sidecar of the archived MP3 at `path`: its checksum, length, engine and fingerprint."""
    sidecar = path.with_suffix(".json")
    tmp = sidecar.with_suffix(".json.part")
    tmp.write_text(
        json.dumps(
            {
                "sha256": rendered.sha256,
                "seconds": rendered.seconds,
                "engine": rendered.engine,
                "voice": rendered.voice,
                "airing_id": airing_id,
                "fingerprint": fingerprint,
            }
        ),
        encoding="utf-8",
    )
    os.replace(tmp, sidecar)


def prepared(path: Path, fingerprint: str) -> Rendered | None:
    """The MP3 archived at `path`, if it is there and was rendered from `fingerprint`, else None."""
    meta = read_sidecar(path)
    if meta.get("fingerprint") != fingerprint or not path.exists():
        return None
    return Rendered(
        path=path, sha256=meta["sha256"], seconds=meta["seconds"], engine=meta["engine"], voice=meta.get("voice", "")
    )


def from_cache(cache: LruFolder | None, fingerprint: str, path: Path) -> Rendered | None:
    """Place a bulletin rendered before (for another airing) at `path`, if the cache has it intact."""
    if cache is None:
        return None
    try:
        meta = json.loads(cache.read(f"{fingerprint}.json") or b"null")
        source = cache.lookup(f"{fingerprint}.mp3")
        if not isinstance(meta, dict) or source is None:
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".loa-", suffix=".mp3.part", dir=path.parent)
        os.close(fd)
        try:
            os.unlink(tmp)
            try:
                os.link(source, tmp)
            except OSError:
                shutil.copyfile(source, tmp)
            if sha256_file(Path(tmp)) != meta.get("sha256"):
                return None
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return Rendered(
            path=path,
            sha256=meta["sha256"],
            seconds=meta["seconds"],
            engine=meta["engine"],
            voice=meta.get("voice", ""),
        )
    except (OSError, ValueError, KeyError):
        return None


def to_cache(cache: LruFolder | None, fingerprint: str, rendered: Rendered) -> None:
    """Keep a rendered bulletin in the cache for other airings of the same sound (a failure only costs time)."""
    if cache is None:
        return
    meta = {"sha256": rendered.sha256, "seconds": rendered.seconds, "engine": rendered.engine, "voice": rendered.voice}
    try:
        cache.add(f"{fingerprint}.mp3", rendered.path)
        cache.write(f"{fingerprint}.json", json.dumps(meta).encode("utf-8"))
    except OSError:
        pass  # the cache only saves time
