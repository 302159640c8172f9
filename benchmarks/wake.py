"""Emergency latency: `loa queue --priority emergency --at now` to the first audio at the sink, woken or polling.

Runs a real `loa run` subprocess on PostgreSQL (a database of its own, dropped at the end) whose radio
plays through the `command` sink: a `sh -c` that appends the time it starts to a marks file, so "first
audio" is the sink's own start mark. Each round sends N emergencies, one after the other (each waits for
its mark, then a random pause so the sends fall anywhere in the poll period), with `[runner] listen = true`
(LISTEN/NOTIFY wake-ups) and again with `listen = false` (polling every `poll_seconds` only).

Two latencies per emergency: from the launch of `loa queue` (what the operator waits, including the CLI's
own start-up) and from the bulletin's `created_at` (taken in `loa queue` just before its transaction
commits, so it is the wake-up path alone: notify, listen, sync, claim, speech, sink). Prints a JSON line last.

    python benchmarks/wake.py [--count 20] [--poll 2.0] [--url postgresql+psycopg://postgres@127.0.0.1/test]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from broadcasts.wakeups import conninfo  # noqa: E402

LOA = [sys.executable, "-m", "scheduler"]
READY = ("Timers set for", "Đã hẹn giờ")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def write_config(folder: Path, url: str, marks: Path, *, poll: float, listen: bool) -> Path:
    command = f"sh -c 'echo \"$(date +%s.%N) $0\" >> {marks}' {{file}}"
    text = f"""
[station]
name = "Đài truyền thanh xã Thử Nghiệm"
code = "thu-nghiem"
language = "en"

[database]
url = "{url}"

[runner]
poll_seconds = {poll}
listen = {"true" if listen else "false"}

[channels]
enabled = ["radio"]

[channels.radio]
sink = "command"

[channels.radio.command]
command = {json.dumps(command)}
"""
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def start_runner(config: Path, log: Path) -> tuple[subprocess.Popen[str], threading.Event]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [*LOA, "--config", str(config), "run"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=config.parent,
    )
    ready = threading.Event()

    def read() -> None:
        assert proc.stderr is not None
        with log.open("w", encoding="utf-8") as out:
            for line in proc.stderr:
                out.write(line)
                out.flush()
                if any(word in line for word in READY):
                    ready.set()

    threading.Thread(target=read, daemon=True).start()
    return proc, ready


def wait_for_mark(marks: Path, count: int, timeout: float) -> float:
    """The start time of the `count`-th mark, waiting for it at most `timeout` seconds."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while time.monotonic() < deadline:
        if marks.exists():
            lines = marks.read_text(encoding="utf-8").splitlines()
            if len(lines) >= count:
                return float(lines[count - 1].split()[0])
        pause.wait(0.005)
    raise TimeoutError(f"no sink mark #{count} within {timeout} s (see the runner's log)")


def moments(url: str, bulletin_id: int) -> tuple[float, float]:
    """When the bulletin was created (just before its commit) and when the runner started its airing
    (its log record is written once the sink has played: wait for it)."""
    deadline = time.monotonic() + 60
    pause = threading.Event()
    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        while True:
            row = conn.execute(
                "SELECT b.created_at, min(r.started_at) FROM bulletins b JOIN log_records r ON r.bulletin_id = b.id"
                " WHERE b.id = %s GROUP BY b.created_at",
                (bulletin_id,),
            ).fetchone()
            if row is not None and row[1] is not None:
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"no log record for bulletin {bulletin_id}")
            pause.wait(0.02)
    created: datetime = row[0]
    started: datetime = row[1]
    return created.timestamp(), started.timestamp()


def one_round(base_url: str, *, count: int, poll: float, listen: bool, seed: int) -> dict[str, Any]:
    admin = conninfo(base_url)
    name = f"loa_bench_wake_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(base_url).set(database=name).render_as_string(hide_password=False)
    rng = random.Random(seed)
    try:
        with tempfile.TemporaryDirectory(prefix="loa-wake-") as tmp:
            folder = Path(tmp)
            marks = folder / "marks.txt"
            config = write_config(folder, url, marks, poll=poll, listen=listen)
            proc, ready = start_runner(config, folder / "run.log")
            try:
                if not ready.wait(60):
                    raise RuntimeError("loa run did not get ready: " + (folder / "run.log").read_text()[-2000:])
                threading.Event().wait(1.0)  # the listener connects right after the timers
                from_launch: list[float] = []
                from_commit: list[float] = []
                cli: list[float] = []
                to_start: list[float] = []  # commit -> the runner starts the airing (before speech and sink)
                env = {**os.environ, "PYTHONPATH": str(ROOT)}
                for i in range(1, count + 1):
                    threading.Event().wait(rng.uniform(0.2, poll + 0.2))  # anywhere in the poll period
                    launched = time.time()
                    done = subprocess.run(
                        [
                            *LOA,
                            *("--config", str(config), "queue", "--priority", "emergency", "--at", "now"),
                            *("--channels", "radio", "--json", "--text", f"Tin khẩn cấp số {i}: nước lũ lên nhanh."),
                        ],
                        capture_output=True,
                        text=True,
                        timeout=60,
                        env=env,
                        cwd=folder,
                    )
                    returned = time.time()
                    if done.returncode != 0:
                        raise RuntimeError(f"loa queue failed: {done.stderr.strip()[-500:]}")
                    bulletin = json.loads(done.stdout)["bulletin_id"]
                    mark = wait_for_mark(marks, i, timeout=poll * 3 + 60)
                    from_launch.append((mark - launched) * 1000)
                    created, started = moments(url, bulletin)
                    from_commit.append((mark - created) * 1000)
                    to_start.append((started - created) * 1000)
                    cli.append((returned - launched) * 1000)
            finally:
                proc.terminate()
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(10)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def figures(values: list[float]) -> dict[str, float]:
        return {
            "p50": round(statistics.median(values), 1),
            "p99": round(percentile(values, 99), 1),
            "max": round(max(values), 1),
        }

    return {
        "listen": listen,
        "count": count,
        "from_queue_launch_ms": figures(from_launch),
        "from_commit_ms": figures(from_commit),
        "commit_to_runner_start_ms": figures(to_start),
        "loa_queue_ms": figures(cli),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--poll", type=float, default=2.0, help="runner.poll_seconds (the sample config's value)")
    parser.add_argument(
        "--url", default=os.environ.get("LOA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1/test")
    )
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    rounds = [
        one_round(args.url, count=args.count, poll=args.poll, listen=listen, seed=args.seed) for listen in (True, False)
    ]
    for result in rounds:
        mode = "LISTEN/NOTIFY" if result["listen"] else f"polling every {args.poll:g} s"
        a, c, q = result["from_queue_launch_ms"], result["from_commit_ms"], result["loa_queue_ms"]
        r = result["commit_to_runner_start_ms"]
        print(
            f"{mode:>24}: send -> sink p50 {a['p50']:.0f} ms, p99 {a['p99']:.0f} ms, max {a['max']:.0f} ms;"
            f" commit -> sink p50 {c['p50']:.0f} ms, p99 {c['p99']:.0f} ms;"
            f" commit -> runner start p50 {r['p50']:.0f} ms, p99 {r['p99']:.0f} ms;"
            f" loa queue itself p50 {q['p50']:.0f} ms"
        )
    woken, polled = rounds
    print(
        json.dumps(
            {
                "count": args.count,
                "poll_seconds": args.poll,
                "emergency_p50_ms": woken["from_queue_launch_ms"]["p50"],
                "emergency_p99_ms": woken["from_queue_launch_ms"]["p99"],
                "emergency_commit_p50_ms": woken["from_commit_ms"]["p50"],
                "emergency_commit_p99_ms": woken["from_commit_ms"]["p99"],
                "emergency_runner_start_p50_ms": woken["commit_to_runner_start_ms"]["p50"],
                "emergency_runner_start_p99_ms": woken["commit_to_runner_start_ms"]["p99"],
                "polling_runner_start_p50_ms": polled["commit_to_runner_start_ms"]["p50"],
                "polling_runner_start_p99_ms": polled["commit_to_runner_start_ms"]["p99"],
                "polling_p50_ms": polled["from_queue_launch_ms"]["p50"],
                "polling_p99_ms": polled["from_queue_launch_ms"]["p99"],
                "polling_commit_p50_ms": polled["from_commit_ms"]["p50"],
                "polling_commit_p99_ms": polled["from_commit_ms"]["p99"],
                "loa_queue_p50_ms": woken["loa_queue_ms"]["p50"],
                "rounds": rounds,
            }
        )
    )


if __name__ == "__main__":
    main()
