"""The device sink: play the MP3 in real time on the sound card that feeds the transmitter or amplifier.

The player is an ffmpeg with an audio output device (ALSA on Linux: the Debian
`ffmpeg` package has it; the static ffmpeg of imageio-ffmpeg does not), or
ffplay where ffmpeg has no audio output (Windows). ffmpeg writes to the card
with blocking writes, so the card itself paces playback; `player` may carry
extra input options, e.g. "ffmpeg -re" for a device that does not pace itself
(ALSA "null").

Players can report success without playing (ffplay exits 0 when it cannot open
the device), so a play counts only if the player exited 0, printed no
device-open error, and took about as long as the audio lasts.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from audio.errors import AudioError
from audio.mix import ffmpeg_exe
from audio.mp3 import read_mp3
from audio.sinks.base import Played
from audio.sinks.ledger import Book, Ledger
from audio.sinks.process import Finished, PlayerProcess, last_line, split_command

__all__ = ["DeviceSink", "Player", "find_player", "output_format"]

# what players print when they cannot reach the sound card (lower case)
DEVICE_ERRORS = (
    "cannot open audio device",
    "audio open failed",
    "could not open",
    "couldn't open",
    "failed to open",
    "no such device",
    "device or resource busy",
    "unknown output format",
    "not a suitable output format",
    "error opening output",
    "could not write header",
)


@dataclass(frozen=True, kw_only=True)
class Player:
    """A resolved player: the command prefix and how to pass the file and the device."""

    argv: tuple[str, ...]
    kind: str  # "ffmpeg" or "ffplay"
    output: str | None = None  # the ffmpeg output device format, e.g. "alsa"

    def command(self, audio: Path, device: str) -> tuple[list[str], dict[str, str] | None]:
        """The full command line and environment to play `audio` on `device`."""
        quiet = ["-hide_banner", "-nostats", "-loglevel", "warning"]
        if self.kind == "ffplay":
            env = None
            if device and device != "default":  # SDL's ALSA backend reads the device name from AUDIODEV
                env = {**os.environ, "AUDIODEV": device}
            return [*self.argv, "-nodisp", "-autoexit", *quiet, str(audio)], env
        return [*self.argv, *quiet, "-nostdin", "-i", str(audio), "-f", self.output or "alsa", device], None


def output_format(platform: str = sys.platform) -> str | None:
    """The ffmpeg audio output device format of this platform (None: ffmpeg has none, use ffplay)."""
    if platform.startswith("linux"):
        return "alsa"
    if platform == "darwin":
        return "audiotoolbox"
    return None


def _has_output(exe: str, fmt: str) -> bool:
    """Whether the ffmpeg at `exe` can write to the `fmt` audio output device."""
    try:
        listing = subprocess.run(
            [exe, "-hide_banner", "-devices"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    for line in listing.splitlines():
        words = line.split()
        if len(words) >= 2 and "E" in words[0] and fmt in words[1].split(","):
            return True
    return False


def find_player(player: str, platform: str = sys.platform) -> Player:
    """Resolve the configured player: "auto" or a path/command; raises ValueError when none fits."""
    fmt = output_format(platform)
    if player.strip() and player.strip() != "auto":
        argv = tuple(split_command(player)) if not os.path.exists(player) else (player,)
        if "ffplay" in Path(argv[0]).name.lower():
            return Player(argv=argv, kind="ffplay")
        if fmt is None:
            raise ValueError(f"ffmpeg has no audio output on {platform}: set the player to ffplay")
        return Player(argv=argv, kind="ffmpeg", output=fmt)
    if fmt is not None:
        candidates = [shutil.which("ffmpeg")]
        with contextlib.suppress(AudioError):
            candidates.append(ffmpeg_exe())
        for exe in dict.fromkeys(c for c in candidates if c):
            if _has_output(exe, fmt):
                return Player(argv=(exe,), kind="ffmpeg", output=fmt)
    ffplay = shutil.which("ffplay")
    if ffplay:
        return Player(argv=(ffplay,), kind="ffplay")
    wanted = f"an ffmpeg with {fmt} output (Debian package ffmpeg)" if fmt else "ffplay"
    raise ValueError(f"no player with an audio output was found: install {wanted} or set channels.radio.device.player")


def verdict(result: Finished, seconds: float, timeout: float) -> str | None:
    """Why a finished player did not really play `seconds` of audio, or None if it did."""
    if result.timed_out:
        return f"the player did not finish within {timeout:.0f} s (the audio lasts {seconds:.1f} s)"
    lines = [line.strip() for line in result.stderr.splitlines()]
    device_error = next((line for line in lines if any(p in line.lower() for p in DEVICE_ERRORS)), None)
    if result.returncode != 0:
        return device_error or last_line(result.stderr) or f"the player exited with status {result.returncode}"
    if device_error:
        return device_error
    if result.elapsed < seconds - (0.5 + 0.05 * seconds):
        return (
            f"the player finished after {result.elapsed:.1f} s but the audio lasts {seconds:.1f} s: "
            "it did not play (check the device)"
        )
    return None


class DeviceSink:
    """Plays MP3 files in real time on a local sound device."""

    name = "device"

    def __init__(self, *, player: str, device: str, ledger: Path | Book, timeout_margin: float = 30.0) -> None:
        self.player = player
        self.device = device or "default"
        self.ledger = Ledger(ledger)
        self.timeout_margin = timeout_margin
        self._resolved: Player | None = None
        self._process = PlayerProcess(grace=0.0, group=False)  # an emergency cuts the sound at once

    def _fail(self, reason: str) -> AudioError:
        return AudioError("sink_failed", sink=f"{self.name} {self.device}", reason=reason)

    def _player(self) -> Player:
        if self._resolved is None:
            try:
                self._resolved = find_player(self.player)
            except ValueError as exc:
                raise self._fail(str(exc)) from exc
        return self._resolved

    def play(self, audio: Path, *, key: str) -> Played:
        try:
            seconds = read_mp3(audio).seconds
        except (OSError, ValueError) as exc:
            raise self._fail(f"cannot read {audio}: {getattr(exc, 'strerror', None) or exc}") from exc
        player = self._player()
        argv, env = player.command(Path(audio), self.device)
        timeout = seconds + max(self.timeout_margin, 0.1 * seconds)
        target = f"{player.output or player.kind}:{self.device}"
        try:
            self.ledger.mark(key, "pending", target=target)
        except OSError as exc:
            raise self._fail(f"cannot record the hand-over: {exc.strerror or exc}") from exc
        try:
            result = self._process.run(argv, timeout=timeout, env=env)
        except OSError as exc:
            raise self._fail(f"cannot run {argv[0]}: {exc.strerror or exc}") from exc
        if result.stopped:
            self.ledger.mark(key, "interrupted", target=target)
            raise AudioError("sink_interrupted")
        problem = verdict(result, seconds, timeout)
        if problem is not None:
            raise self._fail(problem)
        self.ledger.mark(key, "done", target=target)
        return Played(sink=self.name, target=target)

    def was_played(self, key: str) -> bool | None:
        return self.ledger.was_played(key)

    def stop(self) -> None:
        """Cut the sound now: the player is killed, which closes the device."""
        self._process.stop()
