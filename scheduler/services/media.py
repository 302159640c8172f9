"""Recorded audio (tệp thu âm): check an operator's file, bring it to the loudness target, keep it, list it.

The file is checked and normalized by `audio.media.import_media` (duration,
not silent, not clipped; EBU R128 to the station's `audio.target_lufs`), then
kept under the data dir as `media/<sha256>.mp3` and recorded in `media`. The
same recording uploaded twice is one row. `loa queue --audio`, the console's
upload and recording, and `POST /api/media` all come here; queueing is then
`queue_bulletin(..., media_id=...)` with the same approval rules as text.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePath

from sqlalchemy import select

from audio.errors import AudioError
from audio.media import MediaRules, import_media
from broadcasts.errors import NotFoundError
from broadcasts.models import Media
from scheduler.app import App, encode_settings
from scheduler.errors import UsageError

__all__ = [
    "MediaInfo",
    "media_folder",
    "media_rules",
    "store_media",
    "store_upload",
    "list_media",
    "media_file",
    "MEDIA_FOLDER",
]

MEDIA_FOLDER = "media"


@dataclass(frozen=True, kw_only=True)
class MediaInfo:
    """A stored recording as the CLI, the console and the API show it."""

    id: int
    name: str
    seconds: float
    loudness_lufs: float | None
    sha256: str
    source_format: str
    uploaded_by: str | None
    created_at: str

    @classmethod
    def of(cls, media: Media) -> MediaInfo:
        return cls(
            id=media.id,
            name=media.source_name,
            seconds=round(media.seconds, 1),
            loudness_lufs=None if media.loudness_lufs is None else round(media.loudness_lufs, 1),
            sha256=media.sha256,
            source_format=media.source_format,
            uploaded_by=media.uploaded_by,
            created_at=media.created_at.isoformat(),
        )

    def as_json(self) -> dict[str, object]:
        return dict(self.__dict__)


def media_folder(app: App) -> Path:
    return app.config.data_dir / MEDIA_FOLDER


def media_rules(app: App) -> MediaRules:
    """The station's limits on recorded files ([channels.radio] media_*)."""
    radio = app.config.channels.radio
    return MediaRules(
        min_seconds=radio.media_min_seconds,
        max_seconds=radio.media_max_seconds,
        max_bytes=int(radio.media_max_mb * 1024 * 1024),
    )


def _clean_name(name: str) -> str:
    """A file name as the operator gave it, without folders or control characters, at most 200 characters."""
    base = PurePath(name.replace("\\", "/")).name
    base = "".join(c for c in base if c.isprintable()).strip()
    return base[:200] or "recording"


def store_media(app: App, source: Path, *, name: str | None = None, uploaded_by: str | None = None) -> Media:
    """Check, normalize and keep `source`; the stored row (the existing one for the same result)."""
    if not source.is_file():
        raise UsageError("file_unreadable", path=str(source), reason="not a file")
    imported = import_media(source, media_folder(app), encoding=encode_settings(app.config), rules=media_rules(app))
    now = app.clock.now()
    with app.sessions.begin() as session:
        found = session.scalar(select(Media).where(Media.station_id == app.station_id, Media.sha256 == imported.sha256))
        if found is not None:
            session.expunge(found)
            return found
        media = Media(
            station_id=app.station_id,
            sha256=imported.sha256,
            path=str(Path(imported.path).relative_to(app.config.data_dir)),
            seconds=imported.seconds,
            loudness_lufs=imported.loudness_lufs,
            true_peak_db=imported.true_peak_db,
            source_name=_clean_name(name or source.name),
            source_sha256=imported.source_sha256,
            source_format=imported.source_format,
            uploaded_by=uploaded_by,
            created_at=now,
        )
        session.add(media)
        session.flush()
        session.expunge(media)
        return media


def store_upload(app: App, data: bytes, *, name: str, uploaded_by: str | None = None) -> Media:
    """`store_media` of uploaded bytes (the console, the API); the upload is refused over the size limit first."""
    limit = int(app.config.channels.radio.media_max_mb * 1024 * 1024)
    if len(data) > limit:
        mb = round(len(data) / 1024 / 1024, 1)
        raise AudioError("media_too_large", mb=mb, limit_mb=app.config.channels.radio.media_max_mb)
    folder = app.config.data_dir / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=folder, prefix="upload-", suffix=Path(_clean_name(name)).suffix[:8])
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        return store_media(app, Path(temp), name=name, uploaded_by=uploaded_by)
    finally:
        Path(temp).unlink(missing_ok=True)


def list_media(app: App, limit: int = 50) -> list[MediaInfo]:
    """The station's recordings, newest first."""
    with app.reads() as session:
        rows = session.scalars(
            select(Media).where(Media.station_id == app.station_id).order_by(Media.id.desc()).limit(limit)
        ).all()
        return [MediaInfo.of(m) for m in rows]


def media_file(app: App, media_id: int) -> Path:
    """The stored MP3 of one of this station's recordings (for listening back); only files under the data dir."""
    with app.reads() as session:
        media = session.get(Media, media_id)
        if media is None or media.station_id != app.station_id:
            raise NotFoundError(kind="media", id=media_id)
        path = (app.config.data_dir / media.path).resolve()
    if not path.is_relative_to(app.config.data_dir.resolve()) or not path.is_file():
        raise NotFoundError(kind="media", id=media_id)
    return path
