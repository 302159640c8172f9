"""MPEG audio frame scanning: where each frame of an MP3 lies and how long it plays.

Real-time sinks need the play length (to check that a player really played)
and the frame boundaries (to send a live stream at the pace it is heard).
Tags (ID3v2 at the start, ID3v1 at the end) and the Xing/Info/VBRI header
frame carry no audio and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["Frame", "Mp3", "read_mp3", "scan", "split_frames"]

# kbit/s by bitrate index, for (MPEG-1?, layer)
_MPEG1 = {
    1: (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    2: (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    3: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
}
_MPEG2_L1 = (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256)
_MPEG2_L23 = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)
_RATES = {3: (44_100, 48_000, 32_000), 2: (22_050, 24_000, 16_000), 0: (11_025, 12_000, 8_000)}


@dataclass(frozen=True, kw_only=True)
class Frame:
    """One MPEG audio frame: its place in the file and what it holds."""

    offset: int
    length: int
    samples: int
    sample_rate: int
    bitrate: int  # kbit/s
    channels: int

    @property
    def seconds(self) -> float:
        return self.samples / self.sample_rate


@dataclass(frozen=True, kw_only=True)
class Mp3:
    """The audio frames of an MP3 file and their total play time."""

    data: bytes
    frames: tuple[Frame, ...]

    @property
    def seconds(self) -> float:
        return sum(frame.seconds for frame in self.frames)

    @property
    def audio_bytes(self) -> int:
        return sum(frame.length for frame in self.frames)


def _header(data: bytes, pos: int) -> Frame | None:
    """The frame whose header starts at `pos`, or None if there is none."""
    if pos + 4 > len(data) or data[pos] != 0xFF or data[pos + 1] & 0xE0 != 0xE0:
        return None
    b1, b2, b3 = data[pos + 1], data[pos + 2], data[pos + 3]
    version, layer_bits = (b1 >> 3) & 3, (b1 >> 1) & 3
    bitrate_index, rate_index, padding = b2 >> 4, (b2 >> 2) & 3, (b2 >> 1) & 1
    if version == 1 or layer_bits == 0 or bitrate_index in (0, 15) or rate_index == 3:
        return None  # reserved values, or "free format" which cannot be framed without decoding
    layer = 4 - layer_bits
    mpeg1 = version == 3
    table = _MPEG1[layer] if mpeg1 else (_MPEG2_L1 if layer == 1 else _MPEG2_L23)
    bitrate, rate = table[bitrate_index], _RATES[version][rate_index]
    if layer == 1:
        length, samples = (12_000 * bitrate // rate + padding) * 4, 384
    elif layer == 2 or mpeg1:
        length, samples = 144_000 * bitrate // rate + padding, 1152
    else:
        length, samples = 72_000 * bitrate // rate + padding, 576
    if pos + length > len(data):
        return None
    channels = 1 if b3 >> 6 == 3 else 2
    return Frame(offset=pos, length=length, samples=samples, sample_rate=rate, bitrate=bitrate, channels=channels)


def _id3v2_end(data: bytes) -> int:
    """Where the audio starts after a leading ID3v2 tag (0 without one)."""
    if len(data) < 10 or data[:3] != b"ID3":
        return 0
    size = (data[6] & 0x7F) << 21 | (data[7] & 0x7F) << 14 | (data[8] & 0x7F) << 7 | (data[9] & 0x7F)
    footer = 10 if data[5] & 0x10 else 0
    return 10 + size + footer


def _is_info_frame(data: bytes, frame: Frame) -> bool:
    """A Xing/Info/VBRI header frame: metadata written by encoders, not audio."""
    mpeg1 = frame.samples == 1152 and frame.sample_rate >= 32_000
    side_info = (17 if frame.channels == 1 else 32) if mpeg1 else (9 if frame.channels == 1 else 17)
    at = frame.offset + 4 + side_info
    return data[at : at + 4] in (b"Xing", b"Info") or data[frame.offset + 36 : frame.offset + 40] == b"VBRI"


def _followed(data: bytes, frame: Frame) -> bool:
    """Whether another frame, a tag or the end follows: a guard against false syncs in garbage."""
    following = frame.offset + frame.length
    return following == len(data) or data.startswith(b"TAG", following) or _header(data, following) is not None


def scan(data: bytes) -> tuple[Frame, ...]:
    """The audio frames of MP3 `data`; raises ValueError when it holds none."""
    frames: list[Frame] = []
    pos = _id3v2_end(data)
    while pos + 4 <= len(data):
        frame = _header(data, pos)
        if frame is not None and (frames or _followed(data, frame)):
            if frames or not _is_info_frame(data, frame):
                frames.append(frame)
            pos = frame.offset + frame.length
            continue
        if data.startswith(b"TAG", pos) and len(data) - pos == 128:
            break  # ID3v1 tag at the end
        pos += 1
    if not frames:
        raise ValueError("no MPEG audio frames found: not an MP3 file")
    return tuple(frames)


def read_mp3(path: Path) -> Mp3:
    """Read an MP3 file and find its audio frames; raises OSError or ValueError."""
    data = Path(path).read_bytes()
    return Mp3(data=data, frames=scan(data))


def split_frames(pending: bytes) -> tuple[list[bytes], bytes]:
    """The whole frames at the start of a stream's `pending` bytes, and the rest (a frame still arriving).

    Bytes that are not a frame are skipped, but a possible frame start near the end is kept for more data.
    """
    frames, pos = [], 0
    while pos + 4 <= len(pending):
        frame = _header(pending, pos)
        if frame is None:
            if pending[pos] == 0xFF and len(pending) - pos < 2048:
                break
            pos += 1
            continue
        frames.append(pending[pos : pos + frame.length])
        pos += frame.length
    return frames, pending[pos:]
