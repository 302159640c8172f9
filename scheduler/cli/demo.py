"""`loa demo`: the whole flow on the embedded defaults, offline, in under a minute.

Writes DIR/config.toml (kept if present), imports the sample plan that ships
with Loa, queues a few bulletins seconds ahead on the radio (folder sink) and
on Facebook and Zalo in dry-run, runs the real runner until every airing has
its record, and prints the log and where the MP3 files are. The store, the
runner and the speech engines are imported when the demo runs, not when `loa`
starts.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import click

from broadcasts.channels import default_channels
from scheduler.cli.options import common_options, say
from scheduler.cli.options import state as current_state
from scheduler.messages import text

if TYPE_CHECKING:
    from broadcasts.models import LogRecord
    from scheduler.app import App

__all__ = ["demo", "run_demo", "sample_plan_path", "sample_config_text"]

Echo = Callable[[str], None]


@click.command()
@click.option(
    "--dir",
    "directory",
    default="loa-demo",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Thư mục chứa cấu hình và dữ liệu demo / demo folder.",
)
@click.option("--timeout", default=50.0, show_default=True, help="Giây chờ tối đa / seconds to wait at most.")
@common_options
def demo(directory: str, timeout: float) -> None:
    """Chạy thử toàn bộ, ngoại tuyến / run the whole flow offline on the embedded defaults."""
    state = current_state()
    ok = run_demo(Path(directory), lang=state.language, timeout=timeout, echo=say)
    if not ok:
        sys.exit(1)


def sample_plan_path() -> Path:
    return Path(str(resources.files("scheduler") / "data" / "sample_plan.txt"))


def sample_config_text() -> str:
    return (resources.files("scheduler") / "data" / "config.toml").read_text(encoding="utf-8")


def _announcement(app: App) -> str:
    """The demo's own bulletin: content for the station's Vietnamese radio, not a message of Loa's."""
    now = app.clock.now().astimezone(app.config.tz)
    return (
        f"{app.config.station.name} thông báo: từ ngày {now:%d/%m/%Y}, UBND xã tiếp nhận hồ sơ TTHC "
        "trực tuyến mức độ 3, 4 trên Cổng dịch vụ công. Bộ phận một cửa làm việc từ 07:30 đến 17:00 "
        "các ngày trong tuần. Mọi thắc mắc xin gọi đường dây nóng 0271.3866.123."
    )


def _queue_demo(app: App, echo: Echo, lang: str) -> list[int]:
    from scheduler.programme.times import format_local
    from scheduler.services.queue import queue_bulletin

    plan_items = [("1", "+3s", "radio"), ("2", "+9s", "radio,facebook")]
    airing_ids: list[int] = []
    queued = queue_bulletin(
        app,
        text=_announcement(app),
        title="Thông báo tiếp nhận hồ sơ trực tuyến",
        at="+6s",
        channels=list(default_channels()),
        origin="demo",
    )
    batches = [queued]
    for ref, at, channels in plan_items:
        batches.append(queue_bulletin(app, item_ref=ref, at=at, channels=channels.split(","), origin="demo"))
    for batch in sorted(batches, key=lambda b: min(a.due_at for a in b.airings)):
        for airing in batch.airings:
            airing_ids.append(airing.id)
            echo(
                text(
                    "demo_queued",
                    lang,
                    id=airing.id,
                    channel=airing.channel,
                    at=format_local(airing.due_at, app.config.tz, "%H:%M:%S"),
                    bulletin=batch.bulletin_id,
                )
            )
    return airing_ids


def _pending(app: App, airing_ids: list[int]) -> int:
    from sqlalchemy import select

    from broadcasts.models import Airing, AiringStatus

    with app.reads() as session:
        return len(
            session.scalars(
                select(Airing.id).where(
                    Airing.id.in_(airing_ids), Airing.status.in_([AiringStatus.pending, AiringStatus.running])
                )
            ).all()
        )


def run_demo(directory: Path, *, lang: str = "vi", timeout: float = 50.0, echo: Echo = print) -> bool:
    """Run the demo in `directory`; True when every queued airing got its record in time."""
    from broadcasts.log import LogQuery
    from scheduler.app import build_app
    from scheduler.cli.output import log_table
    from scheduler.config import load_config
    from scheduler.messages.labels import CHANNEL_LABELS, OUTCOME_LABELS
    from scheduler.programme.times import format_local
    from scheduler.runner import Runner
    from scheduler.services.plans import import_plan
    from scheduler.services.records import read_log

    directory.mkdir(parents=True, exist_ok=True)
    config_file = directory / "config.toml"
    if not config_file.exists():
        config_file.write_text(sample_config_text(), encoding="utf-8")
    config = load_config(config_file)
    lang = lang or config.lang
    with build_app(config) as app:
        echo(text("demo_start", lang, dir=directory.resolve(), station=config.station.name))
        imported = import_plan(app, sample_plan_path())
        key = "demo_plan_again" if imported.duplicate else "demo_plan"
        echo(
            text(
                key,
                lang,
                title=imported.parsed.title,
                items=len(imported.parsed.items),
                channels=", ".join(imported.parsed.channels),
            )
        )
        airing_ids = _queue_demo(app, echo, lang)

        def progress(record: LogRecord) -> None:
            label = OUTCOME_LABELS[lang][record.outcome.value]
            extra = f" — {record.error_message}" if record.error_message else ""
            echo(
                text(
                    "demo_progress",
                    lang,
                    time=format_local(record.finished_at, config.tz, "%H:%M:%S"),
                    id=record.airing_id,
                    channel=record.channel,
                    outcome=label,
                )
                + extra
            )

        runner = Runner(app, observers=[progress])
        runner.start()
        deadline = time.monotonic() + timeout
        try:
            while _pending(app, airing_ids) and time.monotonic() < deadline:
                time.sleep(0.25)
        finally:
            runner.stop(wait=True)
        left = _pending(app, airing_ids)
        records = read_log(app, LogQuery(airing_ids=tuple(airing_ids)))
        echo("")
        echo(log_table(records, config.tz, lang))
        echo("")
        for record in records:
            if record.audio_path:
                echo(
                    text(
                        "demo_audio",
                        lang,
                        path=record.audio_path,
                        seconds=f"{record.audio_seconds or 0:.1f}",
                        sha=(record.audio_sha256 or "")[:16],
                    )
                )
        echo(text("demo_outbox", lang, outbox=config.path(config.channels.radio.folder.outbox).resolve()))
        dry = sorted({r.channel for r in records if r.outcome.value == "dry_run"})
        if dry:
            labels = ", ".join(CHANNEL_LABELS[lang].get(name, name) for name in dry)
            echo(text("demo_dry_run", lang, channels=labels, config=config_file))
        echo(text("demo_next", lang, config=config_file))
        if left:
            echo(text("demo_timeout", lang, left=left, timeout=int(timeout)))
        return left == 0
