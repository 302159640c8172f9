"""Importing recorded audio: every browser and file format, the checks, loudness and storage by sha256."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from audio.errors import AudioError
from audio.media import FORMATS, MediaRules, import_media, sniff_format
from audio.mix import EncodeSettings, ffmpeg_exe, measure_loudness, sha256_file
from audio.mp3 import read_mp3
from scheduler.messages import MESSAGES, text

ENCODING = EncodeSettings()

# how ffmpeg writes each format; Opus in WebM and Ogg is what Chromium's and Firefox's MediaRecorder give
ENCODERS = {
    "mp3": ["-c:a", "libmp3lame", "-b:a", "96k", "-f", "mp3"],
    "wav": ["-c:a", "pcm_s16le", "-f", "wav"],
    "m4a": ["-c:a", "aac", "-b:a", "96k", "-f", "ipod"],
    "aac": ["-c:a", "aac", "-b:a", "96k", "-f", "adts"],
    "ogg": ["-c:a", "libopus", "-b:a", "64k", "-f", "ogg"],
    "flac": ["-c:a", "flac", "-f", "flac"],
    "webm": ["-c:a", "libopus", "-b:a", "64k", "-f", "webm"],
}


def make(path: Path, source: str, fmt: str = "wav", *, rate: int = 48_000, channels: int = 1) -> Path:
    """Render the lavfi `source` (e.g. "sine=frequency=440:duration=2") to `path` in `fmt`."""
    command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "lavfi", "-i", source]
    command += ["-ar", str(rate), "-ac", str(channels), *ENCODERS[fmt], str(path)]
    subprocess.run(command, check=True, capture_output=True, timeout=60)
    return path


def tone(tmp_path: Path, fmt: str = "wav", seconds: float = 2.0, **kwargs: int) -> Path:
    return make(tmp_path / f"tone-{seconds}.{fmt}", f"sine=frequency=440:duration={seconds}", fmt, **kwargs)


def rejected(source: Path, tmp_path: Path, rules: MediaRules = MediaRules()) -> AudioError:  # noqa: B008
    with pytest.raises(AudioError) as caught:
        import_media(source, tmp_path / "store", encoding=ENCODING, rules=rules)
    assert not list((tmp_path / "store").glob("*")) if (tmp_path / "store").exists() else True  # nothing half-stored
    for lang in ("vi", "en"):
        assert not text(caught.value.code, lang, **caught.value.params).startswith(caught.value.code)
    return caught.value


@pytest.mark.parametrize("fmt", list(ENCODERS))
def test_each_format_is_stored_at_the_loudness_target(tmp_path, fmt):
    source = tone(tmp_path, fmt, channels=2 if fmt in ("webm", "m4a") else 1)
    media = import_media(source, tmp_path / "store", encoding=ENCODING)

    assert media.source_format == ("m4a" if fmt == "aac" else fmt) and media.source_format in FORMATS
    assert media.path == tmp_path / "store" / f"{media.sha256}.mp3"
    assert sha256_file(media.path) == media.sha256
    assert media.source_sha256 == sha256_file(source) and media.source_bytes == source.stat().st_size
    measured = measure_loudness(media.path)
    assert abs(measured.integrated - ENCODING.target_lufs) <= 1.0
    assert media.loudness_lufs == measured.integrated and media.true_peak_db == measured.true_peak
    assert media.true_peak_db <= ENCODING.true_peak_db + 0.5
    mp3 = read_mp3(media.path)
    assert {f.sample_rate for f in mp3.frames} == {ENCODING.sample_rate}
    assert abs(mp3.seconds - 2.0) < 0.15 and abs(media.seconds - 2.0) < 0.15
    assert [p.name for p in (tmp_path / "store").iterdir()] == [media.path.name]  # no temporary file left


def test_the_same_recording_twice_is_the_same_stored_file(tmp_path):
    source = tone(tmp_path, "mp3")
    first = import_media(source, tmp_path / "store", encoding=ENCODING)
    mtime = first.path.stat().st_mtime_ns
    second = import_media(source, tmp_path / "store", encoding=ENCODING)
    assert second == first and first.path.stat().st_mtime_ns == mtime
    assert len(list((tmp_path / "store").iterdir())) == 1


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"ID3\x04\x00\x00\x00\x00\x00\x00", "mp3"),
        (b"\xff\xfb\x90\x64", "mp3"),  # MPEG-1 layer III, 128 kbit/s, 44.1 kHz
        (b"\xff\xf1\x50\x80", "m4a"),  # ADTS AAC
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "wav"),
        (b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00", "m4a"),
        (b"\x00\x00\x00\x1cftypiso5", "m4a"),  # Safari's MediaRecorder (mp4)
        (b"OggS\x00\x02", "ogg"),
        (b"fLaC\x00\x00\x00\x22", "flac"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01", "webm"),
        (b"\xff\xff\xff\xff", None),  # a sync with reserved values
        (b"#EXTM3U\n", None),
        (b"%PDF-1.7", None),
        (b"", None),
    ],
)
def test_formats_are_sniffed_by_their_magic_bytes(head, expected):
    assert sniff_format(head) == expected


def test_a_silent_recording_is_refused(tmp_path):
    silent = make(tmp_path / "silent.wav", "anullsrc=r=48000:cl=mono:d=3")
    assert rejected(silent, tmp_path).code == "media_silent"


def test_a_faint_hiss_is_silent_too(tmp_path):
    hiss = make(tmp_path / "hiss.wav", "anoisesrc=d=3:c=pink:a=0.002")
    error = rejected(hiss, tmp_path)
    assert error.code == "media_silent" and error.params["dbfs"] < -50


@pytest.mark.parametrize(
    "source",
    ["aevalsrc=if(lt(mod(t*220\\,1)\\,0.5)\\,1\\,-1):d=2:s=48000", "sine=frequency=440:duration=2,volume=20"],
    ids=["square-at-full-scale", "boosted-sine"],
)
def test_a_clipped_recording_is_refused(tmp_path, source):
    error = rejected(make(tmp_path / "loud.wav", source), tmp_path)
    assert error.code == "media_clipped" and error.params["percent"] > 1.0


def test_a_loud_but_clean_recording_is_accepted(tmp_path):
    loud = make(tmp_path / "loud.wav", "sine=frequency=440:duration=2,volume=7.5")  # peaks at -0.6 dBFS
    media = import_media(loud, tmp_path / "store", encoding=ENCODING)
    assert abs(media.loudness_lufs - ENCODING.target_lufs) <= 1.0


def test_too_short_and_too_long_recordings_are_refused(tmp_path):
    short = tone(tmp_path, "wav", seconds=0.5)
    error = rejected(short, tmp_path)
    assert (error.code, error.params) == ("media_too_short", {"seconds": 0.5, "limit": 1.0})
    long = tone(tmp_path, "mp3", seconds=6.0)
    error = rejected(long, tmp_path, MediaRules(max_seconds=3.0))
    assert error.code == "media_too_long" and error.params["limit"] == 3.0
    assert 5.8 < error.params["seconds"] < 6.3  # the length the file states, though only 4 s were decoded


def test_a_too_large_file_is_refused_before_it_is_read(tmp_path):
    big = tone(tmp_path, "wav", seconds=3.0)  # about 288 kB
    error = rejected(big, tmp_path, MediaRules(max_bytes=100_000))
    assert error.code == "media_too_large" and error.params == {"mb": 0.3, "limit_mb": 0.1}


def test_garbage_bytes_are_not_a_format(tmp_path):
    garbage = tmp_path / "notes.mp3"
    garbage.write_bytes(b"this is not audio at all\n" * 200)
    error = rejected(garbage, tmp_path)
    assert error.code == "media_format" and "webm" in text(error.code, "en", **error.params)


@pytest.mark.parametrize("magic", [b"RIFF\x00\x10\x00\x00WAVE", b"fLaC", b"OggS", b"\x1a\x45\xdf\xa3", b"ID3\x03"])
def test_a_known_magic_followed_by_garbage_is_unreadable(tmp_path, magic):
    fake = tmp_path / "fake.bin"
    fake.write_bytes(magic + bytes(range(256)) * 40)
    assert rejected(fake, tmp_path).code == "media_unreadable"


def test_a_truncated_file_is_unreadable(tmp_path):
    whole = tone(tmp_path, "m4a")  # the index (moov) is written after the audio
    cut = tmp_path / "cut.m4a"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    error = rejected(cut, tmp_path)
    assert error.code == "media_unreadable" and error.params["reason"]
    header_only = tmp_path / "header.wav"
    header_only.write_bytes(tone(tmp_path, "wav").read_bytes()[:44])
    assert rejected(header_only, tmp_path).code == "media_unreadable"


def test_a_missing_file_is_a_clear_error(tmp_path):
    assert rejected(tmp_path / "nowhere.wav", tmp_path).code == "file_unreadable"


def test_every_media_code_has_both_languages():
    for code in ("media_format", "media_too_large", "media_unreadable", "media_too_short", "media_too_long"):
        assert code in MESSAGES
    for code in ("media_silent", "media_clipped"):
        vi, en = MESSAGES[code]
        assert vi != en and "{limit}" in vi and "{limit}" in en
