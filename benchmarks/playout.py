"""Playout timing: queue many airings over the coming minutes and measure how late they start.

Runs the real Runner (APScheduler timers, database claims, log records) with
an instant channel, so what is measured is Loa's own scheduling: start
lateness (playout start minus due time) at p50/p99/max, the time to rebuild
the timers from the database at start, and the runner's CPU while idle.
Prints a JSON line last.

    python benchmarks/playout.py [--airings 10000] [--spread 600] [--url sqlite:///...]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select

from broadcasts.channels import channel_names
from broadcasts.channels.base import Broadcast, Delivery
from broadcasts.models import Airing, AiringStatus, Approval, Bulletin, LogRecord, Outcome, Priority
from scheduler.app import build_app
from scheduler.config import parse_config
from scheduler.runner import Runner

NAMES = channel_names()


class InstantChannel:
    """Plays nothing, at once: isolates the scheduler from audio work."""

    def __init__(self, name: str) -> None:
        self.name = name

    def publish(self, broadcast: Broadcast) -> Delivery:
        return Delivery(outcome=Outcome.aired)

    def recover(self, broadcast: Broadcast) -> Delivery | None:
        return None


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--airings", type=int, default=10_000)
    parser.add_argument("--spread", type=float, default=600.0, help="seconds over which the airings are due")
    parser.add_argument("--lead", type=float, default=15.0, help="seconds before the first is due")
    parser.add_argument("--url", default=None)
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of idle CPU measurement")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="loa-playout-"))
    url = args.url or f"sqlite:///{folder / 'loa.db'}"
    config = parse_config(
        {
            "station": {"name": "Bench", "code": "bench"},
            "database": {"url": url},
            "runner": {"poll_seconds": 1.0, "workers": 4},
            "channels": {"enabled": list(NAMES), "radio": {"grace_minutes": 60.0}},
        },
        source="<benchmark>",
        base_dir=folder,
    )
    channels = {name: InstantChannel(name) for name in NAMES}
    app = build_app(config, channels=channels)
    now = datetime.now(UTC)
    first_due = now + timedelta(seconds=args.lead)
    with app.sessions.begin() as session:
        bulletin = Bulletin(
            station_id=app.station_id,
            title="bench",
            body="bench",
            priority=Priority.normal,
            approval=Approval.approved,
            origin="benchmark",
            created_at=now,
        )
        session.add(bulletin)
        session.flush()
        names = list(NAMES)
        rows = [
            {
                "bulletin_id": bulletin.id,
                "station_id": app.station_id,
                "channel": names[i % 3],
                "due_at": first_due + timedelta(seconds=args.spread * i / max(args.airings - 1, 1)),
                "status": AiringStatus.pending,
                "attempts": 0,
                "created_at": now,
            }
            for i in range(args.airings)
        ]
        for i in range(0, len(rows), 2000):
            session.execute(insert(Airing), rows[i : i + 2000])
    print(f"queued {args.airings} airings due over {args.spread:.0f} s from {first_due:%H:%M:%S} UTC", flush=True)

    runner = Runner(app)
    started = time.perf_counter()
    runner.start()
    runner.ready.wait()  # the first sync: recover, materialize, timers for the near future
    rebuild_s = time.perf_counter() - started
    print(
        f"timers rebuilt in {rebuild_s:.2f} s (airings due within {runner.timer_window().total_seconds():.0f} s"
        " get a timer; the rest as they come near)",
        flush=True,
    )

    deadline = time.monotonic() + args.lead + args.spread + 120
    while time.monotonic() < deadline:
        with app.sessions() as session:
            left = session.scalar(select(Airing.id).where(Airing.status != AiringStatus.done).limit(1))
        if left is None:
            break
        time.sleep(1.0)
    before = resource.getrusage(resource.RUSAGE_SELF)
    time.sleep(args.idle)
    after = resource.getrusage(resource.RUSAGE_SELF)
    runner.stop()
    idle_cpu = 100 * ((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) / args.idle

    with app.sessions() as session:
        records = session.execute(select(LogRecord.started_at, LogRecord.due_at, LogRecord.channel)).all()
    app.close()
    lateness_ms = [(r.started_at - r.due_at).total_seconds() * 1000 for r in records if r.started_at]
    radio_ms = [
        (r.started_at - r.due_at).total_seconds() * 1000 for r in records if r.started_at and r.channel == "radio"
    ]
    result = {
        "airings": args.airings,
        "recorded": len(records),
        "backend": app.engine.dialect.name,
        "lateness_p50_ms": round(percentile(lateness_ms, 0.50), 2),
        "lateness_p99_ms": round(percentile(lateness_ms, 0.99), 2),
        "lateness_max_ms": round(max(lateness_ms), 2),
        "radio_lateness_p99_ms": round(percentile(radio_ms, 0.99), 2),
        "rebuild_s": round(rebuild_s, 3),
        "idle_cpu_percent": round(idle_cpu, 2),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
