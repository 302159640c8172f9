"""Bulletin assembly with pydub and MP3 encoding with the ffmpeg of imageio-ffmpeg.

Speech stays at its native rate until export; export measures the loudness
(EBU R128), resamples, applies the gain and a limiter under the true-peak
ceiling and encodes, then checks the MP3 and corrects once if needed; every
ffmpeg run has a timeout. Files are written to a temporary name and renamed,
so a reader never sees half a file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from audio.engines.base import Clip
from audio.errors import AudioError

with warnings.catch_warnings():  # pydub warns at import when ffmpeg is not on PATH; we set it below
    warnings.simplefilter("ignore")
    from pydub import AudioSegment

__all__ = [
    "EncodeSettings",
    "Encoded",
    "Loudness",
    "ffmpeg_exe",
    "assemble",
    "decode_audio",
    "encode_mp3",
    "measure_loudness",
    "sha256_file",
]


@dataclass(frozen=True, kw_only=True)
class EncodeSettings:
    sample_rate: int = 44_100
    bitrate: str = "128k"
    target_lufs: float = -16.0
    true_peak_db: float = -1.0


@dataclass(frozen=True, kw_only=True)
class Encoded:
    path: Path
    sha256: str
    seconds: float


def ffmpeg_exe() -> str:
    """The ffmpeg binary that imageio-ffmpeg ships (or $IMAGEIO_FFMPEG_EXE)."""
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError) as exc:
        raise AudioError("audio_failed", reason=f"ffmpeg is not available: {exc}") from exc


def assemble(parts: Sequence[Clip | int]) -> AudioSegment:
    """Join clips and pauses (ints, in milliseconds) at the rate of most of the audio (the speech's native rate)."""
    clips = [p for p in parts if isinstance(p, Clip)]
    if not clips:
        raise AudioError("audio_failed", reason="nothing to assemble")
    durations: dict[int, float] = {}
    for clip in clips:
        durations[clip.sample_rate] = durations.get(clip.sample_rate, 0.0) + clip.seconds
    rate = max(durations, key=lambda r: (durations[r], r))
    chunks: list[bytes] = []
    for part in parts:
        if isinstance(part, Clip):
            if part.sample_rate == rate:
                chunks.append(part.pcm[: len(part.pcm) // 2 * 2])
            else:
                segment = AudioSegment(
                    data=part.pcm[: len(part.pcm) // 2 * 2], sample_width=2, frame_rate=part.sample_rate, channels=1
                )
                chunks.append(segment.set_frame_rate(rate).raw_data)
        elif part > 0:
            chunks.append(bytes(2 * (rate * part // 1000)))
    return AudioSegment(data=b"".join(chunks), sample_width=2, frame_rate=rate, channels=1)


def _wav_pcm(data: bytes) -> tuple[bytes, int]:
    """The samples and rate of a mono 16-bit WAV stream as ffmpeg writes it to a pipe (sizes may be unset)."""
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError("not a WAV stream")
    pos, rate = 12, 0
    while pos + 8 <= len(data):
        chunk, size = data[pos : pos + 4], int.from_bytes(data[pos + 4 : pos + 8], "little")
        if chunk == b"fmt ":
            rate = int.from_bytes(data[pos + 12 : pos + 16], "little")
        elif chunk == b"data":
            pcm = data[pos + 8 :]
            return pcm[: len(pcm) // 2 * 2], rate
        pos += 8 + size + (size & 1)
    raise ValueError("no audio in the WAV stream")


def decode_audio(
    source: bytes | Path, fmt: str | None = None, *, sample_rate: int | None = None, timeout: float = 60.0
) -> Clip:
    """Decode an audio file or bytes (`fmt` as ffmpeg names it, e.g. "mp3") to mono 16-bit PCM.

    Bytes need an explicit format (there is no ffprobe); the rate stays native unless `sample_rate` is given.
    """
    command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin"]
    if fmt:
        command += ["-f", fmt]
    command += [
        "-i",
        "pipe:0" if isinstance(source, bytes) else str(source),
        "-vn",
        "-map_metadata",
        "-1",
        "-ac",
        "1",
        "-c:a",
        "pcm_s16le",
        "-bitexact",
    ]
    if sample_rate:
        command += ["-ar", str(sample_rate)]
    command += ["-f", "wav", "pipe:1"]
    try:
        result = subprocess.run(
            command,
            input=source if isinstance(source, bytes) else None,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise AudioError("audio_failed", reason="ffmpeg did not finish decoding in time") from exc
    except OSError as exc:
        raise AudioError("audio_failed", reason=f"cannot run ffmpeg: {exc}") from exc
    if result.returncode != 0:
        reason = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["ffmpeg failed"]
        raise AudioError("audio_failed", reason=reason[0])
    try:
        pcm, rate = _wav_pcm(result.stdout)
    except ValueError as exc:
        raise AudioError("audio_failed", reason=str(exc)) from exc
    if not pcm or rate <= 0:
        raise AudioError("audio_failed", reason="no audio decoded")
    return Clip(pcm=pcm, sample_rate=rate, engine="")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


LIMITER_MARGIN_DB = 0.5  # the limiter works on samples; true peaks between samples and MP3 sit above them
LOUDNESS_TOLERANCE = 0.3  # LU: a first encode this close to the target is kept
LIMITED_SLOPE = 0.65  # LU gained per dB of gain once the limiter works (measured on espeak speech)
MAX_GAIN_DB = 30.0


def loudness_filter(settings: EncodeSettings, gain_db: float) -> str:
    """The ffmpeg filters that bring audio to the target: resample, gain, then a fast peak limiter."""
    limit = settings.true_peak_db - LIMITER_MARGIN_DB
    return (
        f"aresample={settings.sample_rate},volume={gain_db:.2f}dB,"
        f"alimiter=limit={limit:g}dB:attack=0.5:release=5:level=false:latency=true"
    )


def _meter(command_input: list[str], stdin: bytes | None, *, true_peak: bool, timeout: float) -> tuple[float, float]:
    """Integrated loudness (LUFS) and peak (dBFS; true peak when asked) from ffmpeg's ebur128 meter."""
    command = [
        ffmpeg_exe(),
        "-hide_banner",
        "-nostdin",
        *command_input,
        "-af",
        "ebur128=framelog=quiet:peak=" + ("true" if true_peak else "sample"),
        "-f",
        "null",
        "-",
    ]
    try:
        result = subprocess.run(command, input=stdin, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise AudioError("audio_failed", reason="ffmpeg did not finish measuring in time") from exc
    summary = result.stderr.decode("utf-8", "replace").rsplit("Summary:", 1)[-1]
    found_i = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    found_p = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    if result.returncode != 0 or not found_i or not found_p:
        raise AudioError("audio_failed", reason="ffmpeg could not measure the loudness")
    return float(found_i.group(1)), float(found_p.group(1))


def _encode(pcm: bytes, rate: int, tmp_name: str, settings: EncodeSettings, gain_db: float, timeout: float) -> None:
    command = [
        ffmpeg_exe(),
        "-hide_banner",
        "-loglevel",
        "error",
        "-nostdin",
        "-y",
        "-f",
        "s16le",
        "-ar",
        str(rate),
        "-ac",
        "1",
        "-i",
        "pipe:0",
        "-af",
        loudness_filter(settings, gain_db),
        "-ar",
        str(settings.sample_rate),
        "-ac",
        "1",
        "-c:a",
        "libmp3lame",
        "-b:a",
        settings.bitrate,
        "-f",
        "mp3",
        tmp_name,
    ]
    try:
        result = subprocess.run(command, input=pcm, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise AudioError("audio_failed", reason="ffmpeg did not finish in time") from exc
    if result.returncode != 0:
        reason = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["ffmpeg failed"]
        raise AudioError("audio_failed", reason=reason[0])


def _clamp(gain: float) -> float:
    return max(-MAX_GAIN_DB, min(MAX_GAIN_DB, gain))


def encode_mp3(audio: AudioSegment, out_path: Path, settings: EncodeSettings, *, verify: bool = True) -> Encoded:
    """Normalize loudness and encode `audio` to an MP3 at `out_path`, atomically.

    The raw audio is measured (EBU R128), brought to the target by a gain and
    a peak limiter under the true-peak ceiling, and encoded; the MP3 itself is
    then measured, and encoded once more with a corrected gain when the limiter
    or the encoder moved it off the target by more than LOUDNESS_TOLERANCE.
    Without `verify` (an emergency, which must be on the air within a second)
    the second measure and encode are left out: the gain and the limiter alone
    set its level, which halves the time the encoding takes.
    """
    out_path = Path(out_path)
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".loa-", suffix=".mp3.part", dir=out_path.parent)
        os.close(fd)
    except OSError as exc:
        raise AudioError("output_unwritable", path=str(out_path), reason=exc.strerror or str(exc)) from exc
    audio = audio.set_channels(1).set_sample_width(2)
    seconds = len(audio) / 1000
    timeout = max(60.0, seconds * 2)
    pcm, rate = audio.raw_data, audio.frame_rate
    try:
        loudness, peak = _meter(
            ["-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0"], pcm, true_peak=False, timeout=timeout
        )
        gain = _clamp(settings.target_lufs - loudness)
        _encode(pcm, rate, tmp_name, settings, gain, timeout)
        measured, true_peak = (
            _meter(["-f", "mp3", "-i", tmp_name], None, true_peak=True, timeout=timeout)
            if verify
            else (settings.target_lufs, settings.true_peak_db)
        )
        off = settings.target_lufs - measured
        if abs(off) > LOUDNESS_TOLERANCE or true_peak > settings.true_peak_db:
            limited = peak + gain > settings.true_peak_db - LIMITER_MARGIN_DB
            _encode(pcm, rate, tmp_name, settings, _clamp(gain + off / (LIMITED_SLOPE if limited else 1.0)), timeout)
        with open(tmp_name, "rb") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o644)  # a temporary file is private; a bulletin is for players and platforms to read
        os.replace(tmp_name, out_path)
    except OSError as exc:
        raise AudioError("output_unwritable", path=str(out_path), reason=exc.strerror or str(exc)) from exc
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return Encoded(path=out_path, sha256=sha256_file(out_path), seconds=round(seconds, 3))


@dataclass(frozen=True, kw_only=True)
class Loudness:
    """EBU R128 measures of a file: integrated loudness (LUFS), true peak (dBTP), loudness range (LU)."""

    integrated: float
    true_peak: float
    lra: float


def measure_loudness(path: Path, *, timeout: float = 120.0) -> Loudness:
    """Measure a file with ffmpeg's loudnorm analysis, a meter apart from the one the encoder uses."""
    command = [
        ffmpeg_exe(),
        "-hide_banner",
        "-nostdin",
        "-i",
        str(path),
        "-af",
        "loudnorm=print_format=json",
        "-f",
        "null",
        "-",
    ]
    try:
        result = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except (subprocess.TimeoutExpired, OSError) as exc:
        raise AudioError("audio_failed", reason=f"cannot measure loudness: {exc}") from exc
    err = result.stderr.decode("utf-8", "replace")
    start, end = err.rfind("{"), err.rfind("}")
    try:
        report = json.loads(err[start : end + 1])
        return Loudness(
            integrated=float(report["input_i"]), true_peak=float(report["input_tp"]), lra=float(report["input_lra"])
        )
    except (ValueError, KeyError) as exc:
        raise AudioError("audio_failed", reason="ffmpeg gave no loudness measure") from exc
