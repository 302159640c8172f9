"""A province on one machine: N runner nodes serving every station of one PostgreSQL, against today's way.

On a PostgreSQL database of its own (dropped at the end): `--stations` stations kept as data, two radio
zones each, whose `command` sinks write a start mark (wall clock, ns) when they are handed a bulletin
(benchmarks/provincefleet.py); `--nodes` real `loa run` processes (LOA_NODE=n1..) with `[runner] stations
= ["*"]`. Measured, in order:

1. idle: CPU % (utime + stime from /proc/<pid>/stat over `--idle` seconds), RSS (VmRSS) and PostgreSQL
   connections (pg_stat_activity rows whose client port is one of the node's sockets) of each node;
2. load: `--airings` radio airings due over `--minutes`, inserted as `queue_bulletin` writes them; start
   lateness = the sink's start mark minus due_at, p50/p99/max across all stations; `--emergencies`
   emergencies sent meanwhile through the queue service (the station's App built from its row, as a node
   builds it; the send also notifies the nodes), latency = the send to the first start mark of its airings;
3. today's way: `--today` stations, each its own config file and `loa run` process, idle: RSS and
   connections per process, extrapolated to `--stations`.

`--profile DIR` runs each node under cProfile (DIR/<node>.prof, written when it is stopped).
The last line is one JSON object.

    python benchmarks/province.py [--stations 200] [--airings 20000] [--minutes 10] [--nodes 3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text  # noqa: E402

from benchmarks import provincefleet as fleet  # noqa: E402
from broadcasts.models import Airing, Station  # noqa: E402
from broadcasts.store import open_store  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def figures(values: list[float]) -> dict[str, float]:
    if not values:
        return {"count": 0, "p50": float("nan"), "p99": float("nan"), "max": float("nan")}
    return {
        "count": len(values),
        "p50": round(statistics.median(values), 1),
        "p99": round(percentile(values, 99), 1),
        "max": round(max(values), 1),
    }


# ---- /proc --------------------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14 and 15)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def local_ports(pid: int) -> set[int]:
    """The local TCP ports of `pid`'s sockets (/proc/<pid>/fd and /proc/net/tcp*)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            words = line.split()
            if len(words) > 9 and words[9] in inodes:
                ports.add(int(words[1].rsplit(":", 1)[1], 16))
    return ports


def connections(engine: Any, database: str, pids: dict[str, int]) -> dict[str, int]:
    """PostgreSQL backends of `database` per process, matched by client port."""
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT client_port FROM pg_stat_activity WHERE datname = :d AND client_port IS NOT NULL"),
            {"d": database},
        ).all()
    seen = [row[0] for row in rows]
    counts = {}
    for name, pid in pids.items():
        try:
            ports = local_ports(pid)
        except OSError:
            counts[name] = 0
            continue
        counts[name] = sum(port in ports for port in seen)
    return counts


def idle_figures(engine: Any, database: str, pids: dict[str, int], seconds: float) -> dict[str, dict[str, float]]:
    """CPU %, RSS and connections of each process over `seconds` of nothing due."""
    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    started = time.monotonic()
    peak: dict[str, int] = dict.fromkeys(pids, 0)
    while time.monotonic() - started < seconds:
        for name, n in connections(engine, database, pids).items():
            peak[name] = max(peak[name], n)
        time.sleep(min(5.0, max(0.1, seconds - (time.monotonic() - started))))
    elapsed = time.monotonic() - started
    return {
        name: {
            "cpu_percent": round((cpu_seconds(pid) - before[name]) / elapsed * 100, 2),
            "rss_mb": round(rss_mb(pid), 1),
            "connections": peak[name],
        }
        for name, pid in pids.items()
    }


# ---- the province -------------------------------------------------------------------------------------


def node_env(profile: Path | None, name: str) -> list[str] | None:
    if profile is None:
        return None
    out = profile / f"{name}.prof"
    code = (
        "import cProfile, runpy, sys; sys.argv = ['loa', *sys.argv[1:]];"
        f' cProfile.run(\'runpy.run_module("scheduler", run_name="__main__")\', {str(out)!r})'
    )
    return [sys.executable, "-c", code]


def send_emergencies(url: str, config: Path, station_ids: list[int], moments: list[float]) -> list[dict[str, Any]]:
    """At each wall instant of `moments`, an emergency at a random station through the queue service."""
    from scheduler.app import build_app
    from scheduler.config import load_config
    from scheduler.config.stations import station_config
    from scheduler.services.queue import queue_bulletin

    base = load_config(config)
    rng = random.Random(39)
    sent = []
    apps: dict[int, Any] = {}
    engine, sessions = open_store(url)
    try:
        for i, moment in enumerate(moments, start=1):
            station_id = station_ids[rng.randrange(len(station_ids))]
            if station_id not in apps:
                with sessions() as session:
                    row = session.get(Station, station_id)
                    assert row is not None
                    cfg = station_config(base, row.settings, code=row.code, name=row.name, timezone=row.timezone)
                apps[station_id] = build_app(cfg, station_id=station_id, store=(engine, sessions), node="bench")
            time.sleep(max(0.0, moment - time.time()))
            at = time.time()
            queued = queue_bulletin(
                apps[station_id],
                text=f"Tin khẩn cấp số {i}: nước lũ lên nhanh, bà con di dời ngay.",
                priority="emergency",
                at="now",
                channels=["radio"],
            )
            sent.append({"sent": at, "airings": [a.id for a in queued.airings]})
    finally:
        for app in apps.values():
            app.close()
        engine.dispose()
    return sent


def start_nodes(config: Path, count: int, profile: Path | None, timeout: float) -> list[fleet.NodeProcess]:
    nodes = []
    for n in range(1, count + 1):
        name = f"n{n}"
        nodes.append(fleet.start_node(config, name, argv=node_env(profile, name)))
    for node in nodes:
        if not node.ready.wait(timeout):
            raise RuntimeError(f"{node.name} did not get ready:\n{node.tail()}")
    return nodes


def province(args: argparse.Namespace, url: str, folder: Path) -> dict[str, Any]:
    engine, sessions = open_store(url)
    database = engine.url.database or ""
    nodes: list[fleet.NodeProcess] = []
    try:
        stations = fleet.add_stations(engine, folder, args.stations)
        config = fleet.write_deployment(folder, url, lease=args.lease, heartbeat=1.0, poll=args.poll)
        profile = Path(args.profile).resolve() if args.profile else None
        if profile is not None:
            profile.mkdir(parents=True, exist_ok=True)
        nodes = start_nodes(config, args.nodes, profile, timeout=120)
        pids = {node.name: node.pid for node in nodes}
        time.sleep(args.settle)  # the first programme layouts and the listeners
        print(f"idle: {args.idle:g} s, {args.nodes} nodes, {args.stations} stations", file=sys.stderr)
        idle = idle_figures(engine, database, pids, args.idle)
        first = datetime.now(UTC) + timedelta(seconds=args.lead)
        spread = args.minutes * 60
        ids = fleet.add_airings(engine, list(stations), args.airings, first=first, spread=spread)
        with sessions() as session:
            due = dict(session.execute(select(Airing.id, Airing.due_at).where(Airing.id.in_(ids))).all())
        print(f"load: {len(ids)} airings due from {first:%H:%M:%S} over {spread:g} s", file=sys.stderr)
        rng = random.Random(20)
        moments = sorted(first.timestamp() + rng.uniform(0.05, 0.95) * spread for _ in range(args.emergencies))
        sent: list[dict[str, Any]] = []
        sender = threading.Thread(
            target=lambda: sent.extend(send_emergencies(url, config, list(stations), moments)), daemon=True
        )
        sender.start()
        busy: dict[str, dict[str, float]] = {n.name: {"rss_mb": 0.0, "connections": 0} for n in nodes}
        cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
        load_started = time.monotonic()
        end = first.timestamp() + spread + args.drain
        while time.time() < end:
            for name, n in connections(engine, database, pids).items():
                busy[name]["connections"] = max(busy[name]["connections"], n)
            for name, pid in pids.items():
                busy[name]["rss_mb"] = max(busy[name]["rss_mb"], round(rss_mb(pid), 1))
            time.sleep(5.0)
        load_seconds = time.monotonic() - load_started
        for name, pid in pids.items():
            busy[name]["cpu_percent"] = round((cpu_seconds(pid) - cpu_before[name]) / load_seconds * 100, 1)
        sender.join(60)
    finally:
        for node in nodes:  # all at once: each finishes what it holds
            node.signal(signal.SIGTERM)
        for node in nodes:
            node.stop(timeout=60)
        engine.dispose()
    zones = fleet.read_marks(folder)
    starts = fleet.starts(zones)
    lateness = [(min(m.ns for m in starts[a]) / 1e9 - due[a].timestamp()) * 1000 for a in ids if a in starts]
    emergency = [
        (min(m.ns for a in e["airings"] for m in starts.get(a, [])) / 1e9 - e["sent"]) * 1000
        for e in sent
        if any(a in starts for a in e["airings"])
    ]
    return {
        "idle": idle,
        "load": busy,
        "lateness_ms": figures(lateness),
        "airings_without_start_mark": len(ids) - len(lateness),
        "emergency_ms": figures(emergency),
        "emergencies_sent": len(sent),
        "overlapping_zone_starts": len(fleet.overlaps(zones)),  # two airings at once on a zone
    }


def today_config(folder: Path, url: str, code: str, poll: float) -> Path:
    """One station's own config file, as a commune's install is today: its [station] and its two zones."""
    place = folder / code
    place.mkdir(parents=True)
    (folder / "marks").mkdir(exist_ok=True)
    (folder / "marks.sh").write_text(fleet.MARKS_SH, encoding="utf-8")
    zones = fleet.station_settings(folder, code)["channels"]["radio"]["zones"]
    lines = [
        f'[station]\nname = "Đài xã {code}"\ncode = "{code}"\n',
        f'[database]\nurl = "{url}"\n',
        f"[runner]\npoll_seconds = {poll}\n",
        '[channels]\nenabled = ["radio"]\n',
    ]
    for zone, table in zones.items():
        lines.append(f'[channels.radio.zones.{zone}]\nsink = "command"\n')
        lines.append(f"[channels.radio.zones.{zone}.command]\ncommand = {json.dumps(table['command']['command'])}\n")
    path = place / "config.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def todays_way(args: argparse.Namespace, url: str, folder: Path) -> dict[str, Any]:
    engine, _ = open_store(url)
    database = engine.url.database or ""
    procs: list[fleet.NodeProcess] = []
    try:
        for n in range(1, args.today + 1):
            config = today_config(folder, url, f"hom-nay-{n:02d}", args.poll)
            procs.append(fleet.start_node(config, f"today-{n:02d}"))
        for proc in procs:
            if not proc.ready.wait(120):
                raise RuntimeError(f"{proc.name} did not get ready:\n{proc.tail()}")
        time.sleep(args.settle)
        pids = {p.name: p.pid for p in procs}
        figures_ = idle_figures(engine, database, pids, args.today_idle)
    finally:
        for proc in procs:
            proc.signal(signal.SIGTERM)
        for proc in procs:
            proc.stop(timeout=30)
        engine.dispose()
    rss = [f["rss_mb"] for f in figures_.values()]
    conns = [f["connections"] for f in figures_.values()]
    cpu = [f["cpu_percent"] for f in figures_.values()]
    per_rss = round(statistics.mean(rss), 1)
    return {
        "processes": len(procs),
        "per_station_rss_mb": per_rss,
        "per_station_connections": round(statistics.mean(conns), 2),
        "per_station_idle_cpu_percent": round(statistics.mean(cpu), 2),
        "extrapolated_rss_mb": round(per_rss * args.stations, 1),
        "extrapolated_connections": round(statistics.mean(conns) * args.stations),
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stations", type=int, default=200)
    parser.add_argument("--airings", type=int, default=20_000)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--nodes", type=int, default=3)
    parser.add_argument("--emergencies", type=int, default=20)
    parser.add_argument("--idle", type=float, default=60.0, help="seconds of idle measurement before the load")
    parser.add_argument("--settle", type=float, default=10.0, help="seconds after start-up before measuring")
    parser.add_argument("--lead", type=float, default=60.0, help="the first airing is due this long after insert")
    parser.add_argument("--drain", type=float, default=30.0, help="seconds after the last due before stopping")
    parser.add_argument("--poll", type=float, default=2.0)
    parser.add_argument("--lease", type=float, default=30.0)
    parser.add_argument("--today", type=int, default=10, help="stations run today's way (0: skip)")
    parser.add_argument("--today-idle", type=float, default=20.0)
    parser.add_argument("--profile", default="", help="a folder: run each node under cProfile")
    parser.add_argument(
        "--url", default=os.environ.get("LOA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1/test")
    )
    return parser.parse_args(argv)


def result_line(measured: dict[str, Any], today: dict[str, Any] | None) -> dict[str, Any]:
    idle = measured["idle"]
    return {
        "lateness_p50_ms": measured["lateness_ms"]["p50"],
        "lateness_p99_ms": measured["lateness_ms"]["p99"],
        "lateness_max_ms": measured["lateness_ms"]["max"],
        "emergency_p50_ms": measured["emergency_ms"]["p50"],
        "emergency_p99_ms": measured["emergency_ms"]["p99"],
        "node_idle_cpu_percent": max(f["cpu_percent"] for f in idle.values()),
        "node_rss_mb": max(f["rss_mb"] for f in idle.values()),
        "node_connections": max(f["connections"] for f in idle.values()),
        "per_station_rss_mb_today": today["per_station_rss_mb"] if today else None,
        **measured,
        "today": today,
    }


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    with (
        tempfile.TemporaryDirectory(prefix="loa-province-") as tmp,
        fleet.own_database(args.url, "loa_bench_province") as url,
    ):
        folder = Path(tmp)
        measured = province(args, url, folder / "province")
        today = todays_way(args, url, folder / "today") if args.today > 0 else None
    late, em = measured["lateness_ms"], measured["emergency_ms"]
    print(
        f"{args.nodes} nodes, {args.stations} stations, {measured['lateness_ms']['count']} airings started:"
        f" lateness p50 {late['p50']} ms, p99 {late['p99']} ms, max {late['max']} ms;"
        f" emergency p50 {em['p50']} ms, p99 {em['p99']} ms ({em['count']} of {measured['emergencies_sent']})",
        file=sys.stderr,
    )
    for name, f in measured["idle"].items():
        print(
            f"  {name} idle: {f['cpu_percent']}% CPU, {f['rss_mb']} MB, {f['connections']} connections", file=sys.stderr
        )
    if today:
        print(
            f"  today's way: {today['per_station_rss_mb']} MB and {today['per_station_connections']} connections"
            f" per station; {today['extrapolated_rss_mb']} MB for {args.stations}",
            file=sys.stderr,
        )
    print(json.dumps(result_line(measured, today)))


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # the finally blocks stop the nodes and drop the database
    main()
