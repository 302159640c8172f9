"""Recorded audio bulletins from the command line: checked, normalized, stored once, aired as the file,
posted as text.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from audio.mix import ffmpeg_exe
from broadcasts.models import Bulletin, BulletinKind, LogRecord, Media
from scheduler.app import build_app
from scheduler.config import load_config
from tests.cli_support import run


def _config(tmp_path: Path, db_url: str, extra: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[station]\nname = "Đài xã Thử"\ncode = "thu"\n[database]\nurl = "{db_url}"\n'
        "[channels.facebook]\ndry_run = true\n[channels.zalo]\ndry_run = true\n"
        f"{extra}",
        encoding="utf-8",
    )
    return path


def _tail(volume: str, path: Path) -> list[str]:
    return ["-af", f"volume={volume}", "-ac", "1", "-y", str(path)]


def _recording(path: Path, source: str = "sine=frequency=523:duration=2.5", volume: str = "0.2") -> Path:
    subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", source, *_tail(volume, path)],
        check=True,
        timeout=60,
    )
    return path


def _rows(config: Path, model: Any) -> list[Any]:
    app = build_app(load_config(config))
    try:
        with app.reads() as session:
            return list(session.scalars(select(model).order_by(model.id)))
    finally:
        app.close()


def test_an_audio_bulletin_without_text_airs_its_stored_file_on_the_radio_only(tmp_path, db_url, capsys):
    config = _config(tmp_path, db_url)
    wav = _recording(tmp_path / "thong-bao.wav")
    code, out, err = run(capsys, "--config", str(config), "queue", "--audio", str(wav), "--at", "now", "--json")
    assert code == 0, err
    assert "Đã lưu tệp âm thanh" in err
    queued = json.loads(out)
    assert [a["channel"] for a in queued["airings"]] == ["radio"]
    assert [n["code"] for n in queued["notices"]] == ["notice_audio_radio_only"]
    assert queued["estimated_seconds"] == pytest.approx(2.5, abs=0.1)

    code, out, err = run(capsys, "--config", str(config), "run", "--once")
    assert code == 0, err
    (media,) = _rows(config, Media)
    assert media.source_name == "thong-bao.wav" and media.source_format == "wav"
    assert media.loudness_lufs == pytest.approx(-16.0, abs=1.0)
    stored = load_config(config).data_dir / media.path
    assert stored.name == f"{media.sha256}.mp3" and hashlib.sha256(stored.read_bytes()).hexdigest() == media.sha256
    (record,) = _rows(config, LogRecord)
    assert record.channel == "radio" and record.outcome.value == "aired" and record.tts_engine is None
    assert record.audio_sha256 == media.sha256
    played = Path(record.external_id or "")
    assert played.is_file() and hashlib.sha256(played.read_bytes()).hexdigest() == media.sha256
    assert Path(record.audio_path or "") == stored
    (bulletin,) = _rows(config, Bulletin)
    assert bulletin.kind is BulletinKind.audio and bulletin.title == "thong-bao"


def test_with_text_the_pages_get_the_text_and_the_same_file_is_stored_once(tmp_path, db_url, capsys):
    config = _config(tmp_path, db_url)
    wav = _recording(tmp_path / "hop-thon.wav")
    for _ in range(2):
        code, out, err = run(
            capsys, "--config", str(config), "queue", "--audio", str(wav), "--text", "Mời bà con họp thôn.",
            "--at", "now", "--json",
        )  # fmt: skip
        assert code == 0, err
        assert sorted(a["channel"] for a in json.loads(out)["airings"]) == ["facebook", "radio", "zalo"]
    assert len(_rows(config, Media)) == 1
    code, _, err = run(capsys, "--config", str(config), "run", "--once")
    assert code == 0, err
    outcomes = sorted((r.channel, r.outcome.value) for r in _rows(config, LogRecord))
    assert outcomes == [("facebook", "dry_run")] * 2 + [("radio", "aired")] * 2 + [("zalo", "dry_run")] * 2


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: _recording(p / "im-lang.wav", "anullsrc=duration=3"), "không có tiếng"),
        (lambda p: _recording(p / "vo.wav", "sine=frequency=440:duration=3", volume="40"), "rè"),
        (lambda p: _recording(p / "ngan.wav", "sine=frequency=440:duration=0.3"), "ngắn"),
        (lambda p: (p / "rac.mp3").write_bytes(b"not audio at all" * 100) and p / "rac.mp3", "không phải là âm thanh"),
    ],
)
def test_a_bad_recording_is_refused_in_one_line_and_nothing_is_stored(tmp_path, db_url, capsys, make, words):
    config = _config(tmp_path, db_url)
    path = make(tmp_path)
    code, _, err = run(capsys, "--config", str(config), "queue", "--audio", str(path), "--at", "now")
    assert code != 0
    assert words in err.lower() and "Traceback" not in err
    assert _rows(config, Bulletin) == [] and _rows(config, Media) == []


def test_a_stored_file_gone_at_air_time_fails_the_airing_and_says_so(tmp_path, db_url, capsys):
    config = _config(tmp_path, db_url, "[channels]\nenabled = ['radio']\n")
    wav = _recording(tmp_path / "mat-tep.wav")
    code, _, err = run(capsys, "--config", str(config), "queue", "--audio", str(wav), "--at", "now")
    assert code == 0, err
    for stored in tmp_path.rglob("media/*.mp3"):
        stored.unlink()
    code, _, err = run(capsys, "--config", str(config), "run", "--once")
    (record,) = _rows(config, LogRecord)
    assert record.outcome.value == "failed" and record.error_code == "media_missing"
    assert "tải tệp lên lại" in (record.error_message or "")


def test_a_relay_is_queued_for_its_minutes_on_the_radio(tmp_path, db_url, capsys):
    extra = "[channels.radio.relays.vov1]\nurl = 'http://127.0.0.1:9/vov1.mp3'\nlabel = 'VOV1'\n"
    config = _config(tmp_path, db_url, extra)
    args = ["--config", str(config), "queue", "--relay", "vov1", "--minutes", "30", "--at", "now", "--json"]
    code, out, err = run(capsys, *args)
    assert code == 0, err
    queued = json.loads(out)
    assert [a["channel"] for a in queued["airings"]] == ["radio"] and queued["estimated_seconds"] == 1800
    code, out, err = run(capsys, "--config", str(config), "queue", "--relay", "vov2", "--minutes", "30", "--at", "now")
    assert code != 0 and "vov1" in err
    code, out, err = run(capsys, "--config", str(config), "queue", "--relay", "vov1", "--audio", "x.wav", "--at", "now")
    assert code != 0 and "--relay" in err


def test_the_programme_names_each_airings_zone_and_kind(tmp_path, db_url, capsys):
    extra = (
        "[channels]\nenabled = ['radio']\n"
        "[channels.radio.relays.vov1]\nurl = 'http://127.0.0.1:9/vov1.mp3'\n"
        "[channels.radio.zones.thon-dong]\nlabel = 'Thôn Đông'\n[channels.radio.zones.loa-day]\nsink = 'folder'\n"
    )
    config = _config(tmp_path, db_url, extra)
    args = ["--config", str(config), "queue", "--relay", "vov1", "--minutes", "30", "--at", "+1h"]
    args += ["--zones", "thon-dong"]
    code, _, err = run(capsys, *args)
    assert code == 0, err
    code, out, err = run(capsys, "--config", str(config), "programme", "--days", "1")
    assert code == 0, err
    line = next(x for x in out.splitlines() if "#1" in x)
    assert "radio:thon-dong" in line and "Tiếp âm" in line
