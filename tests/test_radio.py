"""The real audio path: espeak -> pydub -> MP3 (imageio-ffmpeg) -> folder sink."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from audio.engines.base import EngineChain
from audio.engines.espeak import EspeakEngine
from audio.errors import TtsError
from audio.mix import EncodeSettings, ffmpeg_exe, sha256_file
from audio.sinks.folder import FolderSink
from audio.speech import Speaker
from broadcasts.channels.base import Broadcast
from broadcasts.channels.radio import RadioChannel
from broadcasts.models import Outcome
from tests.fakes.tts import ToneEngine


def broadcast(airing_id: int = 7, body: str = "UBND xã thông báo lịch tiếp công dân ngày 30/7/2025.") -> Broadcast:
    return Broadcast(
        airing_id=airing_id,
        bulletin_id=3,
        channel="radio",
        station_code="an-phu",
        station_name="Đài truyền thanh xã An Phú",
        timezone="Asia/Ho_Chi_Minh",
        title="Lịch tiếp công dân",
        body=body,
        post_text=None,
        priority="normal",
        due_at=datetime(2026, 11, 22, 23, 0, tzinfo=UTC),
    )


def radio(tmp_path: Path, engine=None) -> RadioChannel:
    return RadioChannel(
        speaker=Speaker(engine or EspeakEngine()),
        sink=FolderSink(tmp_path / "outbox", tmp_path / "ledger"),
        archive_dir=tmp_path / "audio",
        settings=EncodeSettings(),
    )


def probe(path: Path) -> str:
    return subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True).stderr


def test_publish_renders_vietnamese_speech_archives_and_hands_over(tmp_path):
    channel = radio(tmp_path)
    delivery = channel.publish(broadcast())
    assert delivery.outcome is Outcome.aired and delivery.tts_engine == "espeak"
    assert delivery.audio_path is not None and delivery.audio_seconds is not None
    archived = Path(delivery.audio_path)
    assert archived == tmp_path / "audio/2026/11/23/an-phu-20261123-0600-a7.mp3"
    assert sha256_file(archived) == delivery.audio_sha256
    assert 3 < delivery.audio_seconds < 30
    outbox = tmp_path / "outbox" / "an-phu-20261123-0600-a7.mp3"
    assert outbox.read_bytes() == archived.read_bytes()
    info = probe(outbox)
    assert "mp3" in info and "44100 Hz" in info and "mono" in info and "128 kb/s" in info
    assert json.loads(archived.with_suffix(".json").read_text())["sha256"] == delivery.audio_sha256
    assert not list((tmp_path / "outbox").glob(".*"))  # no temporary leftovers


def test_recover_tells_what_happened_after_a_crash(tmp_path):
    channel = radio(tmp_path, ToneEngine())
    b = broadcast()
    assert channel.recover(b) is None  # never started: safe to run
    delivered = channel.publish(b)
    recovered = channel.recover(b)
    assert recovered is not None
    assert recovered.outcome is Outcome.aired and recovered.audio_sha256 == delivered.audio_sha256
    (tmp_path / "outbox" / f"{b.key}.mp3").unlink()  # the platform took it: the ledger still knows
    recovered = channel.recover(b)
    assert recovered is not None
    assert recovered.outcome is Outcome.aired


def test_crash_between_pending_and_rename_is_unclear_or_not_delivered(tmp_path):
    sink = FolderSink(tmp_path / "outbox", tmp_path / "ledger")
    sink.ledger.mark("k1", "pending")
    assert sink.was_played("k1") is None  # copied and taken, or never copied: an operator must look
    (tmp_path / "outbox").mkdir()
    (tmp_path / "outbox" / ".k1.mp3.part").write_bytes(b"half")
    assert sink.was_played("k1") is False


def test_fallback_to_next_engine_and_log_says_who_spoke(tmp_path):
    chain = EngineChain([ToneEngine("online", fail=True), ToneEngine("backup")])
    delivery = radio(tmp_path, chain).publish(broadcast())
    assert delivery.tts_engine == "backup"


def test_all_engines_failing_is_a_clear_error(tmp_path):
    chain = EngineChain([ToneEngine("a", fail=True), ToneEngine("b", fail=True)])
    with pytest.raises(TtsError) as info:
        radio(tmp_path, chain).publish(broadcast())
    assert info.value.code == "tts_all_failed" and "a: told to fail" in info.value.params["reasons"]


@pytest.mark.parametrize("body", ["", "   ", "... --- !!!"])
def test_nothing_to_say_is_a_clear_error(tmp_path, body):
    b = Broadcast(**{**broadcast().__dict__, "title": "", "body": body})
    with pytest.raises(TtsError) as info:
        radio(tmp_path, ToneEngine()).publish(b)
    assert info.value.code in ("empty_text", "nothing_speakable")


def test_unwritable_outbox_is_a_sink_error(tmp_path):
    (tmp_path / "outbox").write_text("a file where the folder should be")
    from audio.errors import AudioError

    with pytest.raises(AudioError) as info:
        radio(tmp_path, ToneEngine()).publish(broadcast())
    assert info.value.code == "sink_failed"
