"""The command sink: run a configured command with {file} replaced by the MP3 path.

The command is split like a shell would (never run through a shell), so a
path with spaces stays one argument; without {file}, the path is appended.
The command's exit status decides: 0 means played, anything else fails with
the last line the command wrote to stderr.
"""

from __future__ import annotations

from pathlib import Path

from audio.errors import AudioError
from audio.sinks.base import Played
from audio.sinks.ledger import Book, Ledger
from audio.sinks.process import PlayerProcess, last_line, split_command

__all__ = ["CommandSink"]


class CommandSink:
    """Plays each MP3 by running a station-specific command."""

    name = "command"

    def __init__(self, *, command: str, timeout: float, ledger: Path | Book, grace: float = 2.0) -> None:
        self.command = command
        self.timeout = timeout
        self.ledger = Ledger(ledger)
        self._process = PlayerProcess(grace=grace, group=True)  # a wrapper script and what it starts

    def _fail(self, reason: str, program: str = "") -> AudioError:
        return AudioError("sink_failed", sink=f"{self.name} {program}".rstrip(), reason=reason)

    def argv(self, audio: Path) -> list[str]:
        """The command line for `audio`: {file} replaced, or the path appended."""
        try:
            words = split_command(self.command)
        except ValueError as exc:  # e.g. an unclosed quote
            raise self._fail(f"cannot parse the command: {exc}") from exc
        if not words:
            raise self._fail("no command is configured (channels.radio.command.command)")
        if not any("{file}" in word for word in words):
            return [*words, str(audio)]
        return [word.replace("{file}", str(audio)) for word in words]

    def play(self, audio: Path, *, key: str) -> Played:
        argv = self.argv(Path(audio))
        program = Path(argv[0]).name
        try:
            self.ledger.mark(key, "pending", target=argv[0])
        except OSError as exc:
            raise self._fail(f"cannot record the hand-over: {exc.strerror or exc}", program) from exc
        try:
            result = self._process.run(argv, timeout=self.timeout)
        except OSError as exc:
            raise self._fail(f"cannot run {argv[0]}: {exc.strerror or exc}", program) from exc
        if result.stopped:
            self.ledger.mark(key, "interrupted", target=argv[0])
            raise AudioError("sink_interrupted")
        if result.timed_out:
            raise self._fail(f"the command did not finish within {self.timeout:g} s and was stopped", program)
        if result.returncode != 0:
            code = result.returncode or 0
            status = f"killed by signal {-code}" if code < 0 else f"exit status {code}"
            said = last_line(result.stderr)
            raise self._fail(f"{said} ({status})" if said else f"the command failed ({status})", program)
        self.ledger.mark(key, "done", target=argv[0])
        return Played(sink=self.name, target=argv[0])

    def was_played(self, key: str) -> bool | None:
        return self.ledger.was_played(key)

    def stop(self) -> None:
        """Terminate the command (and what it started); kill it if it lingers."""
        self._process.stop()
