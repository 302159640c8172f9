"""A province on one machine: a PostgreSQL database of its own, stations kept as data, real `loa run` nodes.

Shared by `tests/test_province_nodes.py` and `benchmarks/province.py`. Every station has radio zones whose
`command` sink is `marks.sh`: it appends `start <airing key> <wall ns> <pid>` to the zone's marks file,
sleeps a little (0.2-0.5 s, as a short bulletin plays), then appends `end ...` (O_APPEND, one line each).
So what the sinks really did is read back from the marks, not from what the runner says it did.

Airings are inserted with SQLAlchemy core (thousands through `queue_bulletin` would take minutes), as
`queue_bulletin` writes them: an approved bulletin, one radio airing per zone with its zone set.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert
from sqlalchemy.engine import make_url

from broadcasts.models import Airing, AiringStatus, Approval, Bulletin, BulletinKind, Priority, Station

ROOT = Path(__file__).resolve().parents[1]
LOA = [sys.executable, "-m", "scheduler"]
READY = ("Timers set for", "Đã hẹn giờ")
ZONES = ("a", "b")
TEXT = "UBND xã thông báo lịch tiếp công dân tháng này."

MARKS_SH = """#!/bin/sh
# $1: the zone's marks file; $2: the MP3 the runner hands over (its name is the airing's key)
k=${2##*/}
k=${k%.mp3}
echo "start $k $(date +%s%N) $$" >> "$1"
sleep 0.$(( $$ % 4 + 2 ))
echo "end $k $(date +%s%N) $$" >> "$1"
"""


def admin_conninfo(base_url: str) -> str:
    from broadcasts.wakeups import conninfo

    return conninfo(base_url)


@contextmanager
def own_database(base_url: str, prefix: str) -> Iterator[str]:
    """A fresh PostgreSQL database next to `base_url`'s (CREATE DATABASE), dropped at the end (WITH FORCE)."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = admin_conninfo(base_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(base_url).set(database=name, query={}).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def write_deployment(
    folder: Path, url: str, *, lease: float, heartbeat: float, poll: float, stations: str = '["*"]'
) -> Path:
    """The deployment's config file (no [station] table: every station is data), and marks.sh beside it."""
    (folder / "marks").mkdir(parents=True, exist_ok=True)
    (folder / "marks.sh").write_text(MARKS_SH, encoding="utf-8")
    text = f"""
[database]
url = "{url}"

[runner]
poll_seconds = {poll}
lease_seconds = {int(lease)}
heartbeat_seconds = {heartbeat}
stations = {stations}
"""
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def marks_file(folder: Path, code: str, zone: str) -> Path:
    return folder / "marks" / f"{code}.{zone}.txt"


def station_settings(
    folder: Path, code: str, zones: Sequence[str] = ZONES, render_lead: float | None = None
) -> dict[str, Any]:
    """A station's own tables: the radio only, one `command` sink per zone writing its own marks file;
    `render_lead`: its `render_lead_seconds` (None: the default)."""
    script = folder / "marks.sh"
    lead = {} if render_lead is None else {"render_lead_seconds": render_lead}
    return {
        "channels": {
            "enabled": ["radio"],
            "radio": {
                **lead,
                "zones": {
                    zone: {
                        "sink": "command",
                        "command": {"command": f"sh {script} {marks_file(folder, code, zone)} {{file}}"},
                    }
                    for zone in zones
                },
            },
        }
    }


def add_stations(
    engine: Engine, folder: Path, count: int, zones: Sequence[str] = ZONES, render_lead: float | None = None
) -> dict[int, str]:
    """`count` active stations kept as data (`xa-001`..): their ids and codes."""
    now = datetime.now(UTC)
    rows = [
        {
            "code": f"xa-{n:03d}",
            "name": f"Đài truyền thanh xã Số {n}",
            "timezone": "Asia/Ho_Chi_Minh",
            "settings": station_settings(folder, f"xa-{n:03d}", zones, render_lead),
            "active": True,
            "created_at": now,
            "updated_at": now,
        }
        for n in range(1, count + 1)
    ]
    with engine.begin() as conn:
        result = conn.execute(insert(Station).returning(Station.id, Station.code), rows)
        return {row.id: row.code for row in result}


def add_airings(
    engine: Engine,
    stations: Sequence[int],
    count: int,
    *,
    first: datetime,
    spread: float,
    zones: Sequence[str] = ZONES,
    seed: int = 17,
) -> list[int]:
    """About `count` radio airings (one bulletin per len(zones) airings), due from `first` over `spread`
    seconds, stations drawn at random; the ids of the airings."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    bulletins = max(1, count // len(zones))
    dues = sorted(first + timedelta(seconds=rng.uniform(0, spread)) for _ in range(bulletins))
    owners = [stations[rng.randrange(len(stations))] for _ in range(bulletins)]
    with engine.begin() as conn:
        ids = conn.execute(
            insert(Bulletin).returning(Bulletin.id, sort_by_parameter_order=True),
            [
                {
                    "station_id": station,
                    "title": "Thông báo",
                    "body": TEXT,
                    "priority": Priority.normal,
                    "approval": Approval.approved,
                    "origin": "operator",
                    "kind": BulletinKind.speech,
                    "created_at": now,
                }
                for station in owners
            ],
        ).scalars()
        airings = [
            {
                "bulletin_id": bulletin,
                "station_id": station,
                "channel": "radio",
                "due_at": due,
                "zone": zone,
                "status": AiringStatus.pending,
                "attempts": 0,
                "created_at": now,
            }
            for bulletin, station, due in zip(list(ids), owners, dues, strict=True)
            for zone in zones
        ]
        return list(conn.execute(insert(Airing).returning(Airing.id, sort_by_parameter_order=True), airings).scalars())


@dataclass
class NodeProcess:
    """One `loa run` subprocess named `name` (LOA_NODE), its stderr kept in `log`."""

    name: str
    proc: subprocess.Popen[str]
    log: Path
    ready: threading.Event = field(default_factory=threading.Event)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def signal(self, sig: signal.Signals) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM, then SIGKILL if it does not end within `timeout`."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        with suppress(subprocess.TimeoutExpired):
            self.proc.wait(10)
        if self.proc.stderr is not None:
            self.proc.stderr.close()

    def tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(encoding="utf-8")[-chars:]
        except OSError:
            return ""


def start_node(
    config: Path, name: str, *, env: dict[str, str] | None = None, argv: Sequence[str] | None = None
) -> NodeProcess:
    """`loa run` as node `name`, in the config's folder (all nodes of one machine share its files); `argv`
    instead of `python -m scheduler` (e.g. under cProfile)."""
    environ = {**os.environ, "PYTHONPATH": str(ROOT), "LOA_NODE": name, **(env or {})}
    log = config.parent / f"{name}.log"
    proc = subprocess.Popen(
        [*(argv or LOA), "--config", str(config), "run"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=environ,
        cwd=config.parent,
    )
    node = NodeProcess(name=name, proc=proc, log=log)

    def read() -> None:
        assert proc.stderr is not None
        with log.open("w", encoding="utf-8") as out:
            for line in proc.stderr:
                out.write(line)
                out.flush()
                if any(word in line for word in READY):
                    node.ready.set()

    threading.Thread(target=read, daemon=True).start()
    return node


@dataclass(frozen=True)
class Mark:
    kind: str  # start | end
    key: str
    ns: int
    pid: int

    @property
    def airing_id(self) -> int:
        return int(self.key.rsplit("-a", 1)[1])


def read_marks(folder: Path) -> dict[str, list[Mark]]:
    """Every zone's marks (`<code>.<zone>` -> marks in file order); a torn last line is left out."""
    zones: dict[str, list[Mark]] = {}
    for path in sorted((folder / "marks").glob("*.txt")):
        marks = []
        for line in path.read_text(encoding="utf-8").splitlines():
            words = line.split()
            if len(words) == 4 and words[0] in ("start", "end"):
                marks.append(Mark(words[0], words[1], int(words[2]), int(words[3])))
        zones[path.stem] = marks
    return zones


def overlaps(zones: dict[str, list[Mark]]) -> list[tuple[str, Mark, list[Mark]]]:
    """Where a zone had two airings between start and end at once, from its marks sorted by time: the zone,
    the start mark, and the starts of what was playing then."""
    found = []
    for zone, marks in zones.items():
        playing: dict[tuple[str, int], Mark] = {}
        for mark in sorted(marks, key=lambda m: (m.ns, m.kind == "start")):  # an end before a start at one ns
            ident = (mark.key, mark.pid)
            if mark.kind == "start":
                if playing:
                    found.append((zone, mark, sorted(playing.values(), key=lambda m: m.ns)))
                playing[ident] = mark
            else:
                playing.pop(ident, None)
    return found


def starts(zones: dict[str, list[Mark]]) -> dict[int, list[Mark]]:
    """The start marks of every airing, by airing id."""
    by_airing: dict[int, list[Mark]] = defaultdict(list)
    for marks in zones.values():
        for mark in marks:
            if mark.kind == "start":
                by_airing[mark.airing_id].append(mark)
    return by_airing


def wait_until(predicate: Any, timeout: float, pause: float = 0.5) -> bool:
    """Call `predicate` until it is true or `timeout` seconds pass; whether it became true."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(pause)
