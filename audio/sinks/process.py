"""A player subprocess that blocks until it ends, with a timeout, and can be stopped from another thread.

Shared by the device and command sinks. The process runs in its own process
group (POSIX) or process group with tree kill (Windows), so stopping a wrapper
script also stops the player it started.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["Finished", "PlayerProcess", "last_line", "split_command"]


@dataclass(frozen=True, kw_only=True)
class Finished:
    """How a player process ended."""

    returncode: int | None
    stderr: str
    elapsed: float
    timed_out: bool = False
    stopped: bool = False


def split_command(command: str) -> list[str]:
    """Split a configured command line into arguments (POSIX shell rules; Windows keeps backslashes)."""
    if os.name != "nt":
        return shlex.split(command)
    words = shlex.split(command, posix=False)
    return [w[1:-1] if len(w) >= 2 and w[0] == w[-1] and w[0] in "\"'" else w for w in words]


def last_line(text: str) -> str:
    """The last non-empty line of a program's error output."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _drain(proc: subprocess.Popen[bytes]) -> bytes:
    """Collect the error output of a killed process; give up if a stray descendant keeps the pipe open."""
    try:
        return proc.communicate(timeout=5)[1]
    except subprocess.TimeoutExpired:
        if proc.stderr is not None:
            proc.stderr.close()
        proc.wait()
        return b""


class PlayerProcess:
    """Runs one process at a time; `stop()` from another thread ends the running one."""

    def __init__(self, *, grace: float = 2.0, group: bool = True) -> None:
        self.grace = grace  # seconds between the polite signal and the kill; 0 kills at once
        self.group = group
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._stopped = False

    def run(self, argv: Sequence[str], *, timeout: float, env: Mapping[str, str] | None = None) -> Finished:
        """Run `argv` to its end or for at most `timeout` seconds; raises OSError if it cannot start."""
        extra: dict[str, object] = {}
        if self.group:
            if os.name == "nt":
                extra["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP  # type: ignore[attr-defined]
            else:
                extra["start_new_session"] = True
        started = time.monotonic()
        with self._lock:
            self._stopped = False
            proc = subprocess.Popen(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                env=dict(env) if env is not None else None,
                **extra,
            )  # type: ignore[call-overload]
            self._proc = proc
        timed_out = False
        try:
            try:
                _, err = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
                self._end(proc, grace=0.0)
                err = _drain(proc)
        except BaseException:
            self._end(proc, grace=0.0)
            _drain(proc)
            raise
        finally:
            with self._lock:
                self._proc = None
                stopped = self._stopped
        return Finished(
            returncode=proc.returncode,
            stderr=err.decode("utf-8", "replace"),
            elapsed=time.monotonic() - started,
            timed_out=timed_out,
            stopped=stopped and not timed_out,
        )

    def stop(self) -> None:
        """End the running process, if any; `run` then reports it as stopped."""
        with self._lock:
            proc = self._proc
            if proc is None:
                return
            self._stopped = True
        if self.grace <= 0:
            self._end(proc, grace=0.0)
        else:  # do not block the caller (the runner) through the grace period
            threading.Thread(target=self._end, args=(proc,), kwargs={"grace": self.grace}, daemon=True).start()

    def _end(self, proc: subprocess.Popen[bytes], *, grace: float) -> None:
        """Ask the process (and its group) to end, then kill it after `grace` seconds."""
        if grace > 0:
            self._signal(proc, kill=False)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(grace)
            if proc.returncode is not None and not self.group:
                return
        self._signal(proc, kill=True)  # the group: whatever the leader left behind

    def _signal(self, proc: subprocess.Popen[bytes], *, kill: bool) -> None:
        try:
            if self.group and os.name == "nt":
                # Windows has no process-group signals: end the whole tree at once
                subprocess.run(
                    ["taskkill", "/F", "/T", "/PID", str(proc.pid)], capture_output=True, timeout=10, check=False
                )
            elif self.group:
                os.killpg(proc.pid, signal.SIGKILL if kill else signal.SIGTERM)
            elif kill:
                proc.kill()
            else:
                proc.terminate()
        except (OSError, subprocess.SubprocessError):
            pass  # already gone
