"""The device sink: a play counts only if the player really played (fake players, and the real ffmpeg on ALSA)."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
import threading
import time
from pathlib import Path

import pytest

from audio.errors import AudioError
from audio.mix import ffmpeg_exe
from audio.mp3 import read_mp3
from audio.sinks.device import DeviceSink, Player, _has_output, find_player, output_format, verdict
from audio.sinks.ledger import Ledger
from audio.sinks.process import Finished
from tests.fakes.bulletin import tone_mp3

FAKE = Path(__file__).parent / "fakes" / "player.py"
FAKE_PLAYER = f"{shlex.quote(sys.executable)} {shlex.quote(str(FAKE))}"


@pytest.fixture(scope="module")
def bulletin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tone_mp3(tmp_path_factory.mktemp("device") / "bulletin 1.mp3", 2.0).path


@pytest.fixture
def seconds(bulletin: Path) -> float:
    return read_mp3(bulletin).seconds


def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str, **kwargs: float) -> DeviceSink:
    monkeypatch.setenv("LOA_FAKE_PLAYER", mode)
    monkeypatch.setenv("LOA_FAKE_PLAYER_RECORD", str(tmp_path / "argv.json"))
    return DeviceSink(player=FAKE_PLAYER, device="hw:1,0", ledger=tmp_path / "ledger", **kwargs)


def failure(sink: DeviceSink, audio: Path, key: str = "k1") -> AudioError:
    with pytest.raises(AudioError) as caught:
        sink.play(audio, key=key)
    return caught.value


def test_a_player_that_takes_the_audio_length_has_played(tmp_path, monkeypatch, bulletin, seconds):
    sink = fake(tmp_path, monkeypatch, f"play:{seconds:.2f}")
    assert sink.was_played("k1") is False
    played = sink.play(bulletin, key="k1")
    assert (played.sink, played.target) == ("device", "alsa:hw:1,0")
    argv = json.loads((tmp_path / "argv.json").read_text())["argv"]
    assert argv[-5:] == ["-i", str(bulletin), "-f", "alsa", "hw:1,0"]  # the path with a space is one argument
    assert "-nostdin" in argv and "-re" not in argv  # the card paces a real play
    assert sink.was_played("k1") is True


def test_a_player_that_returns_at_once_did_not_play(tmp_path, monkeypatch, bulletin):
    error = failure(fake(tmp_path, monkeypatch, "instant"), bulletin)
    assert error.code == "sink_failed" and error.params["sink"] == "device hw:1,0"
    assert "did not play" in error.params["reason"] and "the audio lasts 2.0 s" in error.params["reason"]


def test_a_device_open_error_fails_even_when_the_player_exits_0(tmp_path, monkeypatch, bulletin):
    error = failure(fake(tmp_path, monkeypatch, "alsa-error"), bulletin)
    assert error.params["reason"] == "[alsa @ 0x55d5c0f0] cannot open audio device hw:7,0 (No such file or directory)"


def test_a_failing_player_reports_its_last_line(tmp_path, monkeypatch, bulletin):
    error = failure(fake(tmp_path, monkeypatch, "fail"), bulletin)
    assert error.params["reason"] == "Conversion failed!"


def test_a_hanging_player_is_stopped_after_the_audio_length_and_a_margin(tmp_path, monkeypatch, bulletin):
    sink = fake(tmp_path, monkeypatch, "hang", timeout_margin=0.5)
    started = time.monotonic()
    error = failure(sink, bulletin)
    assert time.monotonic() - started < 6
    assert "did not finish within" in error.params["reason"]
    assert sink.was_played("k1") is None  # it was started: whether anything was heard is unclear


def test_stop_cuts_the_sound_at_once(tmp_path, monkeypatch, bulletin):
    sink = fake(tmp_path, monkeypatch, "hang")
    timer = threading.Timer(0.5, sink.stop)
    timer.start()
    started = time.monotonic()
    try:
        error = failure(sink, bulletin)
    finally:
        timer.cancel()
    assert error.code == "sink_interrupted"
    assert time.monotonic() - started < 3
    assert Ledger(tmp_path / "ledger").state("k1") == "interrupted" and sink.was_played("k1") is None
    sink.stop()  # nothing is playing: a no-op


def test_a_file_that_is_not_mp3_is_refused_before_anything_plays(tmp_path, monkeypatch):
    junk = tmp_path / "junk.mp3"
    junk.write_bytes(b"not audio at all" * 100)
    sink = fake(tmp_path, monkeypatch, "instant")
    assert "not an MP3 file" in failure(sink, junk).params["reason"]
    assert sink.was_played("k1") is False and not (tmp_path / "argv.json").exists()


def test_a_missing_player_is_a_clear_failure(tmp_path, bulletin):
    sink = DeviceSink(player=str(tmp_path / "no-such-ffmpeg"), device="default", ledger=tmp_path / "ledger")
    assert failure(sink, bulletin).params["reason"].startswith(f"cannot run {tmp_path / 'no-such-ffmpeg'}")


@pytest.mark.skipif(os.name == "nt", reason="the fake ffplay is a script with a shebang line")
def test_ffplay_plays_without_a_window_and_gets_the_device_through_audiodev(tmp_path, monkeypatch, bulletin, seconds):
    ffplay = tmp_path / "bin" / "ffplay"
    ffplay.parent.mkdir()
    ffplay.write_text(f"#!{sys.executable}\n" + FAKE.read_text(encoding="utf-8"), encoding="utf-8")
    ffplay.chmod(0o755)
    monkeypatch.setenv("LOA_FAKE_PLAYER", f"play:{seconds:.2f}")
    monkeypatch.setenv("LOA_FAKE_PLAYER_RECORD", str(tmp_path / "argv.json"))
    sink = DeviceSink(player=str(ffplay), device="hw:1,0", ledger=tmp_path / "ledger")
    assert sink.play(bulletin, key="k1").target == "ffplay:hw:1,0"
    recorded = json.loads((tmp_path / "argv.json").read_text())
    assert recorded["argv"][:2] == ["-nodisp", "-autoexit"] and recorded["argv"][-1] == str(bulletin)
    assert recorded["audiodev"] == "hw:1,0"


@pytest.mark.parametrize("platform, expected", [("linux", "alsa"), ("darwin", "audiotoolbox"), ("win32", None)])
def test_the_ffmpeg_output_device_depends_on_the_platform(platform, expected):
    assert output_format(platform) == expected


def test_on_windows_an_explicit_player_must_be_ffplay():
    assert find_player(r"C:\ffmpeg\bin\ffplay.exe", platform="win32").kind == "ffplay"
    with pytest.raises(ValueError, match="set the player to ffplay"):
        find_player(r"C:\ffmpeg\bin\ffmpeg.exe", platform="win32")
    assert find_player("ffmpeg -re", platform="linux") == Player(argv=("ffmpeg", "-re"), kind="ffmpeg", output="alsa")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ALSA is Linux")
def test_auto_without_an_audio_output_says_what_to_install(tmp_path, monkeypatch, bulletin):
    if _has_output(ffmpeg_exe(), "alsa"):
        pytest.skip("this imageio-ffmpeg build has ALSA output")
    monkeypatch.setattr("audio.sinks.device.shutil.which", lambda name: None)
    sink = DeviceSink(player="auto", device="default", ledger=tmp_path / "ledger")
    reason = failure(sink, bulletin).params["reason"]
    assert "no player with an audio output was found" in reason and "Debian package ffmpeg" in reason
    assert sink.was_played("k1") is False


@pytest.mark.parametrize(
    "elapsed, seconds, played",
    [
        (0.05, 2.0, False),
        (1.3, 2.0, False),
        (1.5, 2.0, True),
        (2.2, 2.0, True),
        (26.0, 30.0, False),
        (28.0, 30.0, True),
        (570.0, 600.0, True),
        (500.0, 600.0, False),
    ],
)
def test_a_play_must_last_about_as_long_as_the_audio(elapsed, seconds, played):
    result = Finished(returncode=0, stderr="", elapsed=elapsed)
    assert (verdict(result, seconds, timeout=seconds + 30) is None) is played


# -- the real ffmpeg of Debian, on ALSA's "null" device (no sound card needed) -----------------------------


@pytest.fixture
def alsa_ffmpeg() -> str:
    exe = shutil.which("ffmpeg")
    if exe and sys.platform.startswith("linux") and _has_output(exe, "alsa"):
        return exe
    reason = "an ffmpeg with ALSA output is not installed (apt-get install ffmpeg)"
    if os.environ.get("CI"):
        pytest.fail(f"CI must have it: {reason}")
    pytest.skip(reason)


def test_auto_picks_the_ffmpeg_that_has_alsa_output(tmp_path, alsa_ffmpeg):
    sink = DeviceSink(player="auto", device="null", ledger=tmp_path / "ledger")
    assert sink._player() == Player(argv=(alsa_ffmpeg,), kind="ffmpeg", output="alsa")


def test_the_real_ffmpeg_plays_in_real_time(tmp_path, alsa_ffmpeg, bulletin, seconds):
    # ALSA "null" swallows audio without pacing; "-re" makes ffmpeg read at play speed, as a sound card would
    sink = DeviceSink(player=f"{shlex.quote(alsa_ffmpeg)} -re", device="null", ledger=tmp_path / "ledger")
    started = time.monotonic()
    played = sink.play(bulletin, key="k1")
    elapsed = time.monotonic() - started
    assert played.target == "alsa:null" and sink.was_played("k1") is True
    assert seconds - 0.3 < elapsed < seconds + 2.0


def test_a_device_that_swallows_the_audio_at_once_is_caught(tmp_path, alsa_ffmpeg, bulletin):
    sink = DeviceSink(player="auto", device="null", ledger=tmp_path / "ledger")
    assert "did not play" in failure(sink, bulletin).params["reason"]


def test_a_missing_sound_card_is_named_in_the_error(tmp_path, alsa_ffmpeg, bulletin):
    sink = DeviceSink(player="auto", device="hw:77,0", ledger=tmp_path / "ledger")
    reason = failure(sink, bulletin).params["reason"]
    assert "cannot open audio device hw:77,0" in reason


def test_stop_kills_the_real_ffmpeg(tmp_path, alsa_ffmpeg, bulletin):
    sink = DeviceSink(player=f"{shlex.quote(alsa_ffmpeg)} -re", device="null", ledger=tmp_path / "ledger")
    timer = threading.Timer(0.4, sink.stop)
    timer.start()
    started = time.monotonic()
    try:
        assert failure(sink, bulletin).code == "sink_interrupted"
    finally:
        timer.cancel()
    assert time.monotonic() - started < 1.5
