"""Run `loa` in process for the log, report and archive tests."""

from __future__ import annotations

import pytest

from scheduler.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `loa ARGS` through main(), as the console script does; returns (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as info:
        main(list(args))
    captured = capsys.readouterr()
    code = info.value.code
    assert isinstance(code, int)  # main() always exits with a number
    return code, captured.out, captured.err


# The fields `loa log --format json` promises (DESIGN.md), written out here on purpose rather than read from
# broadcasts.log, so a field dropped there fails the tests.
LOG_CONTRACT = {
    "id",
    "airing_id",
    "bulletin_id",
    "channel",
    "outcome",
    "due_at",
    "started_at",
    "finished_at",
    "tts_engine",
    "audio_path",
    "audio_sha256",
    "audio_seconds",
    "external_id",
    "external_url",
    "error_code",
    "error_message",
}
