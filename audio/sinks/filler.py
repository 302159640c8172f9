"""What a kept-up mount sends between airings: silent MP3 frames in the bulletins' format, or a carrier file.

A silent frame is the header of a frame ffmpeg encodes from digital silence
(with the bulletins' sample rate and bitrate, mono like audio/mix.py encodes)
followed by zeroed side information and data: no bits borrowed from the
reservoir (main_data_begin = 0) and no coded samples, which every decoder plays
as silence (ISO/IEC 11172-3 layer III side information).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from audio.errors import AudioError
from audio.mix import EncodeSettings, ffmpeg_exe
from audio.mp3 import Mp3, read_mp3, scan

__all__ = ["filler_frames", "silence_frame", "carrier_frames", "mp3_frames", "zeroed_frame"]


def zeroed_frame(data: bytes, offset: int, length: int) -> bytes:
    """A frame like the one at `offset` (no padding, no CRC) whose all-zero content decodes to silence."""
    header = bytearray(data[offset : offset + 4])
    header[1] |= 0x01  # no CRC
    padding = (header[2] >> 1) & 1
    header[2] &= 0xFD  # no padding byte
    return bytes(header) + bytes(length - padding - 4)


def silence_frame(ffmpeg: str, *, sample_rate: int, bitrate: str, timeout: float = 30.0) -> tuple[bytes, float]:
    """One silent MP3 frame in the bulletins' format (mono, `sample_rate`, `bitrate`), and its seconds.

    ffmpeg encodes a moment of digital silence with the settings of the
    bulletins; the header of its first frame, with zeroed side information
    (no bits borrowed from a reservoir), is a frame any decoder plays as silence.
    """
    command = [ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-f", "lavfi", "-i"]
    command += [f"anullsrc=r={sample_rate}:cl=mono", "-t", "0.2", "-c:a", "libmp3lame", "-b:a", bitrate]
    command += ["-ac", "1", "-f", "mp3", "pipe:1"]
    try:
        result = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        frames = scan(result.stdout)
    except subprocess.TimeoutExpired as exc:
        raise AudioError("audio_failed", reason="ffmpeg did not make the silence frame in time") from exc
    except (OSError, ValueError) as exc:
        raise AudioError("audio_failed", reason=f"ffmpeg could not make the silence frame: {exc}") from exc
    first = frames[0]
    return zeroed_frame(result.stdout, first.offset, first.length), first.seconds


def carrier_frames(path: Path) -> list[tuple[bytes, float]]:
    """The frames of a carrier MP3 (looped between airings); raises AudioError when unreadable."""
    try:
        mp3 = read_mp3(path)
    except (OSError, ValueError) as exc:
        raise AudioError("audio_failed", reason=f"cannot read the carrier {path}: {exc}") from exc
    return mp3_frames(mp3)


def mp3_frames(mp3: Mp3) -> list[tuple[bytes, float]]:
    return [(mp3.data[f.offset : f.offset + f.length], f.seconds) for f in mp3.frames]


def filler_frames(carrier: Path | None, encoding: EncodeSettings) -> list[tuple[bytes, float]]:
    """What goes out between airings: the carrier's frames, else one silent frame in `encoding`'s format."""
    if carrier is not None:
        return carrier_frames(carrier)
    return [silence_frame(ffmpeg_exe(), sample_rate=encoding.sample_rate, bitrate=encoding.bitrate)]
