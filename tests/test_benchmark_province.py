"""benchmarks/province.py at a tiny size on PostgreSQL: it runs end to end and its last line has the issue's keys."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from benchmarks.province import percentile
from tests.conftest import PG_URL, REPO, require_pg

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the benchmark reads /proc and signals its nodes")

KEYS = {
    "lateness_p99_ms",
    "lateness_max_ms",
    "emergency_p99_ms",
    "node_idle_cpu_percent",
    "node_rss_mb",
    "per_station_rss_mb_today",
}


def test_percentile_is_an_element_of_the_sample():
    assert percentile([5.0, 1.0, 3.0], 50) == 3.0
    assert percentile(list(map(float, range(1, 101))), 99) == 99.0


def test_the_tiny_province_prints_the_figures_last():
    require_pg()
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "province.py"),
            *("--stations", "2", "--airings", "4", "--minutes", "0.05", "--nodes", "2", "--emergencies", "1"),
            *("--idle", "1", "--settle", "0", "--lead", "4", "--drain", "4", "--today", "1", "--today-idle", "1"),
            *("--url", PG_URL),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    last = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(last) >= KEYS
    assert last["lateness_ms"]["count"] + last["airings_without_start_mark"] == 4
    assert set(last["idle"]) == {"n1", "n2"} and all(f["rss_mb"] > 0 for f in last["idle"].values())
    assert last["today"]["processes"] == 1 and last["per_station_rss_mb_today"] > 0
