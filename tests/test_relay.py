"""Relays of live streams against a real Icecast 2 on 127.0.0.1 fed by ffmpeg, and an HLS playlist over HTTP."""

from __future__ import annotations

import functools
import os
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from audio.errors import AudioError
from audio.mix import EncodeSettings, ffmpeg_exe, measure_loudness
from audio.mp3 import scan, split_frames
from audio.relay import Gap, RelaySource
from scheduler.messages import text
from tests.fakes.icecast import Icecast, SourceFeeder, free_port, real_icecast

ENCODING = EncodeSettings()
FRAME = 1152 / ENCODING.sample_rate
FILL = 4 * FRAME  # filler comes in steps of FILL_CHUNK_FRAMES


def _tone_seconds() -> bytes:
    command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-f", "lavfi"]
    command += ["-i", "sine=frequency=200:duration=6:sample_rate=44100", "-c:a", "libmp3lame", "-f", "mp3", "-"]
    return subprocess.run(command, check=True, capture_output=True, timeout=30).stdout


TONE = _tone_seconds()  # 6 s of a tone, as MP3


def scan_frames(data: bytes) -> list[bytes]:
    return [data[f.offset : f.offset + f.length] for f in scan(data)]


@pytest.fixture(scope="module")
def icecast() -> Iterator[Icecast]:
    yield from real_icecast()


@pytest.fixture(scope="module")
def fallback(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 1.5 s fallback in another format and rate than the relay's (it is re-encoded once at open)."""
    path = tmp_path_factory.mktemp("relay") / "fallback.wav"
    command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-f", "lavfi"]
    command += ["-i", "sine=frequency=880:duration=1.5:sample_rate=48000", "-ac", "2", str(path)]
    subprocess.run(command, check=True, capture_output=True, timeout=30)
    return path


def mount() -> str:
    return f"/vov-{uuid.uuid4().hex[:8]}.mp3"


@dataclass
class Aired:
    data: bytes
    longest_wait: float  # the longest time one next() of frames() took


def air(
    relay: RelaySource,
    seconds: float,
    *,
    stop: threading.Event | None = None,
    lead: float = 0.5,
    at: Callable[[float], None] | None = None,
) -> Aired:
    """Consume relay.frames() as the Icecast sink does: in real time, `lead` seconds ahead; `at(played)` after each."""
    stop = stop or threading.Event()
    started, played, longest, data = time.monotonic(), 0.0, 0.0, bytearray()
    chunks = relay.frames(seconds, stop)
    while True:
        asked = time.monotonic()
        try:
            chunk = next(chunks)
        except StopIteration:
            break
        longest = max(longest, time.monotonic() - asked)
        frames = scan(chunk)
        assert sum(f.length for f in frames) == len(chunk)  # whole frames only
        assert {(f.sample_rate, f.channels) for f in frames} == {(ENCODING.sample_rate, 1)}
        played += sum(f.seconds for f in frames)
        data += chunk
        if at is not None:
            at(played)
        delay = started + played - lead - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    return Aired(bytes(data), longest)


def relay_processes(url: str) -> list[int]:
    """Processes of this test run whose command line reads `url` (the relay's ffmpeg)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if url.encode() in args:
            found.append(int(pid))
    return found


def loudness(data: bytes, tmp_path: Path) -> float:
    path = tmp_path / f"aired-{uuid.uuid4().hex[:6]}.mp3"
    path.write_bytes(data)
    return measure_loudness(path).integrated


@pytest.mark.parametrize("codec", ["mp3", "aac"])
def test_a_live_mount_is_relayed_for_exactly_the_time_asked(tmp_path, icecast, codec):
    where = mount()
    feeder = SourceFeeder(icecast, where, codec=codec)
    with feeder, RelaySource(icecast.url(where), encoding=ENCODING) as relay:
        assert relay.open(wait=5.0) is True
        aired = air(relay, 6.0)
        report = relay.report()
        assert relay_processes(icecast.url(where))  # still connected until closed
    assert abs(report.seconds - 6.0) <= FRAME and sum(f.seconds for f in scan(aired.data)) == pytest.approx(
        report.seconds, abs=1e-3
    )
    assert report.on_air_seconds >= 5.5 and report.reconnects == 0 and report.stopped is False
    assert report.seconds == pytest.approx(report.on_air_seconds + report.fallback_seconds + report.silence_seconds)
    assert loudness(aired.data, tmp_path) > -30  # the tone, not silence
    assert aired.longest_wait < 1.0
    assert relay_processes(icecast.url(where)) == []


def test_a_source_killed_mid_relay_is_filled_then_reconnected(tmp_path, icecast, fallback):
    where = mount()
    feeder = SourceFeeder(icecast, where).start()
    relay = RelaySource(
        icecast.url(where),
        encoding=ENCODING,
        fallback=fallback,
        connect_timeout=2.0,
        max_gap_seconds=2.0,
        reconnect_seconds=0.3,
    )
    events: dict[str, float] = {}

    def script(played: float) -> None:
        if played >= 2.0 and "killed" not in events:
            events["killed"] = played
            feeder.kill()
        if played >= 8.0 and "back" not in events:
            events["back"] = played
            feeder.start(wait=0)

    try:
        assert relay.open(wait=5.0)
        aired = air(relay, 14.0, at=script)
        report = relay.report()
    finally:
        relay.close()
        feeder.kill()
    assert abs(report.seconds - 14.0) <= FRAME
    silence, rest = report.gaps[0], report.gaps[1:]
    assert silence.reason == "dropped" and silence.filled_with == "silence"
    assert silence.seconds == pytest.approx(2.0, abs=FRAME * 4)  # silence for max_gap_seconds, then the fallback
    assert events["killed"] <= silence.start_seconds < events["back"]
    assert rest and rest[0] == Gap(
        round(silence.start_seconds + silence.seconds, 3), rest[0].seconds, "dropped", "fallback"
    )
    assert report.fallback_seconds >= 2.0 and report.reconnects >= 1
    assert report.on_air_seconds >= 2.0 + 3.0  # before the kill, and again after the source returned
    back = rest[0].start_seconds + rest[0].seconds
    assert events["back"] < back < 14.0  # live audio came back
    assert aired.longest_wait < 1.0
    assert relay_processes(icecast.url(where)) == []


@pytest.mark.parametrize("with_fallback", [True, False], ids=["fallback", "silence"])
def test_a_source_down_at_start_is_filled_all_along(tmp_path, icecast, fallback, with_fallback):
    url = icecast.url(mount())  # nothing feeds it: Icecast answers 404
    with RelaySource(
        url, encoding=ENCODING, fallback=fallback if with_fallback else None, connect_timeout=1.0
    ) as relay:
        assert relay.open(wait=1.0) is False
        aired = air(relay, 3.0)
        report = relay.report()
    filled = "fallback" if with_fallback else "silence"
    assert report.gaps == (Gap(0.0, report.seconds, "down_at_start", filled),)
    assert report.on_air_seconds == 0.0 and abs(report.seconds - 3.0) <= FRAME
    assert (report.fallback_seconds if with_fallback else report.silence_seconds) == report.seconds
    if with_fallback:
        assert loudness(aired.data, tmp_path) > -30  # the fallback tone, looped twice
    assert "404" in relay.last_error or "Not Found" in relay.last_error
    gap = report.gaps[0]
    shown = text("relay_gap_down_at_start", "vi", start=gap.start_seconds, seconds=gap.seconds, filled=filled)
    assert "lúc bắt đầu" in shown
    assert relay_processes(url) == []


def test_a_stream_that_stalls_is_dropped_and_retried(icecast):
    """A server that answers and sends 2 s of audio at once, then nothing: once that is played a gap is
    filled, the connection is given up after connect_timeout and opened again."""
    burst = b"".join(scan_frames(TONE)[: round(2.0 / FRAME)])
    connections: list[float] = []
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(0.2)
        port = listener.getsockname()[1]
        done = threading.Event()

        def serve() -> None:
            held = []
            while not done.is_set():
                try:
                    conn, _ = listener.accept()
                except TimeoutError:
                    continue
                connections.append(time.monotonic())
                conn.recv(65536)
                conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: audio/mpeg\r\n\r\n" + burst)
                held.append(conn)  # then silence on the wire, the connection left open
            for conn in held:
                conn.close()

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{port}/stalled.mp3"
        try:
            with RelaySource(url, encoding=ENCODING, connect_timeout=2.5, reconnect_seconds=0.2) as relay:
                assert relay.open(wait=3.0)
                aired = air(relay, 5.0)
                report = relay.report()
        finally:
            done.set()
            thread.join(5)
    assert len(connections) >= 2 and report.reconnects >= 1
    assert report.gaps and all(gap.reason == "dropped" and gap.filled_with == "silence" for gap in report.gaps)
    assert 1.5 <= report.gaps[0].start_seconds <= 2.5
    assert report.on_air_seconds >= 3.0 and aired.longest_wait < 1.0
    assert relay_processes(url) == []


def test_a_server_that_is_down_is_filled_with_silence(tmp_path):
    url = f"http://127.0.0.1:{free_port()}/vov1.mp3"  # connection refused
    with RelaySource(url, encoding=ENCODING, reconnect_seconds=0.2) as relay:
        aired = air(relay, 1.5)
        report = relay.report()
    assert report.silence_seconds == report.seconds and report.gaps[0].reason == "down_at_start"
    assert scan(aired.data) and relay_processes(url) == []


@pytest.fixture
def hls(tmp_path: Path) -> Iterator[str]:
    """A live HLS playlist (ffmpeg's hls muxer in real time: 1 s AAC segments, a window of 6) over http.server."""
    folder = tmp_path / "hls"
    folder.mkdir()
    playlist = folder / "live.m3u8"
    command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-re", "-f", "lavfi"]
    command += ["-i", "sine=frequency=523:sample_rate=48000", "-c:a", "aac", "-b:a", "96k", "-f", "hls"]
    command += ["-hls_time", "1", "-hls_list_size", "6", "-hls_flags", "delete_segments", str(playlist)]

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    writer = subprocess.Popen(command, stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not (playlist.exists() and playlist.read_text().count("#EXTINF") >= 3):
            assert time.monotonic() < deadline and writer.poll() is None, "the HLS writer made no playlist"
            time.sleep(0.1)
        yield f"http://127.0.0.1:{server.server_address[1]}/live.m3u8"
    finally:
        writer.kill()
        writer.wait(5)
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_an_hls_playlist_is_relayed(tmp_path, hls):
    with RelaySource(hls, encoding=ENCODING) as relay:
        assert relay.open(wait=5.0)
        aired = air(relay, 4.0)
        report = relay.report()
    assert report.on_air_seconds >= 3.5 and abs(report.seconds - 4.0) <= FRAME and report.reconnects == 0
    assert loudness(aired.data, tmp_path) > -30
    assert relay_processes(hls) == []


def test_the_stop_event_ends_the_relay_early(tmp_path, icecast):
    where = mount()
    stop = threading.Event()
    with SourceFeeder(icecast, where), RelaySource(icecast.url(where), encoding=ENCODING) as relay:
        relay.open(wait=5.0)
        air(relay, 20.0, stop=stop, at=lambda played: stop.set() if played >= 1.5 else None)
        report = relay.report()
    assert report.stopped is True and 1.5 <= report.seconds < 2.0
    assert relay_processes(icecast.url(where)) == []


def test_close_is_idempotent_and_works_before_open():
    relay = RelaySource("http://127.0.0.1:9/none.mp3", encoding=ENCODING)
    relay.close()
    relay.close()
    assert relay.open(wait=0.1) is False


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/vov.mp3", "file:///etc/passwd", "vov1.mp3", "http:///x"])
def test_only_http_urls_are_relayed(url):
    with pytest.raises(AudioError) as caught:
        RelaySource(url, encoding=ENCODING)
    assert caught.value.code == "relay_bad_url"


def test_a_url_password_never_shows(icecast):
    relay = RelaySource(f"http://user:hunter2@127.0.0.1:{free_port()}/a.mp3?token=t0k", encoding=ENCODING)
    assert "hunter2" not in relay.shown_url and "t0k" not in relay.shown_url
    with relay:
        relay.open(wait=0.5)
    assert "hunter2" not in relay.last_error


def test_an_unreadable_fallback_is_a_clear_error(tmp_path):
    bad = tmp_path / "fallback.mp3"
    bad.write_bytes(b"not audio" * 100)
    relay = RelaySource("http://127.0.0.1:9/a.mp3", encoding=ENCODING, fallback=bad)
    with relay, pytest.raises(AudioError) as caught:
        relay.open()
    assert caught.value.code == "relay_fallback_unreadable" and caught.value.params["path"] == str(bad)


def test_the_pipe_is_cut_into_whole_frames():
    frame = b"\xff\xfb\x90\xc4" + bytes(413)  # MPEG-1 layer III 128 kbit/s 44.1 kHz mono, 417 bytes
    frames, rest = split_frames(b"junk" + frame * 3 + frame[:100])
    assert frames == [frame] * 3 and rest == frame[:100]
    frames, rest = split_frames(rest + frame[100:])
    assert frames == [frame] and rest == b""


@pytest.mark.parametrize("allowed", [False, True], ids=["network-only", "control-with-file-allowed"])
def test_a_playlist_cannot_make_ffmpeg_read_local_files(tmp_path, monkeypatch, allowed):
    secret = tmp_path / "secret.ts"  # audio on the station's disk, which a hostile playlist points to
    command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-f", "lavfi"]
    command += ["-i", "sine=frequency=330:duration=3", "-c:a", "aac", "-f", "mpegts", str(secret)]
    subprocess.run(command, check=True, capture_output=True, timeout=30)
    folder = tmp_path / "evil"
    folder.mkdir()
    body = f"#EXTM3U\n#EXT-X-TARGETDURATION:3\n#EXTINF:3,\nfile://{secret}\n#EXT-X-ENDLIST\n"
    (folder / "list.m3u8").write_text(body)
    if allowed:  # proves the test can see a local file being read
        monkeypatch.setattr("audio.relay.PROTOCOLS", "http,tcp,file")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(SimpleHTTPRequestHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        with RelaySource(f"http://127.0.0.1:{server.server_address[1]}/list.m3u8", encoding=ENCODING) as relay:
            relay.open(wait=2.0)
            air(relay, 1.0)
            report = relay.report()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
    if allowed:
        assert report.on_air_seconds > 0.5
    else:
        assert report.on_air_seconds == 0.0 and report.silence_seconds == report.seconds


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_source_that_never_answers_counts_as_down_once_connect_timeout_has_passed(fallback):
    """The clock decides when a source that accepts but never answers counts as down: silence until then."""
    clock = FakeClock()
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts (backlog), never answers
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/vov1.mp3"
        relay = RelaySource(url, encoding=ENCODING, fallback=fallback, connect_timeout=5.0, clock=clock)
        with relay:
            assert relay.open() is False

            def later(played: float) -> None:
                if played >= 1.0:
                    clock.now = 1005.0  # connect_timeout has passed for the relay

            air(relay, 2.0, at=later)
            report = relay.report()
    first, second = report.gaps
    assert (first.start_seconds, first.reason, first.filled_with) == (0.0, "down_at_start", "silence")
    assert first.seconds == pytest.approx(1.0, abs=FILL)
    assert (second.reason, second.filled_with) == ("down_at_start", "fallback")
    assert second.start_seconds == pytest.approx(first.seconds, abs=0.001)
    assert relay_processes(url) == []


def test_close_during_a_relay_ends_it(icecast):
    where = mount()
    with SourceFeeder(icecast, where):
        relay = RelaySource(icecast.url(where), encoding=ENCODING)
        relay.open(wait=5.0)
        air(relay, 10.0, at=lambda played: relay.close() if played >= 1.0 else None)
    report = relay.report()
    assert report.stopped is True and report.seconds < 1.5
    assert relay_processes(icecast.url(where)) == []
