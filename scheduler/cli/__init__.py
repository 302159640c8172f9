"""The `loa` command line: parse, call one service, print. Errors become one localized line."""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading
import traceback
from pathlib import Path
from typing import Any

import click

from audio.errors import LoaError
from scheduler.cli.options import State, common_options, say
from scheduler.cli.options import state as current_state
from scheduler.messages import render, text

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@common_options
def cli() -> None:
    """Loa — lịch phát và tự động hóa truyền thanh cơ sở.

    Loa turns a commune's communication plan into timed radio bulletins and
    social posts, and keeps the broadcast log.
    """


# ---- demo -------------------------------------------------------------------------------

@cli.command()
@click.option("--dir", "directory", default="loa-demo", show_default=True, type=click.Path(file_okay=False),
              help="Thư mục chứa cấu hình và dữ liệu demo / demo folder.")
@click.option("--timeout", default=50.0, show_default=True, help="Giây chờ tối đa / seconds to wait at most.")
@common_options
def demo(directory: str, timeout: float) -> None:
    """Chạy thử toàn bộ, ngoại tuyến / run the whole flow offline on the embedded defaults."""
    from scheduler.cli.demo import run_demo
    state = current_state()
    ok = run_demo(Path(directory), lang=state.language, timeout=timeout, echo=say)
    if not ok:
        sys.exit(1)


# ---- plans --------------------------------------------------------------------------------

@cli.group()
def plan() -> None:
    """Kế hoạch tuyên truyền / communication plans."""


@plan.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Chỉ đọc và in, không lưu / read and print only, store nothing.")
@click.option("--json", "as_json", is_flag=True, help="In JSON / print JSON.")
@common_options
def plan_import(path: str, dry_run: bool, as_json: bool) -> None:
    """Nhập kế hoạch (.txt, .md, .docx, .pdf) / import a plan document."""
    from scheduler.plans.parse import import_json
    from scheduler.services.plans import import_plan

    state = current_state()
    if dry_run:
        from scheduler.plans.documents import read_plan_text
        from scheduler.plans.parse import parse_plan
        parsed = parse_plan(read_plan_text(Path(path)), source=path)
        plan_id, duplicate = None, False
    else:
        app = state.app()
        try:
            result = import_plan(app, Path(path))
        finally:
            app.close()
        parsed, plan_id, duplicate = result.parsed, result.plan_id, result.duplicate
    if as_json:
        say(json.dumps(import_json(parsed), ensure_ascii=False, indent=2))
        return
    lang = state.language
    say(_plan_summary(parsed, lang))
    if dry_run:
        say(text("plan_dry_run", lang))
    else:
        say(text("plan_duplicate" if duplicate else "plan_stored", lang, id=plan_id))


def _plan_summary(parsed: Any, lang: str) -> str:
    lines = [text("plan_summary", lang, title=parsed.title, year=parsed.year or "?", issuer=parsed.issuer or "?",
                  channels=", ".join(parsed.channels) or "-", items=len(parsed.items))]
    for item in parsed.items:
        depth = item.ref.count(".")
        snippet = item.text if len(item.text) <= 90 else item.text[:89] + "…"
        lines.append(f"{'  ' * depth}  {item.ref:<6} {snippet}")
    return "\n".join(lines)


@plan.command("list")
@common_options
def plan_list() -> None:
    """Các kế hoạch đã nhập / stored plans."""
    from scheduler.cli.output import table
    from scheduler.services.plans import list_plans
    from scheduler.programme.times import format_local

    state = current_state()
    app = state.app()
    try:
        rows = list_plans(app)
    finally:
        app.close()
    if not rows:
        say(text("no_active_plan", state.language))
        return
    headers = ["Số", "Năm", "Tiêu đề", "Nội dung", "Nhập lúc", "Tệp"] if state.language == "vi" else \
        ["ID", "Year", "Title", "Items", "Imported", "File"]
    say(table(headers, [[str(p.id), str(p.year or ""), p.title[:60], str(n),
                         format_local(p.imported_at, app.config.tz, "%Y-%m-%d %H:%M"), p.source_name]
                        for p, n in rows]))


@plan.command("show")
@click.argument("plan_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="In JSON / print JSON.")
@common_options
def plan_show(plan_id: int, as_json: bool) -> None:
    """Xem một kế hoạch và các nội dung / show one stored plan and its items."""
    from scheduler.plans.parse import ParsedItem, ParsedPlan, import_json
    from scheduler.services.plans import get_plan

    state = current_state()
    app = state.app()
    try:
        stored, items = get_plan(app, plan_id)
    finally:
        app.close()
    refs = {i.id: i.ref for i in items}
    parsed = ParsedPlan(title=stored.title, year=stored.year, issuer=stored.issuer, channels=tuple(stored.channels),
                        items=tuple(ParsedItem(ref=i.ref, parent=refs.get(i.parent_id) if i.parent_id else None,
                                               label=i.label, text=i.text) for i in items))
    say(json.dumps(import_json(parsed), ensure_ascii=False, indent=2) if as_json else _plan_summary(parsed, state.language))


# ---- speech -------------------------------------------------------------------------------

@cli.command()
@click.argument("text_arg", metavar="TEXT")
@common_options
def normalize(text_arg: str) -> None:
    """In văn bản sẽ được đọc / print the speakable text."""
    from scheduler.app import build_speaker
    config = current_state().config_or_defaults()
    source = sys.stdin.read() if text_arg == "-" else text_arg
    say(build_speaker(config, tts=_NoEngine()).speakable(source))


class _NoEngine:
    """Stands in for the engines where only normalization is needed."""

    name = "none"

    def synthesize(self, text: str, voice: str) -> Any:  # pragma: no cover - never called
        raise AssertionError("normalize does not speak")


@cli.command("say")
@click.argument("text_arg", metavar="TEXT")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="Tệp MP3 ra / output MP3.")
@click.option("--engine", default=None, help="Bộ đọc / speech engine (espeak).")
@common_options
def say_command(text_arg: str, out: str, engine: str | None) -> None:
    """Đọc văn bản thành tệp MP3 / render TEXT (or - for stdin) to an MP3."""
    import dataclasses

    from audio.speech import render_script
    from scheduler.app import build_speaker, encode_settings
    from scheduler.config import ENGINE_NAMES
    from scheduler.errors import UsageError

    state = current_state()
    config = state.config_or_defaults()
    if engine:
        if engine not in ENGINE_NAMES:
            raise UsageError("tts_unknown_engine", engine=engine, known=", ".join(ENGINE_NAMES))
        config = dataclasses.replace(config, speech=dataclasses.replace(config.speech, engines=(engine,)))
    source = sys.stdin.read() if text_arg == "-" else text_arg
    rendered = render_script([source], build_speaker(config), Path(out), settings=encode_settings(config),
                             pause_ms=config.audio.pause_ms)
    say(text("said", state.language, path=rendered.path, seconds=f"{rendered.seconds:.1f}",
             engine=rendered.engine, sha256=rendered.sha256))


# ---- queue --------------------------------------------------------------------------------

@cli.command()
@click.option("--text", "text_value", help="Nội dung bản tin / bulletin text.")
@click.option("--file", "file_path", type=click.Path(dir_okay=False), help="Đọc nội dung từ tệp / read text from a file.")
@click.option("--item", "item_ref", help="Nội dung số REF của kế hoạch đang dùng / a plan item, e.g. 2.1.")
@click.option("--title", help="Tiêu đề / title.")
@click.option("--at", "at", default="next", show_default=True,
              help="now | next | HH:MM | YYYY-MM-DD HH:MM | +10m | ISO-8601.")
@click.option("--channels", default=None, help="radio,facebook,zalo (mặc định: các kênh đang bật / enabled ones).")
@click.option("--priority", type=click.Choice(["normal", "priority", "emergency"]), default="normal",
              show_default=True, help="Mức ưu tiên theo TT 39/2020 / priority.")
@click.option("--json", "as_json", is_flag=True, help="In JSON / print JSON.")
@common_options
def queue(text_value: str | None, file_path: str | None, item_ref: str | None, title: str | None, at: str,
          channels: str | None, priority: str, as_json: bool) -> None:
    """Xếp một bản tin vào lịch phát / queue a bulletin."""
    from scheduler.errors import UsageError
    from scheduler.services.queue import queue_bulletin
    from scheduler.programme.times import format_local

    state = current_state()
    given = [x for x in (text_value, file_path, item_ref) if x is not None]
    if len(given) != 1:
        raise UsageError("usage", reason=text("queue_one_source", state.language))
    body = text_value
    if file_path is not None:
        try:
            body = Path(file_path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError("file_unreadable", path=file_path, reason=getattr(exc, "strerror", None) or exc) from exc
    app = state.app()
    try:
        queued = queue_bulletin(app, text=body, item_ref=item_ref, title=title, at=at,
                                channels=channels.split(",") if channels else None, priority=priority)
    finally:
        app.close()
    if as_json:
        say(json.dumps(queued.as_json(), ensure_ascii=False))
        return
    say(text("queued", state.language, id=queued.bulletin_id))
    for airing in queued.airings:
        say(f"  #{airing.id}  {airing.channel:<9} {format_local(airing.due_at, app.config.tz)}")
    for notice in queued.notices:
        say("  ! " + text(notice.code, state.language, channel=notice.channel, airing=notice.airing_id,
                          at=format_local(notice.due_at, app.config.tz, "%Y-%m-%d %H:%M:%S")))


# ---- run ----------------------------------------------------------------------------------

@cli.command()
@click.option("--once", is_flag=True, help="Làm những việc đã đến giờ rồi thoát / do what is due, then exit.")
@common_options
def run(once: bool) -> None:
    """Chạy đài (tiến trình nền) / run the station daemon."""
    from scheduler.messages.formatter import setup_logging
    from scheduler.runner import Runner

    state = current_state()
    setup_logging(state.debug, state.language)
    app = state.app()
    runner = Runner(app)
    try:
        if once:
            records = runner.run_due()
            say(text("run_once_done", state.language, count=len(records)))
            return
        stop = threading.Event()

        def _signal(signum: int, _frame: Any) -> None:
            if stop.is_set():
                logging.getLogger("loa.runner").warning("second signal: stopping at once")
                os._exit(130)
            stop.set()

        signal.signal(signal.SIGINT, _signal)
        signal.signal(signal.SIGTERM, _signal)
        runner.start()
        say(text("running", state.language, station=app.config.station.name), err=True)
        while not stop.wait(1.0):
            pass
        say(text("stopping", state.language), err=True)
        runner.stop(wait=True)
    finally:
        app.close()


# ---- commands kept in their own modules ---------------------------------------------------

def _register() -> None:
    from scheduler.cli import channels as cli_channels, log as cli_log, programme as cli_programme, report as cli_report, web as cli_web

    for module in (cli_log, cli_programme, cli_channels, cli_report, cli_web):
        for command in module.COMMANDS:
            cli.add_command(command)
    for command in cli_programme.PLAN_COMMANDS:
        plan.add_command(command)


_register()


# ---- entry point --------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> None:
    """Run the CLI; a LoaError prints one line (a traceback only with --debug) and exits 1."""
    state = State()
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
            traceback.print_exc()
        say(f"{text('error_prefix', state.language)}: {render(exc, state.language)}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        say(text("interrupted", state.language), err=True)
        sys.exit(130)
    except Exception as exc:  # a bug: one line for the operator, the traceback with --debug
        if state.debug:
            traceback.print_exc()
        say(f"{text('error_prefix', state.language)}: {text('internal_cli', state.language, reason=f'{type(exc).__name__}: {exc}')}",
            err=True)
        sys.exit(1)
    sys.exit(result if isinstance(result, int) else 0)
