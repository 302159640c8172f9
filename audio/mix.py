"""Bulletin assembly with pydub and MP3 encoding with the ffmpeg of imageio-ffmpeg.

Speech stays at its native rate until export; export resamples, normalizes
loudness (EBU R128 loudnorm with a true-peak ceiling) and encodes in one
ffmpeg run with a timeout. Files are written to a temporary name and renamed,
so a reader never sees half a file.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from audio.engine import Clip
from audio.errors import AudioError

with warnings.catch_warnings():  # pydub warns at import when ffmpeg is not on PATH; we set it below
    warnings.simplefilter("ignore")
    from pydub import AudioSegment

__all__ = ["EncodeSettings", "Encoded", "ffmpeg_exe", "assemble", "encode_mp3", "sha256_file"]


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
    """Join clips and pauses (ints, in milliseconds) at the highest clip rate."""
    clips = [p for p in parts if isinstance(p, Clip)]
    if not clips:
        raise AudioError("audio_failed", reason="nothing to assemble")
    rate = max(c.sample_rate for c in clips)
    out = AudioSegment.empty().set_frame_rate(rate).set_channels(1).set_sample_width(2)
    for part in parts:
        if isinstance(part, Clip):
            segment = AudioSegment(data=part.pcm, sample_width=2, frame_rate=part.sample_rate, channels=1)
            if part.sample_rate != rate:
                segment = segment.set_frame_rate(rate)
        else:
            segment = AudioSegment.silent(duration=part, frame_rate=rate)
        out += segment
    return out


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def loudness_filter(settings: EncodeSettings) -> str:
    return f"loudnorm=I={settings.target_lufs:g}:TP={settings.true_peak_db:g}:LRA=11"


def encode_mp3(audio: AudioSegment, out_path: Path, settings: EncodeSettings) -> Encoded:
    """Normalize loudness and encode `audio` to an MP3 at `out_path`, atomically."""
    out_path = Path(out_path)
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".loa-", suffix=".mp3.part", dir=out_path.parent)
        os.close(fd)
    except OSError as exc:
        raise AudioError("output_unwritable", path=str(out_path), reason=exc.strerror or str(exc)) from exc
    audio = audio.set_channels(1).set_sample_width(2)
    seconds = len(audio) / 1000
    command = [
        ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
        "-f", "s16le", "-ar", str(audio.frame_rate), "-ac", "1", "-i", "pipe:0",
        "-af", loudness_filter(settings), "-ar", str(settings.sample_rate), "-ac", "1",
        "-c:a", "libmp3lame", "-b:a", settings.bitrate, "-f", "mp3", tmp_name,
    ]
    try:
        result = subprocess.run(command, input=audio.raw_data, capture_output=True,
                                timeout=max(60.0, seconds * 2), check=False)
        if result.returncode != 0:
            reason = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["ffmpeg failed"]
            raise AudioError("audio_failed", reason=reason[0])
        with open(tmp_name, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp_name, out_path)
    except subprocess.TimeoutExpired as exc:
        raise AudioError("audio_failed", reason="ffmpeg did not finish in time") from exc
    except OSError as exc:
        raise AudioError("output_unwritable", path=str(out_path), reason=exc.strerror or str(exc)) from exc
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return Encoded(path=out_path, sha256=sha256_file(out_path), seconds=round(seconds, 3))
