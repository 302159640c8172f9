"""Pruning the audio archive: past retention goes, unless the log still needs it; --force, --dry-run."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from scheduler.config import parse_config
from scheduler.errors import ConfigError
from scheduler.services.archive import MANIFEST, prune_archive
from tests.log_builder import LogBuilder, local


def put(
    root: Path, day: str, key: str, body: bytes, *, airing: int | None = None, sidecar_sha: str | None = None
) -> tuple[Path, str]:
    """An archived MP3 and its sidecar, as RadioChannel writes them; returns (path, sha256)."""
    folder = root / day
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{key}.mp3"
    path.write_bytes(body)
    digest = hashlib.sha256(body).hexdigest()
    path.with_suffix(".json").write_text(
        json.dumps({"sha256": sidecar_sha or digest, "seconds": 1.0, "engine": "tone", "airing_id": airing}),
        encoding="utf-8",
    )
    return path, digest


@pytest.fixture
def archive(app) -> dict[str, object]:
    """Files of two years ago and of this month, with the log records that point to them."""
    root = app.config.data_dir / "audio"
    b = LogBuilder(app.sessions, app.station_id)
    files: dict[str, object] = {"root": root}
    path, sha = put(root, "2024/11/01", "aired", b"A" * 1000)
    files["aired"] = path
    files["aired_id"] = b.record("radio", "aired", local(2024, 11, 1), seconds=1, audio_path=str(path), sha256=sha)[1]
    unsettled, _ = b.airing("radio", local(2024, 11, 2))
    path, sha = put(root, "2024/11/02", "unknown", b"U" * 500, airing=unsettled)
    b.record("radio", "unknown", local(2024, 11, 2), airing=unsettled, audio_path=str(path), sha256=sha)
    files["unknown"], files["unknown_airing"] = path, unsettled
    path, sha = put(root, "2024/11/03", "tampered", b"T" * 300)
    b.record("radio", "aired", local(2024, 11, 3), seconds=1, audio_path=str(path), sha256="0" * 64)
    files["tampered"] = path
    path, sha = put(root, "2024/11/04", "reused", b"R" * 200)
    files["recent_record"] = b.record(
        "radio", "aired", local(2026, 11, 20), seconds=1, audio_path=str(path), sha256=sha
    )[1]
    files["reused"] = path
    pending, _ = b.airing("radio", local(2024, 11, 5))
    files["pending"], _ = put(root, "2024/11/05", "rendered-ahead", b"P" * 100, airing=pending)
    files["orphan"], _ = put(root, "2024/10/30", "orphan", b"O" * 700)
    (root / "2024/10/30/left.mp3.part").write_bytes(b"x" * 50)
    files["recent"], sha = put(root, "2026/11/20", "recent", b"N" * 900)
    b.record("radio", "aired", local(2026, 11, 20, 17), seconds=1, audio_path=str(files["recent"]), sha256=sha)
    return files


def sidecar_size(path: Path) -> int:
    return path.with_suffix(".json").stat().st_size


def test_dry_run_lists_and_deletes_nothing(app, archive):
    result = prune_archive(app, dry_run=True)
    assert str(result.cutoff) == "2024-11-23" and result.keep_days == 730
    assert sorted(f.path.name for f in result.deleted) == ["aired.mp3", "left.mp3.part", "orphan.mp3"]
    assert result.bytes == 1000 + sidecar_size(archive["aired"]) + 700 + sidecar_size(archive["orphan"]) + 50
    assert archive["aired"].exists() and archive["orphan"].exists() and result.manifest is None
    kept = {(k.path.name, k.code) for k in result.kept}
    assert kept == {
        ("unknown.mp3", "archive_keep_unsettled"),
        ("tampered.mp3", "archive_keep_mismatch"),
        ("reused.mp3", "archive_keep_recent"),
        ("rendered-ahead.mp3", "archive_keep_unsettled"),
    }


def test_prune_deletes_what_no_record_needs_and_keeps_a_manifest(app, archive):
    aired_bytes = 1000 + sidecar_size(archive["aired"])
    result = prune_archive(app)
    assert not archive["aired"].exists() and not archive["aired"].with_suffix(".json").exists()
    assert not archive["orphan"].exists() and not (archive["root"] / "2024/10").exists()  # empty folders go
    for name in ("unknown", "tampered", "reused", "pending", "recent"):
        assert archive[name].exists(), name
    assert sorted(f.path.name for f in result.deleted) == ["aired.mp3", "left.mp3.part", "orphan.mp3"]
    assert result.bytes == sum(f.bytes for f in result.deleted) and result.bytes > aired_bytes + 700 + 50
    lines = [json.loads(x) for x in (archive["root"] / MANIFEST).read_text(encoding="utf-8").splitlines()]
    entry = next(x for x in lines if x["path"].endswith("aired.mp3"))
    assert entry["records"] == [archive["aired_id"]] and entry["bytes"] == aired_bytes and not entry["forced"]
    again = prune_archive(app)
    assert again.deleted == [] and len(again.kept) == 4


def test_force_deletes_past_retention_even_when_needed(app, archive):
    result = prune_archive(app, force=True)
    assert {f.path.name for f in result.deleted} >= {
        "unknown.mp3",
        "tampered.mp3",
        "reused.mp3",
        "rendered-ahead.mp3",
        "aired.mp3",
        "orphan.mp3",
    }
    assert result.kept == [] and archive["recent"].exists()
    assert all(json.loads(x)["forced"] for x in (archive["root"] / MANIFEST).read_text().splitlines())


def test_keep_days_override_and_missing_archive(app, archive, tmp_path):
    assert prune_archive(app, dry_run=True, keep_days=1).cutoff.isoformat() == "2026-11-22"
    assert any(f.path.name == "recent.mp3" for f in prune_archive(app, dry_run=True, keep_days=1).deleted)
    assert not any(f.path.name == "recent.mp3" for f in prune_archive(app, dry_run=True, keep_days=3).deleted)
    import shutil

    shutil.rmtree(archive["root"])
    assert prune_archive(app).exists is False


def test_keep_days_must_be_positive(tmp_path):
    with pytest.raises(ConfigError) as info:
        parse_config({"archive": {"keep_days": 0}}, source="c.toml", base_dir=tmp_path)
    assert info.value.params["key"] == "archive.keep_days"
    assert parse_config({}, source="c.toml", base_dir=tmp_path).archive.keep_days == 730


def test_loa_archive_prune(tmp_path, db_url, capsys):
    from scheduler.app import build_app
    from scheduler.config import load_config
    from tests.cli_support import run

    config = tmp_path / "config.toml"
    config.write_text(
        f'[station]\nname = "Đài xã Thử"\ncode = "thu"\n[database]\nurl = "{db_url}"\n[archive]\nkeep_days = 30\n',
        encoding="utf-8",
    )
    app = build_app(load_config(config))
    try:
        root = app.config.data_dir / "audio"
        b = LogBuilder(app.sessions, app.station_id)
        old, sha = put(root, "2020/01/02", "old", b"O" * 2048)
        b.record("radio", "aired", local(2020, 1, 2), seconds=1, audio_path=str(old), sha256=sha)
        stuck, _ = b.airing("radio", local(2020, 1, 3))
        held, sha = put(root, "2020/01/03", "held", b"H" * 10, airing=stuck)
        b.record("radio", "unknown", local(2020, 1, 3), airing=stuck, audio_path=str(held), sha256=sha)
    finally:
        app.close()
    code, out, err = run(capsys, "--config", str(config), "archive", "prune", "--dry-run", "--list")
    assert code == 0, err
    assert "Chạy thử: sẽ xóa 1 tệp" in out and "old.mp3" in out and old.exists()
    assert f"lượt phát #{stuck} chưa có kết quả cuối (unknown)" in out
    code, out, err = run(capsys, "--config", str(config), "--lang", "en", "archive", "prune", "--json")
    assert code == 0, err
    done = json.loads(out)
    assert done["deleted"] == [str(old)] and done["bytes"] >= 2048 and not old.exists()
    assert done["kept"][0]["reason"] == "archive_keep_unsettled" and held.exists()
    code, out, err = run(capsys, "--config", str(config), "--lang", "en", "archive", "prune", "--force")
    assert code == 0, err
    assert "Deleted 1 audio files" in out and not held.exists()
