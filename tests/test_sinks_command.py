"""The command sink: {file} substitution, exit status, timeout and stop()."""

from __future__ import annotations

import os
import shlex
import sys
import threading
import time
from pathlib import Path

import pytest

from audio.errors import AudioError
from audio.sinks.command import CommandSink
from audio.sinks.ledger import Ledger

PY = shlex.quote(sys.executable)


@pytest.fixture
def audio(tmp_path: Path) -> Path:
    path = tmp_path / "bản tin 1.mp3"  # a space and Vietnamese letters: must stay one argument
    path.write_bytes(b"\xff\xfb" + bytes(400))
    return path


def script(tmp_path: Path, body: str) -> str:
    """A Python script in tmp_path, as a quoted command prefix."""
    path = tmp_path / "air.py"
    path.write_text(body, encoding="utf-8")
    return f"{PY} {shlex.quote(str(path))}"


def failure(sink: CommandSink, audio: Path) -> AudioError:
    with pytest.raises(AudioError) as caught:
        sink.play(audio, key="k1")
    return caught.value


def test_file_is_replaced_by_the_mp3_path(tmp_path, audio):
    copy = tmp_path / "aired copy.mp3"
    command = script(tmp_path, "import shutil, sys\nshutil.copy(sys.argv[2], sys.argv[1])\n")
    sink = CommandSink(command=f"{command} {shlex.quote(str(copy))} {{file}}", timeout=30, ledger=tmp_path / "ledger")
    assert sink.was_played("k1") is False
    played = sink.play(audio, key="k1")
    assert played.sink == "command" and played.target == sys.executable
    assert copy.read_bytes() == audio.read_bytes()
    assert sink.was_played("k1") is True


def test_file_inside_a_word_and_appended_when_missing(tmp_path, audio):
    record = tmp_path / "args.txt"
    body = f"import sys\nopen({str(record)!r}, 'w', encoding='utf-8').write('\\n'.join(sys.argv[1:]))\n"
    command = script(tmp_path, body)
    CommandSink(command=f"{command} --in={{file}} -v", timeout=30, ledger=tmp_path / "ledger").play(audio, key="a")
    assert record.read_text(encoding="utf-8").splitlines() == [f"--in={audio}", "-v"]
    CommandSink(command=f"{command} -v", timeout=30, ledger=tmp_path / "ledger").play(audio, key="b")
    assert record.read_text(encoding="utf-8").splitlines() == ["-v", str(audio)]


def test_a_non_zero_exit_fails_with_the_last_line_of_stderr(tmp_path, audio):
    command = script(
        tmp_path,
        "import sys\nprint('opening the amplifier', file=sys.stderr)\n"
        "print('amplifier busy', file=sys.stderr)\nsys.exit(3)\n",
    )
    sink = CommandSink(command=f"{command} {{file}}", timeout=30, ledger=tmp_path / "ledger")
    error = failure(sink, audio)
    assert error.code == "sink_failed"
    assert error.params == {"sink": f"command {Path(sys.executable).name}", "reason": "amplifier busy (exit status 3)"}
    assert sink.was_played("k1") is None  # it ran: whether it played is unclear


def test_a_silent_failure_gives_the_exit_status(tmp_path, audio):
    sink = CommandSink(
        command=f"{script(tmp_path, 'raise SystemExit(2)')} {{file}}", timeout=30, ledger=tmp_path / "ledger"
    )
    assert failure(sink, audio).params["reason"] == "the command failed (exit status 2)"


def test_a_command_that_runs_too_long_is_stopped(tmp_path, audio):
    sink = CommandSink(
        command=f"{script(tmp_path, 'import time; time.sleep(60)')} {{file}}", timeout=0.5, ledger=tmp_path / "ledger"
    )
    started = time.monotonic()
    error = failure(sink, audio)
    assert time.monotonic() - started < 5
    assert error.params["reason"] == "the command did not finish within 0.5 s and was stopped"


def test_stop_terminates_the_command(tmp_path, audio):
    sink = CommandSink(
        command=f"{script(tmp_path, 'import time; time.sleep(60)')} {{file}}", timeout=60, ledger=tmp_path / "ledger"
    )
    timer = threading.Timer(0.3, sink.stop)
    timer.start()
    started = time.monotonic()
    try:
        error = failure(sink, audio)
    finally:
        timer.cancel()
    assert error.code == "sink_interrupted"
    assert time.monotonic() - started < 3
    assert Ledger(tmp_path / "ledger").state("k1") == "interrupted"


def test_stop_kills_a_command_that_ignores_the_polite_signal(tmp_path, audio):
    body = "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\ntime.sleep(60)\n"
    sink = CommandSink(command=f"{script(tmp_path, body)} {{file}}", timeout=60, ledger=tmp_path / "ledger", grace=0.5)
    timer = threading.Timer(0.3, sink.stop)
    timer.start()
    started = time.monotonic()
    try:
        assert failure(sink, audio).code == "sink_interrupted"
    finally:
        timer.cancel()
    assert time.monotonic() - started < 4


@pytest.mark.skipif(os.name == "nt", reason="a POSIX shell wrapper")
def test_stop_also_ends_what_a_wrapper_script_started(tmp_path, audio):
    mark = tmp_path / "still playing"
    player = f"(sleep 1.5 && touch {shlex.quote(str(mark))}) & wait"  # the touch runs in a child of the shell
    command = f"sh -c {shlex.quote(player)} {{file}}"
    sink = CommandSink(command=command, timeout=60, ledger=tmp_path / "ledger")
    timer = threading.Timer(0.3, sink.stop)
    timer.start()
    try:
        assert failure(sink, audio).code == "sink_interrupted"
    finally:
        timer.cancel()
    time.sleep(1.8)
    assert not mark.exists()  # the whole process group went, not only the shell


def test_a_missing_program_is_a_clear_failure(tmp_path, audio):
    sink = CommandSink(command=f"{tmp_path / 'no-such-player'} {{file}}", timeout=30, ledger=tmp_path / "ledger")
    assert failure(sink, audio).params["reason"].startswith(f"cannot run {tmp_path / 'no-such-player'}")


@pytest.mark.parametrize(
    "command, reason",
    [
        ("", "no command is configured (channels.radio.command.command)"),
        ("   ", "no command is configured (channels.radio.command.command)"),
        ("play 'unclosed {file}", "cannot parse the command: No closing quotation"),
    ],
)
def test_a_bad_command_is_refused_before_anything_runs(tmp_path, audio, command, reason):
    sink = CommandSink(command=command, timeout=30, ledger=tmp_path / "ledger")
    assert failure(sink, audio).params["reason"] == reason
    assert sink.was_played("k1") is False
