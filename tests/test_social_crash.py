"""SIGKILL a real `loa run` 50 times while it posts to local Graph, Zalo and WordPress (the portal channel), mails
a local SMTP server and hands slides to the LED board's command: nothing posted, mailed or handed over twice,
nothing lost."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from broadcasts.models import Airing, AiringStatus, LogRecord, Outcome
from scheduler.app import build_app
from scheduler.config import load_config
from scheduler.services.queue import queue_bulletin
from scheduler.services.social import reconcile
from tests.fakes.graph_server import PAGE_ID, GraphServer
from tests.fakes.smtp_server import SmtpServer
from tests.fakes.social import close_app, seed_zalo_token
from tests.fakes.wordpress_server import APP_PASSWORD, USER, WordPressServer
from tests.fakes.zalo_server import APP_ID, APP_SECRET, REFRESH_TOKEN, ZaloServer

pytestmark = [pytest.mark.slow, pytest.mark.skipif(os.name != "posix", reason="SIGKILL crash tests need POSIX signals")]

KILLS = 50
LOA = [sys.executable, "-m", "scheduler"]


def write_config(
    tmp_path: Path, db_url: str, graph: GraphServer, zalo: ZaloServer, wp: WordPressServer, smtp: SmtpServer
) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[station]\nname = "Đài xã Thử"\ncode = "thu"\n[database]\nurl = "{db_url}"\n'
        "[runner]\npoll_seconds = 0.2\nworkers = 4\n"
        '[channels]\nenabled = ["facebook", "zalo", "led", "portal", "email"]\n'
        f'[channels.facebook]\ndry_run = false\npage_id = "{PAGE_ID}"\ngraph_url = "{graph.base}"\n'
        "timeout_seconds = 3.0\n"
        f'[channels.zalo]\ndry_run = false\napp_id = "{APP_ID}"\napi_url = "{zalo.url}"\n'
        f'oauth_url = "{zalo.url}/v4/oa/access_token"\ncover_url = "https://cdn.example.invalid/c.jpg"\n'
        'group_ids = ["g-an-phu-1"]\ntimeout_seconds = 3.0\nverify_interval_seconds = 0.05\n'
        # the LED board: each slide handed to a shell script that appends "key slide count" to a log
        f'[channels.led]\nenabled = true\noutput = "command"\ncommand_timeout_seconds = 5.0\n'
        f'command = ["/bin/sh", "{led_script(tmp_path)}", "{{key}}", "{{slide}}", "{{count}}", "{{file}}"]\n'
        '[channels.portal]\nenabled = true\nbase_url = "http://127.0.0.1/loa/"\n'
        f'[channels.portal.wordpress]\nurl = "{wp.url}"\nuser = "{USER}"\n'
        "timeout_seconds = 3.0\nrecheck_seconds = 0.0\n"
        f'[channels.email]\ndry_run = false\nhost = "127.0.0.1"\nport = {smtp.port}\nsecurity = "plain"\n'
        'from_address = "dai@thu.example"\naudio = "none"\ntimeout_seconds = 3.0\n'
        '[[channels.email.lists]]\nname = "truong-thon"\naddresses = ["a@thu.example", "b@thu.example"]\n',
        encoding="utf-8",
    )
    return path


def led_script(tmp_path: Path) -> Path:
    script = tmp_path / "led-board.sh"
    script.write_text(f'echo "$1 $2 $3" >> "{tmp_path / "led-board.log"}"\n', encoding="utf-8")
    return script


def led_per_key(tmp_path: Path) -> dict[str, float]:
    """1 for an airing whose slides all reached the board, 0.5 for some of them; no slide handed over twice."""
    log = tmp_path / "led-board.log"
    lines = Counter(tuple(line.split()) for line in log.read_text("utf-8").splitlines()) if log.exists() else {}
    assert max(lines.values(), default=0) <= 1, lines
    slides: dict[str, set[int]] = {}
    counts: dict[str, int] = {}
    for key, slide, count in lines:
        slides.setdefault(key, set()).add(int(slide))
        counts[key] = int(count)
    return {key: 1 if got == set(range(1, counts[key] + 1)) else 0.5 for key, got in slides.items()}


def wait_until_running(proc: subprocess.Popen[str], timeout: float = 20.0) -> None:
    """Read the runner's stderr until it says it is running (or the timeout passes)."""
    import select

    assert proc.stderr is not None  # started with stderr=PIPE
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stderr], [], [], 0.1)
        if ready:
            line = proc.stderr.readline()
            if not line or "Ctrl+C" in line:
                return


def pending(app) -> int:
    with app.sessions() as session:
        return session.scalar(select(func.count()).select_from(Airing).where(Airing.status == AiringStatus.pending))


def test_sigkill_while_posting_never_posts_twice_and_loses_nothing(tmp_path, db_url):
    graph, zalo = GraphServer(post_delay=0.04), ZaloServer(post_delay=0.04)
    wp, smtp = WordPressServer(post_delay=0.04), SmtpServer()
    graph.start()
    zalo.start()
    wp.start()
    smtp.start()
    try:
        config_path = write_config(tmp_path, db_url, graph, zalo, wp, smtp)
        config = load_config(config_path)
        access = zalo.issue_access_token()
        zalo.refresh_tokens = {"zalo-refresh-crash-1"}
        seed_zalo_token(config, access, refresh_token="zalo-refresh-crash-1")
        env = {
            **os.environ,
            "PYTHONPATH": os.getcwd(),
            "LOA_FACEBOOK_PAGE_TOKEN": graph_token(graph),
            "LOA_ZALO_APP_SECRET": APP_SECRET,
            "LOA_ZALO_REFRESH_TOKEN": REFRESH_TOKEN,
            "LOA_WORDPRESS_APP_PASSWORD": APP_PASSWORD,
        }
        app = build_app(config)
        rng = random.Random(20261123)
        bulletins = 0
        try:
            for _ in range(KILLS):
                while pending(app) < 4:
                    bulletins += 1
                    queue_bulletin(
                        app,
                        text=f"Bản tin số {bulletins}: UBND xã thông báo lịch tiếp công dân.",
                        at="now",
                        channels=["facebook", "zalo", "led", "portal", "email"],
                    )
                proc = subprocess.Popen(
                    [*LOA, "--config", str(config_path), "run"],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                assert proc.stderr is not None  # stderr=PIPE
                wait_until_running(proc)  # kill while it works, not while it starts (slow on a busy machine)
                time.sleep(rng.uniform(0.1, 0.8))
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=10)
                proc.stderr.close()
            settle = subprocess.run(
                [*LOA, "--config", str(config_path), "run", "--once"],
                env=env,
                capture_output=True,
                text=True,
                timeout=300,  # a hang guard: four channels settle here after fifty kills, beside another worker
            )
            assert settle.returncode == 0, settle.stderr
            reconcile(app)
            with app.sessions() as session:
                airings = {a.id: a for a in session.scalars(select(Airing))}
                logged = list(session.scalars(select(LogRecord).order_by(LogRecord.id)))
        finally:
            close_app(app)
        keys = {a.id: f"thu-{a.due_at.astimezone(config.tz):%Y%m%d-%H%M}-a{a.id}" for a in airings.values()}
        on_server: dict[str, dict[str, float]] = {
            "facebook": dict(graph.per_key()),
            "zalo": dict(zalo.articles_per_key()),
            "led": led_per_key(tmp_path),
            "portal": dict(wp.posts_per_key()),
            "email": dict(smtp.per_key()),
        }
        # never two posts of one airing, on the page, on the OA, or in a group
        assert max(on_server["facebook"].values(), default=0) <= 1, on_server["facebook"]
        assert max(on_server["zalo"].values(), default=0) <= 1, on_server["zalo"]
        assert max(zalo.groups_per_key().values(), default=0) <= 1
        assert list(on_server["led"].values()).count(1) >= KILLS // 4, on_server["led"]  # the board got slides
        assert max(on_server["portal"].values(), default=0) <= 1, on_server["portal"]
        assert not [p for p in wp.posts if re.search(r"-a\d+-\d+$", p["slug"])]  # no "-2" slug: never created twice
        assert wp.posts, "the portal posted nothing between the kills"
        assert max(on_server["email"].values(), default=0) <= 1, on_server["email"]  # no e-mail twice
        # every airing ends with one final record, or awaits reconcile as unknown
        per_airing: dict[int, list[Outcome]] = {}
        for record in logged:
            per_airing.setdefault(record.airing_id, []).append(record.outcome)
        statuses = Counter(a.status for a in airings.values())
        assert set(statuses) <= {AiringStatus.done, AiringStatus.unknown}, statuses
        for airing_id, airing in airings.items():
            outcomes = per_airing.get(airing_id, [])
            finals = [o for o in outcomes if o is not Outcome.unknown]
            if airing.status is AiringStatus.done:
                assert len(finals) == 1 and outcomes[-1] is finals[0], (airing_id, outcomes)
            else:
                assert outcomes and not finals, (airing_id, outcomes)
            posts = on_server[airing.channel].get(keys[airing_id], 0)
            if finals and finals[0] is Outcome.posted:
                assert posts == 1, (airing_id, outcomes)
            elif finals:
                assert posts == 0, (airing_id, outcomes)
        assert statuses[AiringStatus.done] >= KILLS // 2, statuses  # the runs did real work between kills
    finally:
        graph.stop()
        zalo.stop()
        wp.stop()
        smtp.stop()


def graph_token(graph: GraphServer) -> str:
    [token] = graph.tokens
    return token
