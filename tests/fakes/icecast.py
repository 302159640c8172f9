"""A real Icecast 2 server on 127.0.0.1 for tests, and a listener that reads a mount."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Self
from xml.sax.saxutils import escape

SOURCE_PASSWORD = "s3cret-source-pw"

CONFIG = """<icecast>
  <location>Loa tests</location>
  <admin>loa@localhost</admin>
  <limits>
    <clients>20</clients>
    <sources>4</sources>
    <queue-size>524288</queue-size>
    <client-timeout>30</client-timeout>
    <header-timeout>5</header-timeout>
    <source-timeout>5</source-timeout>
    <burst-on-connect>1</burst-on-connect>
    <burst-size>65535</burst-size>
  </limits>
  <authentication>
    <source-password>{password}</source-password>
    <admin-user>admin</admin-user>
    <admin-password>{password}-admin</admin-password>
  </authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket>
    <port>{port}</port>
    <bind-address>127.0.0.1</bind-address>
  </listen-socket>
  <fileserve>0</fileserve>
  <paths>
    <basedir>{home}</basedir>
    <logdir>{home}</logdir>
    <webroot>/usr/share/icecast2/web</webroot>
    <adminroot>/usr/share/icecast2/admin</adminroot>
  </paths>
  <logging>
    <accesslog>access.log</accesslog>
    <errorlog>error.log</errorlog>
    <loglevel>3</loglevel>
  </logging>
  <security>
    <chroot>0</chroot>{owner}
  </security>
</icecast>
"""

# Icecast refuses to run as root unless told which user to become
OWNER = """
    <changeowner>
      <user>{user}</user>
      <group>{group}</group>
    </changeowner>"""


def icecast_binary() -> str | None:
    return shutil.which("icecast2") or shutil.which("icecast")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Icecast:
    port: int
    password: str
    home: Path

    def url(self, mount: str) -> str:
        return f"http://127.0.0.1:{self.port}{mount}"

    def log(self) -> str:
        texts = []
        for name in ("error.log", "stderr.txt"):
            with suppress(OSError):
                texts.append((self.home / name).read_text(errors="replace"))
        return "\n".join(texts)


def _owner() -> str:
    """The changeowner block when running as root (nobody/nogroup), else nothing."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return ""
    import grp
    import pwd

    user = pwd.getpwnam("nobody")
    return OWNER.format(user=user.pw_name, group=grp.getgrgid(user.pw_gid).gr_name)


@contextmanager
def running_icecast(binary: str, *, start_timeout: float = 10.0) -> Iterator[Icecast]:
    """Run `binary` on a free port with a throw-away config; always stops it."""
    home = Path(tempfile.mkdtemp(prefix="loa-icecast-"))
    proc: subprocess.Popen[bytes] | None = None
    try:
        owner = _owner()
        if owner:  # the server drops to nobody: it must still write its logs here
            import pwd

            nobody = pwd.getpwnam("nobody")
            os.chown(home, nobody.pw_uid, nobody.pw_gid)
        os.chmod(home, 0o755)
        port = free_port()
        config = home / "icecast.xml"
        config.write_text(
            CONFIG.format(password=escape(SOURCE_PASSWORD), port=port, home=escape(str(home)), owner=owner),
            encoding="utf-8",
        )
        server = Icecast(port=port, password=SOURCE_PASSWORD, home=home)
        with open(home / "stderr.txt", "wb") as stderr:
            proc = subprocess.Popen([binary, "-c", str(config)], stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr)
        deadline = time.monotonic() + start_timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"icecast exited with status {proc.returncode}:\n{server.log()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"icecast did not listen on port {port}:\n{server.log()}") from None
                time.sleep(0.05)
        yield server
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        shutil.rmtree(home, ignore_errors=True)


def http_get(port: int, path: str, *, timeout: float) -> tuple[int, socket.socket]:
    """Send a GET and read the status line and headers; returns (status, socket positioned at the body)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        sock.sendall(f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: loa-test\r\n\r\n".encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = sock.recv(1)
            if not chunk:
                break
            head += chunk
        status = int(head.split(b" ", 2)[1]) if head.count(b" ") >= 2 else 0
        return status, sock
    except BaseException:
        sock.close()
        raise


def listen(port: int, mount: str, *, wait: float = 5.0, limit: float = 20.0) -> tuple[bytes, list[float]]:
    """Wait for the mount to go live, then read it to its end: (bytes, arrival time of each chunk)."""
    deadline = time.monotonic() + wait
    while True:
        status, sock = http_get(port, mount, timeout=2.0)
        if status == 200:
            break
        sock.close()
        if time.monotonic() > deadline:
            raise AssertionError(f"mount {mount} never went live (last status {status})")
        time.sleep(0.05)
    received, arrivals = bytearray(), []
    end = time.monotonic() + limit
    with sock:
        sock.settimeout(5.0)
        while time.monotonic() < end:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            received += chunk
            arrivals.append(time.monotonic())
    return bytes(received), arrivals


class FakeSourceServer:
    """Answers source requests from a script (one answer per connection) and records what came."""

    def __init__(self, answers: list[bytes]) -> None:
        self.answers = answers
        self.requests: list[tuple[bytes, bytes]] = []  # (request head, body)
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(10)
        self.port = int(self.server.getsockname()[1])
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.thread.join(15)
        self.server.close()

    def _serve(self) -> None:
        for answer in self.answers:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(10)
                head = b""
                while b"\r\n\r\n" not in head:
                    chunk = conn.recv(1)
                    if not chunk:
                        break
                    head += chunk
                conn.sendall(answer)
                body = bytearray()
                if b" 200 " in answer.split(b"\r\n", 1)[0]:
                    while chunk := conn.recv(65536):
                        body += chunk
                self.requests.append((head, bytes(body)))


def real_icecast() -> Iterator[Icecast]:
    """The body of a module fixture: a real Icecast, skipped if icecast2 is not installed (failed under CI)."""
    import pytest

    binary = icecast_binary()
    if binary is None:
        reason = "icecast2 is not installed (apt-get install icecast2)"
        if os.environ.get("CI"):
            pytest.fail(f"CI must have it: {reason}")
        pytest.skip(reason)
    with running_icecast(binary) as server:
        yield server


# codec -> (ffmpeg encoder, Content-Type, muxer) of a feeder
FEEDER_CODECS = {"mp3": ("libmp3lame", "audio/mpeg", "mp3"), "aac": ("aac", "audio/aac", "adts")}


class SourceFeeder:
    """An ffmpeg source feeding a mount of `server` with a live tone (`-re`), as a broadcaster's encoder would.

    It uses ffmpeg's icecast:// output protocol (https://ffmpeg.org/ffmpeg-protocols.html#icecast).
    """

    def __init__(
        self, server: Icecast, mount: str, *, frequency: int = 440, bitrate: str = "128k", codec: str = "mp3"
    ) -> None:
        self.server, self.mount, self.frequency, self.bitrate, self.codec = server, mount, frequency, bitrate, codec
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, *, wait: float = 10.0) -> Self:
        """Start feeding; with `wait`, until a listener gets the mount (status 200)."""
        from audio.mix import ffmpeg_exe

        target = f"icecast://source:{self.server.password}@127.0.0.1:{self.server.port}{self.mount}"
        command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-re", "-f", "lavfi"]
        encoder, content_type, muxer = FEEDER_CODECS[self.codec]
        command += ["-i", f"sine=frequency={self.frequency}:sample_rate=44100", "-ac", "1", "-c:a", encoder]
        command += ["-b:a", self.bitrate, "-content_type", content_type, "-f", muxer, target]
        self.proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + wait
        while wait:
            status, sock = http_get(self.server.port, self.mount, timeout=2.0)
            sock.close()
            if status == 200:
                break
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the feeder of {self.mount} never went live (status {status})")
            time.sleep(0.05)
        return self

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(5)
            self.proc = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.kill()
