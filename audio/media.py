"""Importing an operator's recorded audio: check it, bring it to the station's loudness, store it by its sha256.

The format is recognised by its magic bytes and the matching ffmpeg demuxer is
forced (ffmpeg's own probing could read a text file as a playlist that opens
other files; see the `-f` and "Demuxers" sections of https://ffmpeg.org/ffmpeg-formats.html):
- MP3: an ID3v2 tag ("ID3") or an MPEG audio frame sync (11 set bits, layer 1-3);
- WAV: "RIFF" .... "WAVE" (Microsoft RIFF);
- MP4/M4A: an "ftyp" box at offset 4 (ISO/IEC 14496-12), what Safari's MediaRecorder gives;
- raw AAC in ADTS frames: a 12-bit sync with layer 0 (ISO/IEC 13818-7), reported as "m4a";
- Ogg: "OggS" (RFC 3533), what Firefox's MediaRecorder gives (Opus inside);
- FLAC: "fLaC" (RFC 9639);
- WebM/Matroska: the EBML magic 1A 45 DF A3, what Chromium's MediaRecorder gives (Opus inside).
The audio is decoded once to mono 16-bit PCM at the station's rate, limited to
a little more than the longest allowed duration so a small file of hours
cannot fill the memory. Silence (RMS level and peak) and clipping (samples at
full scale) are read from those samples; loudness is normalized and measured
with the functions of `audio.mix` (EBU R128, the encoder's two-pass
correction), and the MP3 is written under a temporary name and renamed to
`<sha256>.mp3`. `timeout` bounds each ffmpeg step (long recordings get a
quarter of their length if that is more).
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import warnings
from array import array
from dataclasses import dataclass
from pathlib import Path

from audio.errors import AudioError
from audio.mix import EncodeSettings, encode_mp3, ffmpeg_exe, measure_loudness, sha256_file

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from pydub import AudioSegment

__all__ = ["FORMATS", "MediaFile", "MediaRules", "import_media", "sniff_format"]

FORMATS = ("mp3", "wav", "m4a", "ogg", "flac", "webm")
HEAD_BYTES = 64  # enough for every magic above
_DEMUXERS = {"mp3": "mp3", "wav": "wav", "m4a": "mp4", "aac": "aac", "ogg": "ogg", "flac": "flac", "webm": "matroska"}
_MB = 1024 * 1024
STEP_SHARE = 0.25  # a long recording's ffmpeg steps may take this share of its length, if more than `timeout`


@dataclass(frozen=True, kw_only=True)
class MediaRules:
    """What an imported recording must be: its duration, size, and neither silent nor clipped."""

    min_seconds: float = 1.0
    max_seconds: float = 1800.0
    max_bytes: int = 100 * _MB
    silence_dbfs: float = -50.0  # a file whose level (RMS) and peak (both dBFS) are under this is silent
    clip_fraction: float = 0.01  # share of samples at full scale that counts as clipped


@dataclass(frozen=True, kw_only=True)
class MediaFile:
    """A stored, normalized recording: the MP3 and what was measured of it and of its source."""

    path: Path
    sha256: str  # of the stored MP3
    seconds: float
    loudness_lufs: float  # measured on the stored MP3
    true_peak_db: float
    source_format: str  # one of FORMATS
    source_sha256: str
    source_bytes: int


def _mpeg_audio(head: bytes) -> bool:
    """An MPEG audio frame header (not ADTS): sync, a known version, layer, bitrate and rate."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 3, (head[1] >> 1) & 3
    bitrate, rate = head[2] >> 4, (head[2] >> 2) & 3
    return version != 1 and layer != 0 and bitrate not in (0, 15) and rate != 3


def _kind(head: bytes) -> str | None:
    """The demuxer key for `head` ("aac" for ADTS, else a FORMATS name), or None."""
    if head.startswith(b"ID3") or _mpeg_audio(head):
        return "mp3"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0:
        return "aac"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[4:8] == b"ftyp":
        return "m4a"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"fLaC"):
        return "flac"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    return None


def sniff_format(head: bytes) -> str | None:
    """The format of a file from its first bytes (one of FORMATS; raw ADTS AAC is "m4a"), or None."""
    kind = _kind(head)
    return "m4a" if kind == "aac" else kind


def _last_line(stderr: bytes) -> str:
    lines = [line for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    return lines[-1].strip() if lines else "ffmpeg failed"


def _duration(stderr: bytes) -> float | None:
    """The duration ffmpeg read in the container's header ("Duration: 00:31:02.50"), if any."""
    found = re.search(rb"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)", stderr)
    if not found:
        return None
    hours, minutes, seconds = found.groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _decode(source: Path, demuxer: str, rate: int, limit: float, timeout: float) -> tuple[bytes, float | None]:
    """Mono 16-bit PCM at `rate` of at most `limit` seconds, and the container's duration if it states one."""
    command = [
        ffmpeg_exe(),
        "-hide_banner",
        "-nostdin",
        "-nostats",
        "-f",
        demuxer,
        "-i",
        str(source),
        "-vn",
        "-map",
        "0:a:0",
        "-t",
        f"{limit:.3f}",
        "-ac",
        "1",
        "-ar",
        str(rate),
        "-c:a",
        "pcm_s16le",
        "-f",
        "s16le",
        "pipe:1",
    ]
    try:
        result = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise AudioError("media_unreadable", reason=f"decoding took longer than {timeout:g} s") from exc
    except OSError as exc:
        raise AudioError("audio_failed", reason=f"cannot run ffmpeg: {exc}") from exc
    if result.returncode != 0:
        raise AudioError("media_unreadable", reason=_last_line(result.stderr))
    pcm = result.stdout[: len(result.stdout) // 2 * 2]
    if not pcm:
        raise AudioError("media_unreadable", reason="no audio could be decoded")
    return pcm, _duration(result.stderr)


def _clipped_share(pcm: bytes) -> float:
    samples = array("h", pcm)
    return (samples.count(32767) + samples.count(-32768)) / max(len(samples), 1)


def _store(tmp: Path, dest_dir: Path) -> tuple[Path, str]:
    """Rename the encoded `tmp` to `<sha256>.mp3`, reusing an identical file already there."""
    digest = sha256_file(tmp)
    final = dest_dir / f"{digest}.mp3"
    try:
        if final.exists() and sha256_file(final) == digest:
            tmp.unlink()
        else:
            os.replace(tmp, final)
    except OSError as exc:
        raise AudioError("output_unwritable", path=str(final), reason=exc.strerror or str(exc)) from exc
    return final, digest


def import_media(
    source: Path,
    dest_dir: Path,
    *,
    encoding: EncodeSettings,
    rules: MediaRules = MediaRules(),
    timeout: float = 120.0,
) -> MediaFile:
    """Check the recording at `source`, normalize it to `encoding`'s loudness and store it in `dest_dir`.

    Raises AudioError: media_too_large, media_format, media_unreadable,
    media_too_short, media_too_long, media_silent, media_clipped (or
    file_unreadable / output_unwritable for the file system).
    """
    source, dest_dir = Path(source), Path(dest_dir)
    try:
        size = source.stat().st_size
        with open(source, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as exc:
        raise AudioError("file_unreadable", path=str(source), reason=exc.strerror or str(exc)) from exc
    if size > rules.max_bytes:
        raise AudioError("media_too_large", mb=round(size / _MB, 1), limit_mb=round(rules.max_bytes / _MB, 1))
    kind = _kind(head)
    if kind is None:
        raise AudioError("media_format", known=", ".join(FORMATS))
    source_format = "m4a" if kind == "aac" else kind
    source_sha256 = sha256_file(source)

    rate = encoding.sample_rate
    pcm, stated = _decode(source, _DEMUXERS[kind], rate, rules.max_seconds + 1.0, timeout)
    seconds = len(pcm) / 2 / rate
    if seconds > rules.max_seconds:
        longer = max(seconds, stated or 0.0)
        raise AudioError("media_too_long", seconds=round(longer, 1), limit=round(rules.max_seconds, 1))
    if seconds < rules.min_seconds:
        raise AudioError("media_too_short", seconds=round(seconds, 2), limit=round(rules.min_seconds, 2))
    segment = AudioSegment(data=pcm, sample_width=2, frame_rate=rate, channels=1)
    level = segment.dBFS  # RMS over the whole file; -inf for digital silence
    if max(level, segment.max_dBFS) < rules.silence_dbfs:
        raise AudioError("media_silent", dbfs=round(level, 1), limit=rules.silence_dbfs)
    clipped = _clipped_share(pcm)
    if clipped >= rules.clip_fraction:
        raise AudioError("media_clipped", percent=round(clipped * 100, 1), limit=round(rules.clip_fraction * 100, 1))

    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".loa-media-", suffix=".mp3", dir=dest_dir)
        os.close(fd)
    except OSError as exc:
        raise AudioError("output_unwritable", path=str(dest_dir), reason=exc.strerror or str(exc)) from exc
    tmp = Path(tmp_name)
    try:
        encoded = encode_mp3(segment, tmp, encoding)
        final, digest = _store(tmp, dest_dir)
    finally:
        if tmp.exists():
            tmp.unlink()
    loudness = measure_loudness(final, timeout=max(timeout, seconds * STEP_SHARE))
    return MediaFile(
        path=final,
        sha256=digest,
        seconds=encoded.seconds,
        loudness_lufs=loudness.integrated,
        true_peak_db=loudness.true_peak,
        source_format=source_format,
        source_sha256=source_sha256,
        source_bytes=size,
    )
