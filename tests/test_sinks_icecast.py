"""The Icecast sink against a real Icecast 2 on 127.0.0.1 (and a scripted server for the legacy protocol)."""

from __future__ import annotations

import base64
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from audio.errors import AudioError
from audio.mp3 import read_mp3, scan
from audio.sinks.base import Played
from audio.sinks.icecast import FLUSH_BYTES, LEAD_SECONDS, IcecastSink, stream_payload
from audio.sinks.ledger import Ledger
from scheduler.messages import text
from tests.fakes.bulletin import tone_mp3
from tests.fakes.icecast import FakeSourceServer, Icecast, free_port, listen, real_icecast


@pytest.fixture(scope="module")
def icecast() -> Iterator[Icecast]:
    """A real Icecast server on a free port; skipped if icecast2 is not installed (failed under CI)."""
    yield from real_icecast()


@pytest.fixture(scope="module")
def bulletin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tone_mp3(tmp_path_factory.mktemp("icecast") / "bulletin.mp3", 3.0).path


@pytest.fixture(scope="module")
def short(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tone_mp3(tmp_path_factory.mktemp("icecast") / "short.mp3", 1.0).path


def mount() -> str:
    return f"/loa-{uuid.uuid4().hex[:8]}.mp3"


def sink(tmp_path: Path, url: str, password: str, timeout: float = 5.0) -> IcecastSink:
    return IcecastSink(url=url, user="source", password=password, timeout=timeout, ledger=tmp_path / "ledger")


class Playing:
    """`sink.play` in a thread, timed; `result` is the Played or the exception."""

    def __init__(self, target: IcecastSink, audio: Path, key: str = "k1") -> None:
        self.result: Any = None
        self.ended = 0.0
        self.thread = threading.Thread(target=self._run, args=(target, audio, key), daemon=True)
        self.started = time.monotonic()
        self.thread.start()

    def _run(self, target: IcecastSink, audio: Path, key: str) -> None:
        try:
            self.result = target.play(audio, key=key)
        except Exception as exc:
            self.result = exc
        self.ended = time.monotonic()

    def join(self, timeout: float = 20.0) -> Any:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "play() did not return"
        return self.result


def failure(target: IcecastSink, audio: Path) -> AudioError:
    with pytest.raises(AudioError) as caught:
        target.play(audio, key="k1")
    return caught.value


def test_a_bulletin_streams_live_to_a_listener(tmp_path, icecast, bulletin):
    where = mount()
    source = sink(tmp_path, icecast.url(where), icecast.password)
    playing = Playing(source, bulletin)
    received, arrivals = listen(icecast.port, where)
    played = playing.join()
    assert played == Played(sink="icecast", target=icecast.url(where))
    assert source.was_played("k1") is True

    mp3 = read_mp3(bulletin)
    audio = b"".join(mp3.data[f.offset : f.offset + f.length] for f in mp3.frames)
    assert received.startswith(audio)  # every frame of the bulletin reached the listener, in order
    assert received.count(mp3.data[mp3.frames[0].offset : mp3.frames[0].offset + 2]) >= len(mp3.frames)
    _, marks = stream_payload(mp3)
    total = sum(seconds for _, seconds in marks)
    # real-time pace: play() lasts as long as the stream plays, and the listener got it over that time
    assert total - 0.2 < playing.ended - playing.started < total + 1.0
    assert arrivals[-1] - arrivals[0] > total - LEAD_SECONDS - 1.0


def test_a_wrong_password_is_a_clear_failure_that_never_shows_the_password(tmp_path, icecast, bulletin):
    source = sink(tmp_path, icecast.url("/loa.mp3"), "wrong-password-123")
    error = failure(source, bulletin)
    assert error.code == "sink_failed"
    assert error.params["reason"] == "wrong source user or password for /loa.mp3 (401 Unauthorized)"
    shown = [str(error), repr(error), text(error.code, "vi", **error.params), text(error.code, "en", **error.params)]
    assert not any("wrong-password-123" in s or icecast.password in s for s in shown)
    assert source.was_played("k1") is False  # no audio left Loa


def test_a_mount_in_use_is_refused_with_icecasts_reason(tmp_path, icecast, bulletin, short):
    where = mount()
    first = sink(tmp_path / "a", icecast.url(where), icecast.password)
    playing = Playing(first, bulletin)
    try:
        deadline = time.monotonic() + 5
        while Ledger(tmp_path / "a" / "ledger").state("k1") != "pending" and time.monotonic() < deadline:
            time.sleep(0.02)
        error = failure(sink(tmp_path / "b", icecast.url(where), icecast.password), short)
        assert error.params["reason"] == f"the server refused the source for {where} (403 Mountpoint in use)"
    finally:
        first.stop()
        playing.join()


def test_stop_ends_the_stream_promptly(tmp_path, icecast, bulletin):
    source = sink(tmp_path, icecast.url(mount()), icecast.password)
    playing = Playing(source, bulletin)
    deadline = time.monotonic() + 5
    while Ledger(tmp_path / "ledger").state("k1") != "pending" and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.5)
    stopped = time.monotonic()
    source.stop()
    error = playing.join()
    assert isinstance(error, AudioError) and error.code == "sink_interrupted"
    assert playing.ended - stopped < 0.5
    assert Ledger(tmp_path / "ledger").state("k1") == "interrupted" and source.was_played("k1") is None


def test_a_server_that_is_down_is_a_clear_failure(tmp_path, bulletin):
    port = free_port()  # nothing listens there
    source = sink(tmp_path, f"http://source:pw-in-url@127.0.0.1:{port}/loa.mp3", "s3cret")
    error = failure(source, bulletin)
    assert error.params == {
        "sink": f"icecast http://127.0.0.1:{port}/loa.mp3",
        "reason": f"connection refused by 127.0.0.1:{port} (is Icecast running?)",
    }
    assert source.was_played("k1") is False


def test_a_server_that_never_answers_times_out(tmp_path, bulletin):
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts connections (backlog) but never answers
        source = sink(tmp_path, f"http://127.0.0.1:{silent.getsockname()[1]}/loa.mp3", "s3cret", timeout=0.5)
        started = time.monotonic()
        error = failure(source, bulletin)
    assert error.params["reason"] == "the server did not answer within 0.5 s"
    assert time.monotonic() - started < 3


def test_a_server_without_put_gets_the_legacy_source_request(tmp_path, short):
    answers = [b"HTTP/1.0 405 Method Not Allowed\r\n\r\n", b"HTTP/1.0 200 OK\r\n\r\n"]
    with FakeSourceServer(answers) as server:
        source = sink(tmp_path, f"http://127.0.0.1:{server.port}/old.mp3", "s3cret")
        assert source.play(short, key="k1").target == f"http://127.0.0.1:{server.port}/old.mp3"
    (put, _), (legacy, body) = server.requests
    assert put.startswith(b"PUT /old.mp3 HTTP/1.1\r\n") and legacy.startswith(b"SOURCE /old.mp3 HTTP/1.0\r\n")
    headers = dict(line.split(b": ", 1) for line in legacy.split(b"\r\n")[1:] if line)
    assert headers[b"Authorization"] == b"Basic " + base64.b64encode(b"source:s3cret")
    assert headers[b"Content-Type"] == b"audio/mpeg" and b"Transfer-Encoding" not in headers
    payload, _ = stream_payload(read_mp3(short))
    assert int(headers[b"Content-Length"]) == len(body) and body == payload


@pytest.mark.parametrize(
    "url",
    ["icecast.local/loa.mp3", "http://127.0.0.1:8000/", "ftp://127.0.0.1/loa.mp3", "http://127.0.0.1:99999/loa.mp3"],
)
def test_a_bad_url_is_refused_at_once(tmp_path, url):
    with pytest.raises(AudioError, match="the URL must look like"):
        sink(tmp_path, url, "s3cret")


def test_the_stream_ends_with_enough_silence_to_flush_icecasts_last_block(short):
    mp3 = read_mp3(short)
    payload, marks = stream_payload(mp3)
    audio = b"".join(mp3.data[f.offset : f.offset + f.length] for f in mp3.frames)
    assert payload.startswith(audio) and len(payload) - len(audio) >= FLUSH_BYTES
    assert marks[-1][0] == len(payload) and [end for end, _ in marks] == sorted(end for end, _ in marks)
    tail = scan(payload[len(audio) :])  # the tail is valid MPEG audio
    assert len(tail) == len(marks) - len(mp3.frames)


def test_the_icecast_password_comes_from_the_secrets_file(tmp_path, monkeypatch):
    """Like every secret, the source password may live in the 0600 secrets file, not only the environment."""
    from scheduler.app import build_sink
    from scheduler.config import parse_config

    monkeypatch.delenv("LOA_ICECAST_PASSWORD", raising=False)
    secrets = tmp_path / "secrets"
    secrets.write_text("LOA_ICECAST_PASSWORD=hackme-from-file\n", encoding="utf-8")
    secrets.chmod(0o600)
    config = parse_config(
        {"paths": {"secrets_file": str(secrets)}, "channels": {"radio": {"sink": "icecast"}}},
        source=str(tmp_path / "config.toml"),
        base_dir=tmp_path,
    )
    sink = build_sink(config)
    assert isinstance(sink, IcecastSink)
    assert sink.password == "hackme-from-file"
