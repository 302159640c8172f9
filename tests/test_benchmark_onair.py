"""The pure parts of benchmarks/onair.py: figures, the result line, frame cutting, the Liquidsoap script."""

from __future__ import annotations

import json
import math
import shutil
import subprocess

import pytest

from benchmarks.onair import delays_ms, joined_ms, parse_args, result, result_line, steady_delays_ms, summary
from benchmarks.onair_listen import SILENT_DBFS, FrameSplitter, Window, first_audible, frame_length, level_dbfs
from benchmarks.onair_stack import QUEUE, clip_durations, liquidsoap_script

FRAME_128K = bytes([0xFF, 0xFB, 0x90, 0xC4])  # MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, no padding, mono


def frame(header: bytes = FRAME_128K, fill: int = 0x11) -> bytes:
    length = frame_length(header)
    assert length is not None
    return header + bytes([fill]) * (length - 4)


# -- figures and the result line ---------------------------------------------------


def test_the_result_line_has_exactly_the_issues_keys_in_order():
    line = result_line([100.0, 120.0, 140.0], [200.0, 300.0, 400.0])
    assert list(json.loads(line)) == [
        "loa_p50_ms",
        "loa_p99_ms",
        "loa_max_ms",
        "liquidsoap_p50_ms",
        "liquidsoap_p99_ms",
        "p99_ratio",
    ]
    assert line.startswith('{"loa_p50_ms": ') and "\n" not in line


def test_percentiles_are_nearest_rank_and_the_ratio_is_loas_p99_over_liquidsoaps():
    loa = [float(v) for v in range(1, 101)]  # 1..100 ms
    liquidsoap = [2 * v for v in loa]
    figures = result(loa, liquidsoap)
    assert figures["loa_p50_ms"] == 51.0  # index round(0.5 * 99) = 50
    assert figures["loa_p99_ms"] == 99.0  # index round(0.99 * 99) = 98
    assert figures["loa_max_ms"] == 100.0
    assert figures["liquidsoap_p50_ms"] == 102.0
    assert figures["liquidsoap_p99_ms"] == 198.0
    assert figures["p99_ratio"] == 0.5


def test_with_fifty_bulletins_p99_is_the_largest():
    values = [float(v) for v in range(50)]
    assert summary(values) == {"p50": 24.0, "p99": 49.0, "max": 49.0}


def test_a_side_with_nothing_heard_has_no_figures_and_no_ratio():
    figures = result([], [10.0])
    assert figures["loa_p50_ms"] is None and figures["loa_p99_ms"] is None and figures["loa_max_ms"] is None
    assert figures["liquidsoap_p99_ms"] == 10.0 and figures["p99_ratio"] is None
    assert result([10.0], [0.0])["p99_ratio"] is None  # never a division by zero
    assert json.loads(result_line([], []))["p99_ratio"] is None


# -- from listener windows to delays -------------------------------------------------


def windows(onsets: list[tuple[float, float]], until: float, step: float = 0.01, ahead: float = 0.0) -> list[Window]:
    """A stream arriving in real time (`ahead` s early), silent but loud (-15 dBFS) from each start to end (s)."""
    out = []
    for i in range(round(until / step)):
        position = i * step
        loud = any(start <= position < end for start, end in onsets)
        out.append(Window(position - ahead, -15.0 if loud else SILENT_DBFS, position))
    return out


def test_each_due_time_gets_the_first_loud_window_after_it():
    heard = windows([(10.13, 12.0), (15.25, 17.0)], until=25.0)
    delays = delays_ms(heard, [10.0, 15.0, 20.0], spacing=5.0)
    assert delays[0] == pytest.approx(130.0, abs=0.5)
    assert delays[1] == pytest.approx(250.0, abs=0.5)
    assert delays[2] is None  # nothing within the spacing: missed


def test_audio_a_little_before_the_due_time_counts_negative_and_the_previous_bulletin_does_not():
    heard = windows([(4.0, 6.9), (9.9, 11.0)], until=12.0)
    delays = delays_ms(heard, [10.0], spacing=5.0)
    assert delays[0] == pytest.approx(-100.0, abs=0.5)  # the previous clip (until 6.9 s) is out of the window


def test_first_audible_uses_the_threshold_and_the_interval():
    data = [Window(1.0, -50.0, 0.0), Window(2.0, -39.0, 0.01), Window(3.0, -10.0, 0.02)]
    assert first_audible(data, 0.0, 10.0) == data[1]
    assert first_audible(data, 0.0, 10.0, threshold=-20.0) == data[2]
    assert first_audible(data, 2.5, 2.9) is None


def test_a_steady_player_hears_what_arrives_in_a_burst_only_when_its_turn_comes():
    # a stream sent 0.3 s ahead of real time all along: a player that keeps pace with it hears on arrival
    early = windows([(10.3, 12.0)], until=14.0, ahead=0.3)
    assert delays_ms(early, [10.0], spacing=3.0)[0] == pytest.approx(0.0, abs=0.5)
    assert steady_delays_ms(early, [10.0], spacing=3.0)[0] == pytest.approx(0.0, abs=0.5)
    # a stream in real time: the same
    real = windows([(10.2, 12.0)], until=14.0)
    assert steady_delays_ms(real, [10.0], spacing=3.0)[0] == pytest.approx(200.0, abs=0.5)
    assert delays_ms(real, [10.0], spacing=3.0)[0] == pytest.approx(200.0, abs=0.5)
    # 0.3 s of silence and the bulletin arrive at once at the due time: heard after the silence plays
    burst = [w._replace(at=10.0) if 10.0 <= w.position < 10.5 else w for w in windows([(10.3, 12.0)], until=14.0)]
    assert delays_ms(burst, [10.0], spacing=3.0)[0] == pytest.approx(0.0, abs=0.5)
    assert steady_delays_ms(burst, [10.0], spacing=3.0)[0] == pytest.approx(300.0, abs=0.5)
    # the onset arriving later than the stream's clock: the player waits for it
    slow = [w._replace(at=w.at + 0.1) if w.position >= 10.2 else w for w in real]
    assert steady_delays_ms(slow, [10.0], spacing=3.0)[0] == pytest.approx(300.0, abs=0.5)
    # a stream arriving in uneven chunks: the player's clock is the latest arrival before the due time
    jitter = [w._replace(at=w.at + (0.05 if round(w.position * 100) % 8 == 0 else 0.0)) for w in real]
    assert steady_delays_ms(jitter, [10.0], spacing=3.0)[0] == pytest.approx(250.0, abs=0.5)
    # nothing before the due time (a mount that only comes up for the airing): no steady figure
    late = [w for w in real if w.at >= 10.0]
    assert steady_delays_ms(late, [10.0], spacing=3.0) == [None]


def test_joined_ms_is_the_first_connection_after_each_due_time():
    assert joined_ms([10.1, 10.2, 15.3], [10.0, 15.0, 20.0], spacing=5.0) == pytest.approx([100.0, 300.0])


def test_level_dbfs():
    assert level_dbfs([]) == SILENT_DBFS
    assert level_dbfs([0] * 100) == SILENT_DBFS
    assert level_dbfs([32767, -32767] * 50) == pytest.approx(0.0, abs=0.01)
    amplitude = 32768 / 8  # a sine at 1/8 of full scale: -18 dBFS peak, -21 dBFS RMS
    sine = [round(amplitude * math.sin(2 * math.pi * i / 100)) for i in range(1000)]
    assert level_dbfs(sine) == pytest.approx(-21.07, abs=0.05)


# -- the listener's frame cutting ------------------------------------------------------


def test_frame_length_of_layer_three_headers():
    assert frame_length(FRAME_128K) == 417
    assert frame_length(bytes([0xFF, 0xFB, 0x92, 0xC4])) == 418  # the padding bit
    assert frame_length(bytes([0xFF, 0xF3, 0x40, 0xC4])) == 104  # MPEG-2, 22.05 kHz, 32 kbit/s: 72 * 32000 // 22050
    assert frame_length(b"\xff\xfb\xf0\xc4") is None  # bitrate index 15
    assert frame_length(b"\xff\xfd\x90\xc4") is None  # layer II
    assert frame_length(b"ID3\x04") is None and frame_length(b"\xff") is None


def test_the_splitter_skips_junk_and_waits_for_whole_frames():
    one, two = frame(fill=0x11), frame(fill=0x22)
    splitter = FrameSplitter()
    stream = b"\x00junk" + one + two
    assert splitter.feed(stream[:200]) == []
    assert splitter.feed(stream[200:600]) == [one]
    assert splitter.feed(stream[600:]) == [two]
    assert splitter.feed(b"") == [] and not splitter.buffer


# -- the Liquidsoap side ---------------------------------------------------------------


def script(**overrides: object) -> str:
    options: dict = {"telnet_port": 1234, "icecast_port": 8000, "password": "pw", "mount": "/liquidsoap.mp3"}
    options.update(overrides)
    return liquidsoap_script(**options)


def test_the_script_is_a_telnet_fed_request_queue_over_silence_to_icecast():
    text = script()
    assert "settings.server.telnet.set(true)" in text
    assert "settings.server.telnet.port.set(1234)" in text
    assert f'{QUEUE} = request.queue(id="{QUEUE}", timeout=20.0)' in text
    assert f'fallback(id="interrupting_fallback", track_sensitive=false, [{QUEUE}, silence])' in text
    assert 'silence = blank(id="silence")' in text
    assert "output.icecast(" in text and "port=8000," in text and 'mount="/liquidsoap.mp3",' in text
    assert "%mp3(bitrate=128, samplerate=44100, stereo=false)" in text
    assert "allow_root" not in text
    assert "settings.init.allow_root.set(true)" in script(allow_root=True)


def test_strings_in_the_script_are_quoted():
    text = script(password='a"b\\c')
    assert 'password="a\\"b\\\\c",' in text


@pytest.mark.skipif(shutil.which("liquidsoap") is None, reason="liquidsoap is not installed")
def test_liquidsoap_accepts_the_script(tmp_path):
    path = tmp_path / "onair.liq"
    path.write_text(script(allow_root=True), encoding="utf-8")
    checked = subprocess.run(["liquidsoap", "--check", str(path)], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stdout + checked.stderr


# -- options and clips -----------------------------------------------------------------


def test_options_and_their_defaults():
    args = parse_args([])
    assert (args.count, args.spacing, args.sink, args.json_only) == (50, 5.0, "auto", False)
    args = parse_args(["--count", "3", "--spacing", "4", "--sink", "per-airing", "--json-only"])
    assert (args.count, args.spacing, args.sink, args.json_only) == (3, 4.0, "per-airing", True)
    with pytest.raises(SystemExit):
        parse_args(["--spacing", "2"])  # a 3 s clip would overlap the next


def test_clips_last_two_to_three_seconds():
    durations = clip_durations(50)
    assert len(durations) == 50 and min(durations) == 2.0 and max(durations) == 3.0
