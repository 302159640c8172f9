"""The `loa` command line: parse, call one service, print. Errors become one localized line.

The group and `main` live here; each command group is a module of this package,
and `COMMANDS` lists them all (beets' `default_commands`):

- `demo`: the whole flow offline; `plan`: import, list, show plans, pin items;
- `speech`: `normalize`, `say`; `queue`: queue a bulletin; `run`: a runner node;
- `dispatch`: one bulletin to many stations of a province;
- `bulletin`: list, show, cancel, move and edit queued bulletins;
- `log`: the broadcast log; `programme`: the coming programme;
- `channels`: `channels check`, `reconcile`, `retry`, `mark`;
- `report`: `report`, `archive prune`; `web`: `web`, `user`;
- `station`: add, list, show and edit the stations kept in the database;
- `options`: --config/--lang/--debug; `output`: tables, CSV and JSON.
"""

from __future__ import annotations

import sys
import traceback

import click
from sqlalchemy.exc import InterfaceError, OperationalError

from audio.errors import LoaError
from scheduler.cli import (
    bulletin,
    channels,
    demo,
    dispatch,
    language,
    log,
    plan,
    programme,
    queue,
    report,
    run,
    speech,
    station,
    web,
)
from scheduler.cli.options import State, common_options, say
from scheduler.messages import render, text

__all__ = ["cli", "main", "COMMANDS"]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@common_options
def cli() -> None:
    """Loa — lịch phát và tự động hóa truyền thanh cơ sở.

    Loa turns a commune's communication plan into timed radio bulletins and
    social posts, and keeps the broadcast log.
    """


COMMANDS: list[click.Command] = [
    demo.demo,
    plan.plan,
    speech.normalize,
    speech.say_command,
    queue.queue,
    dispatch.dispatch,
    bulletin.bulletin,
    run.run,
    log.log_command,
    programme.programme,
    channels.channels_group,
    channels.reconcile_command,
    channels.retry_command,
    channels.mark_command,
    report.report_command,
    report.archive_group,
    web.web,
    web.user,
    station.station,
]

for _command in COMMANDS:
    cli.add_command(_command)


def _language(fallback: State | None) -> str:
    """The language of the command being run: its root State while click runs, else `fallback`'s."""
    ctx = click.get_current_context(silent=True)
    found = ctx.find_root().obj if ctx is not None else None
    current = found if isinstance(found, State) else fallback or State()
    return current.language


language.install(lambda: _language(None))


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; a LoaError prints one line (a traceback only with --debug) and exits 1."""
    state = State()
    language.install(lambda: _language(state))
    try:
        result = cli.main(args=argv, prog_name="loa", standalone_mode=False, obj=state)
    except click.exceptions.Abort:
        say(text("interrupted", state.language), err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except LoaError as exc:
        if state.debug:
            _print_traceback()
        say(f"{text('error_prefix', state.language)}: {render(exc, state.language)}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        say(text("interrupted", state.language), err=True)
        sys.exit(130)
    except (OperationalError, InterfaceError) as exc:  # the database is locked or gone: say so, in one line
        if state.debug:
            _print_traceback()
        lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        message = text("db_busy", state.language, reason=(lines[0] if lines else type(exc).__name__)[:200])
        say(f"{text('error_prefix', state.language)}: {message}", err=True)
        sys.exit(1)
    except Exception as exc:  # a bug: one line for the operator, the traceback with --debug
        if state.debug:
            _print_traceback()
        reason = f"{type(exc).__name__}: {exc}"
        say(f"{text('error_prefix', state.language)}: {text('internal_cli', state.language, reason=reason)}", err=True)
        sys.exit(1)
    sys.exit(result if isinstance(result, int) else 0)


def _print_traceback() -> None:
    """The traceback of the error being handled (--debug), scrubbed of secrets such as a database password."""
    from broadcasts.redact import scrub

    sys.stderr.write(scrub(traceback.format_exc()))
