"""`loa demo`: the main job, offline, on the embedded defaults."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from audio.mix import ffmpeg_exe, sha256_file

LOA = [sys.executable, "-m", "scheduler"]


def loa(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*LOA, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_demo_airs_speech_and_dry_runs_posts_then_runs_again(tmp_path):
    first = loa("demo", "--dir", "d", cwd=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "đã phát" in first.stdout and "chạy thử" in first.stdout
    assert "không đăng gì lên trang thật" in first.stdout  # a dry run says it posted nothing
    for command in ("log", "run", "web"):
        assert f"config.toml {command}" in first.stdout  # and what to run next, with the config it wrote
    config = tmp_path / "d" / "config.toml"
    listed = loa("--config", str(config), "log", "--format", "json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    records = json.loads(listed.stdout)
    aired = [r for r in records if r["channel"] == "radio" and r["outcome"] == "aired"]
    assert len(aired) >= 3
    for record in aired:
        path = Path(record["audio_path"])
        assert path.exists() and sha256_file(path) == record["audio_sha256"]
        assert record["audio_seconds"] > 2 and record["tts_engine"] == "espeak"
        info = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True).stderr
        assert "Audio: mp3" in info
    assert {r["outcome"] for r in records if r["channel"] in ("facebook", "zalo")} == {"dry_run"}
    assert {r["channel"] for r in records} == {"radio", "facebook", "zalo"}
    assert all(r["outcome"] in ("aired", "dry_run") for r in records)

    second = loa("demo", "--dir", "d", cwd=tmp_path)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "đã có sẵn" in second.stdout
    again = json.loads(loa("--config", str(config), "log", "--format", "json", cwd=tmp_path).stdout)
    assert len(again) == 2 * len(records)
    assert len(list((tmp_path / "d" / "outbox").glob("*.mp3"))) == 2 * len(aired)
