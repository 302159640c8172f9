"""The audio archive: every aired MP3 under data/audio/YYYY/MM/DD, and pruning what is past retention.

A file past retention (its folder's date is older than `archive.keep_days`)
is deleted unless the log still needs it:
- a log record within retention points to it, or
- its airing has no final outcome yet (`unknown` awaiting reconcile, or
  pending/running), or
- its sha256 differs from what the log (or its sidecar) recorded: the file is
  not trusted to be the aired audio, so it is kept and shown for checking.
`force` deletes past retention regardless. The log itself is never edited; the
deletions are appended to `pruned.jsonl` in the archive.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select

from audio.mix import sha256_file
from broadcasts.models import Airing, AiringStatus, LogRecord
from scheduler.app import App

__all__ = ["ArchiveFile", "Kept", "PruneResult", "prune_archive", "MANIFEST"]

MANIFEST = "pruned.jsonl"
_CHUNK = 500
_UNSETTLED = (AiringStatus.pending, AiringStatus.running, AiringStatus.unknown)


@dataclass(frozen=True, kw_only=True)
class ArchiveFile:
    """One aired MP3 (with its sidecar and leftovers) in the folder of its station-local day."""

    path: Path
    day: date
    bytes: int
    sha256: str | None = None
    extras: tuple[Path, ...] = ()
    records: tuple[int, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Kept:
    """A file past retention that was not deleted, and why (a message code with its parameters)."""

    path: Path
    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(kw_only=True)
class PruneResult:
    root: Path
    cutoff: date
    keep_days: int
    dry_run: bool
    force: bool
    exists: bool = True
    deleted: list[ArchiveFile] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)
    manifest: Path | None = None

    @property
    def bytes(self) -> int:
        return sum(f.bytes for f in self.deleted)


def _old_days(root: Path, cutoff: date) -> list[tuple[date, Path]]:
    """Day folders (YYYY/MM/DD) of the archive older than `cutoff`, oldest first."""
    found = []
    for year in sorted(p for p in root.iterdir() if p.is_dir() and re.fullmatch(r"\d{4}", p.name)):
        for month in sorted(p for p in year.iterdir() if p.is_dir() and re.fullmatch(r"\d{2}", p.name)):
            for day in sorted(p for p in month.iterdir() if p.is_dir() and re.fullmatch(r"\d{2}", p.name)):
                try:
                    when = date(int(year.name), int(month.name), int(day.name))
                except ValueError:
                    continue
                if when < cutoff:
                    found.append((when, day))
    return found


def _collect(folder: Path, day: date) -> tuple[list[tuple[Path, Path | None, list[Path]]], list[Path]]:
    """MP3s of a folder with their sidecar and partial files, and the stray files (leftovers without an MP3)."""
    files = [p for p in folder.iterdir() if p.is_file()]
    mp3s = {p.name[:-4]: p for p in files if p.name.endswith(".mp3")}
    groups = []
    claimed: set[Path] = set()
    for stem, mp3 in sorted(mp3s.items()):
        sidecar = folder / f"{stem}.json"
        parts = [p for p in files if p.name.startswith(stem + ".") and p.name.endswith(".part")]
        groups.append((mp3, sidecar if sidecar.exists() else None, parts))
        claimed.update([mp3, sidecar, *parts])
    strays = [p for p in files if p not in claimed and (p.name.endswith((".part", ".json")))]
    return groups, strays


def _sidecar(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _records(app: App, paths: list[str], hashes: list[str]) -> list[Any]:
    """This station's log records that point to one of `paths` or carry one of `hashes`."""
    rows: dict[int, Any] = {}
    with app.reads() as session:
        for start in range(0, max(len(paths), len(hashes)), _CHUNK):
            chunk_p, chunk_h = paths[start : start + _CHUNK], hashes[start : start + _CHUNK]
            stmt = select(
                LogRecord.id, LogRecord.airing_id, LogRecord.audio_path, LogRecord.audio_sha256, LogRecord.due_at
            ).where(
                LogRecord.station_id == app.station_id,
                or_(LogRecord.audio_path.in_(chunk_p), LogRecord.audio_sha256.in_(chunk_h)),
            )
            for row in session.execute(stmt):
                rows[row.id] = row
    return list(rows.values())


def _unsettled(app: App, airing_ids: set[int]) -> dict[int, str]:
    wanted = sorted(airing_ids)
    out: dict[int, str] = {}
    with app.reads() as session:
        for start in range(0, len(wanted), _CHUNK):
            out.update(
                (aid, status.value)
                for aid, status in session.execute(
                    select(Airing.id, Airing.status).where(
                        Airing.id.in_(wanted[start : start + _CHUNK]),
                        Airing.station_id == app.station_id,
                        Airing.status.in_(_UNSETTLED),
                    )
                )
            )
    return out


def _size(paths: list[Path]) -> int:
    return sum(p.stat().st_size for p in paths if p.exists())


def _reasons(
    file: ArchiveFile, refs: list[Any], meta: dict[str, Any], unsettled: dict[int, str], retention_start: datetime
) -> list[Kept]:
    """Why the log still needs `file` (empty: it may go)."""
    why: list[Kept] = []
    for ref in refs:
        if ref.due_at >= retention_start:
            why.append(Kept(path=file.path, code="archive_keep_recent", params={"record": ref.id}))
    airings = {ref.airing_id for ref in refs}
    if isinstance(meta.get("airing_id"), int):
        airings.add(meta["airing_id"])
    for airing in sorted(airings & set(unsettled)):
        why.append(
            Kept(path=file.path, code="archive_keep_unsettled", params={"airing": airing, "status": unsettled[airing]})
        )
    expected = {ref.audio_sha256 for ref in refs if ref.audio_path == str(file.path) and ref.audio_sha256}
    if meta.get("sha256"):
        expected.add(meta["sha256"])
    for value in sorted(expected - {file.sha256}):
        why.append(
            Kept(
                path=file.path,
                code="archive_keep_mismatch",
                params={"expected": value[:12], "actual": (file.sha256 or "")[:12]},
            )
        )
    return why


def prune_archive(app: App, *, dry_run: bool = False, force: bool = False, keep_days: int | None = None) -> PruneResult:
    """Delete (or with `dry_run` only list) archived audio past retention that the log no longer needs."""
    keep = keep_days if keep_days is not None else app.config.archive.keep_days
    tz = app.config.tz
    today = app.clock.now().astimezone(tz).date()
    cutoff = today - timedelta(days=keep)
    root = app.config.data_dir / "audio"
    result = PruneResult(root=root, cutoff=cutoff, keep_days=keep, dry_run=dry_run, force=force)
    if not root.is_dir():
        result.exists = False
        return result
    retention_start = datetime.combine(cutoff, time(), tz).astimezone(UTC)
    candidates: list[tuple[ArchiveFile, dict[str, Any]]] = []
    strays: list[ArchiveFile] = []
    folders = _old_days(root, cutoff)
    for day, folder in folders:
        groups, leftovers = _collect(folder, day)
        for mp3, sidecar, parts in groups:
            extras = tuple(x for x in (sidecar, *parts) if x is not None)
            candidates.append(
                (
                    ArchiveFile(path=mp3, day=day, bytes=_size([mp3, *extras]), sha256=sha256_file(mp3), extras=extras),
                    _sidecar(sidecar),
                )
            )
        strays += [ArchiveFile(path=p, day=day, bytes=_size([p])) for p in leftovers]
    refs = _records(app, [str(f.path) for f, _ in candidates], [f.sha256 for f, _ in candidates if f.sha256])
    by_path: dict[str, list[Any]] = defaultdict(list)
    by_hash: dict[str, list[Any]] = defaultdict(list)
    for ref in refs:
        if ref.audio_path:
            by_path[ref.audio_path].append(ref)
        if ref.audio_sha256:
            by_hash[ref.audio_sha256].append(ref)
    airing_ids = {r.airing_id for r in refs} | {
        m["airing_id"] for _, m in candidates if isinstance(m.get("airing_id"), int)
    }
    unsettled = _unsettled(app, airing_ids)
    doomed: list[ArchiveFile] = []
    for file, meta in candidates:
        mine = {r.id: r for r in by_path.get(str(file.path), []) + by_hash.get(file.sha256 or "", [])}
        file = ArchiveFile(
            path=file.path,
            day=file.day,
            bytes=file.bytes,
            sha256=file.sha256,
            extras=file.extras,
            records=tuple(sorted(mine)),
        )
        why = _reasons(file, list(mine.values()), meta, unsettled, retention_start)
        if why and not force:
            result.kept.extend(why)
        else:
            doomed.append(file)
    doomed += strays
    if dry_run or not doomed:
        result.deleted = doomed
        return result
    result.manifest = root / MANIFEST
    now = app.clock.now().isoformat()
    with open(result.manifest, "a", encoding="utf-8") as manifest:
        for file in doomed:
            try:
                for path in (file.path, *file.extras):
                    path.unlink(missing_ok=True)
            except OSError as exc:
                result.failed.append((file.path, exc.strerror or str(exc)))
                continue
            result.deleted.append(file)
            manifest.write(
                json.dumps(
                    {
                        "path": str(file.path),
                        "sha256": file.sha256,
                        "bytes": file.bytes,
                        "day": file.day.isoformat(),
                        "records": list(file.records),
                        "forced": force,
                        "deleted_at": now,
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
    for _, folder in reversed(folders):
        for empty in (folder, folder.parent, folder.parent.parent):
            try:
                empty.rmdir()
            except OSError:
                break
    return result
