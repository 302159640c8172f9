"""Run `loa` in process for the log, report and archive tests."""

from __future__ import annotations

import pytest

from scheduler.cli import report as cli_report
from scheduler.cli import cli, main


def ensure_registered() -> None:
    """Add `report` and `archive` to the CLI if cli.py does not register them (yet)."""
    for command in cli_report.COMMANDS:
        if command.name not in cli.commands:
            cli.add_command(command)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `loa ARGS` through main(), as the console script does; returns (exit code, stdout, stderr)."""
    ensure_registered()
    with pytest.raises(SystemExit) as info:
        main(list(args))
    captured = capsys.readouterr()
    return info.value.code, captured.out, captured.err
