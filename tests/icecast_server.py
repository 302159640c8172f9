"""A real Icecast 2 on 127.0.0.1 that tests can restart on the same port (a module fixture builds on it)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from tests.fakes.icecast import CONFIG, SOURCE_PASSWORD, Icecast, _owner, free_port, icecast_binary


class IcecastServer:
    """One Icecast process with a throw-away config; `restart()` keeps the port (like a service restart)."""

    def __init__(self, binary: str, *, start_timeout: float = 10.0) -> None:
        self.binary = binary
        self.start_timeout = start_timeout
        self.home = Path(tempfile.mkdtemp(prefix="loa-icecast-"))
        owner = _owner()
        if owner:  # the server drops to nobody: it must still write its logs here
            import pwd

            nobody = pwd.getpwnam("nobody")
            os.chown(self.home, nobody.pw_uid, nobody.pw_gid)
        os.chmod(self.home, 0o755)
        self.port = free_port()
        self.config = self.home / "icecast.xml"
        self.config.write_text(
            CONFIG.format(password=escape(SOURCE_PASSWORD), port=self.port, home=escape(str(self.home)), owner=owner),
            encoding="utf-8",
        )
        self.info = Icecast(port=self.port, password=SOURCE_PASSWORD, home=self.home)
        self.proc: subprocess.Popen[bytes] | None = None

    def url(self, mount: str) -> str:
        return self.info.url(mount)

    @property
    def password(self) -> str:
        return SOURCE_PASSWORD

    def start(self) -> None:
        with open(self.home / "stderr.txt", "ab") as stderr:
            self.proc = subprocess.Popen(
                [self.binary, "-c", str(self.config)], stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr
            )
        deadline = time.monotonic() + self.start_timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"icecast exited with status {self.proc.returncode}:\n{self.info.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"icecast did not listen on port {self.port}:\n{self.info.log()}") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        self.proc = None

    def restart(self, down_seconds: float = 0.0) -> None:
        self.stop()
        time.sleep(down_seconds)
        self.start()

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.home, ignore_errors=True)


@contextmanager
def icecast_server() -> Iterator[IcecastServer]:
    """A started server, always stopped and removed; skipped if icecast2 is missing (failed under CI)."""
    binary = icecast_binary()
    if binary is None:
        reason = "icecast2 is not installed (apt-get install icecast2)"
        if os.environ.get("CI"):
            pytest.fail(f"CI must have it: {reason}")
        pytest.skip(reason)
    server = IcecastServer(binary)
    try:
        server.start()
        yield server
    finally:
        server.remove()
